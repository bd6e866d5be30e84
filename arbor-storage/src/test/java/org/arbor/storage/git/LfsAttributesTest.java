package org.arbor.storage.git;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LfsAttributesTest {
  /** The .gitattributes huggingface_hub writes into every new repository (abridged). */
  private static final String HUB_DEFAULT = """
      *.7z filter=lfs diff=lfs merge=lfs -text
      *.bin filter=lfs diff=lfs merge=lfs -text
      *.h5 filter=lfs diff=lfs merge=lfs -text
      *.safetensors filter=lfs diff=lfs merge=lfs -text
      saved_model/**/* filter=lfs diff=lfs merge=lfs -text
      *tfevents* filter=lfs diff=lfs merge=lfs -text
      """;

  @Test
  void extension_patterns_match_at_any_depth() {
    LfsAttributes attributes = LfsAttributes.parse(HUB_DEFAULT);

    assertThat(attributes.isLfs("model.bin")).isTrue();
    assertThat(attributes.isLfs("a/b/c/pytorch_model.bin")).isTrue();
    assertThat(attributes.isLfs("model.safetensors")).isTrue();
    assertThat(attributes.isLfs("runs/events.out.tfevents.1234.host")).isTrue();
  }

  @Test
  void other_files_are_not_lfs() {
    LfsAttributes attributes = LfsAttributes.parse(HUB_DEFAULT);

    assertThat(attributes.isLfs("config.json")).isFalse();
    assertThat(attributes.isLfs("model.bin.json")).isFalse();
    assertThat(attributes.isLfs("bin")).isFalse();
    assertThat(attributes.isLfs("README.md")).isFalse();
    assertThat(attributes.isLfs("model.BIN")).isFalse();
  }

  @Test
  void double_star_matches_below_a_folder() {
    LfsAttributes attributes = LfsAttributes.parse(HUB_DEFAULT);

    assertThat(attributes.isLfs("saved_model/variables/variables.data-00000-of-00001")).isTrue();
    assertThat(attributes.isLfs("saved_model/saved_model.pb")).isTrue();
    assertThat(attributes.isLfs("saved_model/a/b/c/d.txt")).isTrue();
    assertThat(attributes.isLfs("other/saved_model/x.pb")).isFalse();
    assertThat(attributes.isLfs("saved_model.pb")).isFalse();
  }

  @Test
  void a_pattern_with_a_slash_is_anchored_at_the_root() {
    LfsAttributes attributes = LfsAttributes.parse("weights/*.pt filter=lfs\n");

    assertThat(attributes.isLfs("weights/a.pt")).isTrue();
    assertThat(attributes.isLfs("x/weights/a.pt")).isFalse();
    assertThat(attributes.isLfs("weights/sub/a.pt")).isFalse();
  }

  @Test
  void an_exact_file_name_matches_that_file() {
    LfsAttributes attributes = LfsAttributes.parse("tokenizer.json filter=lfs diff=lfs merge=lfs -text\n");

    assertThat(attributes.isLfs("tokenizer.json")).isTrue();
    assertThat(attributes.isLfs("sub/tokenizer.json")).isTrue();
    assertThat(attributes.isLfs("tokenizer.json.bak")).isFalse();
  }

  @Test
  void spaces_escaped_the_git_lfs_way_match() {
    // git lfs track "my model.bin" writes the space as [[:space:]].
    LfsAttributes attributes = LfsAttributes.parse("my[[:space:]]model.bin filter=lfs diff=lfs merge=lfs -text\n");

    assertThat(attributes.isLfs("my model.bin")).isTrue();
    assertThat(attributes.isLfs("my\tmodel.bin")).isTrue();
    assertThat(attributes.isLfs("mymodel.bin")).isFalse();
  }

  @Test
  void backslash_escapes_a_glob_character() {
    LfsAttributes attributes = LfsAttributes.parse("literal\\*.bin filter=lfs\n");

    assertThat(attributes.isLfs("literal*.bin")).isTrue();
    assertThat(attributes.isLfs("literalX.bin")).isFalse();
  }

  @Test
  void patterns_escaped_for_one_path_match_only_that_path() {
    // What Commits.escapePattern writes for LFS files no rule covers: glob characters escaped,
    // spaces as a class, the whole path from the root.
    LfsAttributes attributes = LfsAttributes.parse("""
        weights\\[1\\].bin filter=lfs diff=lfs merge=lfs -text
        what\\?.bin filter=lfs diff=lfs merge=lfs -text
        a\\*b.bin filter=lfs diff=lfs merge=lfs -text
        \\#hash.bin filter=lfs diff=lfs merge=lfs -text
        \\!bang.bin filter=lfs diff=lfs merge=lfs -text
        dir/my[[:space:]]file.bin filter=lfs diff=lfs merge=lfs -text
        """);

    assertThat(attributes.isLfs("weights[1].bin")).isTrue();
    assertThat(attributes.isLfs("weights1.bin")).isFalse();
    assertThat(attributes.isLfs("what?.bin")).isTrue();
    assertThat(attributes.isLfs("whatX.bin")).isFalse();
    assertThat(attributes.isLfs("a*b.bin")).isTrue();
    assertThat(attributes.isLfs("aXYZb.bin")).isFalse();
    assertThat(attributes.isLfs("#hash.bin")).isTrue();
    assertThat(attributes.isLfs("!bang.bin")).isTrue();
    assertThat(attributes.isLfs("dir/my file.bin")).isTrue();
    assertThat(attributes.isLfs("other/dir/my file.bin")).isFalse();
  }

  @Test
  void the_last_matching_rule_wins() {
    LfsAttributes attributes = LfsAttributes.parse("""
        *.bin filter=lfs diff=lfs merge=lfs -text
        small.bin -filter
        *.json filter=other
        big.json filter=lfs
        """);

    assertThat(attributes.isLfs("model.bin")).isTrue();
    assertThat(attributes.isLfs("small.bin")).isFalse();
    assertThat(attributes.isLfs("sub/small.bin")).isFalse();
    assertThat(attributes.isLfs("config.json")).isFalse();
    assertThat(attributes.isLfs("big.json")).isTrue();
  }

  @Test
  void a_later_rule_about_other_attributes_does_not_cancel_lfs() {
    LfsAttributes attributes = LfsAttributes.parse("""
        *.bin filter=lfs diff=lfs merge=lfs -text
        *.bin -diff
        model.bin text
        """);

    assertThat(attributes.isLfs("model.bin")).isTrue();
  }

  @Test
  void unspecifying_the_filter_cancels_lfs() {
    LfsAttributes attributes = LfsAttributes.parse("""
        *.bin filter=lfs
        keep.bin !filter
        """);

    assertThat(attributes.isLfs("keep.bin")).isFalse();
    assertThat(attributes.isLfs("other.bin")).isTrue();
  }

  @Test
  void a_later_lfs_rule_re_enables_after_unset() {
    LfsAttributes attributes = LfsAttributes.parse("""
        *.bin -filter
        *.bin filter=lfs
        """);

    assertThat(attributes.isLfs("a.bin")).isTrue();
  }

  @Test
  void filter_set_without_a_value_is_not_lfs() {
    LfsAttributes attributes = LfsAttributes.parse("*.bin filter\n*.pt filter=LFS\n");

    assertThat(attributes.isLfs("a.bin")).isFalse();
    assertThat(attributes.isLfs("a.pt")).isFalse();
  }

  @Test
  void comments_and_blank_lines_are_ignored() {
    LfsAttributes attributes = LfsAttributes.parse("""
        # *.txt filter=lfs

        *.bin filter=lfs
        """);

    assertThat(attributes.isLfs("a.txt")).isFalse();
    assertThat(attributes.isLfs("a.bin")).isTrue();
  }

  @Test
  void empty_attributes_mean_nothing_is_lfs() {
    assertThat(LfsAttributes.parse("").isLfs("model.bin")).isFalse();
  }
}
