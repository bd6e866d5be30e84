package org.arbor.storage.blob;

import java.io.IOException;
import java.util.List;

/** {@link BlobStore#completeParts} was asked to join parts that never arrived. Nothing changed. */
public final class MissingPartsException extends IOException {
  private final List<Integer> missing;

  public MissingPartsException(List<Integer> missing, int partCount) {
    super(missing.size() + " of " + partCount + " parts never arrived (first missing: part " + missing.getFirst() + ")");
    this.missing = List.copyOf(missing);
  }

  public List<Integer> missing() {
    return missing;
  }
}
