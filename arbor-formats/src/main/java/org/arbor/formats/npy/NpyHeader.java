package org.arbor.formats.npy;

import java.util.List;

/**
 * The header of a {@code .npy} file.
 *
 * @param descr the dtype: a string such as {@code <f4}, or for a structured dtype the Python
 *     list literal exactly as written in the header
 * @param dataOffset file offset where the array data (or, for object arrays, the pickle) begins
 */
public record NpyHeader(String descr, boolean fortranOrder, List<Long> shape, long dataOffset) {
  public NpyHeader {
    shape = List.copyOf(shape);
  }

  /**
   * True if the data may be a pickle: the dtype, or any field of a structured dtype, is {@code O}.
   * Conservative: a structured field whose name contains 'O' also counts.
   */
  public boolean isObjectArray() {
    return descr.contains("O");
  }

  /** Elements: the product of the shape, 1 for a scalar. */
  public long parameterCount() {
    long n = 1;
    for (long dim : shape) {
      n = Math.multiplyExact(n, dim);
    }
    return n;
  }
}
