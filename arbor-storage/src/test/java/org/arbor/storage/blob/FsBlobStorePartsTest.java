package org.arbor.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.arbor.core.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Objects sent in parts: the promises {@link BlobStore} makes for them, on the file store. */
class FsBlobStorePartsTest {
  private static final int PART = 1000;

  @TempDir Path root;

  private final byte[] content = FsBlobStoreTest.randomBytes(4 * PART + 123); // five parts, the last one short

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
    FsBlobStore store = new FsBlobStore(root);
    PartedUpload upload = upload("repo1", content);

    for (int n : new int[] {3, 5, 1, 4, 2}) {
      StoredPart part = store.putPart(upload, n, slice(upload, n));
      assertThat(part.number()).isEqualTo(n);
      assertThat(part.size()).isEqualTo(upload.length(n));
    }
    assertThat(store.stat(upload.id())).as("nothing visible before the parts are joined").isEmpty();

    BlobInfo info = store.completeParts(upload);

    assertThat(info).isEqualTo(new BlobInfo(Sha256.digest(content), content.length));
    assertThat(FsBlobStoreTest.readAll(store, upload.id())).isEqualTo(content);
    assertThat(store.parts(upload)).isEmpty();
    assertThat(stagingFolders()).as("the parts are gone once joined").isEmpty();
  }

  @Test
  void stored_parts_are_listed_with_etags_that_follow_their_content() throws IOException {
    FsBlobStore store = new FsBlobStore(root);
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
    FsBlobStore store = new FsBlobStore(root);
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
    FsBlobStore store = new FsBlobStore(root);
    PartedUpload upload = upload("repo1", content);

    assertThatThrownBy(() -> store.putPart(upload, 1, new ByteArrayInputStream(new byte[PART - 1])))
        .isInstanceOf(DigestMismatchException.class).hasMessageContaining("part 1 must be 1000 bytes, received 999");
    assertThatThrownBy(() -> store.putPart(upload, 5, new ByteArrayInputStream(new byte[124])))
        .isInstanceOf(DigestMismatchException.class).hasMessageContaining("received more");
    assertThat(store.parts(upload)).isEmpty();
  }

  @Test
  void a_part_longer_than_announced_stops_being_read() throws IOException {
    FsBlobStore store = new FsBlobStore(root);
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
    FsBlobStore store = new FsBlobStore(root);
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
    FsBlobStore store = new FsBlobStore(root);
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
    assertThat(stagingFolders()).isEmpty();
  }

  @Test
  void a_part_corrected_after_it_was_digested_still_joins() throws IOException {
    FsBlobStore store = new FsBlobStore(root);
    PartedUpload upload = upload("repo1", content);
    store.putPart(upload, 1, new ByteArrayInputStream(new byte[PART]));   // wrong, and digested in order
    store.putPart(upload, 2, slice(upload, 2));
    store.putPart(upload, 1, slice(upload, 1));                           // corrected
    for (int n = 3; n <= 5; n++) {
      store.putPart(upload, n, slice(upload, n));
    }

    assertThat(store.completeParts(upload).size()).isEqualTo(content.length);
    assertThat(FsBlobStoreTest.readAll(store, upload.id())).isEqualTo(content);
  }

  @Test
  void a_part_spoiled_after_it_was_digested_fails_the_join() throws IOException {
    FsBlobStore store = new FsBlobStore(root);
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
    FsBlobStore before = new FsBlobStore(root);
    before.putPart(upload, 1, slice(upload, 1));
    before.putPart(upload, 2, slice(upload, 2));

    FsBlobStore after = new FsBlobStore(root);
    assertThat(after.parts(upload)).extracting(StoredPart::number).containsExactly(1, 2);
    for (int n = 3; n <= 5; n++) {
      after.putPart(upload, n, slice(upload, n));
    }

    assertThat(after.completeParts(upload).size()).isEqualTo(content.length);
    assertThat(FsBlobStoreTest.readAll(after, upload.id())).isEqualTo(content);
  }

  @Test
  void uploads_in_different_scopes_or_cut_differently_never_share_parts() throws IOException {
    FsBlobStore store = new FsBlobStore(root);
    PartedUpload mine = upload("repo1", content);
    PartedUpload theirs = upload("repo2", content);
    PartedUpload coarser = new PartedUpload("repo1", mine.id(), content.length, 2 * PART);
    store.putPart(mine, 1, slice(mine, 1));

    assertThat(store.parts(theirs)).isEmpty();
    assertThat(store.parts(coarser)).isEmpty();
  }

  @Test
  void parts_arriving_at_once_from_many_threads_join() throws Exception {
    FsBlobStore store = new FsBlobStore(root);
    byte[] big = FsBlobStoreTest.randomBytes(64 * PART + 5);
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
    assertThat(FsBlobStoreTest.readAll(store, upload.id())).isEqualTo(big);
  }

  @Test
  void joining_an_object_already_stored_still_verifies_and_keeps_one_copy() throws IOException {
    FsBlobStore store = new FsBlobStore(root);
    PartedUpload upload = upload("repo1", content);
    store.put(upload.id(), content.length, new ByteArrayInputStream(content));
    for (int n = 1; n <= upload.partCount(); n++) {
      store.putPart(upload, n, n == 2 ? new ByteArrayInputStream(new byte[PART]) : slice(upload, n));
    }

    assertThatThrownBy(() -> store.completeParts(upload)).isInstanceOf(DigestMismatchException.class);
    assertThat(FsBlobStoreTest.readAll(store, upload.id())).isEqualTo(content);
  }

  @Test
  void abandoned_uploads_are_removed_and_recent_ones_kept() throws IOException {
    FsBlobStore store = new FsBlobStore(root);
    PartedUpload old = upload("repo1", content);
    PartedUpload recent = upload("repo2", content);
    store.putPart(old, 1, slice(old, 1));
    store.putPart(recent, 1, slice(recent, 1));
    FileTime lastWeek = FileTime.from(Instant.now().minus(Duration.ofDays(7)));
    try (Stream<Path> files = Files.walk(root.resolve("parts"))) {
      for (Path p : files.filter(p -> p.toString().contains("repo1")).toList()) {
        Files.setLastModifiedTime(p, lastWeek);
      }
    }

    int removed = store.removeAbandonedParts(Instant.now().minus(Duration.ofDays(1)));

    assertThat(removed).isEqualTo(1);
    assertThat(store.parts(old)).isEmpty();
    assertThat(store.parts(recent)).hasSize(1);
  }

  private static PartedUpload upload(String scope, byte[] bytes) {
    return new PartedUpload(scope, Sha256.digest(bytes), bytes.length, PART);
  }

  private InputStream slice(PartedUpload upload, int number) {
    return slice(content, upload, number);
  }

  private static InputStream slice(byte[] bytes, PartedUpload upload, int number) {
    int from = Math.toIntExact(upload.offset(number));
    return new ByteArrayInputStream(Arrays.copyOfRange(bytes, from, from + Math.toIntExact(upload.length(number))));
  }

  private List<Path> stagingFolders() throws IOException {
    try (Stream<Path> list = Files.list(root.resolve("parts"))) {
      return list.toList();
    }
  }
}
