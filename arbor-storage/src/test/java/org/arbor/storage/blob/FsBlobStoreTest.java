package org.arbor.storage.blob;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.arbor.core.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link BlobStore} contract on the file store, and how it lays objects out on disk. */
class FsBlobStoreTest extends BlobStoreContractTest {
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
  protected void assertStorageHolds(int objects) throws IOException {
    assertThat(objectFiles()).hasSize(objects);
    assertThat(incomingFiles()).isEmpty();
  }

  @Test
  void stores_objects_under_sha256_by_prefix() throws IOException {
    FsBlobStore store = new FsBlobStore(root);
    byte[] content = "hello".getBytes(UTF_8);
    Sha256 id = Sha256.digest(content);

    store.put(id, content.length, new ByteArrayInputStream(content));

    Path expected = root.resolve("sha256").resolve(id.hex().substring(0, 2))
        .resolve(id.hex().substring(2, 4)).resolve(id.hex());
    assertThat(expected).hasBinaryContent(content);
    assertThat(incomingFiles()).isEmpty();
  }

  @Test
  void a_new_store_removes_abandoned_uploads() throws IOException {
    new FsBlobStore(root);
    Path incoming = root.resolve("incoming");
    Files.writeString(incoming.resolve("abc.1234.part"), "half an upload");
    Files.writeString(incoming.resolve("def.5678.part"), "another half");
    Files.writeString(incoming.resolve("keep.txt"), "not an upload");

    new FsBlobStore(root);

    assertThat(incomingFiles()).containsExactly(incoming.resolve("keep.txt"));
  }

  private List<Path> objectFiles() throws IOException {
    try (Stream<Path> files = Files.walk(root.resolve("sha256"))) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  private List<Path> incomingFiles() throws IOException {
    try (Stream<Path> files = Files.list(root.resolve("incoming"))) {
      return files.toList();
    }
  }
}
