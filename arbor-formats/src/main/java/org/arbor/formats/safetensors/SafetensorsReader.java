package org.arbor.formats.safetensors;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.arbor.formats.FormatException;
import org.arbor.formats.io.ByteSource;

/**
 * Reads and validates the header of a safetensors file:
 *
 * <pre>
 *   u64 (little-endian)  N, the header length, at most {@link #MAX_HEADER_SIZE}
 *   N bytes              UTF-8 JSON object, starting with '{', optionally padded with spaces:
 *                        {"__metadata__": {str: str}, "&lt;tensor&gt;": {"dtype", "shape", "data_offsets": [begin, end]}}
 *   rest                 tensor bytes; data_offsets are relative to the start of this section
 * </pre>
 *
 * As strict as the reference implementation (huggingface/safetensors, safetensors/src/tensor.rs):
 * known dtypes only, byte lengths that match dtype x shape, and tensors that tile the data section
 * with no gap, overlap or trailing bytes. Stricter where the README is: duplicate keys and a header
 * that does not begin with '{' are rejected. Unknown fields in a tensor entry are ignored, as the
 * reference does. Never reads tensor data.
 */
public final class SafetensorsReader {
  /** Same cap as the reference implementation. */
  public static final long MAX_HEADER_SIZE = 100_000_000;

  private static final String METADATA = "__metadata__";

  private SafetensorsReader() {}

  public static SafetensorsHeader read(ByteSource source, String name) throws IOException, FormatException {
    long fileSize = source.size();
    if (fileSize < 8) {
      throw new FormatException(name, 0, "header too small: file is " + fileSize + " bytes, needs at least 8");
    }
    long n = littleEndianU64(source.read(0, 8));
    if (n < 0 || n > MAX_HEADER_SIZE) {
      throw new FormatException(name, 0,
          "header too large: " + Long.toUnsignedString(n) + " > " + MAX_HEADER_SIZE);
    }
    if (8 + n > fileSize) {
      throw new FormatException(name, 0, "invalid header length: 8 + " + n + " > file size " + fileSize);
    }
    byte[] header = source.read(8, (int) n);
    StrictJson.checkUtf8(header, 0, header.length, 8, name, "header");
    if (header.length == 0 || header[0] != '{') {
      throw new FormatException(name, 8, "header must begin with '{'");
    }
    long dataSize = fileSize - 8 - n;
    StrictJson json = new StrictJson(header, 0, header.length, 8, name);

    Map<String, String> metadata = Map.of();
    List<TensorInfo> tensors = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    json.beginObject();
    while (json.hasNext()) {
      long at = json.offset();
      String key = json.nextName();
      if (!keys.add(key)) {
        throw new FormatException(name, at, "duplicate key \"" + key + "\"");
      }
      if (key.equals(METADATA)) {
        metadata = stringMap(json, name);
      } else {
        tensors.add(tensor(json, key, dataSize, name));
      }
    }
    json.endObject();
    json.endDocument();

    tensors.sort(Comparator.comparingLong(TensorInfo::begin));
    checkTiling(tensors, dataSize, 8 + n, name);
    return new SafetensorsHeader(tensors, metadata, 8 + n);
  }

  private static TensorInfo tensor(StrictJson json, String tensor, long dataSize, String name)
      throws FormatException {
    long entryOffset = json.offset();
    String what = "tensor '" + tensor + "'";
    if (json.peek() != StrictJson.Kind.OBJECT) {
      throw json.error(what + ": entry must be an object");
    }
    String dtypeName = null;
    List<Long> shape = null;
    List<Long> offsets = null;
    Set<String> fields = new HashSet<>();
    json.beginObject();
    while (json.hasNext()) {
      long at = json.offset();
      String field = json.nextName();
      if (!fields.add(field)) {
        throw new FormatException(name, at, what + ": duplicate key \"" + field + "\"");
      }
      switch (field) {
        case "dtype" -> {
          if (json.peek() != StrictJson.Kind.STRING) {
            throw json.error(what + ": dtype must be a string");
          }
          long dtypeAt = json.offset();
          dtypeName = json.nextString();
          if (Dtype.byName(dtypeName).isEmpty()) {
            throw new FormatException(name, dtypeAt, what + ": unknown dtype '" + dtypeName + "'");
          }
        }
        case "shape" -> shape = naturals(json, what + ": shape");
        case "data_offsets" -> offsets = naturals(json, what + ": data_offsets");
        default -> json.skipValue(); // the reference ignores unknown fields
      }
    }
    json.endObject();
    if (dtypeName == null || shape == null || offsets == null) {
      String missing = dtypeName == null ? "dtype" : shape == null ? "shape" : "data_offsets";
      throw new FormatException(name, entryOffset, what + ": missing '" + missing + "'");
    }
    if (offsets.size() != 2) {
      throw new FormatException(name, entryOffset,
          what + ": data_offsets must be [begin, end], got " + offsets.size() + " values");
    }
    long begin = offsets.get(0);
    long end = offsets.get(1);
    if (end < begin) {
      throw new FormatException(name, entryOffset,
          what + ": data_offsets [" + begin + ", " + end + "] end before they begin");
    }
    if (end > dataSize) {
      throw new FormatException(name, entryOffset, what + ": data_offsets [" + begin + ", " + end
          + "] beyond the data section of " + dataSize + " bytes");
    }
    Dtype dtype = Dtype.byName(dtypeName).orElseThrow();
    long bits;
    try {
      long elements = 1;
      for (long dim : shape) {
        elements = Math.multiplyExact(elements, dim);
      }
      bits = Math.multiplyExact(elements, (long) dtype.bits());
    } catch (ArithmeticException e) {
      throw new FormatException(name, entryOffset, what + ": " + dtype + " " + shape + " size overflows");
    }
    if (bits % 8 != 0) {
      throw new FormatException(name, entryOffset,
          what + ": " + dtype + " " + shape + " is not a whole number of bytes (" + bits + " bits)");
    }
    if (end - begin != bits / 8) {
      throw new FormatException(name, entryOffset, what + ": data_offsets [" + begin + ", " + end + "] but "
          + dtype + " " + shape + " needs " + bits / 8 + " bytes");
    }
    return new TensorInfo(tensor, dtypeName, shape, begin, end);
  }

  /** Sorted by begin, tensors must tile [0, dataSize) exactly: no gap, no overlap, nothing after. */
  private static void checkTiling(List<TensorInfo> sorted, long dataSize, long dataOffset, String name)
      throws FormatException {
    long expected = 0;
    String previous = null;
    for (TensorInfo t : sorted) {
      if (t.begin() > expected) {
        throw new FormatException(name, dataOffset + expected, "gap between tensors at data offset " + expected
            + ": tensor '" + t.name() + "' begins at " + t.begin());
      }
      if (t.begin() < expected) {
        throw new FormatException(name, dataOffset + t.begin(), "tensors overlap at data offset " + t.begin()
            + ": tensor '" + t.name() + "' begins before tensor '" + previous + "' ends at " + expected);
      }
      expected = t.end();
      previous = t.name();
    }
    if (expected != dataSize) {
      throw new FormatException(name, dataOffset + expected, "data section not fully covered: tensors end at "
          + expected + " but the data section is " + dataSize + " bytes");
    }
  }

  private static Map<String, String> stringMap(StrictJson json, String name) throws FormatException {
    if (json.peek() != StrictJson.Kind.OBJECT) {
      throw json.error("__metadata__ must be an object of strings");
    }
    Map<String, String> map = new LinkedHashMap<>();
    json.beginObject();
    while (json.hasNext()) {
      long at = json.offset();
      String key = json.nextName();
      if (map.containsKey(key)) {
        throw new FormatException(name, at, "__metadata__: duplicate key \"" + key + "\"");
      }
      if (json.peek() != StrictJson.Kind.STRING) {
        throw json.error("__metadata__: value of '" + key + "' must be a string");
      }
      map.put(key, json.nextString());
    }
    json.endObject();
    return map;
  }

  /** An array of non-negative integers. */
  private static List<Long> naturals(StrictJson json, String what) throws FormatException {
    if (json.peek() != StrictJson.Kind.ARRAY) {
      throw json.error(what + " must be an array of non-negative integers");
    }
    List<Long> values = new ArrayList<>();
    json.beginArray();
    while (json.hasNext()) {
      if (json.peek() != StrictJson.Kind.NUMBER) {
        throw json.error(what + " must be an array of non-negative integers");
      }
      long at = json.offset();
      long v;
      try {
        v = json.nextLong();
      } catch (FormatException e) {
        throw new FormatException(e.resource(), at, what + ": " + stripResource(e));
      }
      if (v < 0) {
        throw json.error(what + " must be non-negative, got " + v);
      }
      values.add(v);
    }
    json.endArray();
    return values;
  }

  private static String stripResource(FormatException e) {
    String prefix = e.resource() + ": offset " + e.offset() + ": ";
    return e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
  }

  private static long littleEndianU64(byte[] b) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[i] & 0xff);
    }
    return v;
  }
}
