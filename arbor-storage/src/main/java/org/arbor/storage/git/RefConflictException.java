package org.arbor.storage.git;

/** A ref did not point where the caller expected when it tried to move it (compare-and-swap lost). */
public final class RefConflictException extends Exception {
  public RefConflictException(String ref) {
    super("ref " + ref + " moved concurrently");
  }
}
