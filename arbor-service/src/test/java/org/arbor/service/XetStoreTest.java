package org.arbor.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.arbor.core.HubException;
import org.arbor.formats.xet.XetFixtures;
import org.arbor.formats.xet.XetGolden;
import org.arbor.storage.db.XetRows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Xet store on SQLite and the file blob store: what it accepts, what it refuses, and the bytes it rebuilds. */
class XetStoreTest {
  private static final String REPO = XetTestStore.REPO;

  @TempDir Path dir;
  private XetTestStore xet;
  private XetRows rows;
  private XetStore store;

  @BeforeEach
  void open() throws Exception {
    xet = XetTestStore.open(dir, Clock.fixed(XetTestStore.T0, ZoneOffset.UTC));
    rows = xet.rows;
    store = xet.store;
  }

  @AfterEach
  void close() {
    xet.close();
  }

  @Test
  void hf_xets_upload_of_hello_xet_is_stored_registered_and_rebuilt() throws Exception {
    assertThat(store.putXorb(XetGolden.HELLO_XORB_HASH, in(XetGolden.helloXorb()))).isTrue();
    assertThat(store.putXorb(XetGolden.HELLO_XORB_HASH, in(XetGolden.helloXorb()))).as("already stored").isFalse();

    assertThat(store.registerShard(REPO, in(XetGolden.helloShard()))).isTrue();
    assertThat(store.registerShard(REPO, in(XetGolden.helloShard()))).as("already registered").isFalse();

    assertThat(rows.fileBySha256(XetGolden.HELLO_SHA256)).hasValue(
        new XetRows.File(XetGolden.HELLO_FILE_HASH, 12, XetGolden.HELLO_SHA256));
    assertThat(rows.isLinked(REPO, XetGolden.HELLO_FILE_HASH)).isTrue();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] sha = store.writeFile(XetGolden.HELLO_FILE_HASH, out);
    assertThat(out.toString()).isEqualTo(XetGolden.HELLO);
    assertThat(HexFormat.of().formatHex(sha)).isEqualTo(XetGolden.HELLO_SHA256);
  }

  @Test
  void a_xorb_under_another_name_or_broken_is_refused_and_nothing_is_stored() throws Exception {
    assertRefused(() -> store.putXorb("0".repeat(64), in(XetGolden.helloXorb())), "hash to " + XetGolden.HELLO_XORB_HASH);
    byte[] broken = XetGolden.helloXorb();
    broken[0] = 1;
    assertRefused(() -> store.putXorb(XetGolden.HELLO_XORB_HASH, in(broken)), "Invalid xorb");
    assertRefused(() -> store.putXorb("not-a-hash", in(XetGolden.helloXorb())), "Invalid xorb hash");

    assertThat(rows.xorb(XetGolden.HELLO_XORB_HASH)).isEmpty();
    try (Stream<Path> files = Files.walk(dir.resolve("blobs/sha256"))) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void a_shard_is_refused_when_its_xorb_is_missing_or_its_claims_are_false() throws Exception {
    assertRefused(() -> store.registerShard(REPO, in(XetGolden.helloShard())), "was never uploaded");
    store.putXorb(XetGolden.HELLO_XORB_HASH, in(XetGolden.helloXorb()));

    byte[] badVerification = XetGolden.helloShard();
    badVerification[144] ^= 1;
    assertRefused(() -> store.registerShard(REPO, in(badVerification)), "verification hash");
    byte[] badSha = XetGolden.helloShard();
    badSha[192] ^= 1;
    assertRefused(() -> store.registerShard(REPO, in(badSha)), "rebuilds to bytes with SHA-256 " + XetGolden.HELLO_SHA256);
    byte[] badFileHash = XetGolden.helloShard();
    badFileHash[48] ^= 1;
    assertRefused(() -> store.registerShard(REPO, in(badFileHash)), "hash to " + XetGolden.HELLO_FILE_HASH);
    byte[] badRange = XetGolden.helloShard();
    badRange[96 + 44] = 2;   // chunks [0, 2) of a one-chunk xorb
    assertRefused(() -> store.registerShard(REPO, in(badRange)), "which has 1");

    assertThat(rows.file(XetGolden.HELLO_FILE_HASH)).isEmpty();
  }

  @Test
  void a_file_of_several_xorbs_and_terms_rebuilds_byte_for_byte() throws Exception {
    byte[] data = new byte[700_000];
    new Random(3).nextBytes(data);
    XetFixtures.TwoXorbFile file = XetFixtures.twoXorbFile(data);
    store.putXorb(file.x1().hash().toString(), in(file.first()));
    store.putXorb(file.x2().hash().toString(), in(file.second()));

    assertThat(store.registerShard(REPO, in(file.shard()))).isTrue();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.writeFile(file.fileHash().toString(), out);
    assertThat(out.toByteArray()).isEqualTo(data);
    assertThat(rows.file(file.fileHash().toString()).orElseThrow().size()).isEqualTo(data.length);
  }

  private static ByteArrayInputStream in(byte[] bytes) {
    return new ByteArrayInputStream(bytes);
  }

  @FunctionalInterface
  private interface Call {
    void run() throws Exception;
  }

  private static void assertRefused(Call call, String reason) {
    assertThatThrownBy(call::run).isInstanceOf(HubException.class).hasMessageContaining(reason);
  }
}
