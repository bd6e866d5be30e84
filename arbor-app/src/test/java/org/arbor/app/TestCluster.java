package org.arbor.app;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.arbor.service.Accounts;
import org.arbor.service.AuditLog;
import org.arbor.storage.blob.S3TestServer;
import org.arbor.storage.db.AuditRows;
import org.arbor.storage.db.Database;
import org.arbor.storage.db.OrgRows;
import org.arbor.storage.db.TokenRows;
import org.arbor.storage.db.UserRows;

/**
 * Several Arbor nodes, each a process of its own with its own data folder, sharing one PostgreSQL
 * (zonky's embedded server) and one S3 bucket (an in-process s3proxy), behind a round-robin
 * {@link ClusterFront}: the scaled-out deployment of issue 11 on one machine. Nodes can be killed
 * (SIGKILL) and started again. The admin holds {@link TestHub#ADMIN_TOKEN}; {@link #accounts}
 * makes more users and tokens directly in the shared database.
 */
final class TestCluster implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  final Path dir;
  final EmbeddedPostgres pg;
  final S3TestServer s3;
  final ClusterFront front;
  final String url;
  private final List<URI> nodeUrls;
  private final Map<String, String> env;
  private final Process[] processes;
  private final Database db;

  private TestCluster(Path dir, EmbeddedPostgres pg, S3TestServer s3, ClusterFront front, List<URI> nodeUrls,
      Map<String, String> env, Database db) {
    this.dir = dir;
    this.pg = pg;
    this.s3 = s3;
    this.front = front;
    this.url = front.url().toString();
    this.nodeUrls = nodeUrls;
    this.env = env;
    this.processes = new Process[nodeUrls.size()];
    this.db = db;
  }

  /** Starts {@code nodes} nodes with {@code settings} (as {@code ARBOR_…} variables; Xet off unless set). */
  static TestCluster start(Path dir, int nodes, Map<String, String> settings) throws Exception {
    EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
    S3TestServer s3 = null;
    ClusterFront front = null;
    TestCluster cluster = null;
    try {
      s3 = S3TestServer.start(dir.resolve("s3"));
      List<URI> urls = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        urls.add(URI.create("http://127.0.0.1:" + freePort()));
      }
      front = ClusterFront.start(urls);
      String jdbc = pg.getJdbcUrl("postgres", "postgres");
      Map<String, String> env = new HashMap<>();
      env.put("ARBOR_DB_URL", "postgresql://postgres:postgres@localhost:" + pg.getPort() + "/postgres");
      env.put("ARBOR_BLOBS", "s3://" + S3TestServer.BUCKET + "/cluster?endpoint=" + s3.location("").endpoint());
      env.put("ARBOR_ADMIN_TOKEN", TestHub.ADMIN_TOKEN);
      env.put("ARBOR_PUBLIC_URL", front.url().toString());
      env.put("ARBOR_XET", "false");
      env.put("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY);
      env.put("AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY);
      env.put("AWS_REGION", "us-east-1");
      settings.forEach((k, v) -> env.put("ARBOR_" + k.toUpperCase(java.util.Locale.ROOT).replace('-', '_'), v));
      cluster = new TestCluster(dir, pg, s3, front, urls, env, Database.postgres(jdbc, "postgres", "postgres"));
      for (int i = 0; i < nodes; i++) {
        cluster.startNode(i);   // one at a time: the first creates the schema and the admin
      }
      return cluster;
    } catch (Exception e) {
      if (cluster != null) {
        cluster.close();
      } else {
        if (front != null) {
          front.close();
        }
        if (s3 != null) {
          s3.close();
        }
        pg.close();
      }
      throw e;
    }
  }

  int size() {
    return processes.length;
  }

  /** The base URL of node {@code i} itself, bypassing the front. */
  String nodeUrl(int i) {
    return nodeUrls.get(i).toString();
  }

  /** Starts node {@code i} (again) and waits until it answers. */
  void startNode(int i) throws Exception {
    Path data = Files.createDirectories(dir.resolve("node-" + i));
    ProcessBuilder builder = ArborProcess.builder("serve", "--data", data.toString(), "--host", "127.0.0.1",
        "--port", Integer.toString(nodeUrls.get(i).getPort()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node-" + i + ".log").toFile()));
    builder.environment().putAll(env);
    processes[i] = builder.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      if (!processes[i].isAlive()) {
        throw new IllegalStateException("node " + i + " exited with " + processes[i].exitValue() + "; see "
            + dir.resolve("node-" + i + ".log") + ":\n" + Files.readString(dir.resolve("node-" + i + ".log")));
      }
      try {
        HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(nodeUrl(i) + "/api/whoami-v2"))
            .header("Authorization", "Bearer " + TestHub.ADMIN_TOKEN).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("node " + i + " did not answer within 90 s");
      }
      Thread.sleep(100);
    }
  }

  /** Kills node {@code i} at once (SIGKILL: no shutdown hook, no clean close). */
  void kill(int i) throws InterruptedException {
    processes[i].destroyForcibly();
    processes[i].waitFor(10, TimeUnit.SECONDS);
  }

  /** The CPU time node {@code i}'s process has used so far (user + system, from /proc). */
  double cpuSeconds(int i) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(processes[i].pid()), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // after "pid (comm) ": state is field 3, utime 14 and stime 15, counted in clock ticks (100 a second)
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
  }

  /** Users and tokens, made directly in the shared database. */
  Accounts accounts() {
    Clock clock = Clock.systemUTC();
    return new Accounts(new UserRows(db), new TokenRows(db), new OrgRows(db), new AuditLog(new AuditRows(db), clock),
        clock);
  }

  Database database() {
    return db;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    for (Process p : processes) {
      if (p != null) {
        p.destroy();
      }
    }
    for (Process p : processes) {
      if (p != null && !p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    db.close();
    front.close();
    s3.close();
    pg.close();
  }
}
