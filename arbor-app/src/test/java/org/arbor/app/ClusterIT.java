package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.TestHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.arbor.core.Sha256;
import org.arbor.formats.xet.XetFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes, each its own process, on one PostgreSQL and one S3 bucket behind a round-robin
 * front (issue 11): what one node writes, another serves; concurrent writers through different
 * nodes lose nothing; a node killed mid-upload leaves nothing half-visible and the retry succeeds.
 */
class ClusterIT {
  @TempDir static Path dir;
  @TempDir static Path home;
  @TempDir Path work;
  static TestCluster cluster;
  static GitCli git;
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(dir, 3, Map.of());
    git = GitCli.configured(home);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static TestHub node(int i) {
    return TestHub.remote(cluster.nodeUrl(i));
  }

  @Test
  void the_front_spreads_requests_over_every_node() throws Exception {
    long[] before = new long[cluster.size()];
    for (int n = 0; n < cluster.size(); n++) {
      before[n] = cluster.front.served(n);
    }
    TestHub front = TestHub.remote(cluster.url);
    for (int i = 0; i < 6; i++) {
      HttpResponse<byte[]> r = front.get("/api/whoami-v2", ADMIN_TOKEN);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(json(r).get("name").asText()).isEqualTo("admin");
    }
    for (int n = 0; n < cluster.size(); n++) {
      assertThat(cluster.front.served(n) - before[n]).as("requests node %d served", n).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void each_periodic_job_is_run_by_one_node_holding_its_lease() {
    // the jobs due at start (abandoned uploads, change-log pruning) were claimed as the nodes came up
    List<Map<String, Object>> leases = cluster.database().jdbi().withHandle(h -> h.createQuery(
        "SELECT name, holder, until_ms FROM job_leases ORDER BY name").mapToMap().list());
    assertThat(leases).extracting(l -> l.get("name")).contains("abandoned-parts", "change-log-prune");
    for (Map<String, Object> lease : leases) {
      assertThat((String) lease.get("holder")).as("%s has a holder", lease.get("name")).isNotEmpty();
      assertThat((Long) lease.get("until_ms")).as("%s runs until its next turn", lease.get("name"))
          .isGreaterThan(System.currentTimeMillis() + 30 * 60 * 1000L);
    }
  }

  @Test
  void what_one_node_writes_the_others_serve() throws Exception {
    node(0).createRepo("shared");
    String commit = node(1).commit("shared", Map.of("config.json", "{\"model_type\":\"bert\"}"));
    byte[] weights = random(3 * 1024 * 1024 + 17, 1);
    String lfsCommit = node(2).commitLfs("shared", "model.bin", weights);

    for (int i = 0; i < cluster.size(); i++) {
      TestHub n = node(i);
      HttpResponse<byte[]> info = n.get("/api/models/admin/shared", ADMIN_TOKEN);
      assertThat(info.statusCode()).as("model info on node %d", i).isEqualTo(200);
      assertThat(json(info).get("sha").asText()).isEqualTo(lfsCommit);
      assertThat(TestHub.text(n.get("/admin/shared/resolve/" + commit + "/config.json", ADMIN_TOKEN)))
          .contains("bert");
      assertThat(download(cluster.nodeUrl(i) + "/admin/shared/resolve/main/model.bin")).isEqualTo(weights);
    }
    // nothing of it on a node's disk: packs are in the bucket, refs in the database
    assertThat(bucketObjects()).anyMatch(k -> k.startsWith("cluster/git/") && k.endsWith(".pack"));
    for (int i = 0; i < cluster.size(); i++) {
      assertThat(cluster.dir.resolve("node-" + i + "/repos")).doesNotExist();
    }
    // and each node's search index learns of it from the change log
    for (int i = 0; i < cluster.size(); i++) {
      TestHub n = node(i);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      List<String> found = SearchContractTest.ids(n, "/api/models?search=shared");
      while (found.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(200);
        found = SearchContractTest.ids(n, "/api/models?search=shared");
      }
      assertThat(found).as("search on node %d", i).containsExactly("admin/shared");
    }
  }

  @Test
  void a_web_session_and_the_sign_in_limits_hold_on_every_node() throws Exception {
    assertThat(node(0).postJson("/api/admin/users", ADMIN_TOKEN, Map.of("name", "lou", "password", "battery staple"))
        .statusCode()).isEqualTo(200);
    String session = WebSignInTest.signIn(node(1), "lou", "battery staple");
    for (int i = 0; i < cluster.size(); i++) {
      assertThat(TestHub.text(WebSignInTest.get(node(i), "/", session))).as("the session on node %d", i)
          .contains("Signed in as <strong>lou</strong>");
    }
    // five wrong passwords, spread over the nodes, lock the account on all of them
    for (int i = 0; i < 5; i++) {
      TestHub n = node(i % cluster.size());
      String csrf = WebSignInTest.cookie(WebSignInTest.get(n, "/login", null), "arbor_csrf");
      assertThat(WebSignInTest.post(n, "/login", csrf, Map.of("username", "lou", "password", "wrong" + i,
          "csrf", WebSignInTest.value(csrf))).statusCode()).isEqualTo(401);
    }
    for (int i = 0; i < cluster.size(); i++) {
      String csrf = WebSignInTest.cookie(WebSignInTest.get(node(i), "/login", null), "arbor_csrf");
      assertThat(WebSignInTest.post(node(i), "/login", csrf, Map.of("username", "lou", "password", "battery staple",
          "csrf", WebSignInTest.value(csrf))).statusCode()).as("signing in on node %d", i).isEqualTo(429);
    }
  }

  @Test
  void concurrent_api_commits_through_every_node_are_all_kept_in_a_linear_history() throws Exception {
    node(0).createRepo("busy");
    int perNode = 6;
    ExecutorService pool = Executors.newFixedThreadPool(cluster.size() * 2);
    try {
      List<Future<String>> commits = new ArrayList<>();
      CountDownLatch go = new CountDownLatch(1);
      for (int n = 0; n < cluster.size(); n++) {
        for (int k = 0; k < perNode; k++) {
          int node = n;
          int index = k;
          commits.add(pool.submit(() -> {
            go.await();
            return node(node).commit("busy", Map.of("n" + node + "/f" + index + ".txt", "from node " + node));
          }));
        }
      }
      go.countDown();
      Set<String> ids = new HashSet<>();
      for (Future<String> c : commits) {
        ids.add(c.get(120, TimeUnit.SECONDS));
      }
      assertThat(ids).hasSize(cluster.size() * perNode);
    } finally {
      pool.shutdownNow();
    }

    Path clone = work.resolve("busy");
    git.run(work, "git", "clone", "-q", gitUrl(0, "busy"), clone.toString()).assertOk();
    GitCli.Result parents = git.run(clone, "git", "log", "--format=%P");
    parents.assertOk();
    List<String> lines = parents.out().lines().toList();
    assertThat(lines).as("every commit, the initial one included").hasSize(cluster.size() * perNode + 1);
    assertThat(lines).as("a linear history").allMatch(l -> !l.contains(" "));
    for (int n = 0; n < cluster.size(); n++) {
      for (int k = 0; k < perNode; k++) {
        assertThat(clone.resolve("n" + n + "/f" + k + ".txt")).hasContent("from node " + n);
      }
    }
    git.run(clone, "git", "fsck", "--strict").assertOk();
  }

  @Test
  void two_pushes_to_one_branch_through_two_nodes_one_wins_the_other_retries() throws Exception {
    node(0).createRepo("pushed");
    Path a = work.resolve("a");
    Path b = work.resolve("b");
    git.run(work, "git", "clone", "-q", gitUrl(0, "pushed"), a.toString()).assertOk();
    git.run(work, "git", "clone", "-q", gitUrl(1, "pushed"), b.toString()).assertOk();
    Files.writeString(a.resolve("a.txt"), "from a");
    Files.writeString(b.resolve("b.txt"), "from b");
    git.run(a, "git", "add", ".").assertOk();
    git.run(a, "git", "commit", "-qm", "a").assertOk();
    git.run(b, "git", "add", ".").assertOk();
    git.run(b, "git", "commit", "-qm", "b").assertOk();

    ExecutorService pool = Executors.newFixedThreadPool(2);
    GitCli.Result pushA;
    GitCli.Result pushB;
    try {
      Future<GitCli.Result> fa = pool.submit(() -> git.run(a, "git", "push", "origin", "main"));
      Future<GitCli.Result> fb = pool.submit(() -> git.run(b, "git", "push", "origin", "main"));
      pushA = fa.get(120, TimeUnit.SECONDS);
      pushB = fb.get(120, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertThat(pushA.code() == 0 || pushB.code() == 0).as("one push wins:%n%s%n%s", pushA.out(), pushB.out())
        .isTrue();
    for (var loser : List.of(Map.entry(a, pushA), Map.entry(b, pushB))) {
      if (loser.getValue().code() != 0) {
        assertThat(loser.getValue().out()).containsAnyOf("rejected", "failed to lock", "fetch first", "non-fast-forward");
        git.run(loser.getKey(), "git", "pull", "-q", "--rebase", "origin", "main").assertOk();
        git.run(loser.getKey(), "git", "push", "origin", "main").assertOk();
      }
    }

    Path check = work.resolve("check");
    git.run(work, "git", "clone", "-q", gitUrl(2, "pushed"), check.toString()).assertOk();
    assertThat(check.resolve("a.txt")).hasContent("from a");
    assertThat(check.resolve("b.txt")).hasContent("from b");
    assertThat(git.run(check, "git", "log", "--format=%P").out().lines()).allMatch(l -> !l.contains(" "));
    git.run(check, "git", "fsck", "--strict").assertOk();
  }

  @Test
  void git_lfs_pushes_through_the_front_straight_into_the_bucket_and_clones_back() throws Exception {
    TestHub front = TestHub.remote(cluster.url);
    front.createRepo("lfs-direct");
    Path repo = work.resolve("lfs-direct");
    String url = cluster.url.replace("http://", "http://user:" + ADMIN_TOKEN + "@") + "/admin/lfs-direct";
    git.run(work, "git", "clone", "-q", url, repo.toString()).assertOk();
    byte[] weights = random(6 * 1024 * 1024 + 5, 11);
    Files.write(repo.resolve("model.safetensors"), weights);
    git.run(repo, "git", "lfs", "track", "*.safetensors").assertOk();
    git.run(repo, "git", "add", ".").assertOk();
    git.run(repo, "git", "commit", "-qm", "weights").assertOk();
    git.run(repo, "git", "push", "origin", "main").assertOk();

    String oid = Sha256.digest(weights).hex();
    assertThat(bucketObjects()).as("stored under its sha256, nothing left in incoming/")
        .anyMatch(k -> k.startsWith("cluster/sha256/") && k.endsWith(oid))
        .noneMatch(k -> k.startsWith("cluster/incoming/"));
    Path clone = work.resolve("lfs-clone");
    git.run(work, "git", "clone", "-q", url, clone.toString()).assertOk();
    assertThat(Files.readAllBytes(clone.resolve("model.safetensors"))).isEqualTo(weights);
    assertThat(download(cluster.url + "/admin/lfs-direct/resolve/main/model.safetensors")).isEqualTo(weights);
  }

  /**
   * On a cluster LFS bytes go straight into the bucket; what still streams through a node is the
   * default Python upload, Xet: xorbs POSTed to the hub's CAS. A node dies with a third of a 48 MiB
   * xorb received. (Two nodes of their own, with Xet on.)
   */
  @Test
  void a_node_killed_mid_upload_leaves_nothing_visible_and_the_retry_through_the_front_succeeds(@TempDir Path xetDir)
      throws Exception {
    try (TestCluster xet = TestCluster.start(xetDir, 2, Map.of("xet", "true"))) {
      killMidXorb(xet);
    }
  }

  private static void killMidXorb(TestCluster nodes) throws Exception {
    TestHub front = TestHub.remote(nodes.url);
    front.createRepo("interrupted");
    byte[] content = random(96 * 1024 * 1024, 7);
    String oid = Sha256.digest(content).hex();
    XetFixtures.TwoXorbFile file = XetFixtures.twoXorbFile(content);
    HttpResponse<byte[]> token = retrying(() -> front.get("/api/models/admin/interrupted/xet-write-token/main",
        ADMIN_TOKEN));
    assertThat(token.statusCode()).as(TestHub.text(token)).isEqualTo(200);
    String write = json(token).get("accessToken").asText();
    String firstPath = "/xet/v1/xorbs/default/" + file.x1().hash();
    String firstBlob = Sha256.digest(file.first()).hex();
    HttpResponse<byte[]> second = retrying(() -> front.send(front.request("/xet/v1/xorbs/default/" + file.x2().hash(),
        write).POST(HttpRequest.BodyPublishers.ofByteArray(file.second())).build()));
    assertThat(second.statusCode()).as(TestHub.text(second)).isEqualTo(200);

    // Node 1 receives the xorb; it is killed when 16 MiB have gone out.
    CountDownLatch halfway = new CountDownLatch(1);
    InputStream body = new java.io.ByteArrayInputStream(file.first()) {
      private long sent;

      @Override
      public synchronized int read(byte[] b, int off, int len) {
        if (sent >= 16L * 1024 * 1024) {
          halfway.countDown();
          try {
            Thread.sleep(50);   // trickle while the node dies
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        int n = super.read(b, off, Math.min(len, 64 * 1024));
        sent += Math.max(n, 0);
        return n;
      }
    };
    var upload = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(nodes.nodeUrl(1) + firstPath))
        .header("Authorization", "Bearer " + write).POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(halfway.await(60, TimeUnit.SECONDS)).isTrue();
    nodes.kill(1);
    try {
      HttpResponse<String> r = upload.get(60, TimeUnit.SECONDS);
      assertThat(r.statusCode()).as("the interrupted upload did not succeed").isNotEqualTo(200);
    } catch (java.util.concurrent.ExecutionException expected) {
      assertThat(expected.getCause()).isInstanceOf(IOException.class);
    }
    try {
      assertThat(bucketObjects(nodes).stream().filter(k -> k.contains(firstBlob)).toList())
          .as("objects named after the interrupted xorb").isEmpty();
      HttpResponse<byte[]> early = retrying(() -> front.send(front.request("/xet/v1/shards", write)
          .POST(HttpRequest.BodyPublishers.ofByteArray(file.shard())).build()));
      assertThat(early.statusCode()).as("a file over the interrupted xorb does not register").isEqualTo(400);

      // the client's retry goes through the front, which by now sends nothing to the dead node
      HttpResponse<byte[]> retry = retrying(() -> front.send(front.request(firstPath, write)
          .POST(HttpRequest.BodyPublishers.ofByteArray(file.first())).build()));
      assertThat(retry.statusCode()).as(TestHub.text(retry)).isEqualTo(200);
      HttpResponse<byte[]> shard = retrying(() -> front.send(front.request("/xet/v1/shards", write)
          .POST(HttpRequest.BodyPublishers.ofByteArray(file.shard())).build()));
      assertThat(shard.statusCode()).as(TestHub.text(shard)).isEqualTo(200);
      HttpResponse<byte[]> commit = retrying(() -> front.post("/api/models/admin/interrupted/commit/main", ADMIN_TOKEN,
          "application/x-ndjson", "{\"key\":\"header\",\"value\":{\"summary\":\"weights\"}}\n"
              + "{\"key\":\"lfsFile\",\"value\":{\"path\":\"w.bin\",\"algo\":\"sha256\",\"oid\":\"" + oid
              + "\",\"size\":" + content.length + "}}\n"));
      assertThat(commit.statusCode()).as(TestHub.text(commit)).isEqualTo(200);
      assertThat(download(nodes.url + "/admin/interrupted/resolve/main/w.bin")).isEqualTo(content);
    } finally {
      nodes.startNode(1);
    }
  }

  /**
   * Sends a request again after a 502, as the clients do: the front may send one request to a node
   * that just died before its health check notices.
   */
  private static HttpResponse<byte[]> retrying(java.util.concurrent.Callable<HttpResponse<byte[]>> send)
      throws Exception {
    HttpResponse<byte[]> r = send.call();
    for (int attempt = 1; r.statusCode() == 502 && attempt < 5; attempt++) {
      Thread.sleep(300);
      r = send.call();
    }
    return r;
  }

  private static List<String> bucketObjects() {
    return bucketObjects(cluster);
  }

  private static List<String> bucketObjects(TestCluster cluster) {
    return cluster.s3.client().listObjectsV2Paginator(b -> b.bucket(org.arbor.storage.blob.S3TestServer.BUCKET))
        .contents().stream().map(o -> o.key()).toList();
  }

  /** GETs a file as the admin, following the hub's redirect to a presigned URL of the bucket. */
  private static byte[] download(String url) throws Exception {
    HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    HttpResponse<byte[]> r = following.send(HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    return r.body();
  }

  private static String gitUrl(int node, String name) {
    return cluster.nodeUrl(node).replace("http://", "http://user:" + ADMIN_TOKEN + "@") + "/admin/" + name;
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }
}
