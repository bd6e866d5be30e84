package org.arbor.storage.blob;

import java.io.IOException;
import org.arbor.core.Sha256;

/** The bytes offered to {@link BlobStore#put} (or as parts) were not the announced ones. Nothing was stored. */
public final class DigestMismatchException extends IOException {
  public DigestMismatchException(Sha256 expected, long expectedSize, Sha256 actual, long actualSize) {
    super(actualSize != expectedSize
        ? "size mismatch: expected " + expectedSize + " bytes, received " + actualSize
        : "sha256 mismatch: expected " + expected + ", received content hashes to " + actual);
  }

  private DigestMismatchException(String message) {
    super(message);
  }

  /** What a client sent straight to the store was replaced while the hub checked it. */
  public static DigestMismatchException changedWhileChecked(Sha256 id) {
    return new DigestMismatchException("the upload of " + id + " was replaced while it was checked; send it once");
  }

  /** A part of a {@link PartedUpload} was not the length its number implies. */
  public static DigestMismatchException partSize(int number, long expected, long actual) {
    return new DigestMismatchException("size mismatch: part " + number + " must be " + expected
        + " bytes, received " + (actual > expected ? "more" : Long.toString(actual)));
  }
}
