package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.TestHub.header;
import static org.arbor.app.TestHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Repository lifecycle, visibility and listing as the clients see them. */
class RepoContractTest {
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
  void create_twice_is_409_and_invalid_names_are_400() throws Exception {
    hub.createRepo("twice");
    HttpResponse<byte[]> again = hub.postJson("/api/repos/create", ADMIN_TOKEN, Map.of("name", "twice", "organization", "admin"));
    assertThat(again.statusCode()).isEqualTo(409);
    HttpResponse<byte[]> sameButUpper = hub.postJson("/api/repos/create", ADMIN_TOKEN, Map.of("name", "TWICE", "organization", "admin"));
    assertThat(sameButUpper.statusCode()).isEqualTo(409);
    for (String bad : List.of("a--b", "-lead", "trail.", "x.git", "sp ace", "a/b/c", "é")) {
      HttpResponse<byte[]> r = hub.postJson("/api/repos/create", ADMIN_TOKEN, Map.of("name", bad, "organization", "admin"));
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
    }
  }

  @Test
  void cannot_create_in_someone_elses_namespace() throws Exception {
    HttpResponse<byte[]> r = hub.postJson("/api/repos/create", hub.bobToken, Map.of("name", "x", "organization", "admin"));
    assertThat(r.statusCode()).isEqualTo(403);
    HttpResponse<byte[]> anonymous = hub.postJson("/api/repos/create", null, Map.of("name", "x", "organization", "bob"));
    assertThat(anonymous.statusCode()).isEqualTo(401);
  }

  @Test
  void private_repos_do_not_exist_for_others() throws Exception {
    hub.createRepo("secret");
    hub.commit("secret", Map.of("s.txt", "s"));
    HttpResponse<byte[]> settings = hub.send(hub.request("/api/models/admin/secret/settings", ADMIN_TOKEN)
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"private\":true}")).build());
    assertThat(settings.statusCode()).isEqualTo(200);
    assertThat(hub.get("/api/models/admin/secret", hub.bobToken).statusCode()).isEqualTo(404);
    assertThat(header(hub.get("/api/models/admin/secret", hub.bobToken), "X-Error-Code")).isEqualTo("RepoNotFound");
    assertThat(hub.get("/api/models/admin/secret", null).statusCode()).isEqualTo(401);
    assertThat(hub.get("/admin/secret/resolve/main/s.txt", hub.bobToken).statusCode()).isEqualTo(404);
    assertThat(hub.get("/api/models/admin/secret", ADMIN_TOKEN).statusCode()).isEqualTo(200);
    assertThat(ids(hub.get("/api/models?author=admin", hub.bobToken))).doesNotContain("admin/secret");
    assertThat(ids(hub.get("/api/models?author=admin", ADMIN_TOKEN))).contains("admin/secret");
  }

  @Test
  void move_renames_and_delete_removes() throws Exception {
    hub.createRepo("before");
    hub.commit("before", Map.of("f.txt", "f"));
    HttpResponse<byte[]> move = hub.postJson("/api/repos/move", ADMIN_TOKEN,
        Map.of("fromRepo", "admin/before", "toRepo", "admin/after", "type", "model"));
    assertThat(move.statusCode()).isEqualTo(200);
    assertThat(hub.get("/admin/after/resolve/main/f.txt", null).statusCode()).isEqualTo(200);
    assertThat(hub.get("/api/models/admin/before", ADMIN_TOKEN).statusCode()).isEqualTo(404);
    HttpResponse<byte[]> delete = hub.send(hub.request("/api/repos/delete", ADMIN_TOKEN)
        .header("Content-Type", "application/json")
        .method("DELETE", HttpRequest.BodyPublishers.ofString("{\"name\":\"after\",\"organization\":\"admin\"}")).build());
    assertThat(delete.statusCode()).isEqualTo(200);
    assertThat(hub.get("/api/models/admin/after", ADMIN_TOKEN).statusCode()).isEqualTo(404);
    HttpResponse<byte[]> recreate = hub.postJson("/api/repos/create", ADMIN_TOKEN, Map.of("name", "after", "organization", "admin"));
    assertThat(recreate.statusCode()).isEqualTo(200);
  }

  @Test
  void listing_filters_and_paginates() throws Exception {
    for (int i = 0; i < 5; i++) {
      hub.createRepo("listed-" + i);
    }
    hub.commit("listed-3", Map.of("README.md", "---\ntags: [vision]\nlicense: apache-2.0\npipeline_tag: image-classification\n---\n"));
    HttpResponse<byte[]> first = hub.get("/api/models?search=listed&limit=2", null);
    assertThat(json(first)).hasSize(2);
    assertThat(header(first, "Link")).contains("rel=\"next\"").startsWith("<http://");
    List<String> all = new ArrayList<>(ids(first));
    String next = header(first, "Link");
    while (next != null) {
      HttpResponse<byte[]> page = hub.get(next.substring(1, next.indexOf('>')), null);
      all.addAll(ids(page));
      next = header(page, "Link");
    }
    assertThat(all).containsExactlyInAnyOrder("admin/listed-0", "admin/listed-1", "admin/listed-2", "admin/listed-3",
        "admin/listed-4");
    assertThat(ids(hub.get("/api/models?filter=vision&filter=license:apache-2.0", null))).containsExactly("admin/listed-3");
    JsonNode item = json(hub.get("/api/models?pipeline_tag=image-classification", null)).get(0);
    assertThat(item.get("id").asText()).isEqualTo("admin/listed-3");
    assertThat(item.get("lastModified").asText()).endsWith("Z");
  }

  @Test
  void lineage_tags_carry_the_base_model_relation() throws Exception {
    hub.createRepo("quant");
    hub.commit("quant", Map.of("README.md",
        "---\nbase_model: acme/base-7b\nbase_model_relation: quantized\nlicense: mit\n---\n"));
    hub.createRepo("merged");
    hub.commit("merged", Map.of("README.md", "---\nbase_model: [acme/a, acme/b]\n---\n"));
    assertThat(ids(hub.get("/api/models?filter=base_model:quantized:acme/base-7b", null))).containsExactly("admin/quant");
    assertThat(ids(hub.get("/api/models?filter=base_model:merge:acme/b", null))).containsExactly("admin/merged");
    JsonNode info = json(hub.get("/api/models/admin/quant", null));
    assertThat(info.get("cardData").get("base_model_relation").asText()).isEqualTo("quantized");
  }

  @Test
  void info_expand_keeps_only_asked_keys_and_ignores_unknown_ones() throws Exception {
    hub.createRepo("expand");
    HttpResponse<byte[]> r = hub.get("/api/models/admin/expand?expand=sha&expand=xetEnabled&expand=nonsense", null);
    assertThat(r.statusCode()).isEqualTo(200);
    List<String> keys = new ArrayList<>();
    json(r).fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactlyInAnyOrder("_id", "id", "sha", "xetEnabled");
  }

  @Test
  void whoami_needs_a_token() throws Exception {
    JsonNode me = json(hub.get("/api/whoami-v2", hub.bobToken));
    assertThat(me.get("name").asText()).isEqualTo("bob");
    assertThat(me.get("auth").get("accessToken").get("role").asText()).isEqualTo("write");
    assertThat(hub.get("/api/whoami-v2", null).statusCode()).isEqualTo(401);
    assertThat(hub.get("/api/whoami-v2", "undefined").statusCode()).isEqualTo(401);
  }

  @Test
  void branches_and_tags() throws Exception {
    hub.createRepo("refs");
    String c = hub.commit("refs", Map.of("a.txt", "a"));
    assertThat(hub.postJson("/api/models/admin/refs/branch/dev", ADMIN_TOKEN, Map.of()).statusCode()).isEqualTo(200);
    assertThat(hub.postJson("/api/models/admin/refs/branch/dev", ADMIN_TOKEN, Map.of()).statusCode()).isEqualTo(409);
    assertThat(hub.postJson("/api/models/admin/refs/branch/refs%2Fpr%2F5", ADMIN_TOKEN, Map.of()).statusCode()).isEqualTo(400);
    assertThat(hub.postJson("/api/models/admin/refs/tag/main", ADMIN_TOKEN, Map.of("tag", "v1", "message", "first")).statusCode())
        .isEqualTo(200);
    assertThat(hub.postJson("/api/models/admin/refs/tag/main", ADMIN_TOKEN, Map.of("tag", "v1")).statusCode()).isEqualTo(409);
    JsonNode refs = json(hub.get("/api/models/admin/refs/refs", null));
    assertThat(refs.get("tags").get(0).get("targetCommit").asText()).isEqualTo(c);
    assertThat(refs.get("branches")).hasSize(2);
    HttpResponse<byte[]> deleteMain = hub.send(hub.request("/api/models/admin/refs/branch/main", ADMIN_TOKEN).DELETE().build());
    assertThat(deleteMain.statusCode()).isEqualTo(403);
    assertThat(hub.send(hub.request("/api/models/admin/refs/branch/dev", ADMIN_TOKEN).DELETE().build()).statusCode())
        .isEqualTo(200);
    assertThat(hub.send(hub.request("/api/models/admin/refs/tag/v1", ADMIN_TOKEN).DELETE().build()).statusCode())
        .isEqualTo(200);
    assertThat(json(hub.get("/api/models/admin/refs/refs", null)).get("tags")).isEmpty();
  }

  private static List<String> ids(HttpResponse<byte[]> r) throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode n : json(r)) {
      out.add(n.get("id").asText());
    }
    return out;
  }
}
