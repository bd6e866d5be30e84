package org.arbor.formats.card;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ModelCardReaderTest {

  @Test
  void parses_front_matter_into_a_map_and_keeps_the_body() throws CardException {
    ModelCard card = read("""
        ---
        license: apache-2.0
        library_name: transformers
        tags:
          - text-classification
          - bert
        language: [en, fr]
        model-index:
          - name: tiny
            results: []
        downloads: 12
        ---
        # Tiny model

        Some text.
        """);

    assertThat(card.metadata()).containsOnlyKeys(
        "license", "library_name", "tags", "language", "model-index", "downloads");
    assertThat(card.metadata().get("license")).isEqualTo("apache-2.0");
    assertThat(card.metadata().get("tags")).isEqualTo(List.of("text-classification", "bert"));
    assertThat(card.metadata().get("language")).isEqualTo(List.of("en", "fr"));
    assertThat(card.metadata().get("model-index"))
        .isEqualTo(List.of(Map.of("name", "tiny", "results", List.of())));
    assertThat(card.metadata().get("downloads")).isEqualTo(12);
    assertThat(card.body()).isEqualTo("# Tiny model\n\nSome text.\n");
  }

  @Test
  void keeps_the_order_of_keys() throws CardException {
    ModelCard card = read("---\nzeta: 1\nalpha: 2\nmid: 3\n---\n");

    assertThat(card.metadata().keySet()).containsExactly("zeta", "alpha", "mid");
  }

  @Test
  void metadata_is_read_only() throws CardException {
    ModelCard card = read("---\nlicense: mit\n---\n");

    assertThatThrownBy(() -> card.metadata().put("license", "other"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void readme_without_front_matter_has_empty_metadata_and_whole_body() throws CardException {
    String readme = "# Title\n\n---\n\nnot: front matter\n";

    ModelCard card = read(readme);

    assertThat(card.metadata()).isEmpty();
    assertThat(card.body()).isEqualTo(readme);
  }

  @Test
  void empty_readme_has_empty_metadata() throws CardException {
    ModelCard card = read("");

    assertThat(card.metadata()).isEmpty();
    assertThat(card.body()).isEmpty();
  }

  @Test
  void a_first_line_that_only_starts_with_dashes_is_not_a_fence() throws CardException {
    ModelCard card = read("----\nlicense: mit\n---\n");

    assertThat(card.metadata()).isEmpty();
  }

  @Test
  void empty_front_matter_gives_empty_metadata() throws CardException {
    ModelCard card = read("---\n---\nbody\n");

    assertThat(card.metadata()).isEmpty();
    assertThat(card.body()).isEqualTo("body\n");
  }

  @Test
  void front_matter_of_only_comments_gives_empty_metadata() throws CardException {
    assertThat(read("---\n# nothing yet\n---\n").metadata()).isEmpty();
  }

  @Test
  void closing_fence_at_end_of_file_without_newline() throws CardException {
    ModelCard card = read("---\nlicense: mit\n---");

    assertThat(card.metadata()).containsEntry("license", "mit");
    assertThat(card.body()).isEmpty();
  }

  @Test
  void accepts_crlf_line_endings() throws CardException {
    ModelCard card = read("---\r\nlicense: mit\r\ntags:\r\n- a\r\n---\r\nbody\r\n");

    assertThat(card.metadata()).containsEntry("license", "mit").containsEntry("tags", List.of("a"));
    assertThat(card.body()).isEqualTo("body\r\n");
  }

  @Test
  void unclosed_fence_is_refused() {
    assertThatThrownBy(() -> read("---\nlicense: mit\n# no closing fence\n"))
        .isInstanceOf(CardException.class)
        .hasMessageContaining("not closed");
  }

  @Test
  void only_an_opening_fence_is_refused() {
    assertThatThrownBy(() -> read("---\n")).isInstanceOf(CardException.class);
  }

  @Test
  void a_list_is_not_front_matter() {
    assertThatThrownBy(() -> read("---\n- a\n- b\n---\n"))
        .isInstanceOf(CardException.class)
        .hasMessageContaining("must be a mapping");
  }

  @Test
  void a_scalar_is_not_front_matter() {
    assertThatThrownBy(() -> read("---\njust a sentence\n---\n"))
        .isInstanceOf(CardException.class)
        .hasMessageContaining("must be a mapping");
  }

  @Test
  void invalid_yaml_is_refused_with_one_line_of_explanation() {
    Throwable e = catchThrowable(() -> read("---\ntags: [a, b\n---\n"));

    assertThat(e).isInstanceOf(CardException.class);
    assertThat(e.getMessage()).startsWith("invalid YAML in the front matter: ").doesNotContain("\n");
  }

  @Test
  void duplicate_keys_are_refused() {
    assertThatThrownBy(() -> read("---\nlicense: mit\nlicense: apache-2.0\n---\n"))
        .isInstanceOf(CardException.class);
  }

  @Test
  void custom_and_java_tags_are_refused() {
    assertThatThrownBy(() -> read("---\nx: !!java.lang.Object {}\n---\n")).isInstanceOf(CardException.class);
    assertThatThrownBy(() -> read("---\nx: !custom value\n---\n")).isInstanceOf(CardException.class);
  }

  @Test
  void handles_a_byte_order_mark() throws CardException {
    ModelCard card = ModelCardReader.read(("\uFEFF---\nlicense: mit\n---\nbody\n").getBytes(UTF_8));

    assertThat(card.metadata()).containsEntry("license", "mit");
    assertThat(card.body()).isEqualTo("body\n");
  }

  @Test
  void a_byte_order_mark_is_dropped_from_a_card_without_front_matter() throws CardException {
    ModelCard card = ModelCardReader.read(("\uFEFF# Title\n").getBytes(UTF_8));

    assertThat(card.metadata()).isEmpty();
    assertThat(card.body()).isEqualTo("# Title\n");
  }

  @Test
  void non_string_keys_become_strings() throws CardException {
    ModelCard card = read("---\n1: one\ntrue: yes\n---\n");

    assertThat(card.metadata()).containsOnlyKeys("1", "true");
  }

  @Test
  void strings_reads_a_single_string_or_a_list() throws CardException {
    ModelCard card = read("""
        ---
        license: mit
        language: [en, "", fr, 3, null]
        tags: []
        blank: "  "
        number: 7
        ---
        """);

    assertThat(card.strings("license")).containsExactly("mit");
    assertThat(card.strings("language")).containsExactly("en", "fr");
    assertThat(card.strings("tags")).isEmpty();
    assertThat(card.strings("blank")).isEmpty();
    assertThat(card.strings("number")).isEmpty();
    assertThat(card.strings("missing")).isEmpty();
  }

  @Test
  void string_reads_only_non_blank_strings() throws CardException {
    ModelCard card = read("---\npipeline_tag: fill-mask\nblank: ''\nlist: [a]\n---\n");

    assertThat(card.string("pipeline_tag")).hasValue("fill-mask");
    assertThat(card.string("blank")).isEmpty();
    assertThat(card.string("list")).isEmpty();
    assertThat(card.string("missing")).isEmpty();
  }

  @Test
  void refuses_front_matter_over_the_size_limit() {
    String big = "---\nx: \"" + "a".repeat(ModelCardReader.MAX_FRONT_MATTER_BYTES) + "\"\n---\n";

    assertThatThrownBy(() -> read(big))
        .isInstanceOf(CardException.class)
        .hasMessageContaining("larger than");
  }

  @Test
  @Timeout(10)
  void refuses_the_classic_billion_laughs() {
    StringBuilder yaml = new StringBuilder("---\nlol0: &lol0 \"lol\"\n");
    for (int level = 1; level <= 9; level++) {
      yaml.append("lol").append(level).append(": &lol").append(level).append(" [");
      for (int i = 0; i < 9; i++) {
        yaml.append(i == 0 ? "" : ", ").append("*lol").append(level - 1);
      }
      yaml.append("]\n");
    }
    yaml.append("---\n");

    assertThatThrownBy(() -> read(yaml.toString())).isInstanceOf(CardException.class);
  }

  @Test
  @Timeout(10)
  void accepts_a_few_ordinary_aliases() throws CardException {
    ModelCard card = read("""
        ---
        base: &base {lr: 0.1, epochs: 3}
        run1: *base
        run2: *base
        ---
        """);

    assertThat(card.metadata().get("run1")).isEqualTo(Map.of("lr", 0.1, "epochs", 3));
  }

  @Test
  @Timeout(10)
  void bounds_the_expansion_of_an_alias_bomb_under_the_alias_limit() {
    StringBuilder yaml = new StringBuilder("---\na0: &a0 [lol, lol, lol]\n");
    for (int level = 1; level <= 16; level++) {
      String previous = "*a" + (level - 1);
      yaml.append('a').append(level).append(": &a").append(level)
          .append(" [").append(previous).append(", ").append(previous).append(", ").append(previous).append("]\n");
    }
    yaml.append("---\n");

    Throwable refused = catchThrowable(() -> read(yaml.toString()));

    if (!(refused instanceof CardException)) {
      assertThat(refused).isNull();
      ModelCard card = readUnchecked(yaml.toString());
      assertThat(expandedNodes(card.metadata(), 1_000_000)).isLessThanOrEqualTo(1_000_000);
    }
  }

  @Test
  void refuses_a_recursive_alias() {
    assertThatThrownBy(() -> read("---\na: &x [*x]\n---\n")).isInstanceOf(CardException.class);
    assertThatThrownBy(() -> read("---\na: &x {self: *x}\n---\n")).isInstanceOf(CardException.class);
  }

  @Test
  @Timeout(10)
  void refuses_deeply_nested_front_matter() {
    int depth = 10_000;
    String yaml = "---\na: " + "[".repeat(depth) + "]".repeat(depth) + "\n---\n";

    Throwable e = catchThrowable(() -> read(yaml));

    assertThat(e).isInstanceOf(CardException.class);
  }

  @Test
  void accepts_moderate_nesting() throws CardException {
    int depth = 40;
    ModelCard card = read("---\na: " + "[".repeat(depth) + "x" + "]".repeat(depth) + "\n---\n");

    assertThat(card.metadata()).containsKey("a");
  }

  @Test
  void uses_yaml_core_schema_scalars() throws CardException {
    ModelCard card = read("---\ninference: False\nx: True\nlicense: ~\nhex: 0x1F\n---\n");

    assertThat(card.metadata().get("inference")).isEqualTo(Boolean.FALSE);
    assertThat(card.metadata().get("x")).isEqualTo(Boolean.TRUE);
    assertThat(card.metadata()).containsEntry("license", null);
    assertThat(card.metadata().get("hex")).isEqualTo(31);
  }

  @Test
  void lower_case_booleans_and_null_are_typed() throws CardException {
    ModelCard card = read("---\ninference: false\nwidget: null\nempty:\n---\n");

    assertThat(card.metadata().get("inference")).isEqualTo(Boolean.FALSE);
    assertThat(card.metadata()).containsEntry("widget", null).containsEntry("empty", null);
  }

  @Test
  void dates_stay_strings() throws CardException {
    assertThat(read("---\nreleased: 2024-01-31\n---\n").metadata().get("released")).isEqualTo("2024-01-31");
  }

  private static ModelCard read(String readme) throws CardException {
    return ModelCardReader.read(readme.getBytes(UTF_8));
  }

  private static ModelCard readUnchecked(String readme) {
    try {
      return read(readme);
    } catch (CardException e) {
      throw new AssertionError(e);
    }
  }

  /** Nodes in the tree as a JSON writer would visit them, counting at most {@code cap} + 1. */
  private static long expandedNodes(Object root, long cap) {
    long[] count = {0};
    visit(root, count, cap, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
    return count[0];
  }

  private static void visit(Object node, long[] count, long cap, Set<Object> path) {
    if (count[0]++ > cap) {
      return;
    }
    if (node instanceof Map<?, ?> || node instanceof List<?>) {
      if (!path.add(node)) {
        count[0] = cap + 1; // a cycle expands without end
        return;
      }
      Iterable<?> children = node instanceof Map<?, ?> m ? m.values() : (List<?>) node;
      for (Object child : children) {
        visit(child, count, cap, path);
        if (count[0] > cap) {
          break;
        }
      }
      path.remove(node);
    }
  }
}
