package org.arbor.formats.safetensors;

import java.util.List;

/**
 * One header entry: a tensor's dtype and shape, and where its bytes are, relative to the start
 * of the data section ({@code end} exclusive).
 */
public record TensorInfo(String name, String dtype, List<Long> shape, long begin, long end) {
  public TensorInfo {
    shape = List.copyOf(shape);
  }

  /** Elements in the tensor: the product of the shape, 1 for a scalar, 0 if any dimension is 0. */
  public long parameterCount() {
    long n = 1;
    for (long dim : shape) {
      n = Math.multiplyExact(n, dim);
    }
    return n;
  }

  /** Bytes of tensor data, {@code end - begin}. */
  public long byteSize() {
    return end - begin;
  }
}
