package org.arbor.formats.gguf;

import java.util.List;

/**
 * One tensor info. {@code dims} are in file order (ggml's {@code ne}: the first is the fastest
 * varying); {@code offset} is relative to the start of the data section.
 */
public record GgufTensor(String name, List<Long> dims, GgmlType type, long offset, long byteSize) {
  public GgufTensor {
    dims = List.copyOf(dims);
  }

  /** The product of the dimensions (1 for a scalar); the reader has checked that it fits a long. */
  public long elementCount() {
    long count = 1;
    for (long dim : dims) {
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }
}
