package org.arbor.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.arbor.storage.blob.S3TestServer;

/**
 * The scale-out benchmark (issue 11), on a two-node {@link TestCluster} (PostgreSQL + in-process
 * S3): model-info requests per CPU-second of the Arbor processes with one node, then with the same
 * load spread over two (goal: ≥ 0.9×), with the database transactions per request; then a
 * download through the hub's presigned redirect against a direct GET of the same object from the
 * store (goal: ≥ 0.9×); then {@code git clone} of a 10,000-file repository from a node against an
 * embedded hub (goal: within 2×).
 *
 * <p>Usage: {@code ClusterBench [seconds=15] [threads=8] [mib=512] [rate=400]}.
 */
final class ClusterBench {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private ClusterBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int mib = args.length > 2 ? Integer.parseInt(args[2]) : 512;
    int rate = args.length > 3 ? Integer.parseInt(args[3]) : 400;
    Path dir = Files.createTempDirectory("arbor-cluster-bench");
    try (TestCluster cluster = TestCluster.start(dir, 2, Map.of())) {
      TestHub hub = TestHub.remote(cluster.nodeUrl(0));
      hub.createRepo("bench");
      hub.commit("bench", Map.of("config.json", "{\"model_type\":\"llama\"}", "README.md",
          "---\nlicense: apache-2.0\ntags: [text-generation]\n---\n# Bench\n"));

      System.out.printf("model info: %d client threads, %d s per run, after a %d s warm-up of each node%n", threads,
          seconds, 2 * seconds);
      run(cluster, List.of(0, 1), threads, 2 * seconds, 0);   // warm both JVMs (JIT) alike
      Result idle = run(cluster, List.of(0), 0, seconds, 0);
      System.out.printf("idle for %d s: node0 %.2f CPU-s, node1 %.2f CPU-s (background work, not subtracted)%n",
          seconds, idle.cpu()[0], idle.cpu()[1]);
      // As fast as the clients can (this machine's cores then hold clients, database and nodes at
      // once), and at a fixed offered rate below saturation, which measures the nodes' own cost.
      // One node and two alternate, three rounds each; the median of the rounds' ratios is reported.
      for (int offered : new int[] {0, rate}) {
        String load = offered == 0 ? "saturating" : offered + " req/s offered";
        double[] ratios = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
          Result one = run(cluster, List.of(0), threads, seconds, offered);
          Result two = run(cluster, List.of(0, 1), threads, seconds, offered);
          print("1 node,  " + load, one);
          print("2 nodes, " + load, two);
          ratios[round] = two.perCpuSecond() / one.perCpuSecond();
        }
        System.out.printf("requests per CPU-second, 2 nodes / 1 node, %s: %s, median %.2f (goal >= 0.90)%n", load,
            java.util.Arrays.toString(round2(ratios)), median(ratios));
      }

      // The same load per node: one node at half the rate against two at the full rate. If the
      // nodes shared a bottleneck, each of two would work harder per request than one alone.
      double[] sameLoad = new double[ROUNDS];
      for (int round = 0; round < ROUNDS; round++) {
        Result one = run(cluster, List.of(0), threads, seconds, rate / 2);
        Result two = run(cluster, List.of(0, 1), threads, seconds, rate);
        print("1 node,  " + rate / 2 + " req/s offered", one);
        print("2 nodes, " + rate + " req/s offered", two);
        sameLoad[round] = two.perCpuSecond() / one.perCpuSecond();
      }
      System.out.printf("requests per CPU-second at the same load per node (%d req/s each): %s, median %.2f%n",
          rate / 2, java.util.Arrays.toString(round2(sameLoad)), median(sameLoad));

      byte[] content = new byte[mib * 1024 * 1024];
      new Random(1).nextBytes(content);
      hub.commitLfs("bench", "model.bin", content);
      String key = "cluster/sha256/" + org.arbor.core.Sha256.digest(content).hex();
      // "direct": the same client GETs a presigned URL of the object made here, without the hub
      URI directUrl;
      try (var presigner = cluster.s3.location("").presigner(software.amazon.awssdk.auth.credentials
          .StaticCredentialsProvider.create(software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
              S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)))) {
        String stored = storedKey(cluster, key);
        directUrl = presigner.presignGetObject(b -> b.signatureDuration(Duration.ofMinutes(10))
            .getObjectRequest(g -> g.bucket(S3TestServer.BUCKET).key(stored))).url().toURI();
      }
      HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
      double[] direct = new double[5];
      double[] presigned = new double[5];
      for (int round = 0; round < direct.length; round++) {   // alternating, so both see the same machine
        direct[round] = content.length / timedGet(following, HttpRequest.newBuilder(directUrl).build(), content.length);
        presigned[round] = content.length / timedGet(following, HttpRequest.newBuilder(URI.create(
            cluster.nodeUrl(0) + "/admin/bench/resolve/main/model.bin"))
            .header("Authorization", "Bearer " + TestHub.ADMIN_TOKEN).build(), content.length);
      }
      System.out.printf("download of %d MiB (median of 5, one JDK client): a presigned GET from the store %.0f MB/s,"
          + " through the hub's presigned redirect %.0f MB/s: %.2f (goal >= 0.90)%n", mib, median(direct) / 1e6,
          median(presigned) / 1e6, median(presigned) / median(direct));

      uploadBench(cluster, mib);
      cloneBench(cluster, dir);
    }
  }

  /**
   * An LFS upload as huggingface_hub sends it to a cluster (batch, a PUT of the body to the
   * presigned URL it is given, then verify, where the hub reads the object once and has the store
   * copy it into place), against the same client's PUT of the same bytes to a presigned URL made
   * here (the store's own rate); median of 5, alternating. Also the CPU the node spent per upload.
   */
  private static void uploadBench(TestCluster cluster, int mib) throws Exception {
    TestHub hub = TestHub.remote(cluster.nodeUrl(0));
    hub.createRepo("uploads");
    byte[] content = new byte[mib * 1024 * 1024];
    new Random(2).nextBytes(content);
    double[] plain = new double[5];
    double[] viaHub = new double[5];
    double[] nodeCpu = new double[5];
    try (var presigner = cluster.s3.location("").presigner(software.amazon.awssdk.auth.credentials
        .StaticCredentialsProvider.create(software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
            S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)))) {
      for (int round = 0; round < plain.length; round++) {
        content[0] = (byte) round;   // a new object each round: a stored one needs no upload
        int n = round;
        URI url = presigner.presignPutObject(b -> b.signatureDuration(Duration.ofMinutes(10))
            .putObjectRequest(r -> r.bucket(S3TestServer.BUCKET).key("bench-put/" + n))).url().toURI();
        long t0 = System.nanoTime();
        put(url, content);
        plain[round] = content.length / seconds(t0);

        content[1] = (byte) (round + 1);
        String oid = org.arbor.core.Sha256.digest(content).hex();
        double cpuBefore = cluster.cpuSeconds(0);
        t0 = System.nanoTime();
        var actions = TestHub.json(hub.post("/admin/uploads.git/info/lfs/objects/batch", TestHub.ADMIN_TOKEN,
            "application/vnd.git-lfs+json", "{\"operation\":\"upload\",\"transfers\":[\"basic\"],\"objects\":[{"
                + "\"oid\":\"" + oid + "\",\"size\":" + content.length + "}]}")).get("objects").get(0).get("actions");
        put(URI.create(actions.get("upload").get("href").asText()), content);
        var verified = hub.post(actions.get("verify").get("href").asText(), TestHub.ADMIN_TOKEN,
            "application/vnd.git-lfs+json", "{\"oid\":\"" + oid + "\",\"size\":" + content.length + "}");
        if (verified.statusCode() != 200) {
          throw new IllegalStateException("verify answered " + verified.statusCode() + " " + TestHub.text(verified));
        }
        viaHub[round] = content.length / seconds(t0);
        nodeCpu[round] = cluster.cpuSeconds(0) - cpuBefore;
      }
    }
    System.out.printf("upload of %d MiB as huggingface_hub sends it (median of 5): a presigned PUT to the store %.0f MB/s,"
        + " batch + PUT straight to the store + the hub's verify %.0f MB/s: %.2f; the node spent %.2f CPU-s per upload%n",
        mib, median(plain) / 1e6, median(viaHub) / 1e6, median(viaHub) / median(plain), median(nodeCpu));
  }

  private static void put(URI url, byte[] body) throws Exception {
    HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(url).PUT(HttpRequest.BodyPublishers.ofByteArray(body))
        .build(), HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("PUT " + url.getPath() + " answered " + r.statusCode());
    }
  }

  /**
   * {@code git clone} of a 10,000-file repository over HTTP from a node (git in the bucket and
   * PostgreSQL, JGit DFS) and from an embedded hub (bare repositories on disk), median of 3 after a
   * warm-up clone each (goal: DFS within 2x).
   */
  private static void cloneBench(TestCluster cluster, Path dir) throws Exception {
    GitCli git = GitCli.configured(Files.createDirectories(dir.resolve("git-home")));
    Path source = Files.createDirectories(dir.resolve("ten-thousand"));
    git.run(source, "git", "init", "-q", "-b", "main").assertOk();
    for (int i = 0; i < 10_000; i++) {
      Path file = source.resolve("d" + (i / 100)).resolve("f" + i + ".txt");
      Files.createDirectories(file.getParent());
      Files.writeString(file, "file " + i + "\n" + "x".repeat(i % 300) + "\n");
    }
    git.run(source, "git", "add", ".").assertOk();
    git.run(source, "git", "commit", "-qm", "ten thousand files").assertOk();
    try (TestHub embedded = TestHub.start(dir.resolve("embedded"))) {
      TestHub node = TestHub.remote(cluster.nodeUrl(0));
      double[] medians = new double[2];
      TestHub[] hubs = {embedded, node};
      for (int h = 0; h < 2; h++) {
        hubs[h].createRepo("ten-thousand");
        String url = hubs[h].url.replace("http://", "http://user:" + TestHub.ADMIN_TOKEN + "@") + "/admin/ten-thousand";
        git.run(source, "git", "push", "-q", "--force", url, "main").assertOk();
        double[] times = new double[4];
        for (int round = 0; round < times.length; round++) {
          Path target = dir.resolve("clone-" + h + "-" + round);
          long t0 = System.nanoTime();
          git.run(dir, "git", "clone", "-q", url, target.toString()).assertOk();
          times[round] = seconds(t0);
        }
        double[] measured = java.util.Arrays.copyOfRange(times, 1, times.length);   // the first warms up
        java.util.Arrays.sort(measured);
        medians[h] = measured[1];
      }
      System.out.printf("git clone of 10,000 files over HTTP (median of 3): embedded %.2f s, DFS node %.2f s: %.2fx"
          + " (goal <= 2x)%n", medians[0], medians[1], medians[1] / medians[0]);
    }
  }

  /** The bucket key the store gave the object (the store's layout, found by listing). */
  private static String storedKey(TestCluster cluster, String expected) {
    return cluster.s3.client().listObjectsV2Paginator(b -> b.bucket(S3TestServer.BUCKET).prefix("cluster/"))
        .contents().stream().map(o -> o.key()).filter(k -> k.endsWith(expected.substring(expected.lastIndexOf('/'))))
        .findFirst().orElseThrow(() -> new IllegalStateException("no object for " + expected));
  }

  /** Seconds a GET of {@code length} bytes took, read to the end. */
  private static double timedGet(HttpClient client, HttpRequest request, long length) throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<java.io.InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    long n = r.body().transferTo(java.io.OutputStream.nullOutputStream());
    if (n != length || r.statusCode() != 200) {
      throw new IllegalStateException("download got " + r.statusCode() + ", " + n + " bytes");
    }
    return seconds(t0);
  }

  private static final int ROUNDS = 3;

  private static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double[] round2(double[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Math.round(values[i] * 100) / 100.0;
    }
    return out;
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  record Result(long requests, double seconds, double[] cpu, long transactions) {
    double cpuTotal() {
      double sum = 0;
      for (double c : cpu) {
        sum += c;
      }
      return sum;
    }

    double perCpuSecond() {
      return requests / cpuTotal();
    }
  }

  private static void print(String label, Result r) {
    StringBuilder perNode = new StringBuilder();
    for (int i = 0; i < r.cpu().length; i++) {
      perNode.append(String.format(" node%d %.1f CPU-s", i, r.cpu()[i]));
    }
    System.out.printf("%s: %d requests, %.0f req/s,%s, %.0f requests per CPU-second, %.2f database transactions"
        + " per request%n", label, r.requests(), r.requests() / r.seconds(), perNode, r.perCpuSecond(),
        (double) r.transactions() / r.requests());
  }

  /**
   * {@code threads} clients GET model info from the given nodes in turn for {@code seconds}, each
   * as fast as it can ({@code rate} 0) or paced so that together they offer {@code rate} a second.
   */
  private static Result run(TestCluster cluster, List<Integer> nodes, int threads, int seconds, int rate)
      throws Exception {
    double[] cpuBefore = new double[cluster.size()];
    for (int i = 0; i < cluster.size(); i++) {
      cpuBefore[i] = cluster.cpuSeconds(i);
    }
    long txBefore = transactions(cluster);
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    long start = System.nanoTime();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = t;
      long period = rate > 0 ? (long) (1e9 * threads / rate) : 0;
      clients.add(Thread.ofPlatform().start(() -> {
        int k = first;
        long next = start + first * period / threads;
        while (System.nanoTime() < end) {
          if (period > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime());
            next += period;
          }
          String base = cluster.nodeUrl(nodes.get(k++ % nodes.size()));
          try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/models/admin/bench"))
                .header("Authorization", "Bearer " + TestHub.ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) {
              throw new IllegalStateException("model info answered " + r.statusCode());
            }
            done.incrementAndGet();
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        }
      }));
    }
    if (threads == 0) {
      Thread.sleep(Duration.ofSeconds(seconds));   // no clients: what the nodes do on their own
    }
    for (Thread c : clients) {
      c.join();
    }
    double elapsed = seconds(start);
    double[] cpu = new double[cluster.size()];
    for (int i = 0; i < cluster.size(); i++) {
      cpu[i] = cluster.cpuSeconds(i) - cpuBefore[i];
    }
    return new Result(done.get(), elapsed, cpu, transactions(cluster) - txBefore);
  }

  private static long transactions(TestCluster cluster) {
    return cluster.database().jdbi().withHandle(h -> h.createQuery(
        "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")
        .mapTo(Long.class).one());
  }
}
