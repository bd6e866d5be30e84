package org.arbor.formats.safetensors;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.arbor.formats.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafetensorsIndexTest {

  @Test
  void reads_weight_map_total_size_and_shards() throws FormatException {
    SafetensorsIndex index = read("""
        {"metadata": {"total_size": 1048576, "total_parameters": 262144},
         "weight_map": {"lm_head.weight": "model-00002-of-00002.safetensors",
                        "embed.weight": "model-00001-of-00002.safetensors",
                        "norm.weight": "model-00002-of-00002.safetensors"}}""");

    assertThat(index.weightMap()).containsExactly(
        Map.entry("lm_head.weight", "model-00002-of-00002.safetensors"),
        Map.entry("embed.weight", "model-00001-of-00002.safetensors"),
        Map.entry("norm.weight", "model-00002-of-00002.safetensors"));
    assertThat(index.totalSize()).hasValue(1048576);
    assertThat(index.shards())
        .containsExactly("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors");
  }

  @Test
  void metadata_is_optional() throws FormatException {
    SafetensorsIndex index = read("{\"weight_map\": {\"a\": \"sub/a.safetensors\"}}");

    assertThat(index.totalSize()).isEmpty();
    assertThat(index.shards()).containsExactly("sub/a.safetensors");
  }

  @Test
  void rejects_missing_weight_map() {
    assertRejected("{\"metadata\": {}}", "missing 'weight_map'");
  }

  @Test
  void rejects_non_string_shard() {
    assertRejected("{\"weight_map\": {\"a\": 1}}", "weight_map: shard of 'a' must be a string");
  }

  @Test
  void rejects_duplicate_tensor() {
    assertRejected("{\"weight_map\": {\"a\": \"x.safetensors\", \"a\": \"y.safetensors\"}}",
        "weight_map: duplicate tensor \"a\"");
  }

  @Test
  void rejects_negative_total_size() {
    assertRejected("{\"metadata\": {\"total_size\": -1}, \"weight_map\": {}}",
        "metadata.total_size must be non-negative, got -1");
  }

  @Test
  void rejects_fractional_total_size() {
    assertRejected("{\"metadata\": {\"total_size\": 1.5}, \"weight_map\": {}}", "expected an integer, got 1.5");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../evil.safetensors", "/etc/passwd", "a/../../b", "", "a//b", "./a", "a\\\\b"})
  void rejects_shard_names_that_are_not_plain_relative_paths(String shard) {
    assertRejected("{\"weight_map\": {\"t\": \"" + shard + "\"}}", "weight_map: shard of 't'");
  }

  @Test
  void rejects_trailing_garbage() {
    assertRejected("{\"weight_map\": {}} x", "trailing characters");
  }

  private static SafetensorsIndex read(String json) throws FormatException {
    return SafetensorsIndex.read(json.getBytes(UTF_8), "model.safetensors.index.json");
  }

  private static void assertRejected(String json, String message) {
    assertThatThrownBy(() -> read(json)).isInstanceOf(FormatException.class).hasMessageContaining(message);
  }
}
