package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.TestHub.header;
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

/**
 * Organisations, roles, scoped and revoked tokens, and the audit log: for each role, what it may
 * do to the organisation's private repository, asserted status by status.
 */
class OrgContractTest {
  @TempDir static Path data;
  static TestHub hub;
  static Map<String, String> tokens;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start(data);
    Accounts accounts = hub.app.accounts();
    for (String user : List.of("olga", "wes", "cora", "reed", "otto")) {
      accounts.createUser(user, false);
    }
    tokens = Map.of(
        "olga", accounts.createToken("olga", "t", Accounts.WRITE).token(),
        "wes", accounts.createToken("wes", "t", Accounts.WRITE).token(),
        "cora", accounts.createToken("cora", "t", Accounts.WRITE).token(),
        "reed", accounts.createToken("reed", "t", Accounts.WRITE).token(),
        "otto", accounts.createToken("otto", "t", Accounts.WRITE).token());
    assertThat(hub.postJson("/api/organizations/create", tokens.get("olga"), Map.of("name", "acme")).statusCode())
        .isEqualTo(200);
    for (String[] member : new String[][] {{"wes", "write"}, {"cora", "contributor"}, {"reed", "read"}}) {
      HttpResponse<byte[]> r = hub.postJson("/api/organizations/acme/members", tokens.get("olga"),
          Map.of("user", member[0], "role", member[1]));
      assertThat(r.statusCode()).as(TestHub.text(r)).isEqualTo(200);
    }
    HttpResponse<byte[]> created = hub.postJson("/api/repos/create", tokens.get("wes"),
        Map.of("name", "secret", "organization", "acme", "private", true));
    assertThat(created.statusCode()).as(TestHub.text(created)).isEqualTo(200);
  }

  @AfterAll
  static void stop() throws Exception {
    hub.close();
  }

  @Test
  void each_role_sees_and_does_what_it_may() throws Exception {
    // read: anyone in the org; nobody outside
    for (String member : List.of("olga", "wes", "cora", "reed")) {
      assertThat(hub.get("/api/models/acme/secret", tokens.get(member)).statusCode()).as(member).isEqualTo(200);
    }
    HttpResponse<byte[]> outsider = hub.get("/api/models/acme/secret", tokens.get("otto"));
    assertThat(outsider.statusCode()).isEqualTo(404);
    assertThat(header(outsider, "X-Error-Code")).isEqualTo("RepoNotFound");
    assertThat(hub.get("/api/models/acme/secret", null).statusCode()).isEqualTo(401);

    // commit to main: admin and write; not contributor, read or outsiders
    assertThat(commit("olga", false)).isEqualTo(200);
    assertThat(commit("wes", false)).isEqualTo(200);
    assertThat(commit("cora", false)).isEqualTo(403);
    assertThat(commit("reed", false)).isEqualTo(403);
    assertThat(commit("otto", false)).isEqualTo(404);
    // a pull request: contributors too
    assertThat(commit("cora", true)).isEqualTo(200);
    assertThat(commit("reed", true)).isEqualTo(403);

    // settings: org admins only
    assertThat(settings("wes", "{\"private\":true}")).isEqualTo(403);
    assertThat(settings("olga", "{\"private\":true}")).isEqualTo(200);

    // creating repositories in the namespace: admin and write
    assertThat(hub.postJson("/api/repos/create", tokens.get("cora"), Map.of("name", "x", "organization", "acme"))
        .statusCode()).isEqualTo(403);

    // listings show the private repo to members only
    assertThat(json(hub.get("/api/models?author=acme", tokens.get("reed"))).findValuesAsText("id")).contains("acme/secret");
    assertThat(json(hub.get("/api/models?author=acme", tokens.get("otto"))).findValuesAsText("id")).isEmpty();

    // whoami tells the orgs and the role
    JsonNode me = json(hub.get("/api/whoami-v2", tokens.get("cora")));
    assertThat(me.get("orgs").get(0).get("name").asText()).isEqualTo("acme");
    assertThat(me.get("orgs").get(0).get("roleInOrg").asText()).isEqualTo("contributor");
  }

  @Test
  void members_are_managed_by_org_admins_only() throws Exception {
    assertThat(hub.postJson("/api/organizations/acme/members", tokens.get("wes"), Map.of("user", "otto", "role", "read"))
        .statusCode()).isEqualTo(403);
    assertThat(hub.get("/api/organizations/acme/members", tokens.get("otto")).statusCode()).isEqualTo(404);
    JsonNode members = json(hub.get("/api/organizations/acme/members", tokens.get("reed")));
    assertThat(members.findValuesAsText("user")).contains("olga", "wes", "cora", "reed");
    HttpResponse<byte[]> demoteLast = hub.postJson("/api/organizations/acme/members", tokens.get("olga"),
        Map.of("user", "olga", "role", "write"));
    assertThat(demoteLast.statusCode()).isEqualTo(400);
    assertThat(hub.postJson("/api/organizations/create", tokens.get("otto"), Map.of("name", "olga")).statusCode())
        .isEqualTo(409); // a user's name
  }

  @Test
  void scoped_and_revoked_tokens() throws Exception {
    JsonNode scoped = json(hub.postJson("/api/settings/tokens", tokens.get("wes"),
        Map.of("name", "ci", "role", "write", "scope", List.of("acme/other"))));
    String limited = scoped.get("token").asText();
    assertThat(limited).startsWith("hf_");
    assertThat(hub.get("/api/models/acme/secret", limited).statusCode()).isEqualTo(404);

    JsonNode mine = json(hub.get("/api/settings/tokens", tokens.get("wes")));
    assertThat(mine.findValuesAsText("name")).contains("ci");
    String id = null;
    for (JsonNode t : mine) {
      if (t.get("name").asText().equals("ci")) {
        id = t.get("id").asText();
      }
    }
    HttpResponse<byte[]> revoke = hub.send(hub.request("/api/settings/tokens/" + id, tokens.get("wes")).DELETE().build());
    assertThat(revoke.statusCode()).isEqualTo(200);
    HttpResponse<byte[]> after = hub.get("/api/whoami-v2", limited);
    assertThat(after.statusCode()).isEqualTo(401);
    assertThat(header(after, "X-Error-Message")).isEqualTo("Invalid credentials in Authorization header");
  }

  @Test
  void the_audit_log_tells_the_story_to_admins_only() throws Exception {
    assertThat(hub.get("/api/admin/audit", tokens.get("olga")).statusCode()).isEqualTo(403);
    JsonNode events = json(hub.get("/api/admin/audit?limit=1000", ADMIN_TOKEN));
    List<String> actions = events.findValuesAsText("action");
    assertThat(actions).contains("org.created", "org.member.added", "repo.created");
    JsonNode added = json(hub.get("/api/admin/audit?action=org.member.added", ADMIN_TOKEN));
    assertThat(added.findValuesAsText("detail")).contains("wes as write", "cora as contributor", "reed as read");
    assertThat(added.findValuesAsText("actor")).containsOnly("olga");
  }

  private static int commit(String user, boolean pullRequest) throws Exception {
    return hub.post("/api/models/acme/secret/commit/main" + (pullRequest ? "?create_pr=1" : ""), tokens.get(user),
        "application/x-ndjson", "{\"key\":\"header\",\"value\":{\"summary\":\"by " + user + "\"}}\n"
            + "{\"key\":\"file\",\"value\":{\"path\":\"" + user + (pullRequest ? "-pr" : "") + ".txt\",\"content\":\"eA==\"}}\n")
        .statusCode();
  }

  private static int settings(String user, String body) throws Exception {
    return hub.send(hub.request("/api/models/acme/secret/settings", tokens.get(user)).header("Content-Type",
        "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build()).statusCode();
  }
}
