package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.TestHub.header;
import static org.arbor.app.TestHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.arbor.formats.xet.Shard;
import org.arbor.formats.xet.XetFixtures;
import org.arbor.formats.xet.XetGolden;
import org.arbor.formats.xet.XetHash;
import org.arbor.formats.xet.XetHashes;
import org.arbor.formats.xet.Xorb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Xet CAS over HTTP, on a hub with Xet on: tokens from the Hub API, then uploads, dedup
 * queries, reconstructions and signed xorb ranges exactly as hf_xet and @huggingface/hub call them.
 */
class XetContractTest {
  @TempDir static Path data;
  static TestHub hub;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start(data, Map.of("xet", "true"));
    hub.createRepo("xet-public");
    hub.createRepo("xet-other");
  }

  @AfterAll
  static void stop() throws Exception {
    hub.close();
  }

  @Test
  void tokens_come_as_json_and_headers_scoped_to_what_the_caller_may_do() throws Exception {
    HttpResponse<byte[]> write = hub.get("/api/models/admin/xet-public/xet-write-token/main", ADMIN_TOKEN);
    assertThat(write.statusCode()).isEqualTo(200);
    JsonNode body = json(write);
    assertThat(body.get("casUrl").asText()).isEqualTo(hub.url + "/xet");
    assertThat(body.get("exp").isIntegralNumber()).isTrue();
    assertThat(header(write, "X-Xet-Access-Token")).isEqualTo(body.get("accessToken").asText());
    assertThat(header(write, "X-Xet-Cas-Url")).isEqualTo(hub.url + "/xet");
    assertThat(header(write, "X-Xet-Token-Expiration")).isEqualTo(body.get("exp").asText());

    assertThat(hub.get("/api/models/admin/xet-public/xet-read-token/main", null).statusCode())
        .as("anyone may read a public repo").isEqualTo(200);
    assertThat(hub.get("/api/models/admin/xet-public/xet-write-token/main", hub.bobToken).statusCode())
        .as("bob may not write admin's repo").isEqualTo(403);
    assertThat(hub.get("/api/models/admin/xet-public/xet-write-token/main", null).statusCode()).isEqualTo(401);
    assertThat(hub.get("/api/models/admin/nope/xet-read-token/main", ADMIN_TOKEN).statusCode()).isEqualTo(404);
  }

  @Test
  void hf_xets_upload_of_hello_xet_then_dedup_and_reconstruction() throws Exception {
    String write = token("xet-public", true);
    String read = token("xet-public", false);

    assertThat(post("/xet/v1/xorbs/default/" + XetGolden.HELLO_XORB_HASH, read, XetGolden.helloXorb()).statusCode())
        .as("a read token cannot upload").isEqualTo(403);
    assertThat(post("/xet/v1/xorbs/default/" + XetGolden.HELLO_XORB_HASH, null, XetGolden.helloXorb()).statusCode())
        .isEqualTo(401);
    HttpResponse<byte[]> xorb = post("/xet/v1/xorbs/default/" + XetGolden.HELLO_XORB_HASH, write, XetGolden.helloXorb());
    assertThat(xorb.statusCode()).isEqualTo(200);
    assertThat(json(xorb).get("was_inserted").asBoolean()).isTrue();
    assertThat(json(post("/xet/v1/xorbs/default/" + XetGolden.HELLO_XORB_HASH, write, XetGolden.helloXorb()))
        .get("was_inserted").asBoolean()).isFalse();
    HttpResponse<byte[]> shard = post("/xet/v1/shards", write, XetGolden.helloShard());
    assertThat(shard.statusCode()).isEqualTo(200);
    assertThat(json(shard).get("result").asInt()).isEqualTo(1);
    assertThat(json(post("/xet/v1/shards", write, XetGolden.helloShard())).get("result").asInt()).isZero();
    assertThat(post("/xet/v2/shards", write, XetGolden.helloShard()).statusCode())
        .as("hf_xet falls back to v1 on a 404").isEqualTo(404);

    HttpResponse<byte[]> dedup = get("/xet/v1/chunks/default/" + XetGolden.HELLO_XORB_HASH, read, null);
    assertThat(dedup.statusCode()).isEqualTo(200);
    assertThat(header(dedup, "Content-Type")).startsWith("application/octet-stream");
    byte[] answer = dedup.body();
    Shard.XorbInfo info = Shard.parse(answer, answer.length).xorbs().getFirst();
    byte[] key = Arrays.copyOfRange(answer, answer.length - 200 + 72, answer.length - 200 + 104);
    byte[] chunkRaw = XetHash.parse(XetGolden.HELLO_XORB_HASH).raw();
    assertThat(info.hash()).hasToString(XetGolden.HELLO_XORB_HASH);
    assertThat(info.chunks().getFirst().hash()).as("chunk hashes keyed with the footer's secret")
        .isEqualTo(XetHashes.keyed(key, chunkRaw, 0, 32));
    assertThat(get("/xet/v1/chunks/default/" + "0".repeat(64), read, null).statusCode()).isEqualTo(404);

    assertThat(rebuild(XetGolden.HELLO_FILE_HASH, read, null)).isEqualTo(XetGolden.HELLO.getBytes());
    assertThat(get("/xet/v2/reconstructions/" + XetGolden.HELLO_FILE_HASH, read, "bytes=12-20").statusCode())
        .as("past the end").isEqualTo(416);
    assertThat(get("/xet/v2/reconstructions/" + XetGolden.HELLO_FILE_HASH, token("xet-other", false), null)
        .statusCode()).as("a file of another repository").isEqualTo(404);
  }

  @Test
  void a_range_of_a_file_across_xorbs_reconstructs_and_signed_urls_hold_to_their_range() throws Exception {
    byte[] content = new byte[900_000];
    new Random(11).nextBytes(content);
    XetFixtures.TwoXorbFile upload = XetFixtures.twoXorbFile(content);
    Xorb x2 = upload.x2();
    XetHash file = upload.fileHash();
    String write = token("xet-other", true);
    assertThat(post("/xet/v1/xorbs/default/" + upload.x1().hash(), write, upload.first()).statusCode()).isEqualTo(200);
    assertThat(post("/xet/v1/xorbs/default/" + x2.hash(), write, upload.second()).statusCode()).isEqualTo(200);
    assertThat(post("/xet/v1/shards", write, upload.shard()).statusCode()).isEqualTo(200);
    String read = token("xet-other", false);

    assertThat(rebuild(file.toString(), read, null)).isEqualTo(content);
    byte[] dedup = get("/xet/v1/chunks/default/" + x2.chunks().getFirst().hash(), read, null).body();
    assertThat(Shard.parse(dedup, dedup.length).xorbs()).extracting(Shard.XorbInfo::hash)
        .as("the xorb found, then the rest of the latest file using it: a new revision dedups against all of it")
        .containsExactly(x2.hash(), upload.x1().hash());
    assertThat(rebuild(file.toString(), read, "bytes=300000-650000"))
        .isEqualTo(Arrays.copyOfRange(content, 300_000, 650_001));

    JsonNode plan = json(get("/xet/v2/reconstructions/" + file, read, null));
    JsonNode fetch = plan.get("xorbs").get(x2.hash().toString()).get(0);
    String url = fetch.get("url").asText();
    long from = fetch.get("ranges").get(0).get("bytes").get("start").asLong();
    long to = fetch.get("ranges").get(0).get("bytes").get("end").asLong();
    assertThat(get(url, null, "bytes=" + from + "-" + (to + 1)).statusCode()).as("outside the signed range")
        .isEqualTo(403);
    assertThat(get(url.replaceAll("sig=[^&]+", "sig=forged"), null, "bytes=" + from + "-" + to).statusCode())
        .isEqualTo(403);
  }

  @Test
  void the_lfs_batch_sends_xet_offering_clients_to_the_cas_and_resolve_describes_what_they_get() throws Exception {
    hub.createRepo("xet-batch");
    String batchPath = "/admin/xet-batch.git/info/lfs/objects/batch";
    String object = "{\"oid\":\"" + XetGolden.HELLO_SHA256 + "\",\"size\":12}";
    HttpResponse<byte[]> offered = hub.post(batchPath, ADMIN_TOKEN, "application/vnd.git-lfs+json",
        "{\"operation\":\"upload\",\"transfers\":[\"basic\",\"multipart\",\"xet\"],\"hash_algo\":\"sha_256\","
            + "\"ref\":{\"name\":\"main\"},\"objects\":[" + object + "]}");
    assertThat(offered.statusCode()).isEqualTo(200);
    JsonNode answer = json(offered);
    assertThat(answer.get("transfer").asText()).isEqualTo("xet");
    JsonNode upload = answer.get("objects").get(0).get("actions").get("upload");
    assertThat(upload.get("href").asText()).isEqualTo(hub.url + "/api/models/admin/xet-batch/xet-write-token/main");
    JsonNode headers = upload.get("header");
    assertThat(headers.fieldNames()).toIterable().as("the exact names git-xet looks up")
        .containsExactlyInAnyOrder("X-Xet-Cas-Url", "X-Xet-Access-Token", "X-Xet-Token-Expiration", "X-Xet-Session-Id");
    assertThat(headers.get("X-Xet-Cas-Url").asText()).isEqualTo(hub.url + "/xet");
    String write = headers.get("X-Xet-Access-Token").asText();
    assertThat(post("/xet/v1/xorbs/default/" + XetGolden.HELLO_XORB_HASH, write, XetGolden.helloXorb()).statusCode())
        .as("the batch's token uploads").isEqualTo(200);
    assertThat(post("/xet/v1/shards", write, XetGolden.helloShard()).statusCode()).isEqualTo(200);

    for (String transfers : new String[] {"[\"basic\"]", "[\"basic\",\"multipart\"]"}) {
      JsonNode basic = json(hub.post(batchPath, ADMIN_TOKEN, "application/vnd.git-lfs+json",
          "{\"operation\":\"upload\",\"transfers\":" + transfers + ",\"objects\":[{\"oid\":\"" + "ab".repeat(32)
              + "\",\"size\":5}]}"));
      assertThat(basic.get("transfer").asText()).as("clients that did not offer xet").isEqualTo("basic");
      assertThat(basic.get("objects").get(0).get("actions").get("upload").get("href").asText())
          .contains("/api/lfs/upload/");
    }

    HttpResponse<byte[]> commit = hub.post("/api/models/admin/xet-batch/commit/main", ADMIN_TOKEN,
        "application/x-ndjson", "{\"key\":\"header\",\"value\":{\"summary\":\"hello\"}}\n"
            + "{\"key\":\"lfsFile\",\"value\":{\"path\":\"hello.bin\",\"algo\":\"sha256\",\"oid\":\""
            + XetGolden.HELLO_SHA256 + "\",\"size\":12}}\n");
    assertThat(commit.statusCode()).as(TestHub.text(commit)).isEqualTo(200);
    JsonNode download = json(hub.post(batchPath, ADMIN_TOKEN, "application/vnd.git-lfs+json",
        "{\"operation\":\"download\",\"transfers\":[\"basic\",\"xet\"],\"objects\":[" + object + "]}"));
    assertThat(download.get("transfer").asText()).as("downloads stay basic").isEqualTo("basic");
    String href = download.get("objects").get(0).get("actions").get("download").get("href").asText();
    assertThat(TestHub.text(get(href, null, null))).as("decoded from the xorb").isEqualTo(XetGolden.HELLO);

    HttpResponse<byte[]> info = hub.send(hub.request("/admin/xet-batch/resolve/main/hello.bin", ADMIN_TOKEN)
        .header("Range", "bytes=0-0").header("Accept", "application/vnd.xet-fileinfo+json, */*").GET().build());
    assertThat(info.statusCode()).as("the JS client's probe: no redirect, no bytes").isEqualTo(200);
    assertThat(header(info, "Content-Type")).startsWith("application/vnd.xet-fileinfo+json");
    assertThat(header(info, "X-Xet-Hash")).isEqualTo(XetGolden.HELLO_FILE_HASH);
    assertThat(header(info, "X-Linked-Size")).isEqualTo("12");
    assertThat(header(info, "Link")).matches("<https?://[^>]+/xet-read-token/[0-9a-f]{40}>; rel=\"xet-auth\", "
        + "<https?://[^>]+/xet/v1/reconstructions/" + XetGolden.HELLO_FILE_HASH + ">; rel=\"xet-reconstruction-info\"");
    assertThat(json(info).get("hash").asText()).isEqualTo(XetGolden.HELLO_FILE_HASH);
    HttpResponse<byte[]> bytes = get("/admin/xet-batch/resolve/main/hello.bin", ADMIN_TOKEN, "bytes=7-10");
    assertThat(bytes.statusCode()).as("without that Accept: the bytes, as before").isEqualTo(206);
    assertThat(TestHub.text(bytes)).isEqualTo(XetGolden.HELLO.substring(7, 11));
  }

  @Test
  void a_file_uploaded_through_plain_lfs_is_converted_and_then_served_through_xet_too() throws Exception {
    hub.createRepo("xet-plain");
    byte[] content = new byte[2_000_000];
    new Random(31).nextBytes(content);
    String oid = org.arbor.core.Sha256.digest(content).hex();
    hub.commitLfs("xet-plain", "plain.bin", content);   // basic transfer, as git-lfs and older clients send

    String xetHash = null;
    for (int i = 0; i < 100 && xetHash == null; i++) {   // converted in the background after the commit
      xetHash = header(hub.head("/admin/xet-plain/resolve/main/plain.bin", ADMIN_TOKEN), "X-Xet-Hash");
      if (xetHash == null) {
        Thread.sleep(100);
      }
    }
    assertThat(xetHash).as("resolve advertises the converted file").matches("[0-9a-f]{64}");
    Path whole = data.resolve("blobs/sha256/" + oid.substring(0, 2) + "/" + oid.substring(2, 4) + "/" + oid);
    for (int i = 0; i < 100 && Files.exists(whole); i++) {   // deleted just after the Xet file is registered
      Thread.sleep(100);
    }
    assertThat(whole).as("the whole copy went once the Xet file was verified").doesNotExist();
    assertThat(get("/admin/xet-plain/resolve/main/plain.bin", ADMIN_TOKEN, null).body())
        .as("plain clients read it from its chunks").isEqualTo(content);
    assertThat(rebuild(xetHash, json(hub.get("/api/models/admin/xet-plain/xet-read-token/main", ADMIN_TOKEN))
        .get("accessToken").asText(), "bytes=1000-1999999")).isEqualTo(Arrays.copyOfRange(content, 1000, 2_000_000));
    JsonNode tree = json(hub.get("/api/models/admin/xet-plain/tree/main", ADMIN_TOKEN));
    assertThat(tree.findValuesAsText("xetHash")).containsExactly(xetHash);
  }

  /** Follows a reconstruction as the clients do: fetch each signed range, decode its chunks, cut to the range asked. */
  private static byte[] rebuild(String fileHash, String token, String range) throws Exception {
    HttpResponse<byte[]> r = get("/xet/v2/reconstructions/" + fileHash, token, range);
    assertThat(r.statusCode()).as(TestHub.text(r)).isEqualTo(200);
    JsonNode plan = json(r);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (JsonNode term : plan.get("terms")) {
      String xorb = term.get("hash").asText();
      int s = term.get("range").get("start").asInt();
      int e = term.get("range").get("end").asInt();
      for (JsonNode fetch : plan.get("xorbs").get(xorb)) {
        JsonNode chunks = fetch.get("ranges").get(0).get("chunks");
        if (chunks.get("start").asInt() > s || chunks.get("end").asInt() < e) {
          continue;
        }
        long from = fetch.get("ranges").get(0).get("bytes").get("start").asLong();
        long to = fetch.get("ranges").get(0).get("bytes").get("end").asLong();
        HttpResponse<byte[]> bytes = get(fetch.get("url").asText(), null, "bytes=" + from + "-" + to);
        assertThat(bytes.statusCode()).isEqualTo(206);
        assertThat(header(bytes, "Content-Range")).startsWith("bytes " + from + "-" + to + "/");
        int at = 0;
        for (int c = chunks.get("start").asInt(); c < chunks.get("end").asInt(); c++) {
          byte[] body = bytes.body();
          byte[] chunk = Xorb.chunkDataAt(body, at);
          int compressed = (body[at + 1] & 0xff) | (body[at + 2] & 0xff) << 8 | (body[at + 3] & 0xff) << 16;
          if (c >= s && c < e) {
            out.write(chunk);
          }
          at += 8 + compressed;
        }
        break;
      }
    }
    byte[] all = out.toByteArray();
    long skip = plan.get("offset_into_first_range").asLong();
    long length = range == null ? all.length - skip : rangeLength(range);
    return Arrays.copyOfRange(all, (int) skip, (int) (skip + length));
  }

  private static long rangeLength(String range) {
    String[] ends = range.substring(6).split("-");
    return Long.parseLong(ends[1]) - Long.parseLong(ends[0]) + 1;
  }

  private static String token(String repo, boolean write) throws Exception {
    HttpResponse<byte[]> r = hub.get("/api/models/admin/" + repo + "/xet-" + (write ? "write" : "read") + "-token/main",
        ADMIN_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    return json(r).get("accessToken").asText();
  }

  private static HttpResponse<byte[]> post(String path, String token, byte[] body) throws Exception {
    return hub.send(hub.request(path, token).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  private static HttpResponse<byte[]> get(String pathOrUrl, String token, String range) throws Exception {
    HttpRequest.Builder b = hub.request(pathOrUrl, token).GET();
    if (range != null) {
      b.header("Range", range);
    }
    return hub.send(b.build());
  }
}
