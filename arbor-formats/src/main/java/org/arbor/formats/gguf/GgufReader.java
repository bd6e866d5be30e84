package org.arbor.formats.gguf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.arbor.formats.FormatException;
import org.arbor.formats.io.ByteSource;

/**
 * Reads the header of a GGUF file (versions 2 and 3, little-endian), as laid out in ggml's {@code
 * docs/gguf.md}:
 *
 * <pre>
 *   u32 magic               "GGUF" (47 47 55 46)
 *   u32 version             2 or 3
 *   u64 tensor_count
 *   u64 metadata_kv_count
 *   metadata_kv[metadata_kv_count]   gguf_string key, u32 value_type, value
 *   tensor_info[tensor_count]        gguf_string name, u32 n_dims, u64 dims[n_dims], u32 ggml_type, u64 offset
 *   padding                 0x00 up to a multiple of general.alignment (u32, default 32)
 *   data                    tensor i at data_start + offset_i
 * </pre>
 *
 * {@code gguf_string} is a u64 length and that many UTF-8 bytes. Never reads tensor data. Every
 * length and count is checked against the bytes that remain before anything is allocated; the
 * checks are the union of ggml's {@code src/gguf.cpp} and the CVEs listed in trust.md §1.11.
 */
public final class GgufReader {
  static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
  static final long DEFAULT_ALIGNMENT = 32;
  static final long MAX_ALIGNMENT = 1 << 20;
  /** Everything before the data section: metadata and tensor infos. */
  static final long MAX_HEADER_BYTES = 256L << 20;
  static final long MAX_STRING_BYTES = 64L << 20;
  static final long MAX_KEY_BYTES = 65_535;
  /** ggml's GGML_MAX_NAME is 64 including the terminating NUL. */
  static final long MAX_TENSOR_NAME_BYTES = 63;
  static final long MAX_METADATA_KV = 1_000_000;
  static final long MAX_TENSORS = 1_000_000;
  /** Array elements across all metadata, nested ones included: bounds the heap a header can cost. */
  static final long MAX_METADATA_ELEMENTS = 16L << 20;
  static final int MAX_ARRAY_DEPTH = 8;
  static final int GGML_MAX_DIMS = 4;
  static final String ALIGNMENT_KEY = "general.alignment";

  /** The smallest key/value pair: key length, a 1-byte key, value type, a 1-byte value. */
  private static final int KV_MIN_BYTES = 8 + 1 + 4 + 1;
  /** The smallest tensor info: name length, a 1-byte name, n_dims, type, offset. */
  private static final int TENSOR_INFO_MIN_BYTES = 8 + 1 + 4 + 4 + 8;

  private final GgufInput in;
  private long elementBudget = MAX_METADATA_ELEMENTS;

  private GgufReader(GgufInput in) {
    this.in = in;
  }

  public static GgufFile read(ByteSource source, String name) throws IOException, FormatException {
    return new GgufReader(new GgufInput(source, name, MAX_HEADER_BYTES)).read();
  }

  private GgufFile read() throws IOException, FormatException {
    int magic = in.readU32("magic");                                    // uint32_t magic;
    if (magic != MAGIC) {
      throw in.error(0, "not a GGUF file: magic " + hex(magic) + ", expected 47 47 55 46 (\"GGUF\")");
    }
    int version = in.readU32("version");                                // uint32_t version;
    checkVersion(version);
    int tensorCount = in.readCount(TENSOR_INFO_MIN_BYTES, MAX_TENSORS, "tensor_count"); // uint64_t tensor_count;
    int kvCount = in.readCount(KV_MIN_BYTES, MAX_METADATA_KV, "metadata_kv_count");    // uint64_t metadata_kv_count;

    Map<String, Object> metadata = new LinkedHashMap<>();
    long alignment = DEFAULT_ALIGNMENT;
    for (int i = 0; i < kvCount; i++) {                                 // gguf_metadata_kv_t metadata_kv[];
      long at = in.position();
      String key = in.readString(MAX_KEY_BYTES, "metadata key");        //   gguf_string_t key;
      if (key.isEmpty()) {
        throw in.error(at, "metadata key " + i + " is empty");
      }
      if (metadata.containsKey(key)) {
        throw in.error(at, "duplicate metadata key '" + key + "'");
      }
      GgufValueType type = valueType("metadata '" + key + "' value type"); // gguf_metadata_value_type value_type;
      long valueAt = in.position();
      Object value = readValue(type, key, 0);                           //   gguf_metadata_value_t value;
      if (key.equals(ALIGNMENT_KEY)) {
        alignment = checkAlignment(type, value, valueAt);
      }
      metadata.put(key, value);
    }

    List<GgufTensor> tensors = new ArrayList<>(tensorCount);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < tensorCount; i++) {                             // gguf_tensor_info_t tensor_infos[];
      GgufTensor tensor = readTensorInfo(alignment);
      if (!names.add(tensor.name())) {
        throw in.error(-1, "duplicate tensor name '" + tensor.name() + "'");
      }
      tensors.add(tensor);
    }

    long dataOffset = alignUp(in.position(), alignment);                // uint8_t _padding[];
    checkData(tensors, dataOffset);
    return new GgufFile(version, metadata, tensors, alignment, dataOffset);
  }

  private void checkVersion(int version) throws FormatException {
    if (version == 2 || version == 3) {
      return;
    }
    if (version == 1) {
      throw in.error(4, "GGUF version 1 is not supported (supported: 2, 3)");
    }
    int swapped = Integer.reverseBytes(version);
    if (swapped >= 1 && swapped <= 3) {
      throw in.error(4, "big-endian GGUF (version " + swapped + " stored big-endian) is not supported;"
          + " only little-endian files are");
    }
    throw in.error(4, "unsupported GGUF version " + Integer.toUnsignedString(version) + " (supported: 2, 3)");
  }

  private GgufValueType valueType(String what) throws IOException, FormatException {
    long at = in.position();
    int id = in.readU32(what);
    return GgufValueType.byId(Integer.toUnsignedLong(id))
        .orElseThrow(() -> in.error(at, what + ": unknown type " + Integer.toUnsignedString(id) + " (valid: 0 to 12)"));
  }

  private Object readValue(GgufValueType type, String key, int depth) throws IOException, FormatException {
    return switch (type) {
      case UINT8 -> (long) in.readU8(key);
      case INT8 -> (long) (byte) in.readU8(key);
      case UINT16 -> (long) in.readU16(key);
      case INT16 -> (long) (short) in.readU16(key);
      case UINT32 -> Integer.toUnsignedLong(in.readU32(key));
      case INT32 -> (long) in.readU32(key);
      case UINT64, INT64 -> in.readU64(key);
      case FLOAT32 -> (double) Float.intBitsToFloat(in.readU32(key));
      case FLOAT64 -> Double.longBitsToDouble(in.readU64(key));
      case BOOL -> readBool(key);
      case STRING -> in.readString(MAX_STRING_BYTES, "metadata '" + key + "'");
      case ARRAY -> readArray(key, depth + 1);
    };
  }

  private boolean readBool(String key) throws IOException, FormatException {
    long at = in.position();
    int b = in.readU8(key);
    if (b > 1) {
      throw in.error(at, "metadata '" + key + "': bool value " + b + " (valid: 0 or 1)");
    }
    return b == 1;
  }

  private List<?> readArray(String key, int depth) throws IOException, FormatException {
    if (depth > MAX_ARRAY_DEPTH) {
      throw in.error(in.position(), "metadata '" + key + "': arrays nested deeper than " + MAX_ARRAY_DEPTH);
    }
    GgufValueType type = valueType("metadata '" + key + "' array element type"); // gguf_metadata_value_type type;
    long at = in.position();
    int count = in.readCount(type.minBytes(), Integer.MAX_VALUE - 8, "metadata '" + key + "' array count"); // uint64_t len;
    if (count > elementBudget) {
      throw in.error(at, "metadata '" + key + "': array of " + count + " elements exceeds the limit of "
          + MAX_METADATA_ELEMENTS + " array elements per file");
    }
    elementBudget -= count;
    switch (type) {                                                       // gguf_metadata_value_t array[len];
      case FLOAT32, FLOAT64 -> {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
          values[i] = (Double) readValue(type, key, depth);
        }
        return PrimitiveLists.of(values);
      }
      case BOOL -> {
        boolean[] values = new boolean[count];
        for (int i = 0; i < count; i++) {
          values[i] = readBool(key);
        }
        return PrimitiveLists.of(values);
      }
      case STRING -> {
        String[] values = new String[count];
        String what = "metadata '" + key + "' element";
        for (int i = 0; i < count; i++) {
          values[i] = in.readString(MAX_STRING_BYTES, what);
        }
        return Collections.unmodifiableList(Arrays.asList(values));
      }
      case ARRAY -> {
        List<Object> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          values.add(readArray(key, depth + 1));
        }
        return Collections.unmodifiableList(values);
      }
      default -> {
        long[] values = new long[count];
        for (int i = 0; i < count; i++) {
          values[i] = (Long) readValue(type, key, depth);
        }
        return PrimitiveLists.of(values);
      }
    }
  }

  private long checkAlignment(GgufValueType type, Object value, long at) throws FormatException {
    if (type != GgufValueType.UINT32) {
      throw in.error(at, ALIGNMENT_KEY + " must be UINT32, found " + type);
    }
    long alignment = (Long) value;
    if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment > MAX_ALIGNMENT) {
      throw in.error(at, ALIGNMENT_KEY + " " + alignment + " is not a power of two between 1 and " + MAX_ALIGNMENT);
    }
    return alignment;
  }

  private GgufTensor readTensorInfo(long alignment) throws IOException, FormatException {
    long at = in.position();
    String name = in.readString(MAX_TENSOR_NAME_BYTES, "tensor name");  // gguf_string_t name;
    if (name.isEmpty()) {
      throw in.error(at, "tensor name is empty");
    }
    String what = "tensor '" + name + "'";
    long dimsAt = in.position();
    long nDims = Integer.toUnsignedLong(in.readU32(what + " n_dims"));   // uint32_t n_dimensions;
    if (nDims > GGML_MAX_DIMS) {
      throw in.error(dimsAt, what + ": n_dims " + nDims + " exceeds GGML_MAX_DIMS (" + GGML_MAX_DIMS + ")");
    }
    Long[] dims = new Long[(int) nDims];
    long elements = 1;
    for (int j = 0; j < nDims; j++) {                                   // uint64_t dimensions[n_dimensions];
      long dimAt = in.position();
      long dim = in.readU64(what + " dimension");
      if (dim < 0) {
        throw in.error(dimAt, what + ": dimension " + Long.toUnsignedString(dim) + " exceeds 2^63 - 1");
      }
      try {
        elements = Math.multiplyExact(elements, dim);
      } catch (ArithmeticException e) {
        throw in.error(dimAt, what + ": element count of dimensions " + Arrays.toString(dims) + " overflows");
      }
      dims[j] = dim;
    }
    long typeAt = in.position();
    int typeId = in.readU32(what + " type");                            // ggml_type type;
    GgmlType type = GgmlType.byId(Integer.toUnsignedLong(typeId))
        .orElseThrow(() -> in.error(typeAt, what + ": unknown ggml type id " + Integer.toUnsignedString(typeId)));
    long offsetAt = in.position();
    long offset = in.readU64(what + " offset");                         // uint64_t offset;

    long rowLength = nDims == 0 ? 1 : dims[0];
    if (rowLength % type.blockSize() != 0) {
      throw in.error(dimsAt, what + ": first dimension " + rowLength + " is not a multiple of the "
          + type + " block size " + type.blockSize() + " (element count " + elements + ")");
    }
    if (offset < 0 || offset % alignment != 0) {
      throw in.error(offsetAt, what + ": offset " + Long.toUnsignedString(offset)
          + " is not a multiple of the alignment " + alignment);
    }
    long byteSize;
    try {
      byteSize = type.byteSize(elements);
    } catch (ArithmeticException e) {
      throw in.error(dimsAt, what + ": byte size of " + elements + " " + type + " elements overflows");
    }
    return new GgufTensor(name, Arrays.asList(dims), type, offset, byteSize);
  }

  /** Each tensor lies inside the file, after the data section start, and no two overlap. */
  private void checkData(List<GgufTensor> tensors, long dataOffset) throws FormatException {
    if (tensors.isEmpty()) {
      return;
    }
    long dataSize = in.size() - dataOffset;
    if (dataSize < 0) {
      throw in.error(-1, "data section starts at " + dataOffset + ", past the end of the file at " + in.size());
    }
    List<GgufTensor> byOffset = new ArrayList<>(tensors);
    byOffset.sort(Comparator.comparingLong(GgufTensor::offset));
    long previousEnd = 0;
    String previous = null;
    for (GgufTensor t : byOffset) {
      if (t.offset() > dataSize || t.byteSize() > dataSize - t.offset()) {
        throw in.error(-1, "tensor '" + t.name() + "': bytes [" + t.offset() + ", " + t.offset() + " + " + t.byteSize()
            + ") lie outside the data section of " + dataSize + " bytes at offset " + dataOffset);
      }
      if (t.offset() < previousEnd) {
        throw in.error(-1, "tensor '" + t.name() + "' at offset " + t.offset() + " overlaps tensor '" + previous
            + "', which ends at " + previousEnd);
      }
      previousEnd = t.offset() + t.byteSize();
      previous = t.name();
    }
  }

  private long alignUp(long position, long alignment) {
    return position + (alignment - position % alignment) % alignment;
  }

  private static String hex(int littleEndian) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      s.append(i == 0 ? "" : " ").append(String.format("%02x", (littleEndian >>> (8 * i)) & 0xFF));
    }
    return s.toString();
  }
}
