package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.TestHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.arbor.service.Accounts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Likes: once per user, counted on the repository, listed both ways, never revealing private repos. */
class LikesContractTest {
  @TempDir static Path data;
  static TestHub hub;
  static String ivy;
  static String jon;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start(data);
    Accounts accounts = hub.app.accounts();
    accounts.createUser("ivy", false);
    accounts.createUser("jon", false);
    ivy = accounts.createToken("ivy", "t", Accounts.READ).token();
    jon = accounts.createToken("jon", "t", Accounts.WRITE).token();
  }

  @AfterAll
  static void stop() throws Exception {
    hub.close();
  }

  @Test
  void likes_count_once_per_user_and_sort_the_listing() throws Exception {
    hub.createRepo("liked");
    hub.createRepo("plain");
    assertThat(json(like("admin/liked", ivy)).get("likes").asLong()).isEqualTo(1);
    assertThat(json(like("admin/liked", ivy)).get("likes").asLong()).as("liking twice").isEqualTo(1);
    assertThat(json(like("admin/liked", jon)).get("likes").asLong()).isEqualTo(2);
    assertThat(like("admin/liked", null).statusCode()).isEqualTo(401);
    assertThat(like("admin/nothing", ivy).statusCode()).isEqualTo(404);

    assertThat(json(hub.get("/api/models/admin/liked?expand=likes", null)).get("likes").asLong()).isEqualTo(2);
    JsonNode sorted = json(hub.get("/api/models?author=admin&sort=likes&direction=-1", null));
    assertThat(sorted.get(0).get("id").asText()).isEqualTo("admin/liked");

    JsonNode likers = json(hub.get("/api/models/admin/liked/likers", null));
    assertThat(likers.findValuesAsText("user")).containsExactly("jon", "ivy");
    assertThat(likers.get(0).has("fullname")).isTrue();
    assertThat(likers.get(0).has("avatarUrl")).isTrue();

    JsonNode unliked = json(unlike("admin/liked", jon));
    assertThat(unliked.get("likes").asLong()).isEqualTo(1);
    assertThat(json(unlike("admin/liked", jon)).get("likes").asLong()).as("unliking twice").isEqualTo(1);
    assertThat(json(hub.get("/api/models/admin/liked/likers", null)).findValuesAsText("user")).containsExactly("ivy");
  }

  @Test
  void a_users_likes_show_only_what_the_caller_may_see() throws Exception {
    hub.createRepo("secret");
    hub.createRepo("open");
    assertThat(hub.send(hub.request("/api/models/admin/secret/settings", ADMIN_TOKEN)
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"private\":true}"))
        .build()).statusCode()).isEqualTo(200);
    assertThat(like("admin/secret", ivy).statusCode()).as("an outsider cannot like what it cannot see").isEqualTo(404);
    assertThat(like("admin/secret", ADMIN_TOKEN).statusCode()).isEqualTo(200);
    assertThat(like("admin/open", ADMIN_TOKEN).statusCode()).isEqualTo(200);

    assertThat(names(hub.get("/api/users/admin/likes", ADMIN_TOKEN))).contains("admin/secret", "admin/open");
    assertThat(names(hub.get("/api/users/admin/likes", null))).contains("admin/open").doesNotContain("admin/secret");
    assertThat(names(hub.get("/api/users/admin/likes", ivy))).doesNotContain("admin/secret");
    assertThat(hub.get("/api/models/admin/secret/likers", ivy).statusCode()).isEqualTo(404);
    assertThat(hub.get("/api/users/nobody/likes", null).statusCode()).isEqualTo(404);
    JsonNode first = json(hub.get("/api/users/admin/likes", null)).get(0);
    assertThat(first.get("repo").get("type").asText()).isEqualTo("model");
    assertThat(first.get("createdAt").asText()).endsWith("Z");
  }

  @Test
  void deleting_a_repository_takes_its_likes_along() throws Exception {
    hub.createRepo("doomed");
    assertThat(like("admin/doomed", jon).statusCode()).isEqualTo(200);
    assertThat(names(hub.get("/api/users/jon/likes", null))).contains("admin/doomed");
    assertThat(hub.send(hub.request("/api/repos/delete", ADMIN_TOKEN).header("Content-Type", "application/json")
        .method("DELETE", HttpRequest.BodyPublishers.ofString("{\"name\":\"doomed\",\"type\":\"model\"}")).build())
        .statusCode()).isEqualTo(200);
    assertThat(names(hub.get("/api/users/jon/likes", null))).doesNotContain("admin/doomed");
  }

  private static HttpResponse<byte[]> like(String id, String token) throws Exception {
    return hub.post("/api/models/" + id + "/like", token, "application/json", "{}");
  }

  private static HttpResponse<byte[]> unlike(String id, String token) throws Exception {
    return hub.send(hub.request("/api/models/" + id + "/like", token).DELETE().build());
  }

  private static List<String> names(HttpResponse<byte[]> r) throws Exception {
    assertThat(r.statusCode()).as(TestHub.text(r)).isEqualTo(200);
    return json(r).findValuesAsText("name");
  }
}
