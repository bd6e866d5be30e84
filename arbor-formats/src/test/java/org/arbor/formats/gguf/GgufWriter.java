package org.arbor.formats.gguf;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.arbor.formats.io.ByteSource;

/**
 * Test kit: writes GGUF files with arbitrary metadata and tensor infos. It validates nothing, so
 * tests can also write what a reader must refuse (raw type ids, five dimensions, bad offsets).
 * Tensor data is not stored: {@link #toBytes()} pads with zeros, {@link #toSource()} serves the
 * data section as virtual zeros so that a "7B" file costs only its header.
 */
final class GgufWriter {
  /** A metadata array: element type and elements (Long, Double, Boolean, String, or Array). */
  record Array(GgufValueType elementType, List<?> items) {}

  /** An array whose declared count need not match its elements: for lying headers. */
  record LyingArray(int elementTypeId, long count, List<?> items) {}

  private record Entry(String key, int typeId, Object value) {}

  private record Tensor(String name, long[] dims, int typeId, long offset) {}

  private int magic = GgufReader.MAGIC;
  private int version = 3;
  private long alignment = GgufReader.DEFAULT_ALIGNMENT;
  private long dataBytes = -1;
  private final List<Entry> entries = new ArrayList<>();
  private final List<Tensor> tensors = new ArrayList<>();
  private long nextOffset;

  static GgufWriter v3() {
    return new GgufWriter();
  }

  static GgufWriter v2() {
    return new GgufWriter().version(2);
  }

  GgufWriter version(int version) {
    this.version = version;
    return this;
  }

  GgufWriter magic(int magic) {
    this.magic = magic;
    return this;
  }

  /** Writes {@code general.alignment} as UINT32 and pads the data section to it. */
  GgufWriter alignment(long alignment) {
    this.alignment = alignment;
    return put("general.alignment", GgufValueType.UINT32, alignment);
  }

  /** The data section length; by default just enough for the last tensor. */
  GgufWriter dataBytes(long dataBytes) {
    this.dataBytes = dataBytes;
    return this;
  }

  GgufWriter put(String key, String value) {
    return put(key, GgufValueType.STRING, value);
  }

  GgufWriter put(String key, GgufValueType type, Object value) {
    return putRaw(key, type.id(), value);
  }

  GgufWriter putArray(String key, GgufValueType elementType, List<?> items) {
    return put(key, GgufValueType.ARRAY, new Array(elementType, items));
  }

  /** A key/value pair with any type id, valid or not. */
  GgufWriter putRaw(String key, int typeId, Object value) {
    entries.add(new Entry(key, typeId, value));
    return this;
  }

  /** A tensor placed after the previous one, at the next aligned offset. */
  GgufWriter tensor(String name, GgmlType type, long... dims) {
    long elements = 1;
    for (long d : dims) {
      elements = Math.multiplyExact(elements, d);
    }
    tensorAt(name, type.id(), nextOffset, dims);
    nextOffset = align(nextOffset + type.byteSize(elements), alignment);
    return this;
  }

  /** A tensor info exactly as given: any type id, any offset, any number of dimensions. */
  GgufWriter tensorAt(String name, int typeId, long offset, long... dims) {
    tensors.add(new Tensor(name, dims.clone(), typeId, offset));
    return this;
  }

  /** Everything before the data section, padded to the alignment. */
  byte[] header() {
    Out out = new Out();
    out.u32(magic);
    out.u32(version);
    out.u64(tensors.size());
    out.u64(entries.size());
    for (Entry e : entries) {
      out.string(e.key());
      out.u32(e.typeId());
      value(out, e.typeId(), e.value());
    }
    for (Tensor t : tensors) {
      out.string(t.name());
      out.u32(t.dims().length);
      for (long d : t.dims()) {
        out.u64(d);
      }
      out.u32(t.typeId());
      out.u64(t.offset());
    }
    while (out.size() % alignment != 0) {
      out.write(0);
    }
    return out.toByteArray();
  }

  long dataSize() {
    if (dataBytes >= 0) {
      return dataBytes;
    }
    long end = 0;
    for (Tensor t : tensors) {
      long elements = 1;
      for (long d : t.dims()) {
        elements *= d;
      }
      long count = elements;
      try {
        long size = GgmlType.byId(t.typeId()).map(type -> type.byteSize(count)).orElse(0L);
        end = Math.max(end, Math.addExact(t.offset(), size));
      } catch (ArithmeticException e) {
        // an overflowing tensor is for a rejection test; it gets no data
      }
    }
    return end;
  }

  /** The whole file, tensor data as zeros. */
  byte[] toBytes() {
    byte[] header = header();
    return Arrays.copyOf(header, Math.toIntExact(header.length + dataSize()));
  }

  /** The whole file as a source whose data section is virtual zeros. */
  ByteSource toSource() {
    return new SparseSource(header(), dataSize());
  }

  private static void value(Out out, int typeId, Object value) {
    GgufValueType type = GgufValueType.byId(typeId).orElse(null);
    if (type == null) {
      return; // an unknown type id, for a rejection test: no value follows
    }
    switch (type) {
      case UINT8, INT8 -> out.write((int) ((Number) value).longValue());
      case UINT16, INT16 -> out.u16((int) ((Number) value).longValue());
      case UINT32, INT32 -> out.u32((int) ((Number) value).longValue());
      case UINT64, INT64 -> out.u64(((Number) value).longValue());
      case FLOAT32 -> out.u32(Float.floatToRawIntBits(((Number) value).floatValue()));
      case FLOAT64 -> out.u64(Double.doubleToRawLongBits(((Number) value).doubleValue()));
      case BOOL -> out.write((Boolean) value ? 1 : 0);
      case STRING -> out.string((String) value);
      case ARRAY -> {
        if (value instanceof LyingArray lying) {
          out.u32(lying.elementTypeId());
          out.u64(lying.count());
          for (Object item : lying.items()) {
            value(out, lying.elementTypeId(), item);
          }
          return;
        }
        Array array = (Array) value;
        out.u32(array.elementType().id());
        out.u64(array.items().size());
        for (Object item : array.items()) {
          value(out, array.elementType().id(), item);
        }
      }
    }
  }

  static long align(long x, long alignment) {
    return x + (alignment - x % alignment) % alignment;
  }

  private static final class Out extends ByteArrayOutputStream {
    void u16(int v) {
      write(v);
      write(v >>> 8);
    }

    void u32(int v) {
      u16(v);
      u16(v >>> 16);
    }

    void u64(long v) {
      u32((int) v);
      u32((int) (v >>> 32));
    }

    void string(String s) {
      byte[] bytes = s.getBytes(UTF_8);
      u64(bytes.length);
      write(bytes, 0, bytes.length);
    }
  }

  /** A header followed by {@code dataSize} zero bytes that are never stored. */
  record SparseSource(byte[] header, long dataSize) implements ByteSource {
    @Override
    public long size() {
      return header.length + dataSize;
    }

    @Override
    public byte[] read(long offset, int length) throws EOFException {
      if (offset < 0 || length < 0) {
        throw new IllegalArgumentException("negative offset or length");
      }
      if (offset + length > size()) {
        throw new EOFException("end of data at " + size() + ", wanted " + (offset + length));
      }
      byte[] bytes = new byte[length];
      if (offset < header.length) {
        System.arraycopy(header, (int) offset, bytes, 0, (int) Math.min(length, header.length - offset));
      }
      return bytes;
    }
  }
}
