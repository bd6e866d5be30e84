package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.arbor.core.Sha256;
import org.arbor.service.Accounts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of caller against every kind of repository, through the API, the file routes, LFS and
 * git: the exact status and X-Error-Code of each cell. Callers: anonymous, a stranger (signed in,
 * no relation), an organisation reader, an organisation writer, a site admin. Repositories, all in
 * the organisation: public, private, and publicly gated (manual, no request made).
 */
class AuthorizationMatrixTest {
  static final byte[] OBJECT = {7, 7, 7};
  static final String OID = Sha256.digest(OBJECT).hex();
  static final AtomicInteger COMMITS = new AtomicInteger();

  static TestHub hub;
  static Map<String, String> tokens;

  @BeforeAll
  static void start(@org.junit.jupiter.api.io.TempDir Path data) throws Exception {
    hub = TestHub.start(data);
    Accounts accounts = hub.app.accounts();
    for (String user : List.of("owner", "stranger", "reader", "writer")) {
      accounts.createUser(user, false);
    }
    tokens = Map.of(
        "owner", accounts.createToken("owner", "t", Accounts.WRITE).token(),
        "stranger", accounts.createToken("stranger", "t", Accounts.WRITE).token(),
        "reader", accounts.createToken("reader", "t", Accounts.WRITE).token(),
        "writer", accounts.createToken("writer", "t", Accounts.WRITE).token(),
        "admin", ADMIN_TOKEN);
    hub.postJson("/api/organizations/create", tokens.get("owner"), Map.of("name", "org"));
    hub.postJson("/api/organizations/org/members", tokens.get("owner"), Map.of("user", "reader", "role", "read"));
    hub.postJson("/api/organizations/org/members", tokens.get("owner"), Map.of("user", "writer", "role", "write"));
    for (String repo : List.of("public", "private", "gated")) {
      assertThat(hub.postJson("/api/repos/create", tokens.get("owner"), Map.of("name", repo, "organization", "org"))
          .statusCode()).isEqualTo(200);
      lfsCommit(repo);
    }
    settings("private", "{\"private\":true}");
    settings("gated", "{\"gated\":\"manual\"}");
  }

  @AfterAll
  static void stop() throws Exception {
    hub.close();
  }

  /** What each caller gets from each route, per repository: status, or status/X-Error-Code. */
  static Stream<Arguments> cells() {
    List<Arguments> cells = new ArrayList<>();
    String[] routes = {"info", "tree", "resolve", "raw", "lfs-download", "git-fetch",
        "commit", "preupload", "lfs-upload", "git-push", "settings", "like", "likers"};
    Map<String, Map<String, String[]>> expected = Map.of(
        "public", Map.of(
            "anonymous", row("200", "200", "200", "200", "200", "200", "401", "401", "401", "401", "401", "401", "200"),
            "stranger", row("200", "200", "200", "200", "200", "200", "403", "403", "403", "403", "403", "200", "200"),
            "reader", row("200", "200", "200", "200", "200", "200", "403", "403", "403", "403", "403", "200", "200"),
            "writer", row("200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "403", "200", "200"),
            "admin", row("200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200")),
        "private", Map.of(
            "anonymous", row(repeat("401/RepoNotFound", 13)),
            "stranger", row(repeat("404/RepoNotFound", 13)),
            "reader", row("200", "200", "200", "200", "200", "200", "403", "403", "403", "403", "403", "200", "200"),
            "writer", row("200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "403", "200", "200"),
            "admin", row("200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200")),
        "gated", Map.of(
            "anonymous", row("200", "200", "401/GatedRepo", "401/GatedRepo", "401/GatedRepo", "401/GatedRepo",
                "401", "401", "401", "401", "401", "401", "200"),
            "stranger", row("200", "200", "403/GatedRepo", "403/GatedRepo", "403/GatedRepo", "403/GatedRepo",
                "403", "403", "403", "403", "403", "200", "200"),
            "reader", row("200", "200", "200", "200", "200", "200", "403", "403", "403", "403", "403", "200", "200"),
            "writer", row("200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "403", "200", "200"),
            "admin", row("200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200")));
    for (String repo : List.of("public", "private", "gated")) {
      for (String caller : List.of("anonymous", "stranger", "reader", "writer", "admin")) {
        String[] cellsOfRow = expected.get(repo).get(caller);
        for (int i = 0; i < routes.length; i++) {
          cells.add(Arguments.of(repo, caller, routes[i], cellsOfRow[i]));
        }
      }
    }
    return cells.stream();
  }

  @ParameterizedTest(name = "{0} repo, {1}, {2} -> {3}")
  @MethodSource("cells")
  void every_caller_gets_exactly_what_it_may(String repo, String caller, String route, String expected) throws Exception {
    HttpResponse<byte[]> r = call(route, "org/" + repo, "anonymous".equals(caller) ? null : tokens.get(caller));
    String[] want = expected.split("/");
    assertThat(r.statusCode()).as("%s %s %s: %s", repo, caller, route, TestHub.text(r)).isEqualTo(Integer.parseInt(want[0]));
    if (want.length > 1) {
      assertThat(TestHub.header(r, "X-Error-Code")).as("%s %s %s X-Error-Code", repo, caller, route).isEqualTo(want[1]);
    }
  }

  private static HttpResponse<byte[]> call(String route, String id, String token) throws Exception {
    String lfsJson = "application/vnd.git-lfs+json";
    return switch (route) {
      case "info" -> hub.get("/api/models/" + id, token);
      case "tree" -> hub.get("/api/models/" + id + "/tree/main", token);
      case "resolve" -> hub.get("/" + id + "/resolve/main/w.bin", token);
      case "raw" -> hub.get("/" + id + "/raw/main/w.bin", token);
      case "lfs-download" -> hub.post("/" + id + ".git/info/lfs/objects/batch", token, lfsJson,
          "{\"operation\":\"download\",\"objects\":[{\"oid\":\"" + OID + "\",\"size\":3}]}");
      case "git-fetch" -> hub.get("/" + id + "/info/refs?service=git-upload-pack", token);
      case "commit" -> hub.post("/api/models/" + id + "/commit/main", token, "application/x-ndjson",
          "{\"key\":\"header\",\"value\":{\"summary\":\"matrix\"}}\n{\"key\":\"file\",\"value\":{\"path\":\"m"
              + COMMITS.incrementAndGet() + ".txt\",\"content\":\"eA==\"}}\n");
      case "preupload" -> hub.postJson("/api/models/" + id + "/preupload/main", token,
          Map.of("files", List.of(Map.of("path", "x.bin", "size", 3, "sample", "AAAA"))));
      case "lfs-upload" -> hub.post("/" + id + ".git/info/lfs/objects/batch", token, lfsJson,
          "{\"operation\":\"upload\",\"objects\":[{\"oid\":\"" + OID + "\",\"size\":3}]}");
      case "git-push" -> hub.get("/" + id + "/info/refs?service=git-receive-pack", token);
      case "like" -> hub.post("/api/models/" + id + "/like", token, "application/json", "{}");
      case "likers" -> hub.get("/api/models/" + id + "/likers", token);
      case "settings" -> hub.send(hub.request("/api/models/" + id + "/settings", token)
          .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{}")).build());
      default -> throw new IllegalArgumentException(route);
    };
  }

  private static void lfsCommit(String repo) throws Exception {
    String owner = tokens.get("owner");
    HttpResponse<byte[]> batch = hub.post("/org/" + repo + ".git/info/lfs/objects/batch", owner,
        "application/vnd.git-lfs+json", "{\"operation\":\"upload\",\"objects\":[{\"oid\":\"" + OID + "\",\"size\":3}]}");
    var object = TestHub.json(batch).get("objects").get(0);
    if (object.has("actions")) {
      hub.send(HttpRequest.newBuilder(java.net.URI.create(object.get("actions").get("upload").get("href").asText()))
          .PUT(HttpRequest.BodyPublishers.ofByteArray(OBJECT)).build());
    }
    HttpResponse<byte[]> commit = hub.post("/api/models/org/" + repo + "/commit/main", owner, "application/x-ndjson",
        "{\"key\":\"header\",\"value\":{\"summary\":\"w\"}}\n{\"key\":\"lfsFile\",\"value\":{\"path\":\"w.bin\","
            + "\"algo\":\"sha256\",\"oid\":\"" + OID + "\",\"size\":3}}\n");
    assertThat(commit.statusCode()).as(TestHub.text(commit)).isEqualTo(200);
  }

  private static void settings(String repo, String body) throws Exception {
    HttpResponse<byte[]> r = hub.send(hub.request("/api/models/org/" + repo + "/settings", tokens.get("owner"))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    assertThat(r.statusCode()).as(TestHub.text(r)).isEqualTo(200);
  }

  private static String[] row(String... cells) {
    return cells;
  }

  private static String[] repeat(String cell, int n) {
    String[] out = new String[n];
    java.util.Arrays.fill(out, cell);
    return out;
  }
}
