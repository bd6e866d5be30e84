package org.arbor.formats.gguf;

import java.util.Optional;

/** The type tag before each GGUF metadata value ({@code enum gguf_metadata_value_type} in the spec). */
public enum GgufValueType {
  UINT8(0, 1),
  INT8(1, 1),
  UINT16(2, 2),
  INT16(3, 2),
  UINT32(4, 4),
  INT32(5, 4),
  FLOAT32(6, 4),
  BOOL(7, 1),
  /** u64 length, then UTF-8 bytes. */
  STRING(8, 8),
  /** u32 element type, u64 count, then the elements. */
  ARRAY(9, 12),
  UINT64(10, 8),
  INT64(11, 8),
  FLOAT64(12, 8);

  private static final GgufValueType[] BY_ID = values();

  private final int id;
  private final int minBytes;

  GgufValueType(int id, int minBytes) {
    this.id = id;
    this.minBytes = minBytes;
  }

  /** The type with this id, or empty; ids are the enum's ordinals, 0 to 12. */
  public static Optional<GgufValueType> byId(long id) {
    return id >= 0 && id < BY_ID.length ? Optional.of(BY_ID[(int) id]) : Optional.empty();
  }

  public int id() {
    return id;
  }

  /** The fewest bytes a value of this type takes on disk: its size if fixed, its length prefix otherwise. */
  int minBytes() {
    return minBytes;
  }
}
