package org.arbor.storage.blob;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.util.Random;
import org.arbor.core.Sha256;
import org.junit.jupiter.api.Test;

/**
 * What {@link BlobStore} promises for whole objects, run unchanged on every implementation: a
 * subclass supplies the store, and may look underneath the API through {@link #assertStorageHolds}.
 * The parts API has its own contract, {@link BlobStorePartsContractTest}.
 */
abstract class BlobStoreContractTest {
  /** A store over new, empty storage; called once per test. */
  protected abstract BlobStore newStore() throws IOException;

  /** Another store over the storage of the last {@link #newStore}, as after a restart. */
  protected abstract BlobStore reopen() throws IOException;

  /**
   * Checks, underneath the API, that the storage holds exactly {@code objects} objects and nothing
   * a put wrote on its way (temporary files, unfinished uploads). Checks nothing unless overridden.
   */
  protected void assertStorageHolds(int objects) throws IOException {}

  @Test
  void put_then_open_returns_the_same_bytes() throws IOException {
    BlobStore store = newStore();
    byte[] content = randomBytes(3 << 20); // more than one buffer

    BlobInfo info = store.put(Sha256.digest(content), content.length, new ByteArrayInputStream(content));

    assertThat(info).isEqualTo(new BlobInfo(Sha256.digest(content), content.length));
    assertThat(readAll(store, info.id())).isEqualTo(content);
    assertThat(store.stat(info.id())).hasValue(new BlobInfo(Sha256.digest(content), content.length));
  }

  @Test
  void open_is_positioned_at_the_start_and_seekable() throws IOException {
    BlobStore store = newStore();
    byte[] content = "0123456789".getBytes(UTF_8);
    Sha256 id = store.put(Sha256.digest(content), content.length, new ByteArrayInputStream(content)).id();

    try (SeekableByteChannel channel = store.open(id)) {
      assertThat(channel.position()).isZero();
      assertThat(channel.size()).isEqualTo(10);
      ByteBuffer buffer = ByteBuffer.allocate(3);
      channel.position(7).read(buffer);
      assertThat(new String(buffer.array(), UTF_8)).isEqualTo("789");
    }
  }

  @Test
  void a_deleted_object_is_gone_for_new_readers_and_readable_by_those_that_had_it_open() throws IOException {
    BlobStore store = newStore();
    byte[] content = "collected".getBytes(UTF_8);
    Sha256 id = Sha256.digest(content);
    store.put(id, content.length, new ByteArrayInputStream(content));
    try (SeekableByteChannel open = store.open(id)) {
      assertThat(store.delete(id)).isTrue();
      assertThat(store.delete(id)).as("already gone").isFalse();
      assertThat(store.stat(id)).isEmpty();
      assertThatThrownBy(() -> store.open(id)).isInstanceOf(NoSuchFileException.class);
      ByteBuffer buffer = ByteBuffer.allocate(content.length);
      open.read(buffer);
      assertThat(buffer.array()).isEqualTo(content);
    }
  }

  @Test
  void empty_object_is_stored() throws IOException {
    BlobStore store = newStore();
    Sha256 empty = Sha256.digest(new byte[0]);

    store.put(empty, 0, InputStream.nullInputStream());

    assertThat(store.stat(empty)).hasValue(new BlobInfo(empty, 0));
    assertThat(readAll(store, empty)).isEmpty();
  }

  @Test
  void missing_object_is_absent() throws IOException {
    BlobStore store = newStore();
    Sha256 missing = Sha256.digest("never stored".getBytes(UTF_8));

    assertThat(store.stat(missing)).isEmpty();
    assertThatThrownBy(() -> store.open(missing)).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void wrong_sha_is_refused_and_nothing_is_visible() throws IOException {
    BlobStore store = newStore();
    byte[] content = "the real bytes".getBytes(UTF_8);
    Sha256 claimed = Sha256.digest("other bytes!!!".getBytes(UTF_8));

    assertThatThrownBy(() -> store.put(claimed, content.length, new ByteArrayInputStream(content)))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("sha256 mismatch")
        .hasMessageContaining(claimed.hex())
        .hasMessageContaining(Sha256.digest(content).hex());

    assertNothingStored(store, claimed);
    assertNothingStored(store, Sha256.digest(content));
  }

  @Test
  void fewer_bytes_than_announced_are_refused() throws IOException {
    BlobStore store = newStore();
    byte[] content = "short".getBytes(UTF_8);
    Sha256 id = Sha256.digest(content);

    assertThatThrownBy(() -> store.put(id, content.length + 1, new ByteArrayInputStream(content)))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("size mismatch: expected 6 bytes, received 5");

    assertNothingStored(store, id);
  }

  @Test
  void more_bytes_than_announced_are_refused() throws IOException {
    BlobStore store = newStore();
    byte[] content = "longer than announced".getBytes(UTF_8);
    Sha256 id = Sha256.digest(content);

    assertThatThrownBy(() -> store.put(id, content.length - 1, new ByteArrayInputStream(content)))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("size mismatch");

    assertNothingStored(store, id);
  }

  @Test
  void stops_reading_once_more_than_announced_arrived() throws IOException {
    BlobStore store = newStore();
    CountingEndlessStream endless = new CountingEndlessStream();

    assertThatThrownBy(() -> store.put(Sha256.digest(new byte[10]), 10, endless))
        .isInstanceOf(DigestMismatchException.class);

    assertThat(endless.served).isLessThanOrEqualTo(2L << 20);
    assertStorageHolds(0);
  }

  @Test
  void a_stream_that_fails_midway_propagates_and_leaves_nothing() throws IOException {
    BlobStore store = newStore();
    byte[] content = randomBytes(3 << 20);
    Sha256 id = Sha256.digest(content);
    IOException cut = new IOException("connection reset");
    InputStream failing = new FailingStream(content, 2 << 20, cut);

    assertThatThrownBy(() -> store.put(id, content.length, failing)).isSameAs(cut);

    assertNothingStored(store, id);
  }

  @Test
  void the_same_object_twice_is_accepted_and_stored_once() throws IOException {
    BlobStore store = newStore();
    byte[] content = randomBytes(1000);
    Sha256 id = Sha256.digest(content);

    store.put(id, content.length, new ByteArrayInputStream(content));
    BlobInfo again = store.put(id, content.length, new ByteArrayInputStream(content));

    assertThat(again).isEqualTo(new BlobInfo(id, 1000));
    assertThat(readAll(store, id)).isEqualTo(content);
    assertStorageHolds(1);
  }

  @Test
  void a_second_put_of_an_existing_object_still_verifies_its_input() throws IOException {
    BlobStore store = newStore();
    byte[] content = randomBytes(1000);
    Sha256 id = Sha256.digest(content);
    store.put(id, content.length, new ByteArrayInputStream(content));
    byte[] forged = content.clone();
    forged[0] ^= 1;

    assertThatThrownBy(() -> store.put(id, forged.length, new ByteArrayInputStream(forged)))
        .isInstanceOf(DigestMismatchException.class);

    assertThat(readAll(store, id)).isEqualTo(content);
  }

  @Test
  void a_new_store_keeps_existing_objects() throws IOException {
    byte[] content = "durable".getBytes(UTF_8);
    Sha256 id = Sha256.digest(content);
    newStore().put(id, content.length, new ByteArrayInputStream(content));

    BlobStore reopened = reopen();

    assertThat(readAll(reopened, id)).isEqualTo(content);
  }

  @Test
  void list_gives_every_object_with_its_size_in_order_of_id() throws IOException {
    BlobStore store = newStore();
    assertThat(listed(store)).as("a new store").isEmpty();
    java.util.List<BlobInfo> expected = new java.util.ArrayList<>();
    for (int n : new int[] {0, 1, 1000, 70_000, 3 << 20}) {
      byte[] content = randomBytes(n);
      expected.add(store.put(Sha256.digest(content), n, new ByteArrayInputStream(content)));
    }
    expected.sort(java.util.Comparator.comparing(b -> b.id().hex()));

    assertThat(listed(store)).containsExactlyElementsOf(expected);
    assertThat(listed(reopen())).as("after a restart").containsExactlyElementsOf(expected);
    store.delete(expected.get(2).id());
    assertThat(listed(store)).as("once one is deleted").hasSize(4).doesNotContain(expected.get(2));
  }

  @Test
  void list_shows_no_failed_upload_and_no_parts_in_progress() throws IOException {
    BlobStore store = newStore();
    byte[] kept = "kept".getBytes(UTF_8);
    store.put(Sha256.digest(kept), kept.length, new ByteArrayInputStream(kept));
    byte[] content = randomBytes(3 << 20);
    Sha256 id = Sha256.digest(content);
    assertThatThrownBy(() -> store.put(id, content.length, new FailingStream(content, 2 << 20,
        new IOException("cut")))).isInstanceOf(IOException.class);
    PartedUpload parted = new PartedUpload("s", id, content.length, 1 << 20);
    store.putPart(parted, 1, new ByteArrayInputStream(content, 0, 1 << 20));

    assertThat(listed(store)).containsExactly(new BlobInfo(Sha256.digest(kept), kept.length));
  }

  private static java.util.List<BlobInfo> listed(BlobStore store) throws IOException {
    try (java.util.stream.Stream<BlobInfo> all = store.list()) {
      return all.toList();
    }
  }

  private void assertNothingStored(BlobStore store, Sha256 id) throws IOException {
    assertThat(store.stat(id)).isEmpty();
    assertStorageHolds(0);
  }

  protected static byte[] readAll(BlobStore store, Sha256 id) throws IOException {
    try (SeekableByteChannel channel = store.open(id)) {
      ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(channel.size()));
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // keep reading
      }
      return buffer.array();
    }
  }

  protected static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new Random(n).nextBytes(bytes);
    return bytes;
  }

  /** Serves {@code content} up to {@code failAt}, then throws {@code failure}. */
  private static final class FailingStream extends InputStream {
    private final byte[] content;
    private final int failAt;
    private final IOException failure;
    private int position;

    FailingStream(byte[] content, int failAt, IOException failure) {
      this.content = content;
      this.failAt = failAt;
      this.failure = failure;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (position >= failAt) {
        throw failure;
      }
      int n = Math.min(len, failAt - position);
      System.arraycopy(content, position, b, off, n);
      position += n;
      return n;
    }
  }

  /** Zeros without end, counting what it served. */
  private static final class CountingEndlessStream extends InputStream {
    long served;

    @Override
    public int read() {
      served++;
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      java.util.Arrays.fill(b, off, off + len, (byte) 0);
      served += len;
      return len;
    }
  }
}
