package org.arbor.app;

import static org.arbor.app.TestHub.header;
import static org.arbor.app.TestHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.arbor.formats.gguf.GgufTestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weight inspection through the API: repo-info totals, a file's tensors, revision diffs and fit estimates. */
class WeightsContractTest {
  @TempDir static Path data;
  static TestHub hub;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start(data);
  }

  @AfterAll
  static void stop() throws Exception {
    hub.close();
  }

  @Test
  void model_info_carries_safetensors_totals_config_and_transformers_info() throws Exception {
    hub.createRepo("st");
    hub.commit("st", Map.of("config.json", """
        {"architectures": ["LlamaForCausalLM"], "num_hidden_layers": 2, "hidden_size": 8,
         "num_attention_heads": 2, "num_key_value_heads": 1, "max_position_embeddings": 128}"""));
    hub.commitLfs("st", "model-00001-of-00002.safetensors",
        safetensors(Map.of("a", tensor("F32", 2, 3), "b", tensor("BF16", 4))));
    hub.commitLfs("st", "model-00002-of-00002.safetensors", safetensors(Map.of("c", tensor("F32", 5))));
    hub.app.drainAnalysis();

    JsonNode info = json(hub.get("/api/models/admin/st", null));
    assertThat(info.get("safetensors").get("parameters").get("F32").asLong()).as("summed over the shards").isEqualTo(11);
    assertThat(info.get("safetensors").get("parameters").get("BF16").asLong()).isEqualTo(4);
    assertThat(info.get("safetensors").get("total").asLong()).isEqualTo(15);
    assertThat(info.get("config").get("num_hidden_layers").asInt()).isEqualTo(2);
    assertThat(info.get("transformersInfo").get("auto_model").asText()).isEqualTo("AutoModelForCausalLM");

    JsonNode expanded = json(hub.get("/api/models/admin/st?expand=safetensors", null));
    assertThat(expanded.has("safetensors")).isTrue();
    assertThat(expanded.has("siblings")).isFalse();
  }

  @Test
  void a_files_tensor_table_and_a_malformed_header() throws Exception {
    hub.createRepo("table");
    hub.commitLfs("table", "w.safetensors", safetensors(Map.of("layer.weight", tensor("F16", 3, 2))));
    JsonNode file = json(hub.get("/api/models/admin/table/weights/main/w.safetensors", null));
    assertThat(file.get("format").asText()).isEqualTo("safetensors");
    JsonNode t = file.get("tensors").get(0);
    assertThat(t.get("name").asText()).isEqualTo("layer.weight");
    assertThat(t.get("dtype").asText()).isEqualTo("F16");
    assertThat(t.get("shape").get(0).asLong()).isEqualTo(3);
    assertThat(t.get("end").asLong() - t.get("begin").asLong()).isEqualTo(12);

    byte[] broken = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1_000_000).array();
    hub.commitLfs("table", "broken.safetensors", broken);
    HttpResponse<byte[]> r = hub.get("/api/models/admin/table/weights/main/broken.safetensors", null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(header(r, "X-Error-Message")).contains("broken.safetensors");
  }

  @Test
  void the_diff_between_revisions_names_each_tensor_change() throws Exception {
    hub.createRepo("diff");
    String first = hub.commitLfs("diff", "m.safetensors", safetensors(Map.of(
        "same", tensor("F32", 2), "edited", tensor("F32", 2), "reshaped", tensor("F32", 4), "retyped", tensor("F32", 2),
        "gone", tensor("F32", 1))));
    byte[] second = safetensors(Map.of(
        "same", tensor("F32", 2), "edited", tensor("F32", 2).filled(7), "reshaped", tensor("F32", 2, 2),
        "retyped", tensor("F16", 2), "new", tensor("F32", 3)));
    hub.commitLfs("diff", "m.safetensors", second);

    JsonNode diff = json(hub.get("/api/models/admin/diff/weights-diff?from=" + first + "&to=main", null));
    Map<String, String> changes = new java.util.TreeMap<>();
    diff.get("changes").forEach(c -> changes.put(c.get("tensor").asText(), c.get("change").asText()));
    assertThat(changes).containsExactlyInAnyOrderEntriesOf(Map.of(
        "edited", "changed", "reshaped", "reshaped", "retyped", "retyped", "gone", "removed", "new", "added"));
    assertThat(diff.get("unchanged").asInt()).isEqualTo(1);
  }

  @Test
  void fit_estimates_weights_plus_kv_cache_against_the_budget() throws Exception {
    hub.createRepo("fit");
    hub.commit("fit", Map.of("config.json", """
        {"num_hidden_layers": 4, "hidden_size": 64, "num_attention_heads": 8, "num_key_value_heads": 2,
         "max_position_embeddings": 1024}"""));
    hub.commitLfs("fit", "model.safetensors", safetensors(Map.of("w", tensor("F32", 256, 64))));
    JsonNode roomy = json(hub.get("/api/models/admin/fit/fit?memory=1GiB&context=1024", null));
    JsonNode stored = roomy.get("variants").get(0);
    assertThat(stored.get("variant").asText()).isEqualTo("safetensors (as stored)");
    assertThat(stored.get("weightsBytes").asLong()).isEqualTo(256 * 64 * 4);
    // 2 (K,V) x 4 layers x 2 kv heads x 8 head dim x 1024 tokens x 2 bytes
    assertThat(stored.get("kvCacheBytes").asLong()).isEqualTo(2L * 4 * 2 * 8 * 1024 * 2);
    assertThat(stored.get("fits").asBoolean()).isTrue();
    JsonNode tight = json(hub.get("/api/models/admin/fit/fit?memory=100MiB", null));
    assertThat(tight.get("variants").get(0).get("fits").asBoolean()).isFalse();
    assertThat(hub.get("/api/models/admin/fit/fit?memory=lots", null).statusCode()).isEqualTo(400);
  }

  @Test
  void gguf_facts_in_model_info() throws Exception {
    hub.createRepo("gguf");
    hub.commitLfs("gguf", "tiny-Q8_0.gguf", GgufTestFiles.tinyLlama());
    hub.app.drainAnalysis();
    HttpResponse<byte[]> file = hub.get("/api/models/admin/gguf/weights/main/tiny-Q8_0.gguf", null);
    assertThat(file.statusCode()).as(TestHub.text(file)).isEqualTo(200);
    assertThat(json(file).get("tensors")).hasSize(2);
    JsonNode gguf = json(hub.get("/api/models/admin/gguf", null)).get("gguf");
    assertThat(gguf.get("architecture").asText()).isEqualTo("llama");
    assertThat(gguf.get("context_length").asLong()).isPositive();
    assertThat(gguf.get("total").asLong()).isPositive();
    JsonNode fit = json(hub.get("/api/models/admin/gguf/fit?memory=8GiB&context=512", null));
    assertThat(fit.get("variants").get(0).get("variant").asText()).isEqualTo("tiny-Q8_0.gguf");
  }

  // ---- a tiny safetensors writer ----------------------------------------------------------------

  record Tensor(String dtype, long[] shape, int fill) {
    Tensor filled(int value) {
      return new Tensor(dtype, shape, value);
    }

    int bytes() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return (int) n * (dtype.equals("F32") ? 4 : 2);
    }
  }

  static Tensor tensor(String dtype, long... shape) {
    return new Tensor(dtype, shape, 1);
  }

  static byte[] safetensors(Map<String, Tensor> tensors) throws Exception {
    StringBuilder header = new StringBuilder("{");
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    for (String name : tensors.keySet().stream().sorted().toList()) {
      Tensor t = tensors.get(name);
      int begin = payload.size();
      byte[] bytes = new byte[t.bytes()];
      java.util.Arrays.fill(bytes, (byte) t.fill());
      payload.write(bytes);
      if (header.length() > 1) {
        header.append(',');
      }
      header.append('"').append(name).append("\":{\"dtype\":\"").append(t.dtype()).append("\",\"shape\":")
          .append(java.util.Arrays.toString(t.shape()).replace(" ", "")).append(",\"data_offsets\":[")
          .append(begin).append(',').append(payload.size()).append("]}");
    }
    header.append('}');
    byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + h.length + payload.size()).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(h.length).put(h).put(payload.toByteArray()).array();
  }
}
