package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.TestHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model tree: ancestors up the cards' base_model, children counted by relation, as the caller may see. */
class LineageContractTest {
  @TempDir static Path data;
  static TestHub hub;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start(data);
    model("base", null, null);
    model("ft", "admin/base", "finetune");
    model("q", "admin/ft", "quantized");
    model("ad", "admin/base", "adapter");
    model("loose", "admin/base", null);
    model("secret-ft", "admin/base", "finetune");
    assertThat(hub.send(hub.request("/api/models/admin/secret-ft/settings", ADMIN_TOKEN)
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"private\":true}"))
        .build()).statusCode()).isEqualTo(200);
    model("outside", "meta-llama/Llama-3.1-8B", "finetune");
    model("c1", "admin/c2", "finetune");
    model("c2", "admin/c1", "finetune");
  }

  @AfterAll
  static void stop() throws Exception {
    hub.close();
  }

  @Test
  void ancestors_follow_the_cards_up_to_the_root() throws Exception {
    JsonNode q = lineage("admin/q", null);
    assertThat(q.get("ancestors").findValuesAsText("id")).containsExactly("admin/ft", "admin/base");
    assertThat(q.get("ancestors").findValuesAsText("relation")).containsExactly("quantized", "finetune");
    assertThat(q.get("ancestors").get(0).get("hosted").asBoolean()).isTrue();

    JsonNode outside = lineage("admin/outside", null).get("ancestors");
    assertThat(outside.get(0).get("id").asText()).isEqualTo("meta-llama/Llama-3.1-8B");
    assertThat(outside.get(0).get("hosted").asBoolean()).isFalse();

    assertThat(lineage("admin/c1", null).get("ancestors").findValuesAsText("id"))
        .as("a cycle stops where it closes").containsExactly("admin/c2");
  }

  @Test
  void children_are_counted_by_relation_and_respect_visibility() throws Exception {
    JsonNode anonymous = lineage("admin/base", null).get("children");
    assertThat(anonymous.get("total").asLong()).isEqualTo(3);
    assertThat(anonymous.get("finetune").asLong()).isEqualTo(1);
    assertThat(anonymous.get("adapter").asLong()).isEqualTo(1);
    assertThat(anonymous.get("quantized").asLong()).isZero();
    assertThat(anonymous.get("other").asLong()).isEqualTo(1);
    assertThat(anonymous.get("models").findValuesAsText("id")).containsExactlyInAnyOrder("admin/ft", "admin/ad", "admin/loose");

    JsonNode owner = lineage("admin/base", ADMIN_TOKEN).get("children");
    assertThat(owner.get("total").asLong()).isEqualTo(4);
    assertThat(owner.get("finetune").asLong()).isEqualTo(2);
    assertThat(owner.get("models").findValuesAsText("id")).contains("admin/secret-ft");

    assertThat(lineage("admin/ft", null).get("children").get("quantized").asLong()).isEqualTo(1);
    JsonNode adapters = json(hub.get("/api/models?filter=base_model:adapter:admin/base", null));
    assertThat(adapters.findValuesAsText("id")).containsExactly("admin/ad");
  }

  @Test
  void the_tree_is_for_models_only_and_private_ones_stay_hidden() throws Exception {
    assertThat(hub.get("/api/models/admin/secret-ft/lineage", null).statusCode()).isEqualTo(401);
    assertThat(hub.get("/api/models/admin/secret-ft/lineage", hub.bobToken).statusCode()).isEqualTo(404);
    assertThat(hub.get("/api/models/admin/missing/lineage", null).statusCode()).isEqualTo(401);
    assertThat(hub.postJson("/api/repos/create", ADMIN_TOKEN, Map.of("name", "table", "type", "dataset"))
        .statusCode()).isEqualTo(200);
    assertThat(hub.get("/api/datasets/admin/table/lineage", null).statusCode()).isEqualTo(400);
  }

  private static void model(String name, String base, String relation) throws Exception {
    hub.createRepo(name);
    StringBuilder card = new StringBuilder("---\nlicense: mit\n");
    if (base != null) {
      card.append("base_model: ").append(base).append('\n');
    }
    if (relation != null) {
      card.append("base_model_relation: ").append(relation).append('\n');
    }
    hub.commit(name, Map.of("README.md", card.append("---\n# ").append(name).append('\n').toString()));
  }

  private static JsonNode lineage(String id, String token) throws Exception {
    var r = hub.get("/api/models/" + id + "/lineage", token);
    assertThat(r.statusCode()).as(TestHub.text(r)).isEqualTo(200);
    return json(r);
  }
}
