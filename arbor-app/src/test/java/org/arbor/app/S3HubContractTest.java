package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.TestHub.header;
import static org.arbor.app.TestHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.arbor.core.Sha256;
import org.arbor.formats.xet.XetFixtures;
import org.arbor.storage.blob.S3TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A hub with its large files in S3-compatible storage (issue 11): a real S3 protocol server in
 * this JVM, credentials from the standard AWS chain. Plain LFS and Xet uploads land in the bucket,
 * downloads read them back from it, and the data folder holds no large file.
 */
class S3HubContractTest {
  @TempDir static Path data;
  @TempDir static Path s3dir;
  static S3TestServer s3;
  static TestHub hub;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3TestServer.start(s3dir);
    // The AWS chain reads these system properties first, as a deployment reads AWS_ACCESS_KEY_ID.
    System.setProperty("aws.accessKeyId", S3TestServer.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", S3TestServer.SECRET_KEY);
    String blobs = "s3://" + S3TestServer.BUCKET + "/hub?endpoint=" + s3.location("").endpoint();
    hub = TestHub.start(data, Map.of("blobs", blobs, "xet", "false", "lfs-part-size", "1MiB"));
  }

  @AfterAll
  static void stop() throws Exception {
    hub.close();
    s3.close();
  }

  @Test
  void git_lfs_uploads_go_straight_into_the_bucket_signed_over_their_sha256_and_are_published_at_verify()
      throws Exception {
    hub.createRepo("direct");
    byte[] content = random(2_500_000, 43);
    String oid = Sha256.digest(content).hex();
    JsonNode actions = json(hub.send(hub.request("/admin/direct.git/info/lfs/objects/batch", ADMIN_TOKEN)
        .header("Content-Type", "application/vnd.git-lfs+json").header("User-Agent", "git-lfs/3.4.1 (GitHub; linux amd64)")
        .POST(HttpRequest.BodyPublishers.ofString(uploadBatch(oid, content.length, "basic")))
        .build())).get("objects").get(0).get("actions");
    JsonNode upload = actions.get("upload");
    assertThat(upload.get("href").asText()).as("git-lfs PUTs to the bucket").startsWith(s3.location("").endpoint().toString());
    assertThat(upload.get("header").has("x-amz-checksum-sha256")).as("it sends the headers it is given").isTrue();
    String verify = actions.get("verify").get("href").asText();
    assertThat(verify).startsWith(hub.url + "/api/lfs/verify/");

    HttpResponse<byte[]> early = hub.post(verify, null, "application/vnd.git-lfs+json", "{}");
    assertThat(early.statusCode()).as("verify before the upload").isEqualTo(404);
    HttpRequest.Builder put = HttpRequest.newBuilder(java.net.URI.create(upload.get("href").asText()))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(content));
    upload.get("header").fields().forEachRemaining(h -> put.header(h.getKey(), h.getValue().asText()));
    assertThat(hub.send(put.build()).statusCode()).isEqualTo(200);
    assertThat(hub.head("/admin/direct/resolve/main/w.bin", ADMIN_TOKEN).statusCode()).isEqualTo(404);
    assertThat(hub.post(verify, null, "application/vnd.git-lfs+json", "{\"oid\":\"" + oid + "\",\"size\":"
        + content.length + "}").statusCode()).isEqualTo(200);
    assertThat(commitPointer("direct", "w.bin", oid, content.length).statusCode()).isEqualTo(200);
    assertThat(download("/admin/direct/resolve/main/w.bin")).isEqualTo(content);
    assertThat(keys()).as("nothing left in incoming/").noneMatch(k -> k.startsWith("hub/incoming/"));

    // git-lfs waits 30 s at most for verify's answer, which reads the whole object: large ones go through the hub
    String huge = Sha256.digest(new byte[] {1}).hex();
    long size = (1L << 30) + 1;
    String viaHub = json(hub.send(hub.request("/admin/direct.git/info/lfs/objects/batch", ADMIN_TOKEN)
        .header("Content-Type", "application/vnd.git-lfs+json").header("User-Agent", "git-lfs/3.4.1 (GitHub; linux amd64)")
        .POST(HttpRequest.BodyPublishers.ofString(uploadBatch(huge, size, "basic"))).build()))
        .get("objects").get(0).get("actions").get("upload").get("href").asText();
    assertThat(viaHub).startsWith(hub.url + "/api/lfs/upload/");
    String direct = json(hub.post("/admin/direct.git/info/lfs/objects/batch", ADMIN_TOKEN,
        "application/vnd.git-lfs+json", uploadBatch(huge, size, "basic"))).get("objects").get(0).get("actions")
        .get("upload").get("href").asText();
    assertThat(direct).as("huggingface_hub waits as long as it takes").startsWith(s3.location("").endpoint().toString());
  }

  @Test
  void the_hf_clients_put_the_body_alone_into_the_bucket_and_verify_or_the_commit_publishes_it() throws Exception {
    hub.createRepo("direct-hf");
    // huggingface_hub: PUT of the body alone, then the verify action
    byte[] content = random(1_500_000, 46);
    String oid = Sha256.digest(content).hex();
    JsonNode actions = json(hub.post("/admin/direct-hf.git/info/lfs/objects/batch", ADMIN_TOKEN,
        "application/vnd.git-lfs+json", uploadBatch(oid, content.length, "basic"))).get("objects").get(0).get("actions");
    String href = actions.get("upload").get("href").asText();
    assertThat(href).as("to the bucket").startsWith(s3.location("").endpoint().toString());
    assertThat(actions.get("upload").has("header")).as("nothing the client would have to send").isFalse();
    assertThat(hub.send(HttpRequest.newBuilder(java.net.URI.create(href))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build()).statusCode()).isEqualTo(200);
    assertThat(hub.post(actions.get("verify").get("href").asText(), ADMIN_TOKEN, "application/vnd.git-lfs+json",
        "{\"oid\":\"" + oid + "\",\"size\":" + content.length + "}").statusCode()).isEqualTo(200);
    assertThat(commitPointer("direct-hf", "a.bin", oid, content.length).statusCode()).isEqualTo(200);
    assertThat(download("/admin/direct-hf/resolve/main/a.bin")).isEqualTo(content);

    // @huggingface/hub calls no verify action: the commit publishes what it PUT, and refuses what is not the object
    byte[] other = random(1_200_000, 47);
    String otherOid = Sha256.digest(other).hex();
    String otherHref = json(hub.post("/admin/direct-hf.git/info/lfs/objects/batch", ADMIN_TOKEN,
        "application/vnd.git-lfs+json", uploadBatch(otherOid, other.length, "basic"))).get("objects").get(0)
        .get("actions").get("upload").get("href").asText();
    byte[] forged = other.clone();
    forged[99] ^= 1;
    assertThat(hub.send(HttpRequest.newBuilder(java.net.URI.create(otherHref))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(forged)).build()).statusCode()).isEqualTo(200);
    HttpResponse<byte[]> refused = commitPointer("direct-hf", "b.bin", otherOid, other.length);
    assertThat(refused.statusCode()).as(TestHub.text(refused)).isEqualTo(400);
    assertThat(TestHub.text(refused)).contains("other content");
    assertThat(hub.head("/admin/direct-hf/resolve/main/b.bin", ADMIN_TOKEN).statusCode()).isEqualTo(404);
    assertThat(hub.send(HttpRequest.newBuilder(java.net.URI.create(otherHref))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(other)).build()).statusCode()).as("a retry").isEqualTo(200);
    assertThat(commitPointer("direct-hf", "b.bin", otherOid, other.length).statusCode()).isEqualTo(200);
    assertThat(download("/admin/direct-hf/resolve/main/b.bin")).isEqualTo(other);
    assertThat(keys()).as("nothing left in incoming/").noneMatch(k -> k.startsWith("hub/incoming/"));
  }

  @Test
  void writers_sending_the_same_object_at_once_all_have_their_verify_and_commit_succeed() throws Exception {
    hub.createRepo("direct-same");
    int writers = 8;
    for (int round = 0; round < 4; round++) {
      byte[] content = random(1_000_000 + round, 60 + round);
      String oid = Sha256.digest(content).hex();
      java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(writers);
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
      try {
        List<java.util.concurrent.Future<Integer>> verifies = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          verifies.add(pool.submit(() -> {
            JsonNode actions = json(hub.post("/admin/direct-same.git/info/lfs/objects/batch", ADMIN_TOKEN,
                "application/vnd.git-lfs+json", uploadBatch(oid, content.length, "basic"))).get("objects").get(0)
                .get("actions");
            assertThat(actions).as("nothing is published before every writer has asked").isNotNull();
            hub.send(HttpRequest.newBuilder(java.net.URI.create(actions.get("upload").get("href").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build());
            together.await();   // every writer's PUT is in before any verifies
            return hub.post(actions.get("verify").get("href").asText(), ADMIN_TOKEN, "application/vnd.git-lfs+json",
                "{\"oid\":\"" + oid + "\",\"size\":" + content.length + "}").statusCode();
          }));
        }
        for (var verify : verifies) {
          assertThat(verify.get(60, java.util.concurrent.TimeUnit.SECONDS)).as("a writer's verify").isEqualTo(200);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(commitPointer("direct-same", "same" + round + ".bin", oid, content.length).statusCode()).isEqualTo(200);
      assertThat(download("/admin/direct-same/resolve/main/same" + round + ".bin")).isEqualTo(content);
    }
    assertThat(keys()).as("nothing left in incoming/").noneMatch(k -> k.startsWith("hub/incoming/"));
  }

  @Test
  void knowing_the_id_of_a_private_object_does_not_let_a_verify_or_commit_without_its_bytes_claim_it()
      throws Exception {
    hub.createRepo("direct-secret");
    assertThat(hub.send(hub.request("/api/models/admin/direct-secret/settings", ADMIN_TOKEN)
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"private\":true}"))
        .build()).statusCode()).isEqualTo(200);
    byte[] secret = random(1_100_000, 49);
    String oid = Sha256.digest(secret).hex();
    hub.commitLfs("direct-secret", "secret.bin", secret);
    assertThat(hub.postJson("/api/repos/create", hub.bobToken, Map.of("name", "claims")).statusCode()).isEqualTo(200);

    JsonNode actions = json(hub.post("/bob/claims.git/info/lfs/objects/batch", hub.bobToken,
        "application/vnd.git-lfs+json", uploadBatch(oid, secret.length, "basic"))).get("objects").get(0).get("actions");
    assertThat(actions.has("upload")).as("bob cannot read it, so he must send it").isTrue();
    HttpResponse<byte[]> verify = hub.post(actions.get("verify").get("href").asText(), hub.bobToken,
        "application/vnd.git-lfs+json", "{\"oid\":\"" + oid + "\",\"size\":" + secret.length + "}");
    assertThat(verify.statusCode()).as("verify without an upload").isEqualTo(404);
    HttpResponse<byte[]> commit = hub.post("/api/models/bob/claims/commit/main", hub.bobToken, "application/x-ndjson",
        "{\"key\":\"header\",\"value\":{\"summary\":\"claim\"}}\n{\"key\":\"lfsFile\",\"value\":{\"path\":"
            + "\"s.bin\",\"algo\":\"sha256\",\"oid\":\"" + oid + "\",\"size\":" + secret.length + "}}\n");
    assertThat(commit.statusCode()).as(TestHub.text(commit)).isEqualTo(400);
    assertThat(hub.get("/bob/claims/resolve/main/s.bin", hub.bobToken).statusCode()).isEqualTo(404);
  }

  @Test
  void with_parts_of_5_mib_or_more_the_hf_multipart_upload_goes_to_the_buckets_own(@TempDir Path partsData)
      throws Exception {
    String blobs = "s3://" + S3TestServer.BUCKET + "/direct-parts?endpoint=" + s3.location("").endpoint();
    try (TestHub parted = TestHub.start(partsData, Map.of("blobs", blobs, "xet", "false", "lfs-part-size", "5MiB"))) {
      parted.createRepo("big");
      byte[] content = random((11 << 20) + 3, 48);   // three parts
      String oid = Sha256.digest(content).hex();
      String batch = uploadBatch(oid, content.length, "basic\",\"multipart");
      JsonNode first = json(parted.post("/admin/big.git/info/lfs/objects/batch", ADMIN_TOKEN,
          "application/vnd.git-lfs+json", batch)).get("objects").get(0).get("actions").get("upload");
      int partSize = first.get("header").get("chunk_size").asInt();
      assertThat(partSize).isEqualTo(5 << 20);
      String firstTag = putPart(parted, first.get("header"), 1, content, partSize);

      // interrupted after part 1: asked again, the hub takes up the same upload and lists what the bucket holds
      JsonNode upload = json(parted.post("/admin/big.git/info/lfs/objects/batch", ADMIN_TOKEN,
          "application/vnd.git-lfs+json", batch)).get("objects").get(0).get("actions").get("upload");
      JsonNode header = upload.get("header");
      java.net.URI completion = java.net.URI.create(upload.get("href").asText());
      JsonNode held = json(parted.send(HttpRequest.newBuilder(completion).GET().build())).get("parts");
      assertThat(held).hasSize(1);
      assertThat(held.get(0).get("partNumber").asInt()).isEqualTo(1);
      assertThat(held.get(0).get("etag").asText()).isEqualTo(firstTag);
      List<String> etags = new ArrayList<>(List.of(firstTag));
      for (int n = 2; header.has(String.format("%05d", n)); n++) {
        etags.add(putPart(parted, header, n, content, partSize));
      }
      assertThat(etags).hasSize(3);
      assertThat(completion.toString()).startsWith(parted.url + "/api/lfs/upload/");
      List<String> wrongTags = new ArrayList<>(etags);
      wrongTags.set(0, "\"0123abcd\"");
      var wrong = parted.send(HttpRequest.newBuilder(completion)
          .POST(HttpRequest.BodyPublishers.ofString(completionBody(oid, wrongTags))).build());
      assertThat(wrong.statusCode()).as("a part named with another ETag").isEqualTo(400);
      var complete = parted.send(HttpRequest.newBuilder(completion)
          .POST(HttpRequest.BodyPublishers.ofString(completionBody(oid, etags))).build());
      assertThat(complete.statusCode()).as(TestHub.text(complete)).isEqualTo(200);
      var again = parted.send(HttpRequest.newBuilder(completion)
          .POST(HttpRequest.BodyPublishers.ofString(completionBody(oid, etags))).build());
      assertThat(again.statusCode()).as("a client's retried completion").isEqualTo(200);
      assertThat(keys()).noneMatch(k -> k.startsWith("direct-parts/incoming/") || k.startsWith("direct-parts/parts/"));
      assertThat(s3.client().listMultipartUploads(b -> b.bucket(S3TestServer.BUCKET).prefix("direct-parts/")).uploads())
          .as("no multipart upload left open").isEmpty();

      var commit = parted.post("/api/models/admin/big/commit/main", ADMIN_TOKEN, "application/x-ndjson",
          "{\"key\":\"header\",\"value\":{\"summary\":\"big\"}}\n{\"key\":\"lfsFile\",\"value\":{\"path\":\"big.bin\","
              + "\"algo\":\"sha256\",\"oid\":\"" + oid + "\",\"size\":" + content.length + "}}\n");
      assertThat(commit.statusCode()).as(TestHub.text(commit)).isEqualTo(200);
      HttpResponse<byte[]> got = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
          .send(parted.request("/admin/big/resolve/main/big.bin", ADMIN_TOKEN).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(got.body()).isEqualTo(content);
    }
  }

  /** PUTs part {@code n} to its URL in a multipart answer's header, as the HF clients do; its ETag. */
  private static String putPart(TestHub on, JsonNode header, int n, byte[] content, int partSize) throws Exception {
    String url = header.get(String.format("%05d", n)).asText();
    assertThat(url).as("part " + n + " to the bucket").startsWith(s3.location("").endpoint().toString());
    int from = (n - 1) * partSize;
    var put = on.send(HttpRequest.newBuilder(java.net.URI.create(url))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(content, from, Math.min(partSize, content.length - from))).build());
    assertThat(put.statusCode()).isEqualTo(200);
    return put.headers().firstValue("ETag").orElseThrow();
  }

  /** The completion body the HF clients post: each part with the ETag its PUT answered. */
  private static String completionBody(String oid, List<String> etags) throws Exception {
    var parts = TestHub.JSON.createArrayNode();
    for (int i = 0; i < etags.size(); i++) {
      parts.addObject().put("partNumber", i + 1).put("etag", etags.get(i));
    }
    return TestHub.JSON.writeValueAsString(TestHub.JSON.createObjectNode().put("oid", oid).set("parts", parts));
  }

  /** The batch answers the arbor CLI as the HF clients (not git-lfs): with the bucket's URLs, PUT and parts. */
  @Test
  void the_arbor_cli_uploads_to_an_s3_hub_whole_and_in_parts(@TempDir Path cliData, @TempDir Path work)
      throws Exception {
    String blobs = "s3://" + S3TestServer.BUCKET + "/cli?endpoint=" + s3.location("").endpoint();
    try (TestHub cliHub = TestHub.start(cliData, Map.of("blobs", blobs, "xet", "false", "lfs-part-size", "5MiB"))) {
      Path folder = java.nio.file.Files.createDirectories(work.resolve("model"));
      byte[] small = random(2_000_000, 70);                // one PUT
      byte[] large = random((11 << 20) + 5, 71);           // three parts of 5 MiB
      java.nio.file.Files.write(folder.resolve("small.bin"), small);
      java.nio.file.Files.write(folder.resolve("model.safetensors"), large);
      ProcessBuilder pb = ArborProcess.builder("upload", "admin/cli-s3", folder.toString(), "--endpoint", cliHub.url,
          "--token", ADMIN_TOKEN);
      pb.environment().put("XDG_CONFIG_HOME", work.resolve("config").toString());
      Path err = work.resolve("err.txt");
      Process p = pb.redirectOutput(work.resolve("out.txt").toFile()).redirectError(err.toFile()).start();
      assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(java.nio.file.Files.readString(err)).isZero();
      assertThat(java.nio.file.Files.readString(err)).contains("2 large files sent");
      for (var file : Map.of("small.bin", small, "model.safetensors", large).entrySet()) {
        HttpResponse<byte[]> got = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
            .send(cliHub.request("/admin/cli-s3/resolve/main/" + file.getKey(), ADMIN_TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(got.body()).as(file.getKey()).isEqualTo(file.getValue());
      }
      assertThat(keys()).as("stored, nothing left in incoming/")
          .anyMatch(k -> k.startsWith("cli/sha256/") && k.endsWith(Sha256.digest(large).hex()))
          .noneMatch(k -> k.startsWith("cli/incoming/"));
    }
  }

  private static String uploadBatch(String oid, long size, String transfers) {
    return "{\"operation\":\"upload\",\"transfers\":[\"" + transfers + "\"],\"objects\":[{\"oid\":\"" + oid
        + "\",\"size\":" + size + "}]}";
  }

  private static HttpResponse<byte[]> commitPointer(String repo, String path, String oid, long size) throws Exception {
    return hub.post("/api/models/admin/" + repo + "/commit/main", ADMIN_TOKEN, "application/x-ndjson",
        "{\"key\":\"header\",\"value\":{\"summary\":\"" + path + "\"}}\n{\"key\":\"lfsFile\",\"value\":{\"path\":\""
            + path + "\",\"algo\":\"sha256\",\"oid\":\"" + oid + "\",\"size\":" + size + "}}\n");
  }

  private static byte[] download(String path) throws Exception {
    return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
        .send(hub.request(path, ADMIN_TOKEN).GET().build(), HttpResponse.BodyHandlers.ofByteArray()).body();
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  @Test
  void lfs_uploads_go_to_the_bucket_and_downloads_are_sent_there() throws Exception {
    hub.createRepo("on-s3");
    byte[] content = new byte[3_000_000];
    new Random(41).nextBytes(content);
    hub.commitLfs("on-s3", "weights.bin", content);

    var resolved = hub.send(hub.request("/admin/on-s3/resolve/main/weights.bin", ADMIN_TOKEN).GET().build());
    assertThat(resolved.statusCode()).as("sent to the bucket, as the Hub sends LFS files to its CDN").isEqualTo(302);
    String location = resolved.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(s3.location("").endpoint().toString());
    assertThat(header(resolved, "X-Linked-Size")).isEqualTo(String.valueOf(content.length));
    var range = hub.send(HttpRequest.newBuilder(java.net.URI.create(location)).header("Range", "bytes=1000-1999")
        .GET().build());
    assertThat(range.statusCode()).as("the presigned URL needs no token and takes a Range").isEqualTo(206);
    assertThat(range.body()).isEqualTo(Arrays.copyOfRange(content, 1000, 2000));
    assertThat(hub.head("/admin/on-s3/resolve/main/weights.bin", ADMIN_TOKEN).statusCode())
        .as("HEAD answers itself: Python reads the size there and follows no redirect to another host").isEqualTo(200);
    var probe = hub.send(hub.request("/admin/on-s3/resolve/main/weights.bin", ADMIN_TOKEN).header("Range", "bytes=0-0")
        .GET().build());
    assertThat(probe.statusCode()).as("a one-byte probe (the JS client's fileDownloadInfo) is answered here").isEqualTo(206);
    assertThat(header(probe, "ETag")).isEqualTo("\"" + Sha256.digest(content).hex() + "\"");
    assertThat(probe.body()).containsExactly(content[0]);
    assertThat(hub.send(hub.request("/admin/on-s3/resolve/main/weights.bin", ADMIN_TOKEN)
        .header("Range", "bytes=0-1048575").GET().build()).statusCode()).as("a large range goes to the bucket").isEqualTo(302);
    JsonNode batch = json(hub.post("/admin/on-s3.git/info/lfs/objects/batch", ADMIN_TOKEN, "application/vnd.git-lfs+json",
        "{\"operation\":\"download\",\"objects\":[{\"oid\":\"" + Sha256.digest(content).hex() + "\",\"size\":"
            + content.length + "}]}"));
    String href = batch.get("objects").get(0).get("actions").get("download").get("href").asText();
    assertThat(href).as("git-lfs downloads from the bucket").startsWith(s3.location("").endpoint().toString());
    assertThat(hub.send(HttpRequest.newBuilder(java.net.URI.create(href)).GET().build()).body()).isEqualTo(content);

    assertNoLargeFileInTheDataFolder();
  }

  @Test
  void a_hub_configured_to_hide_the_store_serves_the_bytes_itself(@TempDir Path hiddenData) throws Exception {
    String blobs = "s3://" + S3TestServer.BUCKET + "/hidden?endpoint=" + s3.location("").endpoint();
    try (TestHub hidden = TestHub.start(hiddenData, Map.of("blobs", blobs, "blobs-redirect", "false"))) {
      hidden.createRepo("hidden");
      byte[] content = new byte[100_000];
      new Random(44).nextBytes(content);
      hidden.commitLfs("hidden", "w.bin", content);
      var got = hidden.get("/admin/hidden/resolve/main/w.bin", ADMIN_TOKEN);
      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.body()).isEqualTo(content);
      assertThat(keys()).anyMatch(k -> k.startsWith("hidden/sha256/"));
    }
  }

  @Test
  void a_multipart_lfs_upload_is_joined_in_the_bucket() throws Exception {
    hub.createRepo("on-s3-parts");
    byte[] content = new byte[2_500_000];   // three parts of 1 MiB
    new Random(42).nextBytes(content);
    String oid = Sha256.digest(content).hex();
    JsonNode object = json(hub.post("/admin/on-s3-parts.git/info/lfs/objects/batch", ADMIN_TOKEN,
        "application/vnd.git-lfs+json", "{\"operation\":\"upload\",\"transfers\":[\"basic\",\"multipart\"],"
            + "\"objects\":[{\"oid\":\"" + oid + "\",\"size\":" + content.length + "}]}")).get("objects").get(0);
    JsonNode header = object.get("actions").get("upload").get("header");
    int partSize = header.get("chunk_size").asInt();
    StringBuilder parts = new StringBuilder();
    for (int n = 1; header.has(String.format("%05d", n)); n++) {
      int from = (n - 1) * partSize;
      var put = hub.send(HttpRequest.newBuilder(java.net.URI.create(header.get(String.format("%05d", n)).asText()))
          .PUT(HttpRequest.BodyPublishers.ofByteArray(content, from, Math.min(partSize, content.length - from))).build());
      assertThat(put.statusCode()).isEqualTo(200);
      parts.append(parts.isEmpty() ? "" : ",").append("{\"partNumber\":").append(n).append(",\"etag\":")
          .append(TestHub.JSON.writeValueAsString(put.headers().firstValue("ETag").orElseThrow())).append("}");
    }
    var complete = hub.send(HttpRequest.newBuilder(java.net.URI.create(object.get("actions").get("upload").get("href")
        .asText())).POST(HttpRequest.BodyPublishers.ofString("{\"oid\":\"" + oid + "\",\"parts\":[" + parts + "]}"))
        .build());
    assertThat(complete.statusCode()).as(TestHub.text(complete)).isEqualTo(200);
    assertThat(keys()).as("the parts are gone once joined").noneMatch(k -> k.startsWith("hub/parts/"));

    hub.commitLfs("on-s3-parts", "model.bin", content);   // already stored: commits without sending it again
    String location = hub.get("/admin/on-s3-parts/resolve/main/model.bin", ADMIN_TOKEN).headers()
        .firstValue("Location").orElseThrow();
    assertThat(hub.send(HttpRequest.newBuilder(java.net.URI.create(location)).GET().build()).body()).isEqualTo(content);
  }

  @Test
  void with_xet_uploads_keep_their_xorbs_in_the_bucket_and_plain_ones_are_converted_there(@TempDir Path xetData)
      throws Exception {
    String blobs = "s3://" + S3TestServer.BUCKET + "/xet?endpoint=" + s3.location("").endpoint();
    try (TestHub xetHub = TestHub.start(xetData, Map.of("blobs", blobs, "xet", "true"))) {
      xetHub.createRepo("on-s3-xet");
      byte[] content = new byte[900_000];
      new Random(43).nextBytes(content);
      XetFixtures.TwoXorbFile file = XetFixtures.twoXorbFile(content);
      String write = json(xetHub.get("/api/models/admin/on-s3-xet/xet-write-token/main", ADMIN_TOKEN))
          .get("accessToken").asText();
      for (var body : new byte[][] {file.first(), file.second()}) {
        String name = body == file.first() ? file.x1().hash().toString() : file.x2().hash().toString();
        assertThat(xetHub.send(xetHub.request("/xet/v1/xorbs/default/" + name, write)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build()).statusCode()).isEqualTo(200);
      }
      assertThat(xetHub.send(xetHub.request("/xet/v1/shards", write)
          .POST(HttpRequest.BodyPublishers.ofByteArray(file.shard())).build()).statusCode()).isEqualTo(200);
      var commit = xetHub.post("/api/models/admin/on-s3-xet/commit/main", ADMIN_TOKEN, "application/x-ndjson",
          "{\"key\":\"header\",\"value\":{\"summary\":\"xet\"}}\n{\"key\":\"lfsFile\",\"value\":{\"path\":\"m.bin\","
              + "\"algo\":\"sha256\",\"oid\":\"" + Sha256.digest(content).hex() + "\",\"size\":" + content.length + "}}\n");
      assertThat(commit.statusCode()).as(TestHub.text(commit)).isEqualTo(200);
      var decoded = xetHub.get("/admin/on-s3-xet/resolve/main/m.bin", ADMIN_TOKEN);
      assertThat(decoded.statusCode()).as("no single object to send the client to: the hub decodes it").isEqualTo(200);
      assertThat(decoded.body()).isEqualTo(content);

      String read = json(xetHub.get("/api/models/admin/on-s3-xet/xet-read-token/main", ADMIN_TOKEN)).get("accessToken")
          .asText();
      JsonNode plan = json(xetHub.send(xetHub.request("/xet/v2/reconstructions/" + file.fileHash(), read).GET().build()));
      JsonNode fetch = plan.get("xorbs").get(file.x2().hash().toString()).get(0);
      String url = fetch.get("url").asText();
      long from = fetch.get("ranges").get(0).get("bytes").get("start").asLong();
      long to = fetch.get("ranges").get(0).get("bytes").get("end").asLong();
      assertThat(url).as("xorb ranges come straight from the bucket").startsWith(s3.location("").endpoint().toString());
      var ranged = xetHub.send(HttpRequest.newBuilder(java.net.URI.create(url)).header("Range", "bytes=" + from + "-" + to)
          .GET().build());
      assertThat(ranged.statusCode()).isEqualTo(206);
      assertThat(ranged.body()).isEqualTo(Arrays.copyOfRange(file.second(), (int) from, (int) to + 1));
      assertThat(xetHub.send(HttpRequest.newBuilder(java.net.URI.create(url)).header("Range", "bytes=0-" + (to + 100))
          .GET().build()).statusCode()).as("the Range is signed: no other bytes of the xorb").isEqualTo(403);

      byte[] plain = new byte[3_000_000];
      new Random(45).nextBytes(plain);
      xetHub.commitLfs("on-s3-xet", "weights.bin", plain);
      String xetHash = null;   // converted in the background: read from the bucket, into xorbs in it
      for (int i = 0; i < 100 && xetHash == null; i++) {
        xetHash = header(xetHub.head("/admin/on-s3-xet/resolve/main/weights.bin", ADMIN_TOKEN), "X-Xet-Hash");
        Thread.sleep(xetHash == null ? 100 : 0);
      }
      assertThat(xetHash).as("converted").isNotNull();
      String oid = Sha256.digest(plain).hex();
      // The Xet hash is visible once the shard is registered; the whole copy is deleted just after.
      for (int i = 0; i < 100 && keys().stream().anyMatch(k -> k.startsWith("xet/") && k.endsWith(oid)); i++) {
        Thread.sleep(100);
      }
      assertThat(keys().stream().filter(k -> k.startsWith("xet/"))).as("the whole copy went once its xorbs were in")
          .noneMatch(k -> k.endsWith(oid)).anyMatch(k -> k.startsWith("xet/sha256/"));
      assertThat(xetHub.get("/admin/on-s3-xet/resolve/main/weights.bin", ADMIN_TOKEN).body()).isEqualTo(plain);
      assertThat(xetData.resolve("blobs")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(),
          p -> assertThat(p).isEmptyDirectory());
    }
  }

  private static java.util.List<String> keys() {
    return s3.client().listObjectsV2Paginator(b -> b.bucket(S3TestServer.BUCKET)).contents().stream()
        .map(S3Object::key).toList();
  }

  private static void assertNoLargeFileInTheDataFolder() throws Exception {
    Path blobs = data.resolve("blobs");
    if (Files.exists(blobs)) {
      try (Stream<Path> files = Files.walk(blobs)) {
        assertThat(files.filter(Files::isRegularFile)).isEmpty();
      }
    }
  }
}
