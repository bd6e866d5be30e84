package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.TestHub.header;
import static org.arbor.app.TestHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.arbor.core.Sha256;
import org.arbor.service.Accounts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gated repositories: metadata public, content behind an access request, manual and auto approval. */
class GatingContractTest {
  @TempDir static Path data;
  static TestHub hub;
  static String gus;
  static String hal;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start(data);
    Accounts accounts = hub.app.accounts();
    accounts.createUser("gus", false);
    accounts.createUser("hal", false);
    gus = accounts.createToken("gus", "t", Accounts.READ).token();
    hal = accounts.createToken("hal", "t", Accounts.WRITE).token();
  }

  @AfterAll
  static void stop() throws Exception {
    hub.close();
  }

  @Test
  void manual_gating_from_request_to_acceptance() throws Exception {
    hub.createRepo("gated");
    hub.commit("gated", Map.of("config.json", "{}", "README.md",
        "---\nextra_gated_fields:\n  Company: text\n---\n"));
    hub.commitLfs("gated", "w.bin", new byte[] {1, 2, 3});
    assertThat(settings("gated", "{\"gated\":\"manual\"}")).isEqualTo(200);

    // metadata stays public
    JsonNode info = json(hub.get("/api/models/admin/gated", null));
    assertThat(info.get("gated").asText()).isEqualTo("manual");
    assertThat(hub.get("/api/models/admin/gated/tree/main", null).statusCode()).isEqualTo(200);
    // content does not
    HttpResponse<byte[]> anonymous = hub.get("/admin/gated/resolve/main/config.json", null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(header(anonymous, "X-Error-Code")).isEqualTo("GatedRepo");
    assertThat(header(anonymous, "X-Error-Message")).contains("Please log in");
    HttpResponse<byte[]> stranger = hub.get("/admin/gated/resolve/main/config.json", gus);
    assertThat(stranger.statusCode()).isEqualTo(403);
    assertThat(json(stranger).get("error").asText()).contains("ask for access");
    assertThat(hub.get("/api/models/admin/gated/auth-check", gus).statusCode()).isEqualTo(403);
    String oid = Sha256.digest(new byte[] {1, 2, 3}).hex();
    assertThat(hub.post("/admin/gated.git/info/lfs/objects/batch", gus, "application/vnd.git-lfs+json",
        "{\"operation\":\"download\",\"objects\":[{\"oid\":\"" + oid + "\",\"size\":3}]}").statusCode()).isEqualTo(403);
    assertThat(hub.get("/admin/gated/info/refs?service=git-upload-pack", gus).statusCode()).isEqualTo(403);

    // ask, wait, get accepted
    HttpResponse<byte[]> ask = hub.post("/admin/gated/ask-access", gus, "application/x-www-form-urlencoded",
        "Company=Acme+Labs");
    assertThat(json(ask).get("status").asText()).isEqualTo("pending");
    assertThat(header(hub.get("/admin/gated/resolve/main/config.json", gus), "X-Error-Message")).contains("awaiting a review");
    assertThat(hub.get("/api/models/admin/gated/user-access-request/pending", gus).statusCode()).isEqualTo(403);
    JsonNode pending = json(hub.get("/api/models/admin/gated/user-access-request/pending", ADMIN_TOKEN));
    assertThat(pending.get(0).get("user").get("user").asText()).isEqualTo("gus");
    assertThat(pending.get(0).get("fields").get("Company").asText()).isEqualTo("Acme Labs");
    assertThat(pending.get(0).get("timestamp").asText()).endsWith("Z");

    assertThat(hub.postJson("/api/models/admin/gated/user-access-request/handle", ADMIN_TOKEN,
        Map.of("user", "gus", "status", "accepted")).statusCode()).isEqualTo(200);
    assertThat(hub.get("/admin/gated/resolve/main/config.json", gus).statusCode()).isEqualTo(200);
    assertThat(hub.get("/api/models/admin/gated/auth-check", gus).statusCode()).isEqualTo(200);
    assertThat(json(hub.get("/api/models/admin/gated/user-access-request/accepted", ADMIN_TOKEN))
        .get(0).get("user").get("user").asText()).isEqualTo("gus");

    // reject with a reason, then grant directly
    assertThat(hub.postJson("/api/models/admin/gated/user-access-request/handle", ADMIN_TOKEN,
        Map.of("user", "gus", "status", "rejected", "rejectionReason", "no")).statusCode()).isEqualTo(200);
    assertThat(header(hub.get("/admin/gated/resolve/main/config.json", gus), "X-Error-Message")).contains("rejected");
    assertThat(hub.postJson("/api/models/admin/gated/user-access-request/grant", ADMIN_TOKEN, Map.of("user", "hal"))
        .statusCode()).isEqualTo(200);
    assertThat(hub.get("/admin/gated/resolve/main/config.json", hal).statusCode()).isEqualTo(200);
    assertThat(hub.postJson("/api/models/admin/gated/user-access-request/grant", ADMIN_TOKEN, Map.of("user", "hal"))
        .statusCode()).isEqualTo(400);
    assertThat(hub.postJson("/api/models/admin/gated/user-access-request/grant", ADMIN_TOKEN, Map.of("user", "nobody"))
        .statusCode()).isEqualTo(404);
  }

  @Test
  void auto_gating_accepts_at_once() throws Exception {
    hub.createRepo("auto");
    hub.commit("auto", Map.of("a.txt", "a"));
    assertThat(settings("auto", "{\"gated\":\"auto\"}")).isEqualTo(200);
    assertThat(hub.get("/admin/auto/resolve/main/a.txt", hal).statusCode()).isEqualTo(403);
    assertThat(json(hub.postJson("/admin/auto/ask-access", hal, Map.of())).get("status").asText()).isEqualTo("accepted");
    assertThat(hub.get("/admin/auto/resolve/main/a.txt", hal).statusCode()).isEqualTo(200);
    assertThat(settings("auto", "{\"gated\":false}")).isEqualTo(200);
    assertThat(hub.get("/admin/auto/resolve/main/a.txt", null).statusCode()).isEqualTo(200);
    assertThat(hub.postJson("/admin/auto/ask-access", hal, Map.of()).statusCode()).isEqualTo(400);
  }

  private static int settings(String name, String body) throws Exception {
    return hub.send(hub.request("/api/models/admin/" + name + "/settings", ADMIN_TOKEN)
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build())
        .statusCode();
  }
}
