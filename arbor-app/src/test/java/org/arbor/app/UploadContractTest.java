package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.TestHub.header;
import static org.arbor.app.TestHub.json;
import static org.arbor.app.TestHub.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.arbor.core.Sha256;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The upload path as the clients drive it: preupload, LFS batch, signed PUT, NDJSON commit; and what it refuses. */
class UploadContractTest {
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
  void lfs_round_trip_writes_pointer_and_gitattributes_rule() throws Exception {
    hub.createRepo("lfs1");
    byte[] content = randomBytes(1_500_000, 1);
    String oid = Sha256.digest(content).hex();

    JsonNode pre = json(hub.postJson("/api/models/admin/lfs1/preupload/main", ADMIN_TOKEN, Map.of("files",
        List.of(Map.of("path", "weights/odd name.dat", "size", content.length,
            "sample", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(content, 512)))))));
    assertThat(pre.get("files").get(0).get("uploadMode").asText()).isEqualTo("lfs");
    assertThat(pre.get("files").get(0).get("shouldIgnore").asBoolean()).isFalse();

    String href = uploadHref("lfs1", oid, content.length);
    HttpResponse<byte[]> put = hub.send(HttpRequest.newBuilder(java.net.URI.create(href))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build());
    assertThat(put.statusCode()).isEqualTo(200);

    HttpResponse<byte[]> commit = hub.post("/api/models/admin/lfs1/commit/main", ADMIN_TOKEN, "application/x-ndjson",
        "{\"key\":\"header\",\"value\":{\"summary\":\"add weights\",\"description\":\"\"}}\n"
            + "{\"key\":\"lfsFile\",\"value\":{\"path\":\"weights/odd name.dat\",\"algo\":\"sha256\",\"oid\":\"" + oid
            + "\",\"size\":" + content.length + "}}\n");
    assertThat(commit.statusCode()).isEqualTo(200);
    JsonNode c = json(commit);
    assertThat(c.get("commitUrl").asText()).isEqualTo(hub.url + "/admin/lfs1/commit/" + c.get("commitOid").asText());

    HttpResponse<byte[]> raw = hub.get("/admin/lfs1/raw/main/weights/odd%20name.dat", null);
    assertThat(text(raw)).isEqualTo(
        "version https://git-lfs.github.com/spec/v1\noid sha256:" + oid + "\nsize " + content.length + "\n");
    HttpResponse<byte[]> resolved = hub.get("/admin/lfs1/resolve/main/weights/odd%20name.dat", null);
    assertThat(resolved.body()).isEqualTo(content);
    assertThat(header(resolved, "X-Linked-Etag")).isEqualTo("\"" + oid + "\"");
    assertThat(header(resolved, "X-Linked-Size")).isEqualTo(Integer.toString(content.length));
    assertThat(text(hub.get("/admin/lfs1/raw/main/.gitattributes", null)))
        .contains("weights/odd[[:space:]]name.dat filter=lfs diff=lfs merge=lfs -text");

    // Once stored and linked, the batch asks for nothing more.
    JsonNode again = batch("lfs1", oid, content.length);
    assertThat(again.get("objects").get(0).has("actions")).isFalse();
  }

  @Test
  void upload_with_wrong_bytes_is_refused_and_leaves_nothing() throws Exception {
    hub.createRepo("lfs2");
    byte[] content = randomBytes(100_000, 2);
    String oid = Sha256.digest(content).hex();
    String href = uploadHref("lfs2", oid, content.length);
    byte[] tampered = content.clone();
    tampered[5] ^= 1;
    HttpResponse<byte[]> put = hub.send(HttpRequest.newBuilder(java.net.URI.create(href))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(tampered)).build());
    assertThat(put.statusCode()).isEqualTo(400);
    assertThat(header(put, "X-Error-Message")).contains("sha256 mismatch");
    assertThat(blobFiles()).noneMatch(p -> p.getFileName().toString().equals(oid));
    assertThat(lfsCommit("lfs2", oid, content.length).statusCode()).isEqualTo(400);
  }

  @Test
  void a_client_dying_mid_upload_leaves_nothing_visible() throws Exception {
    hub.createRepo("lfs3");
    byte[] content = randomBytes(4_000_000, 3);
    String oid = Sha256.digest(content).hex();
    java.net.URI href = java.net.URI.create(uploadHref("lfs3", oid, content.length));
    try (Socket socket = new Socket(href.getHost(), href.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("PUT " + href.getRawPath() + "?" + href.getRawQuery() + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
          + content.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(content, 0, content.length / 2);
      out.flush();
      long started = System.nanoTime() + 10_000_000_000L;
      while (blobFiles().stream().noneMatch(p -> p.getFileName().toString().contains(oid)) && System.nanoTime() < started) {
        Thread.sleep(20); // the server is receiving: its partial file exists
      }
      assertThat(blobFiles()).anyMatch(p -> p.getFileName().toString().endsWith(".part"));
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (blobFiles().stream().anyMatch(p -> p.getFileName().toString().contains(oid)) && System.nanoTime() < deadline) {
      Thread.sleep(50); // the server notices the dead connection and removes the partial file
    }
    assertThat(blobFiles()).noneMatch(p -> p.getFileName().toString().contains(oid));
    assertThat(lfsCommit("lfs3", oid, content.length).statusCode()).isEqualTo(400);
    JsonNode batch = batch("lfs3", oid, content.length);
    assertThat(batch.get("objects").get(0).get("actions").has("upload")).isTrue();
  }

  @Test
  void tampered_or_foreign_signatures_are_refused() throws Exception {
    hub.createRepo("lfs4");
    byte[] content = randomBytes(1000, 4);
    String oid = Sha256.digest(content).hex();
    String href = uploadHref("lfs4", oid, content.length);
    String biggerSize = href.replace("size=" + content.length, "size=" + (content.length + 1));
    HttpResponse<byte[]> put = hub.send(HttpRequest.newBuilder(java.net.URI.create(biggerSize))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build());
    assertThat(put.statusCode()).isEqualTo(403);
  }

  @Test
  void commit_naming_an_object_never_uploaded_is_refused() throws Exception {
    hub.createRepo("lfs5");
    HttpResponse<byte[]> r = lfsCommit("lfs5", "a".repeat(64), 10);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(header(r, "X-Error-Message")).contains("never uploaded");
  }

  @Test
  void stale_parent_commit_is_412_and_changes_nothing() throws Exception {
    hub.createRepo("cas");
    String first = hub.commit("cas", Map.of("a.txt", "1"));
    hub.commit("cas", Map.of("b.txt", "2"));
    HttpResponse<byte[]> r = hub.post("/api/models/admin/cas/commit/main", ADMIN_TOKEN, "application/x-ndjson",
        "{\"key\":\"header\",\"value\":{\"summary\":\"late\",\"parentCommit\":\"" + first + "\"}}\n"
            + "{\"key\":\"file\",\"value\":{\"path\":\"c.txt\",\"content\":\"Mw==\",\"encoding\":\"base64\"}}\n");
    assertThat(r.statusCode()).isEqualTo(412);
    assertThat(hub.head("/admin/cas/resolve/main/c.txt", null).statusCode()).isEqualTo(404);
  }

  @Test
  void concurrent_commits_without_parent_all_land() throws Exception {
    hub.createRepo("race");
    int writers = 8;
    int each = 5;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      done.add(pool.submit(() -> {
        for (int i = 0; i < each; i++) {
          hub.commit("race", Map.of("w" + writer + "/f" + i + ".txt", writer + ":" + i));
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    HttpResponse<byte[]> commits = hub.get("/api/models/admin/race/commits/main?limit=1", null);
    assertThat(header(commits, "X-Total-Count")).isEqualTo(Integer.toString(writers * each + 1));
    HttpResponse<byte[]> tree = hub.get("/api/models/admin/race/tree/main?recursive=true", null);
    long files = 0;
    for (JsonNode e : json(tree)) {
      if (e.get("type").asText().equals("file") && e.get("path").asText().startsWith("w")) {
        files++;
      }
    }
    assertThat(files).isEqualTo(writers * each);
  }

  @ParameterizedTest
  @ValueSource(strings = {"../escape.txt", "/abs.txt", ".git/config", "a/.GIT/x", "a//b", "nul\u0000.txt",
      "tab\t.txt", "back\\\\slash"})
  void bad_paths_are_400_and_commit_nothing(String path) throws Exception {
    hub.createRepo("paths" + Math.abs(path.hashCode()));
    String repo = "paths" + Math.abs(path.hashCode());
    String line = "{\"key\":\"file\",\"value\":{\"path\":" + TestHub.JSON.writeValueAsString(path)
        + ",\"content\":\"eA==\",\"encoding\":\"base64\"}}";
    HttpResponse<byte[]> r = hub.post("/api/models/admin/" + repo + "/commit/main", ADMIN_TOKEN, "application/x-ndjson",
        "{\"key\":\"header\",\"value\":{\"summary\":\"x\"}}\n{\"key\":\"file\",\"value\":{\"path\":\"ok.txt\",\"content\":\"eA==\"}}\n"
            + line + "\n");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(header(r, "X-Error-Message")).startsWith("Invalid path");
    assertThat(hub.head("/admin/" + repo + "/resolve/main/ok.txt", null).statusCode()).isEqualTo(404);
  }

  @Test
  void over_long_path_is_400() throws Exception {
    hub.createRepo("long");
    HttpResponse<byte[]> r = hub.post("/api/models/admin/long/commit/main", ADMIN_TOKEN, "application/x-ndjson",
        "{\"key\":\"header\",\"value\":{\"summary\":\"x\"}}\n{\"key\":\"file\",\"value\":{\"path\":\""
            + "d/".repeat(600) + "f\",\"content\":\"eA==\"}}\n");
    assertThat(r.statusCode()).isEqualTo(400);
  }

  @Test
  void malformed_ndjson_is_400() throws Exception {
    hub.createRepo("malformed");
    HttpResponse<byte[]> noHeader = hub.post("/api/models/admin/malformed/commit/main", ADMIN_TOKEN,
        "application/x-ndjson", "{\"key\":\"file\",\"value\":{\"path\":\"a\",\"content\":\"eA==\"}}\n");
    assertThat(noHeader.statusCode()).isEqualTo(400);
    HttpResponse<byte[]> broken = hub.post("/api/models/admin/malformed/commit/main", ADMIN_TOKEN,
        "application/x-ndjson", "{\"key\":\"header\",\"value\":{}}\n{\"key\":\"file\",\"value\":{\"path\":");
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(header(broken, "Content-Type")).startsWith("application/json");
    HttpResponse<byte[]> unknown = hub.post("/api/models/admin/malformed/commit/main", ADMIN_TOKEN,
        "application/x-ndjson", "{\"key\":\"header\",\"value\":{}}\n{\"key\":\"copy\",\"value\":{\"path\":\"a\"}}\n");
    assertThat(unknown.statusCode()).isEqualTo(400);
  }

  @Test
  void oversized_regular_file_is_refused_with_a_hint_to_use_lfs() throws Exception {
    hub.createRepo("huge");
    String content = Base64.getEncoder().encodeToString(new byte[11 * 1024 * 1024]);
    HttpResponse<byte[]> r = hub.post("/api/models/admin/huge/commit/main", ADMIN_TOKEN, "application/x-ndjson",
        "{\"key\":\"header\",\"value\":{\"summary\":\"x\"}}\n{\"key\":\"file\",\"value\":{\"path\":\"big.txt\",\"content\":\""
            + content + "\",\"encoding\":\"base64\"}}\n");
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(header(r, "X-Error-Message")).contains("LFS");
  }

  @Test
  void read_token_cannot_write_and_bad_token_is_401() throws Exception {
    hub.createRepo("perm");
    HttpResponse<byte[]> read = hub.post("/api/models/admin/perm/commit/main", hub.readToken, "application/x-ndjson",
        "{\"key\":\"header\",\"value\":{\"summary\":\"x\"}}\n");
    assertThat(read.statusCode()).isEqualTo(403);
    HttpResponse<byte[]> other = hub.post("/api/models/admin/perm/commit/main", hub.bobToken, "application/x-ndjson",
        "{\"key\":\"header\",\"value\":{\"summary\":\"x\"}}\n");
    assertThat(other.statusCode()).isEqualTo(403);
    HttpResponse<byte[]> bad = hub.get("/api/models/admin/perm", "hf_" + "z".repeat(34));
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(header(bad, "X-Error-Message")).isEqualTo("Invalid credentials in Authorization header");
  }

  @Test
  void create_pr_commits_to_a_new_pull_request_ref() throws Exception {
    hub.createRepo("pr");
    HttpResponse<byte[]> r = hub.post("/api/models/admin/pr/commit/main?create_pr=1", ADMIN_TOKEN,
        "application/x-ndjson",
        "{\"key\":\"header\",\"value\":{\"summary\":\"proposal\"}}\n{\"key\":\"file\",\"value\":{\"path\":\"p.txt\",\"content\":\"cA==\"}}\n");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("pullRequestUrl").asText()).isEqualTo(hub.url + "/admin/pr/discussions/1");
    assertThat(text(hub.get("/admin/pr/resolve/refs%2Fpr%2F1/p.txt", null))).isEqualTo("p");
    assertThat(text(hub.get("/admin/pr/resolve/refs/pr/1/p.txt", null))).isEqualTo("p");
    assertThat(hub.head("/admin/pr/resolve/main/p.txt", null).statusCode()).isEqualTo(404);
  }

  @Test
  void xet_and_spaces_answer_a_clear_501() throws Exception {
    hub.createRepo("xet");
    HttpResponse<byte[]> xet = hub.get("/api/models/admin/xet/xet-write-token/main", ADMIN_TOKEN);
    assertThat(xet.statusCode()).isEqualTo(501);
    assertThat(header(xet, "X-Error-Message")).contains("HF_HUB_DISABLE_XET=1");
    HttpResponse<byte[]> space = hub.postJson("/api/repos/create", ADMIN_TOKEN,
        Map.of("name", "s", "organization", "admin", "type", "space", "sdk", "static"));
    assertThat(space.statusCode()).isEqualTo(501);
  }

  @Test
  void validate_yaml_answers_json_both_ways() throws Exception {
    HttpResponse<byte[]> ok = hub.postJson("/api/validate-yaml", ADMIN_TOKEN,
        Map.of("content", "---\nlicense: mit\n---\n# hi", "repoType", "model"));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(json(ok).get("errors")).isEmpty();
    HttpResponse<byte[]> bad = hub.postJson("/api/validate-yaml", ADMIN_TOKEN,
        Map.of("content", "---\nlicense: [mit\n---\n", "repoType", "model"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad).get("errors").get(0).get("message").asText()).contains("YAML");
  }

  private static String uploadHref(String repo, String oid, long size) throws Exception {
    JsonNode batch = batch(repo, oid, size);
    return batch.get("objects").get(0).get("actions").get("upload").get("href").asText();
  }

  private static JsonNode batch(String repo, String oid, long size) throws Exception {
    HttpResponse<byte[]> r = hub.post("/admin/" + repo + ".git/info/lfs/objects/batch", ADMIN_TOKEN,
        "application/vnd.git-lfs+json", "{\"operation\":\"upload\",\"transfers\":[\"basic\",\"multipart\",\"xet\"],"
            + "\"hash_algo\":\"sha_256\",\"ref\":{\"name\":\"main\"},\"objects\":[{\"oid\":\"" + oid + "\",\"size\":"
            + size + "}]}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(header(r, "Content-Type")).startsWith("application/vnd.git-lfs+json");
    JsonNode body = json(r);
    assertThat(body.get("transfer").asText()).isEqualTo("basic");
    return body;
  }

  private static HttpResponse<byte[]> lfsCommit(String repo, String oid, long size) throws Exception {
    return hub.post("/api/models/admin/" + repo + "/commit/main", ADMIN_TOKEN, "application/x-ndjson",
        "{\"key\":\"header\",\"value\":{\"summary\":\"x\"}}\n{\"key\":\"lfsFile\",\"value\":{\"path\":\"x.bin\","
            + "\"algo\":\"sha256\",\"oid\":\"" + oid + "\",\"size\":" + size + "}}\n");
  }

  private static List<Path> blobFiles() throws Exception {
    try (Stream<Path> files = Files.walk(data.resolve("blobs"))) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }
}
