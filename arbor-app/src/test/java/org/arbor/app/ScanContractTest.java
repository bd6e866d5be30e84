package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.TestHub.header;
import static org.arbor.app.TestHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.arbor.core.Sha256;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scan verdicts as the clients see them, and the block policy on every route that serves or adds a file. */
class ScanContractTest {
  /** trust.md TV1: protocol 2, GLOBAL os.system, BINUNICODE 'id', TUPLE1, REDUCE, STOP. */
  static final byte[] EVIL = HexFormat.of().parseHex("8002636f730a73797374656d0a5802000000696485522e");
  /** pickle.dumps({"a": [1, 2]}, protocol=2): benign. */
  static final byte[] BENIGN = HexFormat.of().parseHex("80027d710058010000006171015d7102284b014b0265732e");

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
  void verdicts_show_in_tree_paths_info_and_repo_status() throws Exception {
    hub.createRepo("scanned");
    hub.commitLfs("scanned", "evil.pkl", EVIL);
    hub.commit("scanned", Map.of("notes.txt", "just text"));
    hub.app.drainAnalysis();

    JsonNode tree = json(hub.get("/api/models/admin/scanned/tree/main?expand=true", null));
    JsonNode evil = entry(tree, "evil.pkl").get("securityFileStatus");
    assertThat(evil.get("status").asText()).isEqualTo("unsafe");
    assertThat(evil.get("avScan").get("status").asText()).isEqualTo("unscanned");
    JsonNode imports = evil.get("pickleImportScan").get("pickleImports");
    assertThat(imports.findValuesAsText("name")).contains("system");
    assertThat(entry(tree, "notes.txt").get("securityFileStatus").get("status").asText()).isEqualTo("safe");

    JsonNode paths = json(hub.postJson("/api/models/admin/scanned/paths-info/main", null,
        Map.of("paths", List.of("evil.pkl"), "expand", true)));
    assertThat(paths.get(0).get("securityFileStatus").get("status").asText()).isEqualTo("unsafe");

    JsonNode status = json(hub.get("/api/models/admin/scanned?securityStatus=true", null)).get("securityRepoStatus");
    assertThat(status.get("scansDone").asBoolean()).isTrue();
    assertThat(status.get("filesWithIssues").get(0).get("path").asText()).isEqualTo("evil.pkl");
    assertThat(status.get("filesWithIssues").get(0).get("level").asText()).isEqualTo("unsafe");

    // warn (the default) still serves the file
    assertThat(hub.get("/admin/scanned/resolve/main/evil.pkl", null).statusCode()).isEqualTo(200);
  }

  @Test
  void block_policy_refuses_downloads_and_commits_of_unsafe_files() throws Exception {
    hub.createRepo("blocked");
    hub.commitLfs("blocked", "evil.pkl", EVIL);
    hub.commit("blocked", Map.of("ok.txt", "fine"));
    HttpResponse<byte[]> set = hub.send(hub.request("/api/models/admin/blocked/settings", ADMIN_TOKEN)
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"scanPolicy\":\"block\"}")).build());
    assertThat(set.statusCode()).isEqualTo(200);

    HttpResponse<byte[]> download = hub.get("/admin/blocked/resolve/main/evil.pkl", null);
    assertThat(download.statusCode()).isEqualTo(403);
    assertThat(header(download, "X-Error-Code")).isEqualTo("UnsafeFile");
    assertThat(header(download, "X-Error-Message")).contains("evil.pkl").contains("unsafe");
    assertThat(hub.get("/admin/blocked/resolve/main/ok.txt", null).statusCode()).isEqualTo(200);
    assertThat(hub.get("/admin/blocked/raw/main/evil.pkl", null).statusCode()).isEqualTo(200); // the pointer is harmless
    HttpResponse<byte[]> clone = hub.get("/admin/blocked/info/refs?service=git-upload-pack", null);
    assertThat(clone.statusCode()).isEqualTo(403);
    assertThat(TestHub.text(clone)).contains("evil.pkl");

    String oid = Sha256.digest(EVIL).hex();
    JsonNode batch = json(hub.post("/admin/blocked.git/info/lfs/objects/batch", null, "application/vnd.git-lfs+json",
        "{\"operation\":\"download\",\"objects\":[{\"oid\":\"" + oid + "\",\"size\":" + EVIL.length + "}]}"));
    assertThat(batch.get("objects").get(0).get("error").get("code").asInt()).isEqualTo(403);

    HttpResponse<byte[]> commit = hub.post("/api/models/admin/blocked/commit/main", ADMIN_TOKEN, "application/x-ndjson",
        "{\"key\":\"header\",\"value\":{\"summary\":\"sneak\"}}\n{\"key\":\"file\",\"value\":{\"path\":\"model.bin\","
            + "\"content\":\"" + java.util.Base64.getEncoder().encodeToString(EVIL) + "\",\"encoding\":\"base64\"}}\n");
    assertThat(commit.statusCode()).isEqualTo(403);
    assertThat(header(commit, "X-Error-Message")).contains("model.bin");
    assertThat(hub.head("/admin/blocked/resolve/main/model.bin", null).statusCode()).isEqualTo(404);

    HttpResponse<byte[]> benign = hub.post("/api/models/admin/blocked/commit/main", ADMIN_TOKEN, "application/x-ndjson",
        "{\"key\":\"header\",\"value\":{\"summary\":\"fine\"}}\n{\"key\":\"file\",\"value\":{\"path\":\"state.pkl\","
            + "\"content\":\"" + java.util.Base64.getEncoder().encodeToString(BENIGN) + "\",\"encoding\":\"base64\"}}\n");
    assertThat(benign.statusCode()).as(TestHub.text(benign)).isEqualTo(200);
  }

  @Test
  void an_organisation_policy_applies_to_its_repositories_unless_one_overrides_it() throws Exception {
    hub.app.accounts().createUser("opal", false);
    String opal = hub.app.accounts().createToken("opal", "t", org.arbor.service.Accounts.WRITE).token();
    assertThat(hub.postJson("/api/organizations/create", opal, Map.of("name", "guarded")).statusCode()).isEqualTo(200);
    assertThat(hub.postJson("/api/repos/create", opal, Map.of("name", "m", "organization", "guarded")).statusCode())
        .isEqualTo(200);
    HttpResponse<byte[]> evil = hub.post("/api/models/guarded/m/commit/main", opal, "application/x-ndjson",
        "{\"key\":\"header\",\"value\":{\"summary\":\"x\"}}\n{\"key\":\"file\",\"value\":{\"path\":\"e.pkl\","
            + "\"content\":\"" + java.util.Base64.getEncoder().encodeToString(EVIL) + "\"}}\n");
    assertThat(evil.statusCode()).isEqualTo(200); // warn: accepted
    HttpResponse<byte[]> set = hub.send(hub.request("/api/organizations/guarded/settings", opal)
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"scanPolicy\":\"block\"}")).build());
    assertThat(set.statusCode()).isEqualTo(200);
    assertThat(hub.get("/guarded/m/resolve/main/e.pkl", opal).statusCode()).isEqualTo(403);
    hub.send(hub.request("/api/models/guarded/m/settings", opal).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"scanPolicy\":\"warn\"}")).build());
    assertThat(hub.get("/guarded/m/resolve/main/e.pkl", opal).statusCode()).isEqualTo(200);
  }

  private static JsonNode entry(JsonNode tree, String path) {
    for (JsonNode e : tree) {
      if (e.get("path").asText().equals(path)) {
        return e;
      }
    }
    throw new AssertionError("no entry " + path + " in " + tree);
  }
}
