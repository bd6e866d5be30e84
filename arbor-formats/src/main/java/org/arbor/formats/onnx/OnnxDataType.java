package org.arbor.formats.onnx;

import java.util.OptionalInt;

/**
 * {@code TensorProto.DataType} from {@code onnx/onnx.proto}, with the bits one element takes in
 * {@code raw_data} (4-bit types pack two per byte, 2-bit types four; STRING has no fixed width).
 */
public enum OnnxDataType {
  UNDEFINED(0, 0),
  FLOAT(1, 32),
  UINT8(2, 8),
  INT8(3, 8),
  UINT16(4, 16),
  INT16(5, 16),
  INT32(6, 32),
  INT64(7, 64),
  STRING(8, 0),
  BOOL(9, 8),
  FLOAT16(10, 16),
  DOUBLE(11, 64),
  UINT32(12, 32),
  UINT64(13, 64),
  COMPLEX64(14, 64),
  COMPLEX128(15, 128),
  BFLOAT16(16, 16),
  FLOAT8E4M3FN(17, 8),
  FLOAT8E4M3FNUZ(18, 8),
  FLOAT8E5M2(19, 8),
  FLOAT8E5M2FNUZ(20, 8),
  UINT4(21, 4),
  INT4(22, 4),
  FLOAT4E2M1(23, 4),
  FLOAT8E8M0(24, 8),
  UINT2(25, 2),
  INT2(26, 2);

  private static final OnnxDataType[] BY_ID = values();

  private final int id;
  private final int bits;

  OnnxDataType(int id, int bits) {
    this.id = id;
    this.bits = bits;
  }

  public int id() {
    return id;
  }

  /** Bits per element in {@code raw_data}; empty for UNDEFINED and STRING. */
  public OptionalInt bits() {
    return bits == 0 ? OptionalInt.empty() : OptionalInt.of(bits);
  }

  /** The type with this id, or null for an id this snapshot of onnx.proto does not define. */
  static OnnxDataType byId(int id) {
    return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
  }

  /** The spec name for an id, e.g. {@code FLOAT}; ids newer than this table read {@code UNKNOWN(42)}. */
  public static String nameOf(int id) {
    OnnxDataType type = byId(id);
    return type != null ? type.name() : "UNKNOWN(" + id + ")";
  }
}
