package org.arbor.storage.blob;

import org.arbor.core.Sha256;

/**
 * An object sent in pieces (the Hub's "multipart" transfer): which object, for which scope
 * (uploads in different scopes never share parts), and how it is cut: parts of {@code partSize}
 * bytes, numbered from 1, the last one possibly shorter.
 */
public record PartedUpload(String scope, Sha256 id, long size, long partSize) {
  /** S3's limit; a hub that cuts objects finer than this could not keep them in S3. */
  public static final int MAX_PARTS = 10_000;
  /** What a scope may be: it becomes part of storage keys. */
  private static final String SCOPE = "[A-Za-z0-9_-]{1,64}";

  public PartedUpload {
    checkScope(scope);
    if (size <= 0 || partSize <= 0) {
      throw new IllegalArgumentException("size and part size must be positive: " + size + ", " + partSize);
    }
    if ((size + partSize - 1) / partSize > MAX_PARTS) {
      throw new IllegalArgumentException(size + " bytes in parts of " + partSize + " is more than " + MAX_PARTS
          + " parts");
    }
  }

  /** {@code scope}, if it is one (1-64 letters, digits, '_' or '-'); else IllegalArgumentException. */
  static String checkScope(String scope) {
    if (scope == null || !scope.matches(SCOPE)) {
      throw new IllegalArgumentException("scope must be 1-64 letters, digits, '_' or '-': " + scope);
    }
    return scope;
  }

  public int partCount() {
    return (int) ((size + partSize - 1) / partSize);
  }

  /** Whether {@code number} names a part of this upload. */
  public boolean hasPart(int number) {
    return number >= 1 && number <= partCount();
  }

  /** Where part {@code number} starts in the object. */
  public long offset(int number) {
    checkPart(number);
    return (number - 1) * partSize;
  }

  /** How many bytes part {@code number} holds. */
  public long length(int number) {
    checkPart(number);
    return Math.min(partSize, size - offset(number));
  }

  private void checkPart(int number) {
    if (!hasPart(number)) {
      throw new IllegalArgumentException("part " + number + " is not in 1.." + partCount());
    }
  }
}
