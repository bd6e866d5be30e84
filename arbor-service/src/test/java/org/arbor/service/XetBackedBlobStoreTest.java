package org.arbor.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.arbor.core.Sha256;
import org.arbor.formats.xet.XetGolden;
import org.arbor.storage.blob.BlobInfo;
import org.arbor.storage.blob.DigestMismatchException;
import org.arbor.storage.blob.FsBlobStore;
import org.arbor.storage.db.XetRows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files uploaded through Xet read as LFS objects, decoded from their xorbs, never stored whole. */
class XetBackedBlobStoreTest {
  @TempDir Path dir;
  private XetTestStore xet;
  private XetRows rows;
  private FsBlobStore whole;
  private XetBackedBlobStore blobs;
  private byte[] data;
  private Sha256 oid;

  @BeforeEach
  void open() throws Exception {
    xet = XetTestStore.open(dir, Clock.fixed(XetTestStore.T0, ZoneOffset.UTC));
    rows = xet.rows;
    whole = xet.whole;
    blobs = new XetBackedBlobStore(whole, rows);
    data = new byte[900_000];
    new Random(11).nextBytes(data);
    xet.upload(data);
    oid = Sha256.of(MessageDigest.getInstance("SHA-256").digest(data));
  }

  @AfterEach
  void close() {
    xet.close();
  }

  @Test
  void a_xet_file_is_an_object_of_its_size_read_whole_from_its_xorbs() throws Exception {
    assertThat(whole.stat(oid)).as("never stored whole").isEmpty();
    assertThat(blobs.stat(oid)).hasValue(new BlobInfo(oid, data.length));
    try (SeekableByteChannel channel = blobs.open(oid)) {
      assertThat(channel.size()).isEqualTo(data.length);
      assertThat(readAll(channel, 100_003)).isEqualTo(data);
      assertThat(channel.read(ByteBuffer.allocate(1))).as("end of file").isEqualTo(-1);
    }
  }

  @Test
  void reads_from_any_position_in_any_order_match_the_file_whatever_the_slice_size() throws Exception {
    Map<String, List<XetRows.Chunk>> chunks = new HashMap<>();
    XetRows.File file = rows.fileBySha256(oid.hex()).orElseThrow();
    XetFileLayout layout = XetFileLayout.of(rows.terms(file.hash()), x -> chunks.computeIfAbsent(x, rows::chunks),
        x -> rows.xorb(x).orElseThrow());
    assertThat(layout.chunks()).as("a file of several chunks in two xorbs").isGreaterThan(4);
    Random random = new Random(5);
    for (int slice : new int[] {0, 1, 100_000, 4 << 20}) {
      // 0: xorbs mapped whole; the others: read in slices, as from a store without files
      try (XetFileChannel channel = new XetFileChannel(layout, whole, Math.max(slice, 1), slice == 0)) {
        for (int i = 0; i < 200; i++) {
          int at = random.nextInt(data.length);
          int length = Math.min(data.length - at, 1 + random.nextInt(200_000));
          ByteBuffer buffer = ByteBuffer.allocate(length);
          channel.position(at);
          while (buffer.hasRemaining() && channel.read(buffer) > 0) {
            // a read may stop at any point; keep going
          }
          assertThat(buffer.array()).as("slice %d: %d bytes at %d", slice, length, at)
              .isEqualTo(java.util.Arrays.copyOfRange(data, at, at + length));
        }
        channel.position(data.length + 10L);
        assertThat(channel.read(ByteBuffer.allocate(4))).isEqualTo(-1);
      }
    }
  }

  @Test
  void its_bytes_are_lent_as_buffers_chunk_by_chunk_from_any_position() throws Exception {
    try (SeekableByteChannel channel = blobs.open(oid)) {
      org.arbor.storage.blob.BufferSource source = (org.arbor.storage.blob.BufferSource) channel;
      channel.position(12_345);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      ByteBuffer next;
      while ((next = source.nextBuffer(50_000)).hasRemaining()) {
        assertThat(next.remaining()).isLessThanOrEqualTo(50_000);
        byte[] bytes = new byte[next.remaining()];
        next.get(bytes);
        out.write(bytes);
      }
      assertThat(out.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(data, 12_345, data.length));
      assertThat(channel.position()).isEqualTo(data.length);
    }
  }

  @Test
  void putting_an_object_held_as_xet_verifies_the_bytes_and_stores_nothing() throws Exception {
    assertThat(blobs.put(oid, data.length, in(data))).isEqualTo(new BlobInfo(oid, data.length));
    assertThat(whole.stat(oid)).isEmpty();

    byte[] wrong = data.clone();
    wrong[12345] ^= 1;
    assertThatThrownBy(() -> blobs.put(oid, data.length, in(wrong))).isInstanceOf(DigestMismatchException.class);
    assertThat(whole.stat(oid)).isEmpty();
    try (Stream<Path> files = Files.walk(dir.resolve("blobs"))) {
      assertThat(files.filter(Files::isRegularFile).count()).as("the two xorbs only").isEqualTo(2);
    }
  }

  @Test
  void an_object_neither_stored_nor_xet_is_missing_and_ordinary_objects_pass_through() throws Exception {
    Sha256 other = Sha256.of(MessageDigest.getInstance("SHA-256").digest(XetGolden.HELLO.getBytes()));
    assertThat(blobs.stat(other)).isEmpty();
    assertThatThrownBy(() -> blobs.open(other)).isInstanceOf(NoSuchFileException.class);

    byte[] hello = XetGolden.HELLO.getBytes();
    blobs.put(other, hello.length, in(hello));
    assertThat(whole.stat(other)).hasValue(new BlobInfo(other, hello.length));
    try (SeekableByteChannel channel = blobs.open(other)) {
      assertThat(readAll(channel, 7)).isEqualTo(hello);
    }
  }

  private static byte[] readAll(SeekableByteChannel channel, int bufferSize) throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(bufferSize);
    while (channel.read(buffer.clear()) > 0) {
      out.write(buffer.array(), 0, buffer.position());
    }
    return out.toByteArray();
  }

  private static ByteArrayInputStream in(byte[] bytes) {
    return new ByteArrayInputStream(bytes);
  }
}
