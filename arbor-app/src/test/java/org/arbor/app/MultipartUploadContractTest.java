package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.TestHub.header;
import static org.arbor.app.TestHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.arbor.core.Sha256;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hub's multipart transfer as its clients drive it (parts PUT without Authorization, each
 * answered with an ETag, then a completion naming them), on a hub cutting objects into 1 MiB parts.
 */
class MultipartUploadContractTest {
  private static final int MIB = 1 << 20;
  @TempDir static Path data;
  static TestHub hub;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start(data, Map.of("lfs-part-size", "1MiB"));
  }

  @AfterAll
  static void stop() throws Exception {
    hub.close();
  }

  @Test
  void large_objects_get_one_url_per_part_and_a_completion_url() throws Exception {
    hub.createRepo("mp-offer");
    byte[] content = randomBytes(3 * MIB + 500, 1);

    JsonNode upload = uploadAction("mp-offer", content, "basic", "multipart");

    JsonNode header = upload.get("header");
    List<String> keys = new ArrayList<>();
    header.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).as("only chunk_size and the part numbers, in order").containsExactly(
        "chunk_size", "00001", "00002", "00003", "00004");
    assertThat(header.get("chunk_size").asText()).isEqualTo(Integer.toString(MIB));
    assertThat(upload.get("href").asText()).contains("/complete?");
    assertThat(header.get("00002").asText()).startsWith(hub.url).contains("/part/2?");

    JsonNode basicOnly = uploadAction("mp-offer", content, "basic");
    assertThat(basicOnly.has("header")).as("a client that did not offer multipart gets a plain PUT").isFalse();
    JsonNode small = uploadAction("mp-offer", randomBytes(MIB, 2), "basic", "multipart");
    assertThat(small.has("header")).as("an object of one part goes up whole").isFalse();
  }

  @Test
  void parts_sent_at_once_in_any_order_complete_into_a_committable_object() throws Exception {
    hub.createRepo("mp-round");
    byte[] content = randomBytes(5 * MIB + 7, 3);
    String oid = Sha256.digest(content).hex();
    JsonNode upload = uploadAction("mp-round", content, "basic", "multipart");

    List<JsonNode> parts = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<JsonNode>> jobs = new ArrayList<>();
      for (int n = 6; n >= 1; n--) {
        int number = n;
        jobs.add(pool.submit(() -> {
          HttpResponse<byte[]> put = putPart(upload, number, slice(content, number));
          assertThat(put.statusCode()).isEqualTo(200);
          assertThat(header(put, "ETag")).matches("\"[0-9a-f]{8}-\\d+\"");
          return TestHub.JSON.createObjectNode().put("partNumber", number).put("etag", header(put, "ETag"));
        }));
      }
      for (Future<JsonNode> job : jobs) {
        parts.add(job.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(hub.get("/admin/mp-round/resolve/main/w.bin", null).statusCode()).isEqualTo(404);
    assertThat(listedParts(upload)).containsExactly(1, 2, 3, 4, 5, 6);

    HttpResponse<byte[]> done = complete(upload, oid, parts);
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(header(done, "Content-Type")).startsWith("application/vnd.git-lfs+json");

    assertThat(commit("mp-round", oid, content.length).statusCode()).isEqualTo(200);
    assertThat(hub.get("/admin/mp-round/resolve/main/w.bin", null).body()).isEqualTo(content);
    JsonNode again = uploadAction("mp-round", content, "basic", "multipart");
    assertThat(again).as("stored and linked: nothing more to send").isNull();
  }

  @Test
  void completion_refuses_missing_or_changed_parts_and_nothing_becomes_visible() throws Exception {
    hub.createRepo("mp-missing");
    byte[] content = randomBytes(3 * MIB + 1, 4);
    String oid = Sha256.digest(content).hex();
    JsonNode upload = uploadAction("mp-missing", content, "basic", "multipart");
    List<JsonNode> parts = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      parts.add(partEntry(n, header(putPart(upload, n, slice(content, n)), "ETag")));
    }
    parts.add(partEntry(4, "\"00000000-1\""));

    HttpResponse<byte[]> missing = complete(upload, oid, parts);
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(header(missing, "X-Error-Message")).contains("Part 4 was never uploaded");

    parts.set(3, partEntry(4, header(putPart(upload, 4, slice(content, 4)), "ETag")));
    HttpResponse<byte[]> partial = complete(upload, oid, parts.subList(0, 3));
    assertThat(partial.statusCode()).isEqualTo(400);
    assertThat(header(partial, "X-Error-Message")).contains("3 of the object's 4 parts");

    putPart(upload, 2, new byte[MIB]); // overwritten after its ETag was handed out
    HttpResponse<byte[]> changed = complete(upload, oid, parts);
    assertThat(changed.statusCode()).isEqualTo(400);
    assertThat(header(changed, "X-Error-Message")).contains("Part 2 has changed");

    assertThat(commit("mp-missing", oid, content.length).statusCode())
        .as("an object never completed cannot be committed").isEqualTo(400);
  }

  @Test
  void parts_that_do_not_make_the_object_are_discarded_at_completion() throws Exception {
    hub.createRepo("mp-corrupt");
    byte[] content = randomBytes(2 * MIB + 10, 5);
    String oid = Sha256.digest(content).hex();
    JsonNode upload = uploadAction("mp-corrupt", content, "basic", "multipart");
    byte[] second = slice(content, 2);
    second[3] ^= 1;
    List<JsonNode> parts = List.of(
        partEntry(1, header(putPart(upload, 1, slice(content, 1)), "ETag")),
        partEntry(2, header(putPart(upload, 2, second), "ETag")),
        partEntry(3, header(putPart(upload, 3, slice(content, 3)), "ETag")));

    HttpResponse<byte[]> done = complete(upload, oid, parts);

    assertThat(done.statusCode()).isEqualTo(400);
    assertThat(header(done, "X-Error-Message")).contains("sha256 mismatch").contains("upload again");
    assertThat(listedParts(upload)).isEmpty();
    assertThat(commit("mp-corrupt", oid, content.length).statusCode()).isEqualTo(400);
  }

  @Test
  void bad_parts_and_forged_urls_are_refused() throws Exception {
    hub.createRepo("mp-bad");
    byte[] content = randomBytes(2 * MIB + 10, 6);
    JsonNode upload = uploadAction("mp-bad", content, "basic", "multipart");
    String part1 = upload.get("header").get("00001").asText();

    HttpResponse<byte[]> shortPart = putPart(upload, 1, new byte[100]);
    assertThat(shortPart.statusCode()).isEqualTo(400);
    assertThat(header(shortPart, "X-Error-Message")).contains("part 1 must be 1048576 bytes, received 100");
    HttpResponse<byte[]> beyond = hub.send(HttpRequest.newBuilder(URI.create(part1.replace("/part/1?", "/part/9?")))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[10])).build());
    assertThat(beyond.statusCode()).isEqualTo(400);
    assertThat(header(beyond, "X-Error-Message")).contains("not one of this object's 3 parts");
    HttpResponse<byte[]> recut = hub.send(HttpRequest.newBuilder(URI.create(part1.replace("chunk=1048576", "chunk=1024")))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[1024])).build());
    assertThat(recut.statusCode()).as("the grant covers one way of cutting").isEqualTo(403);
    HttpResponse<byte[]> forged = hub.send(HttpRequest.newBuilder(URI.create(part1.replaceAll("sig=[^&]+", "sig=AAAA")))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(slice(content, 1))).build());
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(listedParts(upload)).isEmpty();
  }

  @Test
  void an_upload_cut_off_by_a_restart_resumes_with_the_missing_parts_only(@TempDir Path own) throws Exception {
    byte[] content = randomBytes(4 * MIB, 7);
    String oid = Sha256.digest(content).hex();
    List<JsonNode> parts = new ArrayList<>();
    try (TestHub first = TestHub.start(own, Map.of("lfs-part-size", "1MiB"))) {
      first.createRepo("mp-resume");
      JsonNode upload = uploadAction(first, "mp-resume", content, "basic", "multipart");
      parts.add(partEntry(1, header(putPart(first, upload, 1, slice(content, 1)), "ETag")));
      parts.add(partEntry(3, header(putPart(first, upload, 3, slice(content, 3)), "ETag")));
    }
    try (TestHub second = TestHub.reopen(own, Map.of("lfs-part-size", "1MiB"))) {
      JsonNode upload = uploadAction(second, "mp-resume", content, "basic", "multipart");
      assertThat(listedParts(second, upload)).containsExactly(1, 3);
      for (int n : new int[] {2, 4}) {
        parts.add(partEntry(n, header(putPart(second, upload, n, slice(content, n)), "ETag")));
      }
      HttpResponse<byte[]> done = complete(second, upload, oid, parts);
      assertThat(done.statusCode()).isEqualTo(200);
      assertThat(second.commitLfs("mp-resume", "w.bin", content)).isNotBlank();
      assertThat(second.get("/admin/mp-resume/resolve/main/w.bin", null).body()).isEqualTo(content);
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static JsonNode uploadAction(String repo, byte[] content, String... transfers) throws Exception {
    return uploadAction(hub, repo, content, transfers);
  }

  /** The upload action the batch API gives for {@code content}, or null if it needs no upload. */
  private static JsonNode uploadAction(TestHub on, String repo, byte[] content, String... transfers) throws Exception {
    String body = TestHub.JSON.writeValueAsString(Map.of("operation", "upload", "transfers", List.of(transfers),
        "hash_algo", "sha256", "objects", List.of(Map.of("oid", Sha256.digest(content).hex(), "size", content.length))));
    HttpResponse<byte[]> r = on.post("/admin/" + repo + ".git/info/lfs/objects/batch", ADMIN_TOKEN,
        "application/vnd.git-lfs+json", body);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode object = json(r).get("objects").get(0);
    assertThat(json(r).get("transfer").asText()).isEqualTo("basic");
    return object.has("actions") ? object.get("actions").get("upload") : null;
  }

  private static HttpResponse<byte[]> putPart(JsonNode upload, int number, byte[] bytes) throws Exception {
    return putPart(hub, upload, number, bytes);
  }

  private static HttpResponse<byte[]> putPart(TestHub on, JsonNode upload, int number, byte[] bytes) throws Exception {
    String href = upload.get("header").get(String.format("%05d", number)).asText();
    return on.send(HttpRequest.newBuilder(URI.create(href)).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
  }

  private static HttpResponse<byte[]> complete(JsonNode upload, String oid, List<JsonNode> parts) throws Exception {
    return complete(hub, upload, oid, parts);
  }

  private static HttpResponse<byte[]> complete(TestHub on, JsonNode upload, String oid, List<JsonNode> parts)
      throws Exception {
    String body = TestHub.JSON.writeValueAsString(Map.of("oid", oid, "parts", parts));
    return on.send(HttpRequest.newBuilder(URI.create(upload.get("href").asText()))
        .header("Content-Type", "application/vnd.git-lfs+json").header("Accept", "application/vnd.git-lfs+json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private static List<Integer> listedParts(JsonNode upload) throws Exception {
    return listedParts(hub, upload);
  }

  private static List<Integer> listedParts(TestHub on, JsonNode upload) throws Exception {
    HttpResponse<byte[]> r = on.get(upload.get("href").asText(), null);
    assertThat(r.statusCode()).isEqualTo(200);
    List<Integer> numbers = new ArrayList<>();
    for (Iterator<JsonNode> it = json(r).get("parts").elements(); it.hasNext(); ) {
      numbers.add(it.next().get("partNumber").asInt());
    }
    return numbers;
  }

  private static JsonNode partEntry(int number, String etag) {
    return TestHub.JSON.createObjectNode().put("partNumber", number).put("etag", etag);
  }

  private static HttpResponse<byte[]> commit(String repo, String oid, long size) throws Exception {
    return hub.post("/api/models/admin/" + repo + "/commit/main", ADMIN_TOKEN, "application/x-ndjson",
        "{\"key\":\"header\",\"value\":{\"summary\":\"x\"}}\n{\"key\":\"lfsFile\",\"value\":{\"path\":\"w.bin\","
            + "\"algo\":\"sha256\",\"oid\":\"" + oid + "\",\"size\":" + size + "}}\n");
  }

  private static byte[] slice(byte[] content, int number) {
    int from = (number - 1) * MIB;
    return Arrays.copyOfRange(content, from, Math.min(content.length, from + MIB));
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }
}
