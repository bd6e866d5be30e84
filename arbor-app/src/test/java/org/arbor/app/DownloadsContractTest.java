package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.TestHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.arbor.core.RepoType;
import org.arbor.service.Downloads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Download counting: which fetches count, once per caller per repository per day. */
class DownloadsContractTest {
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
  void the_rule_names_the_files_that_stand_for_a_repository() {
    assertThat(Downloads.counts(RepoType.MODEL, "config.json")).isTrue();
    assertThat(Downloads.counts(RepoType.MODEL, "model_index.json")).isTrue();
    assertThat(Downloads.counts(RepoType.MODEL, "adapter_config.json")).isTrue();
    assertThat(Downloads.counts(RepoType.MODEL, "q4/model-Q4_K_M.GGUF")).isTrue();
    assertThat(Downloads.counts(RepoType.MODEL, "sub/config.json")).isFalse();
    assertThat(Downloads.counts(RepoType.MODEL, "model.safetensors")).isFalse();
    assertThat(Downloads.counts(RepoType.MODEL, "README.md")).isFalse();
    assertThat(Downloads.counts(RepoType.DATASET, "data/train.parquet")).isTrue();
    assertThat(Downloads.counts(RepoType.DATASET, "README.md")).isFalse();
    assertThat(Downloads.counts(RepoType.DATASET, ".gitattributes")).isFalse();
  }

  @Test
  void a_model_counts_once_per_caller_per_day() throws Exception {
    hub.createRepo("counted");
    hub.commit("counted", Map.of("config.json", "{}", "README.md", "# hi", "tiny.gguf", "GGUF"));
    assertThat(downloads("models", "admin/counted")).isZero();

    assertThat(hub.get("/admin/counted/resolve/main/README.md", null).statusCode()).isEqualTo(200);
    assertThat(hub.get("/admin/counted/raw/main/config.json", null).statusCode()).isEqualTo(200);
    assertThat(downloads("models", "admin/counted")).as("neither the card nor raw counts").isZero();

    assertThat(hub.get("/admin/counted/resolve/main/config.json", null).statusCode()).isEqualTo(200);
    assertThat(hub.get("/admin/counted/resolve/main/config.json", null).statusCode()).isEqualTo(200);
    assertThat(hub.get("/admin/counted/resolve/main/tiny.gguf", null).statusCode()).isEqualTo(200);
    assertThat(downloads("models", "admin/counted")).as("one anonymous caller").isEqualTo(1);

    assertThat(hub.head("/admin/counted/resolve/main/config.json", hub.bobToken).statusCode()).isEqualTo(200);
    assertThat(hub.get("/admin/counted/resolve/main/tiny.gguf", ADMIN_TOKEN).statusCode()).isEqualTo(200);
    assertThat(downloads("models", "admin/counted")).as("bob by HEAD, admin by GET").isEqualTo(3);
    assertThat(hub.get("/admin/counted/resolve/main/missing.json", hub.bobToken).statusCode()).isEqualTo(404);
    assertThat(hub.get("/admin/counted/resolve/main/config.json", hub.bobToken).statusCode()).isEqualTo(200);
    assertThat(downloads("models", "admin/counted")).isEqualTo(3);

    assertThat(json(hub.get("/api/models?author=admin&sort=downloads", null)).get(0).get("id").asText())
        .isEqualTo("admin/counted");
  }

  @Test
  void a_dataset_counts_for_any_data_file() throws Exception {
    assertThat(hub.postJson("/api/repos/create", ADMIN_TOKEN, Map.of("name", "rows", "type", "dataset"))
        .statusCode()).isEqualTo(200);
    String ndjson = """
        {"key":"header","value":{"summary":"data"}}
        {"key":"file","value":{"path":"README.md","content":"IyByb3dz","encoding":"base64"}}
        {"key":"file","value":{"path":"train.csv","content":"YSxiCjEsMgo=","encoding":"base64"}}
        """;
    assertThat(hub.post("/api/datasets/admin/rows/commit/main", ADMIN_TOKEN, "application/x-ndjson", ndjson)
        .statusCode()).isEqualTo(200);
    assertThat(hub.get("/datasets/admin/rows/resolve/main/README.md", null).statusCode()).isEqualTo(200);
    assertThat(downloads("datasets", "admin/rows")).isZero();
    assertThat(hub.get("/datasets/admin/rows/resolve/main/train.csv", null).statusCode()).isEqualTo(200);
    assertThat(downloads("datasets", "admin/rows")).isEqualTo(1);
  }

  private static long downloads(String type, String id) throws Exception {
    return json(hub.get("/api/" + type + "/" + id, null)).get("downloads").asLong();
  }
}
