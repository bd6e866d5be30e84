package org.arbor.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.arbor.core.Sha256;
import org.arbor.storage.CopyMismatchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blobs copied between two stores: everything arrives once, a copy runs again, and converges on the source. */
class BlobCopyTest {
  @TempDir Path dir;

  @Test
  void copies_once_then_repairs_and_prunes() throws IOException {
    BlobStore source = new FsBlobStore(dir.resolve("source"));
    BlobStore target = new FsBlobStore(dir.resolve("target"));
    Sha256[] ids = new Sha256[5];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = put(source, 1000 * (i + 1), i);
    }
    BlobCopy copy = new BlobCopy(source, target, 3);

    assertThat(copy.copy(r -> { })).isEqualTo(new BlobCopy.Result(5, 15_000, 0, 0, 0));
    assertThat(copy.verify()).isEqualTo(new BlobCopy.Check(5, 15_000));
    assertThat(copy.copy(r -> { })).as("again").isEqualTo(new BlobCopy.Result(0, 0, 5, 15_000, 0));

    target.delete(ids[1]);
    Sha256 stray = put(target, 10, 99);
    assertThatThrownBy(copy::verify).isInstanceOf(CopyMismatchException.class)
        .hasMessageContaining("1 missing (" + ids[1].hex() + ")").hasMessageContaining("1 not in the source ("
            + stray.hex() + ")");
    assertThat(copy.copy(r -> { })).isEqualTo(new BlobCopy.Result(1, 2000, 4, 13_000, 1));
    assertThat(copy.verify()).isEqualTo(new BlobCopy.Check(5, 15_000));
  }

  private static Sha256 put(BlobStore store, int size, long seed) throws IOException {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return store.put(Sha256.digest(bytes), size, new ByteArrayInputStream(bytes)).id();
  }
}
