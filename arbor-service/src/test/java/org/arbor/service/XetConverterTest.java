package org.arbor.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import org.arbor.core.Sha256;
import org.arbor.storage.blob.FsBlobStore;
import org.arbor.storage.db.Database;
import org.arbor.storage.db.LfsRows;
import org.arbor.storage.db.XetRows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plain LFS objects turned into Xet files: read back byte for byte, stored once, revisions deduplicated. */
class XetConverterTest {
  private static final String REPO = XetTestStore.REPO;
  private static final Instant T0 = XetTestStore.T0;

  @TempDir Path dir;
  private XetTestStore xet;
  private Database db;
  private XetRows rows;
  private FsBlobStore whole;
  private XetBackedBlobStore blobs;
  private XetConversions conversions;

  @BeforeEach
  void open() throws Exception {
    xet = XetTestStore.open(dir, Clock.fixed(T0, ZoneOffset.UTC));
    db = xet.db;
    rows = xet.rows;
    whole = xet.whole;
    blobs = new XetBackedBlobStore(whole, rows);
    conversions = new XetConversions(new XetConverter(whole, xet.store, rows), rows);
  }

  @AfterEach
  void close() {
    conversions.close();
    xet.close();
  }

  @Test
  void a_plain_object_becomes_a_xet_file_read_back_byte_for_byte_and_its_whole_copy_goes() throws Exception {
    byte[] data = random(3_000_000, 1);
    Sha256 oid = commitPlain(data);

    assertThat(conversions.convertWaiting()).isEqualTo(1);

    assertThat(whole.stat(oid)).as("the whole copy is gone").isEmpty();
    XetRows.File file = rows.fileBySha256(oid.hex()).orElseThrow();
    assertThat(file.size()).isEqualTo(data.length);
    assertThat(blobs.stat(oid).orElseThrow().size()).isEqualTo(data.length);
    assertThat(read(oid)).isEqualTo(data);
    assertThat(conversions.convertWaiting()).as("nothing left to do").isZero();
  }

  @Test
  void a_revision_with_a_tenth_changed_stores_about_a_tenth_and_repeats_within_a_file_are_stored_once()
      throws Exception {
    byte[] first = random(4_000_000, 2);
    commitPlain(first);
    conversions.convertWaiting();
    long before = storedXorbBytes();
    assertThat(before).isBetween((long) first.length, first.length + first.length / 50L);

    byte[] second = first.clone();
    System.arraycopy(random(400_000, 3), 0, second, 1_500_000, 400_000);
    Sha256 oid = commitPlain(second);
    conversions.convertWaiting();
    assertThat(storedXorbBytes() - before).as("about what changed").isLessThan(second.length / 5);
    assertThat(read(oid)).isEqualTo(second);

    byte[] block = random(1_000_000, 4);
    byte[] repeated = new byte[5 * block.length];
    for (int i = 0; i < 5; i++) {
      System.arraycopy(block, 0, repeated, i * block.length, block.length);
    }
    long beforeRepeated = storedXorbBytes();
    Sha256 repeatedOid = commitPlain(repeated);
    conversions.convertWaiting();
    assertThat(storedXorbBytes() - beforeRepeated).as("one block and the seams").isLessThan(2L * block.length);
    assertThat(read(repeatedOid)).isEqualTo(repeated);
  }

  @Test
  void an_empty_object_converts_too() throws Exception {
    Sha256 oid = commitPlain(new byte[0]);
    assertThat(conversions.convertWaiting()).isEqualTo(1);
    assertThat(blobs.stat(oid).orElseThrow().size()).isZero();
    assertThat(read(oid)).isEmpty();
  }

  private Sha256 commitPlain(byte[] data) throws Exception {
    Sha256 oid = Sha256.digest(data);
    whole.put(oid, data.length, new ByteArrayInputStream(data));
    new LfsRows(db).link(REPO, oid.hex(), data.length, T0);
    return oid;
  }

  private byte[] read(Sha256 oid) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SeekableByteChannel channel = blobs.open(oid)) {
      ByteBuffer buffer = ByteBuffer.allocate(70_000);
      while (channel.read(buffer.clear()) > 0) {
        out.write(buffer.array(), 0, buffer.position());
      }
    }
    return out.toByteArray();
  }

  private long storedXorbBytes() {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT COALESCE(SUM(stored_len), 0) FROM xet_xorbs")
        .mapTo(Long.class).one());
  }

  private static byte[] random(int n, int seed) {
    byte[] out = new byte[n];
    new Random(seed).nextBytes(out);
    return out;
  }
}
