package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.TestHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.arbor.core.Sha256;
import org.arbor.formats.xet.XetFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dedup accounting over HTTP and on the admin command line: a repository holding a file uploaded
 * through Xet and a plain LFS object (converted to Xet in the background) that a second
 * repository holds too.
 */
class StorageUsageContractTest {
  @TempDir Path data;

  @Test
  void logical_and_stored_bytes_per_repo_namespace_and_instance() throws Exception {
    byte[] content = new byte[900_000];
    new Random(21).nextBytes(content);
    XetFixtures.TwoXorbFile xet = XetFixtures.twoXorbFile(content);
    long chunkBytes = xet.first().length + xet.second().length;
    byte[] plain = new byte[50_000];
    new Random(22).nextBytes(plain);

    try (TestHub hub = TestHub.start(data, Map.of("xet", "true"))) {
      hub.createRepo("usage-a");
      hub.createRepo("usage-b");
      String write = json(hub.get("/api/models/admin/usage-a/xet-write-token/main", ADMIN_TOKEN))
          .get("accessToken").asText();
      assertThat(post(hub, "/xet/v1/xorbs/default/" + xet.x1().hash(), write, xet.first())).isEqualTo(200);
      assertThat(post(hub, "/xet/v1/xorbs/default/" + xet.x2().hash(), write, xet.second())).isEqualTo(200);
      assertThat(post(hub, "/xet/v1/shards", write, xet.shard())).isEqualTo(200);
      HttpResponse<byte[]> commit = hub.post("/api/models/admin/usage-a/commit/main", ADMIN_TOKEN,
          "application/x-ndjson", "{\"key\":\"header\",\"value\":{\"summary\":\"xet\"}}\n"
              + "{\"key\":\"lfsFile\",\"value\":{\"path\":\"model.bin\",\"algo\":\"sha256\",\"oid\":\""
              + Sha256.digest(content).hex() + "\",\"size\":" + content.length + "}}\n");
      assertThat(commit.statusCode()).as(TestHub.text(commit)).isEqualTo(200);
      hub.commitLfs("usage-a", "plain.bin", plain);
      hub.commitLfs("usage-b", "plain.bin", plain);
      // The plain object is converted in the background: its own xorb holds it then (a few 8-byte
      // chunk headers on top), and its whole copy is gone.
      JsonNode repo = json(hub.get("/api/models/admin/usage-a/storage", ADMIN_TOKEN));
      for (int i = 0; i < 100 && repo.get("xetObjects").asLong() < 2; i++) {
        Thread.sleep(100);
        repo = json(hub.get("/api/models/admin/usage-a/storage", ADMIN_TOKEN));
      }
      assertThat(repo.get("objects").asLong()).isEqualTo(2);
      assertThat(repo.get("xetObjects").asLong()).isEqualTo(2);
      assertThat(repo.get("logicalBytes").asLong()).isEqualTo(content.length + plain.length);
      assertThat(repo.get("wholeBytes").asLong()).isZero();
      long plainStored = repo.get("xetChunkBytes").asLong() - chunkBytes;
      assertThat(plainStored).isBetween(plain.length + 8L, plain.length + 8L * 7);
      assertThat(repo.get("storedBytes").asLong()).isEqualTo(chunkBytes + plainStored);

      JsonNode info = json(hub.get("/api/models/admin/usage-a?expand=usedStorage&expand=xetEnabled", ADMIN_TOKEN));
      assertThat(info.get("usedStorage").asLong()).as("the Hub's usedStorage").isEqualTo(chunkBytes + plainStored);
      assertThat(info.get("xetEnabled").asBoolean()).isTrue();
      assertThat(json(hub.get("/api/models/admin/usage-a", ADMIN_TOKEN)).has("usedStorage"))
          .as("only when asked for").isFalse();

      JsonNode mine = json(hub.get("/api/users/admin/storage", ADMIN_TOKEN));
      assertThat(mine.get("logicalBytes").asLong()).as("each repo's copy counts").isEqualTo(content.length + 2L * plain.length);
      assertThat(mine.get("storedBytes").asLong()).as("stored once").isEqualTo(chunkBytes + plainStored);
      assertThat(hub.get("/api/users/admin/storage", hub.bobToken).statusCode()).isEqualTo(404);
      assertThat(hub.get("/api/users/admin/storage", null).statusCode()).isEqualTo(404);

      JsonNode instance = json(hub.get("/api/admin/storage", ADMIN_TOKEN));
      assertThat(instance.get("xorbs").asLong()).isEqualTo(3);
      assertThat(instance.get("xorbBytes").asLong()).isEqualTo(chunkBytes + plainStored);
      assertThat(instance.get("unreferencedChunkBytes").asLong()).isZero();
      assertThat(instance.get("storedRatio").asDouble()).isLessThan(1);
      assertThat(hub.get("/api/admin/storage", hub.bobToken).statusCode()).isEqualTo(403);
      assertThat(hub.get("/api/admin/storage", null).statusCode()).isEqualTo(401);
    }

    AdminCommandTest.Result report = AdminCommandTest.run(data, "admin", "storage", "--repos");
    assertThat(report.code()).isZero();
    assertThat(report.out()).containsPattern("instance +2 +2 ")
        .containsPattern("model/admin/usage-b +1 +1 +50 kB +50 kB +1\\.00")
        .contains("3 xorbs hold");
    AdminCommandTest.Result gc = AdminCommandTest.run(data, "admin", "xet-gc");
    assertThat(gc.code()).isZero();
    assertThat(gc.out()).as("everything is committed and young").startsWith("removed 0 uncommitted Xet files and 0 xorbs");
  }

  private static int post(TestHub hub, String path, String token, byte[] body) throws Exception {
    return hub.send(hub.request(path, token).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build()).statusCode();
  }
}
