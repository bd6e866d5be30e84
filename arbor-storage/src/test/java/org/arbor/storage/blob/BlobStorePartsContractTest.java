package org.arbor.storage.blob;

import static org.arbor.storage.blob.BlobStoreContractTest.randomBytes;
import static org.arbor.storage.blob.BlobStoreContractTest.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.arbor.core.Sha256;
import org.junit.jupiter.api.Test;

/**
 * Objects sent in parts: the promises {@link BlobStore} makes for them, run unchanged on every
 * implementation. A subclass supplies the store, and may look underneath the API through
 * {@link #assertNothingStaged}.
 */
abstract class BlobStorePartsContractTest {
  protected static final int PART = 1000;

  protected final byte[] content = randomBytes(4 * PART + 123); // five parts, the last one short

  /** A store over new, empty storage; called once per test. */
  protected abstract BlobStore newStore() throws IOException;

  /** Another store over the storage of the last {@link #newStore}, as after a restart. */
  protected abstract BlobStore reopen() throws IOException;

  /**
   * Checks, underneath the API, that no staged part of any upload is left. Checks nothing unless
   * overridden.
   */
  protected void assertNothingStaged() throws IOException {}

  @Test
  void a_parted_upload_is_cut_into_parts_of_its_size_the_last_one_shorter() {
    PartedUpload upload = upload("repo1", content);

    assertThat(upload.partCount()).isEqualTo(5);
    assertThat(upload.offset(1)).isZero();
    assertThat(upload.offset(5)).isEqualTo(4000);
    assertThat(upload.length(4)).isEqualTo(PART);
    assertThat(upload.length(5)).isEqualTo(123);
    assertThat(upload.hasPart(0)).isFalse();
    assertThat(upload.hasPart(6)).isFalse();
    assertThatThrownBy(() -> new PartedUpload("repo1", Sha256.digest(content), 10_001, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10000");
    assertThatThrownBy(() -> new PartedUpload("../etc", Sha256.digest(content), 10, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parts_sent_in_any_order_join_into_the_object() throws IOException {
    BlobStore store = newStore();
    PartedUpload upload = upload("repo1", content);

    for (int n : new int[] {3, 5, 1, 4, 2}) {
      StoredPart part = store.putPart(upload, n, slice(upload, n));
      assertThat(part.number()).isEqualTo(n);
      assertThat(part.size()).isEqualTo(upload.length(n));
    }
    assertThat(store.stat(upload.id())).as("nothing visible before the parts are joined").isEmpty();

    BlobInfo info = store.completeParts(upload);

    assertThat(info).isEqualTo(new BlobInfo(Sha256.digest(content), content.length));
    assertThat(readAll(store, upload.id())).isEqualTo(content);
    assertThat(store.parts(upload)).isEmpty();
    assertNothingStaged(); // the parts are gone once joined
  }

  @Test
  void stored_parts_are_listed_with_etags_that_follow_their_content() throws IOException {
    BlobStore store = newStore();
    PartedUpload upload = upload("repo1", content);

    StoredPart first = store.putPart(upload, 2, slice(upload, 2));
    store.putPart(upload, 4, slice(upload, 4));
    byte[] other = new byte[PART];
    StoredPart replaced = store.putPart(upload, 2, new ByteArrayInputStream(other));

    assertThat(store.parts(upload)).extracting(StoredPart::number).containsExactly(2, 4);
    assertThat(replaced.etag()).isNotEqualTo(first.etag());
    assertThat(store.parts(upload).getFirst()).isEqualTo(replaced);
    assertThat(store.putPart(upload, 2, slice(upload, 2)).etag()).isEqualTo(first.etag());
  }

  @Test
  void completing_with_a_part_missing_changes_nothing_and_names_it() throws IOException {
    BlobStore store = newStore();
    PartedUpload upload = upload("repo1", content);
    for (int n : new int[] {1, 2, 4, 5}) {
      store.putPart(upload, n, slice(upload, n));
    }

    assertThatThrownBy(() -> store.completeParts(upload))
        .isInstanceOf(MissingPartsException.class)
        .hasMessageContaining("1 of 5 parts")
        .satisfies(e -> assertThat(((MissingPartsException) e).missing()).containsExactly(3));
    assertThat(store.stat(upload.id())).isEmpty();
    assertThat(store.parts(upload)).hasSize(4);

    store.putPart(upload, 3, slice(upload, 3));
    assertThat(store.completeParts(upload).size()).isEqualTo(content.length);
  }

  @Test
  void a_part_of_the_wrong_length_is_refused_and_not_kept() throws IOException {
    BlobStore store = newStore();
    PartedUpload upload = upload("repo1", content);

    assertThatThrownBy(() -> store.putPart(upload, 1, new ByteArrayInputStream(new byte[PART - 1])))
        .isInstanceOf(DigestMismatchException.class).hasMessageContaining("part 1 must be 1000 bytes, received 999");
    assertThatThrownBy(() -> store.putPart(upload, 5, new ByteArrayInputStream(new byte[124])))
        .isInstanceOf(DigestMismatchException.class).hasMessageContaining("received more");
    assertThat(store.parts(upload)).isEmpty();
  }

  @Test
  void a_part_longer_than_announced_stops_being_read() throws IOException {
    BlobStore store = newStore();
    PartedUpload upload = new PartedUpload("repo1", Sha256.digest(content), content.length, 4 << 20);
    long[] served = {0};
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        served[0]++;
        return 0;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        served[0] += len;
        return len;
      }
    };

    assertThatThrownBy(() -> store.putPart(upload, 1, endless)).isInstanceOf(DigestMismatchException.class);
    assertThat(served[0]).isLessThan(content.length + (2L << 20));
  }

  @Test
  void a_part_cut_off_midway_is_not_listed_even_if_an_earlier_copy_was() throws IOException {
    BlobStore store = newStore();
    PartedUpload upload = upload("repo1", content);
    store.putPart(upload, 1, slice(upload, 1));
    InputStream broken = new InputStream() {
      private int served;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (served >= 500) {
          throw new IOException("connection reset");
        }
        int n = Math.min(len, 500 - served);
        Arrays.fill(b, off, off + n, (byte) 7);
        served += n;
        return n;
      }

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0];
      }
    };

    assertThatThrownBy(() -> store.putPart(upload, 1, broken)).hasMessage("connection reset");
    assertThat(store.parts(upload)).isEmpty();
  }

  @Test
  void wrong_bytes_in_a_part_fail_the_join_and_discard_the_parts() throws IOException {
    BlobStore store = newStore();
    PartedUpload upload = upload("repo1", content);
    for (int n = 1; n <= upload.partCount(); n++) {
      byte[] bytes = slice(upload, n).readAllBytes();
      if (n == 3) {
        bytes[17] ^= 1;
      }
      store.putPart(upload, n, new ByteArrayInputStream(bytes));
    }

    assertThatThrownBy(() -> store.completeParts(upload))
        .isInstanceOf(DigestMismatchException.class).hasMessageContaining("sha256 mismatch");
    assertThat(store.stat(upload.id())).isEmpty();
    assertThat(store.parts(upload)).isEmpty();
    assertNothingStaged();
  }

  @Test
  void a_part_corrected_after_it_was_digested_still_joins() throws IOException {
    BlobStore store = newStore();
    PartedUpload upload = upload("repo1", content);
    store.putPart(upload, 1, new ByteArrayInputStream(new byte[PART]));   // wrong, and digested in order
    store.putPart(upload, 2, slice(upload, 2));
    store.putPart(upload, 1, slice(upload, 1));                           // corrected
    for (int n = 3; n <= 5; n++) {
      store.putPart(upload, n, slice(upload, n));
    }

    assertThat(store.completeParts(upload).size()).isEqualTo(content.length);
    assertThat(readAll(store, upload.id())).isEqualTo(content);
  }

  @Test
  void a_part_spoiled_after_it_was_digested_fails_the_join() throws IOException {
    BlobStore store = newStore();
    PartedUpload upload = upload("repo1", content);
    for (int n = 1; n <= upload.partCount(); n++) {
      store.putPart(upload, n, slice(upload, n));   // all digested, in order
    }
    store.putPart(upload, 2, new ByteArrayInputStream(new byte[PART]));

    assertThatThrownBy(() -> store.completeParts(upload)).isInstanceOf(DigestMismatchException.class);
    assertThat(store.stat(upload.id())).isEmpty();
  }

  @Test
  void parts_survive_a_restart_so_an_upload_resumes() throws IOException {
    PartedUpload upload = upload("repo1", content);
    BlobStore before = newStore();
    before.putPart(upload, 1, slice(upload, 1));
    before.putPart(upload, 2, slice(upload, 2));

    BlobStore after = reopen();
    assertThat(after.parts(upload)).extracting(StoredPart::number).containsExactly(1, 2);
    for (int n = 3; n <= 5; n++) {
      after.putPart(upload, n, slice(upload, n));
    }

    assertThat(after.completeParts(upload).size()).isEqualTo(content.length);
    assertThat(readAll(after, upload.id())).isEqualTo(content);
  }

  @Test
  void uploads_in_different_scopes_or_cut_differently_never_share_parts() throws IOException {
    BlobStore store = newStore();
    PartedUpload mine = upload("repo1", content);
    PartedUpload theirs = upload("repo2", content);
    PartedUpload coarser = new PartedUpload("repo1", mine.id(), content.length, 2 * PART);
    store.putPart(mine, 1, slice(mine, 1));

    assertThat(store.parts(theirs)).isEmpty();
    assertThat(store.parts(coarser)).isEmpty();
  }

  @Test
  void parts_arriving_at_once_from_many_threads_join() throws Exception {
    BlobStore store = newStore();
    byte[] big = randomBytes(64 * PART + 5);
    PartedUpload upload = upload("repo1", big);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<StoredPart>> jobs = new ArrayList<>();
      for (int n = upload.partCount(); n >= 1; n--) {
        int number = n;
        jobs.add(pool.submit(() -> store.putPart(upload, number, slice(big, upload, number))));
      }
      for (Future<StoredPart> job : jobs) {
        job.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(store.completeParts(upload).size()).isEqualTo(big.length);
    assertThat(readAll(store, upload.id())).isEqualTo(big);
  }

  @Test
  void joining_an_object_already_stored_still_verifies_and_keeps_one_copy() throws IOException {
    BlobStore store = newStore();
    PartedUpload upload = upload("repo1", content);
    store.put(upload.id(), content.length, new ByteArrayInputStream(content));
    for (int n = 1; n <= upload.partCount(); n++) {
      store.putPart(upload, n, n == 2 ? new ByteArrayInputStream(new byte[PART]) : slice(upload, n));
    }

    assertThatThrownBy(() -> store.completeParts(upload)).isInstanceOf(DigestMismatchException.class);
    assertThat(readAll(store, upload.id())).isEqualTo(content);
  }

  /**
   * Through the API alone, with cutoffs far on either side of now: how an implementation tells when
   * an upload was last added to is its own (see the subclasses for uploads of different ages).
   */
  @Test
  void parts_are_removed_once_nobody_added_to_them_since_the_cutoff() throws IOException {
    BlobStore store = newStore();
    PartedUpload first = upload("repo1", content);
    PartedUpload second = upload("repo2", content);
    store.putPart(first, 1, slice(first, 1));
    store.putPart(second, 2, slice(second, 2));
    byte[] published = randomBytes(PART);
    Sha256 publishedId = store.put(Sha256.digest(published), published.length, new ByteArrayInputStream(published)).id();

    assertThat(store.removeAbandonedParts(Instant.now().minus(Duration.ofDays(1)))).as("both added to since").isZero();
    assertThat(store.parts(first)).extracting(StoredPart::number).containsExactly(1);
    assertThat(store.parts(second)).extracting(StoredPart::number).containsExactly(2);

    assertThat(store.removeAbandonedParts(Instant.now().plus(Duration.ofDays(1)))).isEqualTo(2);
    assertThat(store.parts(first)).isEmpty();
    assertThat(store.parts(second)).isEmpty();
    assertNothingStaged();
    assertThat(readAll(store, publishedId)).as("objects are not parts").isEqualTo(published);

    for (int n = 1; n <= first.partCount(); n++) {
      store.putPart(first, n, slice(first, n));
    }
    assertThat(store.completeParts(first).size()).as("an upload started over after removal").isEqualTo(content.length);
  }

  protected static PartedUpload upload(String scope, byte[] bytes) {
    return new PartedUpload(scope, Sha256.digest(bytes), bytes.length, PART);
  }

  protected InputStream slice(PartedUpload upload, int number) {
    return slice(content, upload, number);
  }

  private static InputStream slice(byte[] bytes, PartedUpload upload, int number) {
    int from = Math.toIntExact(upload.offset(number));
    return new ByteArrayInputStream(Arrays.copyOfRange(bytes, from, from + Math.toIntExact(upload.length(number))));
  }
}
