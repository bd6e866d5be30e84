package org.arbor.app;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.TestHub.JSON;
import static org.arbor.app.TestHub.header;
import static org.arbor.app.TestHub.json;
import static org.arbor.app.TestHub.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.arbor.core.Sha256;
import org.arbor.formats.FormatException;
import org.arbor.formats.xet.Shard;
import org.arbor.formats.xet.XetFixtures;
import org.arbor.formats.xet.XetHashes;
import org.arbor.formats.xet.Xorb;
import org.arbor.storage.db.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Xet uploads the hub must not keep: malformed xorbs and shards are refused 400 with a message
 * saying what is wrong, and leave no row and no blob behind; an upload cut off mid-body leaves
 * nothing either, and the same upload sent whole afterwards is stored once.
 */
class XetMalformedUploadTest {
  private static final String SHARDS = "/xet/v1/shards";
  private static final List<String> TABLES = List.of("xet_xorbs", "xet_chunks", "xet_files", "xet_file_terms",
      "repo_xet_files");
  @TempDir static Path data;
  static TestHub hub;
  static Database db;
  static String write;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start(data, Map.of("xet", "true"));
    hub.createRepo("xet-bad");
    db = Database.sqlite(data.resolve("arbor.db"));
    HttpResponse<byte[]> token = hub.get("/api/models/admin/xet-bad/xet-write-token/main", ADMIN_TOKEN);
    assertThat(token.statusCode()).isEqualTo(200);
    write = json(token).get("accessToken").asText();
  }

  @AfterAll
  static void stop() throws Exception {
    db.close();
    hub.close();
  }

  @Test
  void a_xorb_sent_under_another_name_than_its_hash() throws Exception {
    Piece sent = Piece.of(10);
    Piece named = Piece.of(11);
    refused(named.path(), sent.body(),
        "The xorb's chunks hash to " + sent.xorb().hash() + ", not " + named.xorb().hash());
  }

  @Test
  void a_xorb_under_a_name_that_is_no_hash() throws Exception {
    refused("/xet/v1/xorbs/default/not-a-hash", Piece.of(20).body(), "Invalid xorb hash: not-a-hash");
  }

  @Test
  void a_xorb_cut_in_the_middle_of_a_chunk() throws Exception {
    Piece p = Piece.of(30);
    int second = p.xorb().chunks().get(1).start();
    refused(p.path(), Arrays.copyOf(p.body(), second + 8 + 100),
        "Invalid xorb: xorb: offset " + second + ": ends inside a chunk's payload");
  }

  @Test
  void a_chunk_in_an_unknown_compression_scheme() throws Exception {
    Piece p = Piece.of(40);
    byte[] body = p.body().clone();
    body[4] = 9;   // the first chunk header's scheme: 0 none, 1 LZ4, 2 byte grouping + LZ4
    refused(p.path(), body, "offset 0: unknown compression scheme 9");
  }

  @Test
  void a_chunk_whose_data_is_not_the_length_its_header_declares() throws Exception {
    Piece p = Piece.of(50);
    byte[] plain = p.body().clone();
    plain[5] = (byte) (plain[5] - 1);   // uncompressed length 3000 says 2999
    refused(p.path(), plain, "offset 0: uncompressed chunk of 3000 bytes says 2999");

    byte[] data = random(1000, 51);   // chunks are decoded before the name is compared: any name will do
    refused(p.path(), chunk(Xorb.LZ4, lz4Frame(data), data.length + 1), "decoded 1000 bytes, expected 1001");
  }

  @Test
  void an_empty_xorb() throws Exception {
    Piece p = Piece.of(60);
    refused(p.path(), new byte[0], "empty: a xorb holds at least one chunk");
  }

  @Test
  void a_xorb_over_the_size_limit() throws Exception {
    int limit = Xorb.MAX_BYTES;
    // One byte over, sent as one MiB again and again: the hub has read it all when it answers.
    byte[] mib = new byte[1 << 20];
    BodyPublisher body = BodyPublishers.concat(Stream.concat(Stream.generate(() -> BodyPublishers.ofByteArray(mib))
        .limit(limit >> 20), Stream.of(BodyPublishers.ofByteArray(new byte[1]))).toArray(BodyPublisher[]::new));
    refused(Piece.of(70).path(), body, "A xorb may hold at most " + limit + " bytes");
  }

  @Test
  void a_shard_naming_a_xorb_never_uploaded() throws Exception {
    Piece never = Piece.of(100);
    refused(SHARDS, shard(never.file()), "Xorb " + never.xorb().hash() + " was never uploaded");
  }

  @Test
  void a_shard_naming_chunks_past_the_end_of_a_xorb() throws Exception {
    Piece p = uploaded(110);
    Shard.FileInfo f = p.file();
    Shard.Term past = new Shard.Term(p.xorb().hash(), f.terms().getFirst().bytes(), 0, 4);
    refused(SHARDS, shard(new Shard.FileInfo(f.hash(), List.of(past), f.verification(), f.sha256())),
        "names chunks [0, 4) of xorb " + p.xorb().hash() + ", which has 3");
  }

  @Test
  void a_shard_with_a_wrong_verification_hash() throws Exception {
    Shard.FileInfo f = uploaded(120).file();
    refused(SHARDS, shard(new Shard.FileInfo(f.hash(), f.terms(), List.of(f.hash()), f.sha256())),
        "The verification hash of term 0 of file " + f.hash() + " does not match the stored chunks");
  }

  @Test
  void a_shard_whose_file_hash_is_not_the_merkle_root_of_its_terms() throws Exception {
    Piece p = uploaded(130);
    Shard.FileInfo f = p.file();
    refused(SHARDS, shard(new Shard.FileInfo(p.xorb().hash(), f.terms(), f.verification(), f.sha256())),
        "The terms of file " + p.xorb().hash() + " hash to " + f.hash());
  }

  @Test
  void a_shard_claiming_a_sha256_its_terms_do_not_rebuild() throws Exception {
    Piece p = uploaded(140);
    Shard.FileInfo f = p.file();
    String other = Sha256.digest(random(10, 141)).hex();
    refused(SHARDS, shard(new Shard.FileInfo(f.hash(), f.terms(), f.verification(), other)),
        "rebuilds to bytes with SHA-256 " + f.sha256() + ", not the " + other + " the shard claims");
  }

  @Test
  void garbage_and_truncated_shards() throws Exception {
    refused(SHARDS, random(480, 150), "Invalid shard: shard: offset 0: not a Xet shard (bad tag)");
    byte[] valid = shard(uploaded(151).file());
    refused(SHARDS, Arrays.copyOf(valid, valid.length / 2 - 5), "ends inside a record (truncated)");
  }

  /** A shard is all or nothing: its good first file is not registered when the second is refused. */
  @Test
  void a_shard_with_one_bad_file_registers_none_of_its_files() throws Exception {
    Shard.FileInfo good = uploaded(160).file();
    Shard.FileInfo bad = uploaded(161).file();
    refused(SHARDS, shard(good, new Shard.FileInfo(bad.hash(), bad.terms(), List.of(bad.hash()), bad.sha256())),
        "The verification hash of term 0 of file " + bad.hash());
  }

  @Test
  void a_xorb_upload_cut_off_midway_stores_nothing_and_the_whole_upload_then_succeeds() throws Exception {
    Piece p = Piece.of(200);
    // The body is the xorb, then a footer (which the hub drops) as long again: the half that
    // arrives is a valid xorb by itself, so only the missing rest can keep the hub from storing it.
    byte[] body = Arrays.copyOf(p.body(), 2 * p.body().length);
    System.arraycopy("XETBLOB".getBytes(US_ASCII), 0, body, p.body().length, 7);
    Stored before = stored();
    hangUpHalfway(p.path(), body);
    nothingAppears(before);

    HttpResponse<byte[]> whole = post(p.path(), BodyPublishers.ofByteArray(body));
    assertThat(whole.statusCode()).as(text(whole)).isEqualTo(200);
    assertThat(json(whole).get("was_inserted").asBoolean()).isTrue();
    assertThat(json(post(p.path(), BodyPublishers.ofByteArray(body))).get("was_inserted").asBoolean()).isFalse();
    Stored after = stored();
    assertThat(after.rows()).containsEntry("xet_xorbs", before.rows().get("xet_xorbs") + 1)
        .containsEntry("xet_chunks", before.rows().get("xet_chunks") + 3);
    Set<String> added = new TreeSet<>(after.blobs());
    added.removeAll(before.blobs());
    assertThat(added).as("one blob: the xorb without its footer")
        .singleElement().asString().endsWith(Sha256.digest(p.body()).hex());
  }

  @Test
  void a_shard_upload_cut_off_midway_registers_nothing_and_its_file_cannot_be_committed() throws Exception {
    Piece p = uploaded(210);
    byte[] valid = shard(p.file());
    byte[] body = Arrays.copyOf(valid, 2 * valid.length);   // what follows the CAS bookend is not read
    Stored before = stored();
    hangUpHalfway(SHARDS, body);
    nothingAppears(before);

    HttpResponse<byte[]> commit = commitLfs("cut.bin", p.content());
    assertThat(commit.statusCode()).as("a commit naming the file's SHA-256").isEqualTo(400);
    assertThat(header(commit, "X-Error-Message")).contains("was never uploaded");
    HttpResponse<byte[]> whole = post(SHARDS, BodyPublishers.ofByteArray(body));
    assertThat(json(whole).get("result").asInt()).as("the same shard, sent whole").isEqualTo(1);
    assertThat(commitLfs("cut.bin", p.content()).statusCode()).isEqualTo(200);
  }

  /** A file of three chunks sent as one xorb, as a client builds it. */
  private record Piece(byte[] content, byte[] body, Xorb xorb) {
    static Piece of(long seed) throws FormatException {
      List<byte[]> chunks = List.of(random(3000, seed), random(5000, seed + 1), random(4000, seed + 2));
      ByteArrayOutputStream content = new ByteArrayOutputStream();
      chunks.forEach(content::writeBytes);
      byte[] body = Xorb.write(chunks);
      return new Piece(content.toByteArray(), body, Xorb.parse(body, body.length));
    }

    String path() {
      return "/xet/v1/xorbs/default/" + xorb.hash();
    }

    /** Its entry in a shard: one term over every chunk, its verification hash, the content's SHA-256. */
    Shard.FileInfo file() {
      List<XetHashes.Node> nodes = xorb.chunks().stream()
          .map(c -> new XetHashes.Node(c.hash(), c.uncompressedSize())).toList();
      return new Shard.FileInfo(XetHashes.file(nodes), List.of(XetFixtures.wholeTerm(xorb)),
          List.of(XetFixtures.verification(xorb)), Sha256.digest(content).hex());
    }
  }

  /** What a refused upload must leave as it was: the Xet tables' row counts and the files under blobs/. */
  private record Stored(Map<String, Long> rows, Set<String> blobs) {}

  private static Stored stored() throws Exception {
    Map<String, Long> rows = new TreeMap<>();
    for (String table : TABLES) {
      rows.put(table, db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table)
          .mapTo(Long.class).one()));
    }
    Path blobs = data.resolve("blobs");
    try (Stream<Path> files = Files.walk(blobs)) {
      return new Stored(rows, files.filter(Files::isRegularFile).map(f -> blobs.relativize(f).toString())
          .collect(Collectors.toCollection(TreeSet::new)));
    }
  }

  private static void refused(String path, byte[] body, String says) throws Exception {
    refused(path, BodyPublishers.ofByteArray(body), says);
  }

  /** Sends {@code body}: the answer must be a 400 saying {@code says} (JSON and header), and nothing stored. */
  private static void refused(String path, BodyPublisher body, String says) throws Exception {
    Stored before = stored();
    HttpResponse<byte[]> r = post(path, body);
    assertThat(r.statusCode()).as(text(r)).isEqualTo(400);
    assertThat(header(r, "Content-Type")).startsWith("application/json");
    assertThat(json(r).get("error").asText()).contains(says);
    assertThat(header(r, "X-Error-Message")).contains(says);
    assertThat(stored()).as("nothing stored").isEqualTo(before);
  }

  /**
   * Sends the head of a POST promising all of {@code body}, then half of it; checks the hub is still
   * waiting for the rest (no answer yet), and hangs up.
   */
  private static void hangUpHalfway(String path, byte[] body) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", hub.app.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + write
          + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(US_ASCII));
      out.write(body, 0, body.length / 2);
      out.flush();
      socket.setSoTimeout(300);
      assertThatThrownBy(() -> socket.getInputStream().read()).as("the hub answered half a body")
          .isInstanceOf(SocketTimeoutException.class);
    }
  }

  /** Watches the store for a while: once the hub notices the hang-up, it must still hold nothing new. */
  private static void nothingAppears(Stored before) throws Exception {
    long until = System.nanoTime() + 1_500_000_000L;
    while (System.nanoTime() < until) {
      assertThat(stored()).as("after a hang-up").isEqualTo(before);
      Thread.sleep(50);
    }
  }

  private static Piece uploaded(long seed) throws Exception {
    Piece p = Piece.of(seed);
    HttpResponse<byte[]> r = post(p.path(), BodyPublishers.ofByteArray(p.body()));
    assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
    return p;
  }

  private static byte[] shard(Shard.FileInfo... files) {
    return new Shard(List.of(files), List.of()).write(null);
  }

  /** A xorb of one chunk record: header (version 0, u24 sizes, scheme), then {@code payload}. */
  private static byte[] chunk(int scheme, byte[] payload, int uncompressed) {
    ByteBuffer b = ByteBuffer.allocate(8 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(payload.length << 8).put((byte) scheme).put((byte) uncompressed).putShort((short) (uncompressed >>> 8));
    return b.put(payload).array();
  }

  /** An LZ4 frame holding {@code data} in one stored (uncompressed) block, without checksums. */
  private static byte[] lz4Frame(byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(7 + 4 + data.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x184D2204).put((byte) 0x60).put((byte) 0x70).put((byte) 0);   // magic, FLG, BD, header checksum
    return b.putInt(0x80000000 | data.length).put(data).putInt(0).array();   // a stored block, the end mark
  }

  private static HttpResponse<byte[]> post(String path, BodyPublisher body) throws Exception {
    return hub.send(hub.request(path, write).POST(body).build());
  }

  private static HttpResponse<byte[]> commitLfs(String path, byte[] content) throws Exception {
    return hub.post("/api/models/admin/xet-bad/commit/main", ADMIN_TOKEN, "application/x-ndjson",
        "{\"key\":\"header\",\"value\":{\"summary\":\"add " + path + "\"}}\n" + JSON.writeValueAsString(Map.of(
            "key", "lfsFile", "value", Map.of("path", path, "algo", "sha256", "oid", Sha256.digest(content).hex(),
                "size", content.length))) + "\n");
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }
}
