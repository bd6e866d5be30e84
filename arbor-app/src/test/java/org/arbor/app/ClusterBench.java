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
 * store (goal: ≥ 0.9×).
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
      for (int offered : new int[] {0, rate}) {
        Result one = run(cluster, List.of(0), threads, seconds, offered);
        Result two = run(cluster, List.of(0, 1), threads, seconds, offered);
        String load = offered == 0 ? "saturating" : offered + " req/s offered";
        print("1 node,  " + load, one);
        print("2 nodes, " + load, two);
        System.out.printf("requests per CPU-second, 2 nodes / 1 node, %s: %.2f (goal >= 0.90)%n", load,
            two.perCpuSecond() / one.perCpuSecond());
      }

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
      double direct = 0;
      double presigned = 0;
      for (int round = 0; round < 3; round++) {
        direct = Math.max(direct, content.length / timedGet(following, HttpRequest.newBuilder(directUrl).build(),
            content.length));
        presigned = Math.max(presigned, content.length / timedGet(following, HttpRequest.newBuilder(URI.create(
            cluster.nodeUrl(0) + "/admin/bench/resolve/main/model.bin"))
            .header("Authorization", "Bearer " + TestHub.ADMIN_TOKEN).build(), content.length));
      }
      System.out.printf("download of %d MiB (best of 3, one JDK client): a presigned GET from the store %.0f MB/s, through the hub's"
          + " presigned redirect %.0f MB/s: %.2f (goal >= 0.90)%n", mib, direct / 1e6, presigned / 1e6,
          presigned / direct);
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
