package org.arbor.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Objects sent in parts, on the file store: the contract, and how staged parts age on disk. */
class FsBlobStorePartsTest extends BlobStorePartsContractTest {
  @TempDir Path root;

  @Override
  protected BlobStore newStore() throws IOException {
    return new FsBlobStore(root);
  }

  @Override
  protected BlobStore reopen() throws IOException {
    return new FsBlobStore(root);
  }

  @Override
  protected void assertNothingStaged() throws IOException {
    assertThat(stagingFolders()).as("staging folders under parts/").isEmpty();
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

  private List<Path> stagingFolders() throws IOException {
    try (Stream<Path> list = Files.list(root.resolve("parts"))) {
      return list.toList();
    }
  }
}
