package org.arbor.formats.safetensors;

import java.util.Optional;

/**
 * The element types a safetensors header may name, with their widths in bits, as in the
 * reference implementation's {@code Dtype::bitsize} (huggingface/safetensors, safetensors/src/tensor.rs).
 * Sub-byte types (F4, F6_*) are valid only when a tensor's total bit count is a whole number of bytes.
 */
public enum Dtype {
  BOOL(8), F4(4), F6_E2M3(6), F6_E3M2(6), U8(8), I8(8),
  F8_E5M2(8), F8_E4M3(8), F8_E8M0(8), F8_E4M3FNUZ(8), F8_E5M2FNUZ(8),
  I16(16), U16(16), F16(16), BF16(16), I32(32), U32(32), F32(32),
  C64(64), F64(64), I64(64), U64(64);

  private final int bits;

  Dtype(int bits) {
    this.bits = bits;
  }

  public int bits() {
    return bits;
  }

  /** The dtype spelled exactly as in a header ({@code "F32"}), if it is one. */
  public static Optional<Dtype> byName(String name) {
    for (Dtype d : values()) {
      if (d.name().equals(name)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
