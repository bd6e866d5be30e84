package org.arbor.formats.torch;

import java.util.List;
import java.util.Objects;

/**
 * One tensor of a PyTorch checkpoint, as {@code data.pkl} describes it.
 *
 * @param name dotted path in the saved object ({@code "encoder.weight"})
 * @param dtype element type, safetensors-style: F32, F16, BF16, I64, …
 * @param shape sizes per dimension
 * @param storageKey the record under {@code <root>/data/} holding its bytes
 */
public record TorchTensor(String name, String dtype, List<Long> shape, String storageKey) {
  public TorchTensor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    shape = List.copyOf(shape);
    Objects.requireNonNull(storageKey, "storageKey");
  }

  /** Number of elements. */
  public long elements() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }
}
