package org.arbor.storage.git;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IgnoreRulesTest {

  @Test
  void extension_pattern_matches_at_any_depth() {
    IgnoreRules rules = IgnoreRules.parse("*.bin\n");

    assertThat(rules.isIgnored("model.bin")).isTrue();
    assertThat(rules.isIgnored("a/b/model.bin")).isTrue();
    assertThat(rules.isIgnored("model.safetensors")).isFalse();
    assertThat(rules.isIgnored("model.bin.txt")).isFalse();
  }

  @Test
  void double_star_matches_everything_below_a_folder() {
    IgnoreRules rules = IgnoreRules.parse("saved_model/**/*\n");

    assertThat(rules.isIgnored("saved_model/variables/variables.index")).isTrue();
    assertThat(rules.isIgnored("saved_model/saved_model.pb")).isTrue();
    assertThat(rules.isIgnored("other/saved_model/x.pb")).isFalse();
    assertThat(rules.isIgnored("saved_model.pb")).isFalse();
  }

  @Test
  void an_ignored_folder_ignores_everything_below_it() {
    IgnoreRules rules = IgnoreRules.parse("checkpoints/\n__pycache__\n");

    assertThat(rules.isIgnored("checkpoints/step-1/model.bin")).isTrue();
    assertThat(rules.isIgnored("src/__pycache__/mod.pyc")).isTrue();
    assertThat(rules.isIgnored("checkpoints")).isFalse(); // a file of that name is not a folder
    assertThat(rules.isIgnored("mycheckpoints/x")).isFalse();
  }

  @Test
  void a_leading_slash_anchors_at_the_root() {
    IgnoreRules rules = IgnoreRules.parse("/build\n");

    assertThat(rules.isIgnored("build")).isTrue();
    assertThat(rules.isIgnored("build/out.o")).isTrue();
    assertThat(rules.isIgnored("src/build")).isFalse();
    assertThat(rules.isIgnored("src/build/out.o")).isFalse();
  }

  @Test
  void the_last_matching_rule_wins() {
    IgnoreRules rules = IgnoreRules.parse("""
        *.log
        !important.log
        """);

    assertThat(rules.isIgnored("debug.log")).isTrue();
    assertThat(rules.isIgnored("important.log")).isFalse();
    assertThat(rules.isIgnored("sub/important.log")).isFalse();
  }

  @Test
  void a_later_rule_can_ignore_again() {
    IgnoreRules rules = IgnoreRules.parse("""
        !keep.tmp
        *.tmp
        """);

    assertThat(rules.isIgnored("keep.tmp")).isTrue();
  }

  @Test
  void a_file_cannot_be_re_included_below_an_ignored_folder() {
    IgnoreRules rules = IgnoreRules.parse("""
        logs/
        !logs/keep.txt
        """);

    assertThat(rules.isIgnored("logs/keep.txt")).isTrue();
  }

  @Test
  void escaped_special_characters_match_literally() {
    IgnoreRules rules = IgnoreRules.parse("""
        \\#notes.txt
        \\!bang.txt
        star\\*.txt
        trailing\\\s
        """);

    assertThat(rules.isIgnored("#notes.txt")).isTrue();
    assertThat(rules.isIgnored("!bang.txt")).isTrue();
    assertThat(rules.isIgnored("star*.txt")).isTrue();
    assertThat(rules.isIgnored("starX.txt")).isFalse();
    assertThat(rules.isIgnored("trailing ")).isTrue();
    assertThat(rules.isIgnored("trailing")).isFalse();
  }

  @Test
  void comments_and_unescaped_trailing_spaces_are_ignored() {
    IgnoreRules rules = IgnoreRules.parse("# *.txt\nspaced.txt   \n");

    assertThat(rules.isIgnored("a.txt")).isFalse();
    assertThat(rules.isIgnored("spaced.txt")).isTrue();
  }

  @Test
  void character_classes_and_question_marks() {
    IgnoreRules rules = IgnoreRules.parse("model-[0-9].bin\nrun?.txt\n");

    assertThat(rules.isIgnored("model-3.bin")).isTrue();
    assertThat(rules.isIgnored("model-x.bin")).isFalse();
    assertThat(rules.isIgnored("run1.txt")).isTrue();
    assertThat(rules.isIgnored("run12.txt")).isFalse();
  }

  @Test
  void nothing_is_ignored_by_empty_rules() {
    IgnoreRules rules = IgnoreRules.parse("");

    assertThat(rules.isIgnored("anything.bin")).isFalse();
    assertThat(rules.isIgnored("a/b/c")).isFalse();
  }
}
