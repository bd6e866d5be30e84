package org.arbor.storage.blob;

import java.io.IOException;
import org.arbor.core.Sha256;

/** The bytes offered to {@link BlobStore#put} were not the announced ones. Nothing was stored. */
public final class DigestMismatchException extends IOException {
  public DigestMismatchException(Sha256 expected, long expectedSize, Sha256 actual, long actualSize) {
    super(actualSize != expectedSize
        ? "size mismatch: expected " + expectedSize + " bytes, received " + actualSize
        : "sha256 mismatch: expected " + expected + ", received content hashes to " + actual);
  }
}
