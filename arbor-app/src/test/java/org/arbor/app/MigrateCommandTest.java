package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.TestHub.header;
import static org.arbor.app.TestHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.arbor.core.Sha256;
import org.arbor.storage.blob.S3TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code arbor admin migrate} from a real embedded hub into real PostgreSQL (zonky), a real S3
 * protocol server (s3proxy) and a separate folder of repositories standing in for git on object
 * storage; then a hub on the migrated target serves the same tokens, repositories and files.
 */
class MigrateCommandTest {
  @TempDir static Path s3dir;
  static EmbeddedPostgres pg;
  static S3TestServer s3;
  static final AtomicInteger targets = new AtomicInteger();

  @TempDir Path source;
  @TempDir Path target;

  @BeforeAll
  static void start() throws Exception {
    pg = EmbeddedPostgres.builder().start();
    s3 = S3TestServer.start(s3dir);
    // The AWS chain reads these system properties first, as a deployment reads AWS_ACCESS_KEY_ID.
    System.setProperty("aws.accessKeyId", S3TestServer.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", S3TestServer.SECRET_KEY);
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    pg.close();
  }

  @Test
  void an_install_moves_verifiably_again_and_again_and_serves_from_the_target() throws Exception {
    byte[] weights = random(300_000, 1);
    String bobToken;
    try (TestHub hub = TestHub.start(source)) {
      bobToken = hub.bobToken;
      hub.createRepo("model-a");
      hub.commit("model-a", Map.of("README.md", "# Model A\n", "config.json", "{\"layers\": 2}"));
      hub.commitLfs("model-a", "weights.bin", weights);
      hub.createRepo("model-b");
      hub.commit("model-b", Map.of("notes.txt", "first"));
      assertThat(hub.postJson("/api/models/admin/model-b/branch/dev", ADMIN_TOKEN, Map.of()).statusCode())
          .isEqualTo(200);
    }
    Target to = newTarget("plain");

    Run first = migrate(to);
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out())
        .contains("database verified: ").contains("counts and hashes equal")
        .contains("blobs: 1 copied (300 kB), 0 already there")
        .contains("blobs verified: 1 objects, 300 kB, ids and sizes equal")
        .contains("repositories: 2, ")
        .contains("repositories verified: 2 repositories, 3 refs equal, tips readable")
        .containsPattern("verified: \\d+ rows, 1 blobs \\(300 kB\\) and 2 repositories match the source")
        .contains("serve it on each node with: ./arbor serve --db 'postgresql://postgres:***@localhost:")
        .doesNotContain("s3cret");
    assertThat(keys("plain/sha256/")).singleElement().asString().endsWith(Sha256.digest(weights).hex());
    assertThat(keys("plain/git/")).as("the repositories went to object storage (JGit DFS)")
        .anyMatch(k -> k.endsWith(".pack"));

    Run again = migrate(to);
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).as("nothing copied twice")
        .containsPattern("database: \\d+ tables, \\d+ rows: 0 inserted, 0 updated, 0 deleted")
        .contains("blobs: 0 copied (0 B), 1 already there (300 kB), 0 removed")
        .contains("repositories: 2, 0 objects sent, 0 refs set")
        .contains("verified: ");

    // An interrupted run, or one whose target was damaged: a blob, a table's rows and a ref are gone.
    s3.client().deleteObject(b -> b.bucket(S3TestServer.BUCKET).key(keys("plain/sha256/").getFirst()));
    try (Connection c = pg.getDatabase("postgres", to.database()).getConnection()) {
      c.createStatement().execute("DELETE FROM tokens");
      c.createStatement().execute("UPDATE users SET is_admin = TRUE WHERE name = 'bob'");
    }
    try (var db = org.arbor.storage.db.Database.postgres("jdbc:postgresql://localhost:" + to.port() + "/"
            + to.database(), "postgres", "postgres");
        var repos = HubApp.openGit(HubConfig.load(target, Map.of(), to.settings()), db)) {
      String key = keyOf(to, "model-b");
      var update = repos.repository(key).updateRef("refs/heads/dev");
      update.setForceUpdate(true);
      assertThat(update.delete()).isEqualTo(org.eclipse.jgit.lib.RefUpdate.Result.FORCED);
    }
    Run repaired = migrate(to);
    assertThat(repaired.code()).as(repaired.err()).isZero();
    assertThat(repaired.out()).containsPattern("tokens +\\d+ rows: [1-9]\\d* inserted, 0 updated, 0 deleted")
        .containsPattern("users +\\d+ rows: 0 inserted, 1 updated, 0 deleted")
        .contains("blobs: 1 copied (300 kB), 0 already there")
        .contains("repositories: 2, 0 objects sent, 1 refs set")
        .contains("verified: ");

    // The source changes while the hub is stopped again: a new commit, then another migration.
    try (TestHub hub = TestHub.reopen(source)) {
      hub.commit("model-b", Map.of("notes.txt", "second"));
    }
    Run afterChange = migrate(to);
    assertThat(afterChange.code()).as(afterChange.err()).isZero();
    assertThat(afterChange.out()).containsPattern("repositories: 2, [1-9]\\d* objects sent, 1 refs set");

    try (TestHub migrated = TestHub.reopen(target, to.settings())) {
      assertThat(json(migrated.get("/api/whoami-v2", bobToken)).get("name").asText())
          .as("an old token works").isEqualTo("bob");
      assertThat(json(migrated.get("/api/models?author=admin", ADMIN_TOKEN)).findValuesAsText("id"))
          .containsExactlyInAnyOrder("admin/model-a", "admin/model-b");
      assertThat(TestHub.text(migrated.get("/admin/model-a/resolve/main/README.md", ADMIN_TOKEN)))
          .isEqualTo("# Model A\n");
      assertThat(TestHub.text(migrated.get("/admin/model-b/resolve/dev/notes.txt", ADMIN_TOKEN))).isEqualTo("first");
      assertThat(TestHub.text(migrated.get("/admin/model-b/resolve/main/notes.txt", ADMIN_TOKEN))).isEqualTo("second");
      var lfs = migrated.get("/admin/model-a/resolve/main/weights.bin", ADMIN_TOKEN);
      assertThat(lfs.statusCode()).isEqualTo(200);
      assertThat(lfs.body()).as("the LFS file, from the bucket").isEqualTo(weights);
    }
  }

  @Test
  void with_xet_the_xorbs_and_their_rows_move_and_files_still_decode(@TempDir Path xetSource) throws Exception {
    byte[] plain = random(2_000_000, 2);
    try (TestHub hub = TestHub.start(xetSource, Map.of("xet", "true"))) {
      hub.createRepo("xet-model");
      hub.commitLfs("xet-model", "w.bin", plain);
      String xetHash = null;   // converted into xorbs in the background
      for (int i = 0; i < 200 && xetHash == null; i++) {
        xetHash = header(hub.head("/admin/xet-model/resolve/main/w.bin", ADMIN_TOKEN), "X-Xet-Hash");
        Thread.sleep(xetHash == null ? 50 : 0);
      }
      assertThat(xetHash).as("converted").isNotNull();
      String oid = Sha256.digest(plain).hex();
      Path whole = xetSource.resolve("blobs/sha256/" + oid.substring(0, 2) + "/" + oid.substring(2, 4) + "/" + oid);
      for (int i = 0; i < 100 && Files.exists(whole); i++) {   // deleted just after the Xet file is registered
        Thread.sleep(50);
      }
      assertThat(whole).as("the whole copy went before the migration").doesNotExist();
    }
    Target to = newTarget("xet");

    Run run = migrate(xetSource, to);

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).containsPattern("xet_xorbs +[1-9]\\d* rows").contains("verified: ");
    assertThat(keys("xet/sha256/")).as("xorbs, not the whole file").isNotEmpty()
        .noneMatch(k -> k.endsWith(Sha256.digest(plain).hex()));
    Map<String, String> settings = new HashMap<>(to.settings());
    settings.put("xet", "true");
    try (TestHub migrated = TestHub.reopen(target, settings)) {
      var got = migrated.get("/admin/xet-model/resolve/main/w.bin", ADMIN_TOKEN);
      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.body()).as("decoded from the migrated xorbs").isEqualTo(plain);
    }
  }

  @Test
  void a_source_that_is_already_scaled_out_is_refused(@TempDir Path scaled) throws Exception {
    Target to = newTarget("not-a-source");
    // as when ARBOR_BLOBS is exported for the new nodes in the shell that runs the migration
    java.nio.file.Files.writeString(scaled.resolve(HubConfig.CONFIG_FILE), "blobs=" + to.blobs() + "\n");

    Run run = migrate(scaled, to);

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("arbor: migrate: the source must be an embedded install");
    assertThat(run.out()).doesNotContain("database:");
  }

  @Test
  void a_target_of_another_install_is_refused_and_left_alone(@TempDir Path other) throws Exception {
    try (TestHub hub = TestHub.start(source)) {
      hub.createRepo("mine");
    }
    Target to = newTarget("refused");
    try (TestHub elsewhere = TestHub.reopen(other, to.settings())) {
      elsewhere.app.accounts().createUser("someone", false);   // a hub already runs on that database
    }

    Run run = migrate(to);

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("arbor: migrate: the target database already holds data");
    assertThat(run.out()).doesNotContain("verified");
    try (Connection c = pg.getDatabase("postgres", to.database()).getConnection();
        var rs = c.createStatement().executeQuery("SELECT count(*) FROM repos")) {
      rs.next();
      assertThat(rs.getInt(1)).as("nothing copied into it").isZero();
    }
  }

  /** A new database in the PostgreSQL server and a new prefix in the bucket. */
  private Target newTarget(String prefix) throws Exception {
    String name = "migrated" + targets.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection()) {
      c.createStatement().execute("CREATE DATABASE " + name);
    }
    return new Target(name, pg.getPort(), "s3://" + S3TestServer.BUCKET + "/" + prefix + "?endpoint="
        + s3.location("").endpoint());
  }

  record Target(String database, int port, String blobs) {
    String url() {
      return "postgresql://postgres:s3cret@localhost:" + port + "/" + database;
    }

    /** The settings of a hub on this target; downloads come through the hub so the test reads them directly. */
    Map<String, String> settings() {
      return Map.of("database-url", "jdbc:postgresql://localhost:" + port + "/" + database, "database-user", "postgres",
          "blobs", blobs, "blobs-redirect", "false");
    }
  }

  record Run(int code, String out, String err) {}

  private Run migrate(Target to) {
    return migrate(source, to);
  }

  /** Runs {@code arbor admin migrate} in this JVM, capturing what it prints. */
  private Run migrate(Path from, Target to) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      int code = Main.commandLine().execute("admin", "migrate", "--data", from.toString(), "--to", to.url(),
          "--blobs", to.blobs(), "--to-data", target.toString(), "--parallel", "2");
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
      out.print(o.toString(StandardCharsets.UTF_8));
      err.print(e.toString(StandardCharsets.UTF_8));
    }
  }

  private String keyOf(Target to, String name) throws Exception {
    try (Connection c = pg.getDatabase("postgres", to.database()).getConnection();
        var rs = c.createStatement().executeQuery("SELECT id FROM repos WHERE name = '" + name + "'")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static List<String> keys(String prefix) {
    return s3.client().listObjectsV2Paginator(b -> b.bucket(S3TestServer.BUCKET).prefix(prefix)).contents().stream()
        .map(S3Object::key).toList();
  }

  private static byte[] random(int n, long seed) {
    byte[] bytes = new byte[n];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
