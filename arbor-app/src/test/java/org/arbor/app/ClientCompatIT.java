package org.arbor.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.arbor.service.Accounts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client-compatibility suite: starts a hub and runs the real clients against it, unchanged,
 * with only the endpoint setting: {@code huggingface_hub} and {@code datasets} through pytest
 * (compat/python), {@code @huggingface/hub} through node's test runner (compat/js). bin/test
 * prepares both client environments.
 */
class ClientCompatIT {
  @TempDir static Path data;
  @TempDir static Path work;
  static TestHub hub;
  static Map<String, String> env;

  @BeforeAll
  static void start() throws Exception {
    // Xet off: the clients' plain LFS paths (basic, multipart), which they take against hubs without Xet;
    // huggingface_hub_with_hf_xet runs both clients against a hub with Xet on. Files over 5 MiB go up in parts.
    hub = TestHub.start(data, Map.of("lfs-part-size", "5MiB", "xet", "false"));
    env = clientEnv(hub, work.resolve("hf-home"));
  }

  /** What the client suites are told of a hub: its URL and the users and tokens they act as. */
  private static Map<String, String> clientEnv(TestHub hub, Path hfHome) {
    return clientEnv(hub.url, hub.app.accounts(), hub.bobToken, hfHome);
  }

  /** The same for a hub at {@code url} whose accounts are {@code accounts}; bob already holds {@code bobToken}. */
  private static Map<String, String> clientEnv(String url, Accounts accounts, String bobToken, Path hfHome) {
    accounts.createUser("alice", false);
    return Map.of(
        "HF_ENDPOINT", url,
        "ARBOR_URL", url,
        "ARBOR_USER", "alice",
        "ARBOR_TOKEN", accounts.createToken("alice", "compat", Accounts.WRITE).token(),
        "ARBOR_READ_TOKEN", accounts.createToken("alice", "compat-read", Accounts.READ).token(),
        "ARBOR_OTHER_USER", "bob",
        "ARBOR_OTHER_TOKEN", bobToken,
        "HF_HUB_DISABLE_XET", "1",
        "HF_HUB_DISABLE_TELEMETRY", "1",
        "HF_HOME", hfHome.toString());
  }

  @AfterAll
  static void stop() throws Exception {
    hub.close();
  }

  @Test
  void huggingface_hub_and_datasets() throws Exception {
    Path python = Path.of(System.getenv().getOrDefault("ARBOR_PYTHON",
        root().resolve("compat/python/.venv/bin/python").toString()));
    assertThat(python).as("Python with the compat requirements; run bin/test to create it").isExecutable();
    run("pytest", List.of(python.toString(), "-m", "pytest", "-q", "-p", "no:cacheprovider", "compat/python"),
        TimeUnit.MINUTES.toSeconds(10));
  }

  /**
   * The same huggingface_hub and datasets suite against a hub whose large files live in
   * S3-compatible storage (issue 11; an in-process s3proxy): downloads follow the hub's 302 to
   * presigned URLs, uploads land in the bucket.
   */
  @Test
  void huggingface_hub_and_datasets_against_a_hub_on_s3(@TempDir Path s3Data, @TempDir Path s3Dir) throws Exception {
    Path python = Path.of(System.getenv().getOrDefault("ARBOR_PYTHON",
        root().resolve("compat/python/.venv/bin/python").toString()));
    try (org.arbor.storage.blob.S3TestServer s3 = org.arbor.storage.blob.S3TestServer.start(s3Dir)) {
      System.setProperty("aws.accessKeyId", org.arbor.storage.blob.S3TestServer.ACCESS_KEY);
      System.setProperty("aws.secretAccessKey", org.arbor.storage.blob.S3TestServer.SECRET_KEY);
      String blobs = "s3://" + org.arbor.storage.blob.S3TestServer.BUCKET + "/hub?endpoint=" + s3.location("").endpoint();
      try (TestHub s3Hub = TestHub.start(s3Data, Map.of("lfs-part-size", "5MiB", "xet", "false", "blobs", blobs))) {
        run("pytest-s3", List.of(python.toString(), "-m", "pytest", "-q", "-p", "no:cacheprovider", "compat/python"),
            TimeUnit.MINUTES.toSeconds(10), clientEnv(s3Hub, work.resolve("hf-home-s3")));
      }
      long objects = s3.client().listObjectsV2Paginator(b -> b.bucket(org.arbor.storage.blob.S3TestServer.BUCKET)
          .prefix("hub/sha256/")).contents().stream().count();
      assertThat(objects).as("the suite's LFS files went to the bucket").isGreaterThan(0);

      // hf_xet too, with xorbs in the bucket and their ranges fetched from it by presigned URL.
      String xetBlobs = "s3://" + org.arbor.storage.blob.S3TestServer.BUCKET + "/xet?endpoint=" + s3.location("").endpoint();
      try (TestHub xetHub = TestHub.start(s3Data.resolve("xet"), Map.of("xet", "true", "blobs", xetBlobs))) {
        Accounts accounts = xetHub.app.accounts();
        accounts.createUser("carol", false);
        run("pytest-xet-s3", List.of(python.toString(), "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "compat/python-xet"), TimeUnit.MINUTES.toSeconds(5), Map.of("HF_ENDPOINT", xetHub.url, "ARBOR_USER", "carol",
            "ARBOR_TOKEN", accounts.createToken("carol", "xet", Accounts.WRITE).token(),
            "HF_HOME", work.resolve("hf-home-xet-s3").toString(), "ARBOR_BLOBS", s3Data.resolve("xet/blobs").toString()));
      }
    }
  }

  /**
   * Both client suites against three nodes on PostgreSQL and S3 (git in the bucket too) behind a
   * round-robin front (issue 11): consecutive requests of one client land on different nodes.
   */
  @Test
  void both_client_suites_against_a_cluster_of_three_nodes(@TempDir Path clusterDir) throws Exception {
    Path python = Path.of(System.getenv().getOrDefault("ARBOR_PYTHON",
        root().resolve("compat/python/.venv/bin/python").toString()));
    try (TestCluster cluster = TestCluster.start(clusterDir, 3, Map.of("lfs-part-size", "5MiB"))) {
      Accounts accounts = cluster.accounts();
      accounts.createUser("bob", false);
      Map<String, String> clusterEnv = clientEnv(cluster.url, accounts,
          accounts.createToken("bob", "compat", Accounts.WRITE).token(), work.resolve("hf-home-cluster"));
      run("pytest-cluster", List.of(python.toString(), "-m", "pytest", "-q", "-p", "no:cacheprovider", "compat/python"),
          TimeUnit.MINUTES.toSeconds(10), clusterEnv);
      run("node-cluster", nodeSuite(), TimeUnit.MINUTES.toSeconds(6), clusterEnv);
      for (int n = 0; n < cluster.size(); n++) {
        assertThat(cluster.front.served(n)).as("requests node %d served", n).isGreaterThan(100);
      }
      assertThat(cluster.front.lfsPutsThroughHub()).as("both clients PUT their LFS bytes straight into the bucket")
          .isZero();
    }
  }

  @Test
  void huggingface_js_hub() throws Exception {
    run("node", nodeSuite(), TimeUnit.MINUTES.toSeconds(6));
  }

  /** The command that runs the @huggingface/hub suite. */
  private static List<String> nodeSuite() throws IOException {
    assertThat(root().resolve("compat/js/node_modules/@huggingface/hub/package.json"))
        .as("compat/js/node_modules; run bin/test to install it").exists();
    List<String> tests;
    try (var files = Files.list(root().resolve("compat/js"))) {
      tests = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".test.mjs")).sorted()
          .map(n -> "compat/js/" + n).toList();
    }
    assertThat(tests).isNotEmpty();
    List<String> command = new java.util.ArrayList<>(List.of("node", "--test", "--test-concurrency=1",
        "--test-timeout=120000"));
    command.addAll(tests);
    return command;
  }

  /**
   * huggingface_hub with hf_xet on (no HF_HUB_DISABLE_XET) and @huggingface/hub (Xet is its
   * default), against a hub with Xet on: two revisions of a model each go up through the CAS, the
   * second stores only about what changed, and nothing is stored twice.
   */
  @Test
  void huggingface_hub_with_hf_xet(@TempDir Path xetData) throws Exception {
    Path python = Path.of(System.getenv().getOrDefault("ARBOR_PYTHON",
        root().resolve("compat/python/.venv/bin/python").toString()));
    try (TestHub xetHub = TestHub.start(xetData, Map.of("xet", "true"))) {
      Accounts accounts = xetHub.app.accounts();
      accounts.createUser("carol", false);
      Map<String, String> xetEnv = Map.of("HF_ENDPOINT", xetHub.url, "ARBOR_USER", "carol",
          "ARBOR_TOKEN", accounts.createToken("carol", "xet", Accounts.WRITE).token(),
          "HF_HOME", work.resolve("hf-home-xet").toString(), "ARBOR_BLOBS", xetData.resolve("blobs").toString());
      run("pytest-xet", List.of(python.toString(), "-m", "pytest", "-q", "-p", "no:cacheprovider", "compat/python-xet"),
          TimeUnit.MINUTES.toSeconds(5), xetEnv);
      run("node-xet", List.of("node", "--test", "--test-timeout=120000", "compat/js/xet/xet.test.mjs"),
          TimeUnit.MINUTES.toSeconds(3), Map.of("ARBOR_URL", xetHub.url, "ARBOR_USER", "carol",
              "ARBOR_TOKEN", accounts.createToken("carol", "xet-js", Accounts.WRITE).token()));
    }
    try (org.arbor.storage.db.Database db = org.arbor.storage.db.Database.sqlite(xetData.resolve("arbor.db"))) {
      long files = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM xet_files").mapTo(Long.class).one());
      long stored = db.jdbi().withHandle(h -> h.createQuery("SELECT SUM(stored_len) FROM xet_xorbs")
          .mapTo(Long.class).one());
      long size = 8L * 1024 * 1024 + 123 + 6L * 1024 * 1024 + 321;   // the first revisions from Python and JS
      assertThat(files).as("two revisions each from Python and JS, registered through Xet").isEqualTo(4);
      assertThat(stored).as("the second revisions stored about what changed (10%%), not the files again")
          .isGreaterThanOrEqualTo(size).isLessThan(size + size / 4);
      long onDisk;
      try (java.util.stream.Stream<Path> blobs = java.nio.file.Files.walk(xetData.resolve("blobs"))) {
        onDisk = blobs.filter(java.nio.file.Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
      }
      assertThat(onDisk).as("the blob store holds the xorbs and no whole copy of either revision").isEqualTo(stored);
    }
  }

  /** Runs a client suite from the project root; its output is echoed, and it must exit 0. */
  private static void run(String name, List<String> command, long timeoutSeconds) throws Exception {
    run(name, command, timeoutSeconds, env);
  }

  private static void run(String name, List<String> command, long timeoutSeconds, Map<String, String> env)
      throws Exception {
    Path log = work.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(root().toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().remove("HF_TOKEN");
    builder.environment().putAll(env);
    Process process = builder.start();
    boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!finished) {
      process.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println("---- " + name + " output ----\n" + output + "---- end of " + name + " output ----");
    assertThat(finished).as(name + " finished within " + timeoutSeconds + " s").isTrue();
    assertThat(process.exitValue()).as(name + " exit code (output above)").isZero();
  }

  private static Path root() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("compat"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IOException("cannot find the project root (a folder with compat/)");
    }
    return dir;
  }
}
