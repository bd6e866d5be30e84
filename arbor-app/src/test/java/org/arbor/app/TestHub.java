package org.arbor.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.arbor.service.Accounts;

/**
 * A real hub on a free port with its own data folder, for tests: an admin ({@code admin}, write
 * token {@link #ADMIN_TOKEN}), a second user {@code bob} with a write token, and a read-only
 * token for the admin. {@link #http} speaks to it with the JDK client.
 */
final class TestHub implements AutoCloseable {
  static final String ADMIN_TOKEN = "hf_" + "A".repeat(34);
  static final ObjectMapper JSON = new ObjectMapper();

  final Path dataDir;
  final HubApp app;
  final String url;
  final String bobToken;
  final String readToken;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private TestHub(Path dataDir, HubApp app, String bobToken, String readToken) {
    this(dataDir, app, "http://127.0.0.1:" + app.port(), bobToken, readToken);
  }

  private TestHub(Path dataDir, HubApp app, String url, String bobToken, String readToken) {
    this.dataDir = dataDir;
    this.app = app;
    this.url = url;
    this.bobToken = bobToken;
    this.readToken = readToken;
  }

  /** The same helpers for a hub running elsewhere (a cluster node or its front); closing it does nothing. */
  static TestHub remote(String url) {
    return new TestHub(null, null, url, null, null);
  }

  static TestHub start(Path dataDir) throws Exception {
    return start(dataDir, Map.of());
  }

  /** The hub of a data folder a previous {@link #start} set up (its users and tokens already exist). */
  static TestHub reopen(Path dataDir) throws Exception {
    return reopen(dataDir, Map.of());
  }

  /** The same, with extra settings. */
  static TestHub reopen(Path dataDir, Map<String, String> settings) throws Exception {
    Map<String, String> flags = new HashMap<>(settings);
    flags.putIfAbsent("xet", "false");
    flags.putAll(Map.of("port", "0", "host", "127.0.0.1", "admin-token", ADMIN_TOKEN));
    return new TestHub(dataDir, HubApp.start(HubConfig.load(dataDir, Map.of(), flags)), null, null);
  }

  /** A hub with extra settings, e.g. {@code allow-signup}. */
  static TestHub start(Path dataDir, Map<String, String> settings) throws Exception {
    Files.createDirectories(dataDir);
    Map<String, String> flags = new HashMap<>(settings);
    // Contract tests pin down plain LFS (whole objects on disk); the Xet suites turn Xet on, as it
    // is by default, and then objects are converted in the background.
    flags.putIfAbsent("xet", "false");
    flags.put("port", "0");
    flags.put("host", "127.0.0.1");
    flags.put("admin-token", ADMIN_TOKEN);
    HubConfig config = HubConfig.load(dataDir, Map.of(), flags);
    HubApp app = HubApp.start(config);
    Accounts accounts = app.accounts();
    accounts.createUser("bob", false);
    String bob = accounts.createToken("bob", "tests", Accounts.WRITE).token();
    String read = accounts.createToken("admin", "tests-read", Accounts.READ).token();
    return new TestHub(dataDir, app, bob, read);
  }

  HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : url + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> get(String path, String token) throws IOException, InterruptedException {
    return send(request(path, token).GET().build());
  }

  HttpResponse<byte[]> head(String path, String token) throws IOException, InterruptedException {
    return send(request(path, token).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
  }

  HttpResponse<byte[]> post(String path, String token, String contentType, String body)
      throws IOException, InterruptedException {
    return send(request(path, token).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  HttpResponse<byte[]> postJson(String path, String token, Object body) throws IOException, InterruptedException {
    return post(path, token, "application/json", JSON.writeValueAsString(body));
  }

  /** Creates a model repo {@code admin/name} (empty but for .gitattributes). */
  void createRepo(String name) throws Exception {
    HttpResponse<byte[]> r = postJson("/api/repos/create", ADMIN_TOKEN, Map.of("name", name, "organization", "admin"));
    if (r.statusCode() != 200) {
      throw new IllegalStateException("create failed: " + r.statusCode() + " " + text(r));
    }
  }

  /** Commits regular files (path → content) to {@code admin/name} on main; returns the commit id. */
  String commit(String name, Map<String, String> files) throws Exception {
    StringBuilder body = new StringBuilder("{\"key\":\"header\",\"value\":{\"summary\":\"test commit\"}}\n");
    for (Map.Entry<String, String> f : files.entrySet()) {
      body.append(JSON.writeValueAsString(Map.of("key", "file", "value", Map.of(
          "path", f.getKey(), "encoding", "base64",
          "content", java.util.Base64.getEncoder().encodeToString(f.getValue().getBytes(StandardCharsets.UTF_8))))))
          .append('\n');
    }
    HttpResponse<byte[]> r = post("/api/models/admin/" + name + "/commit/main", ADMIN_TOKEN, "application/x-ndjson",
        body.toString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("commit failed: " + r.statusCode() + " " + text(r));
    }
    return json(r).get("commitOid").asText();
  }

  /** Uploads {@code content} through the LFS batch API and commits it at {@code path} of {@code admin/name}. */
  String commitLfs(String name, String path, byte[] content) throws Exception {
    String oid = org.arbor.core.Sha256.digest(content).hex();
    HttpResponse<byte[]> batch = post("/admin/" + name + ".git/info/lfs/objects/batch", ADMIN_TOKEN,
        "application/vnd.git-lfs+json", "{\"operation\":\"upload\",\"transfers\":[\"basic\"],\"objects\":[{\"oid\":\""
            + oid + "\",\"size\":" + content.length + "}]}");
    JsonNode object = json(batch).get("objects").get(0);
    if (object.has("actions")) {
      String href = object.get("actions").get("upload").get("href").asText();
      HttpResponse<byte[]> put = send(HttpRequest.newBuilder(URI.create(href))
          .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build());
      if (put.statusCode() != 200) {
        throw new IllegalStateException("upload failed: " + put.statusCode() + " " + text(put));
      }
    }
    HttpResponse<byte[]> r = post("/api/models/admin/" + name + "/commit/main", ADMIN_TOKEN, "application/x-ndjson",
        "{\"key\":\"header\",\"value\":{\"summary\":\"add " + path + "\"}}\n"
            + JSON.writeValueAsString(Map.of("key", "lfsFile", "value", Map.of("path", path, "algo", "sha256",
                "oid", oid, "size", content.length))) + "\n");
    if (r.statusCode() != 200) {
      throw new IllegalStateException("commit failed: " + r.statusCode() + " " + text(r));
    }
    return json(r).get("commitOid").asText();
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  static JsonNode json(HttpResponse<byte[]> r) throws IOException {
    return JSON.readTree(r.body());
  }

  static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  @Override
  public void close() throws Exception {
    if (app != null) {
      app.close();
    }
  }
}
