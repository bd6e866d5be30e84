package org.arbor.formats.pickle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.arbor.formats.FormatException;
import org.arbor.formats.io.ByteSource;

/**
 * The legacy PyTorch checkpoint: a tar of {@code sys_info}, {@code pickle}, {@code storages} and
 * {@code tensors} (torch/serialization.py, {@code _legacy_load}). The first two are plain
 * pickles; the other two interleave pickles with raw data whose lengths the pickles announce, so
 * each pickle is found by following that layout and scanned like any other.
 */
final class LegacyTorchTar {
  static final int MAX_ENTRIES = 10_000;
  static final long MAX_RECORDS = 1_000_000;
  /** Bytes per element of the storage classes torch.save wrote (torch._utils._element_size). */
  private static final Map<String, Integer> ELEMENT_SIZE = Map.ofEntries(
      Map.entry("DoubleStorage", 8), Map.entry("FloatStorage", 4), Map.entry("HalfStorage", 2),
      Map.entry("BFloat16Storage", 2), Map.entry("LongStorage", 8), Map.entry("IntStorage", 4),
      Map.entry("ShortStorage", 2), Map.entry("CharStorage", 1), Map.entry("ByteStorage", 1),
      Map.entry("BoolStorage", 1), Map.entry("ComplexFloatStorage", 8), Map.entry("ComplexDoubleStorage", 16));

  private LegacyTorchTar() {}

  static void scan(ByteSource source, long end, String name, String member, List<Finding> out) throws IOException {
    String where = member != null ? member : name;
    String prefix = member != null ? member + "!/" : "";
    out.add(ModelFileScanner.note(member, "TAR", where + " is a tar archive (legacy PyTorch format); its pickles are scanned"));
    long pos = 0;
    int entries = 0;
    while (pos + 512 <= end) {
      byte[] header = source.read(pos, 512);
      if (allZero(header)) {
        return;
      }
      if (++entries > MAX_ENTRIES) {
        out.add(error(member, pos, where + " has more than " + MAX_ENTRIES + " tar entries; the rest was not scanned"));
        return;
      }
      String entry = text(header, 0, 100);
      long size = octal(header, 124, 12);
      long data = pos + 512;
      if (size < 0 || data + size > end) {
        out.add(error(member, pos, "malformed tar header for '" + entry + "' in " + where));
        return;
      }
      byte type = header[156];
      if (type == '0' || type == 0) {
        String base = entry.startsWith("./") ? entry.substring(2) : entry;
        Slice slice = new Slice(source, data, size);
        String at = prefix + base;
        try {
          switch (base) {
            case "sys_info", "pickle" -> ModelFileScanner.scanPickle(slice.stream(), name, at, false, out);
            case "storages" -> storages(slice, name, at, out);
            case "tensors" -> tensors(slice, name, at, out);
            default -> {
              if (size > 0 && (slice.read(0, 1)[0] & 0xFF) == 0x80) {
                ModelFileScanner.scanPickle(slice.stream(), name, at, true, out);
              }
            }
          }
        } catch (FormatException e) {
          out.add(error(at, e.offset(), "cannot follow " + at + " to the end (" + e.getMessage()
              + "); a loader would run the pickles before this point"));
        }
      }
      pos = data + (size + 511) / 512 * 512;
    }
  }

  /** {@code storages}: count, then per storage an args pickle (key, location, StorageClass), a numel, the data. */
  private static void storages(Slice slice, String name, String member, List<Finding> out)
      throws IOException, FormatException {
    long[] offset = {0};
    long count = count(pickle(slice, offset, name, member, out), member, offset[0]);
    for (long i = 0; i < count; i++) {
      PickleValue args = pickle(slice, offset, name, member, out);
      int elementSize = elementSize(args, member, offset[0]);
      long numel = int64(slice, offset[0], member);
      long bytes = Math.multiplyExact(numel, elementSize);
      offset[0] += 8 + bytes;
      if (numel < 0 || offset[0] > slice.size()) {
        throw new FormatException(member, offset[0], "storage of " + numel + " elements runs past the member's end");
      }
    }
  }

  /** {@code tensors}: count, then per tensor a key pickle, a (storage id, type) pickle, shape and strides. */
  private static void tensors(Slice slice, String name, String member, List<Finding> out)
      throws IOException, FormatException {
    long[] offset = {0};
    long count = count(pickle(slice, offset, name, member, out), member, offset[0]);
    for (long i = 0; i < count; i++) {
      pickle(slice, offset, name, member, out); // key
      pickle(slice, offset, name, member, out); // (storage id, original tensor type)
      if (offset[0] + 8 > slice.size()) {
        throw new FormatException(member, offset[0], "tensor record is truncated");
      }
      int ndim = ByteBuffer.wrap(slice.read(offset[0], 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
      if (ndim < 0 || ndim > 64) {
        throw new FormatException(member, offset[0], "tensor with " + ndim + " dimensions");
      }
      offset[0] += 8 + 16L * ndim + 8; // ndim, 4 skipped bytes, sizes, strides, storage offset
      if (offset[0] > slice.size()) {
        throw new FormatException(member, offset[0], "tensor record runs past the member's end");
      }
    }
  }

  /** Scans the pickle at {@code offset[0]}, adds its findings, moves the offset past its STOP. */
  private static PickleValue pickle(Slice slice, long[] offset, String name, String member, List<Finding> out)
      throws IOException, FormatException {
    Slice rest = new Slice(slice, offset[0], slice.size() - offset[0]);
    PickleMachine machine = new PickleMachine(rest.stream(), name, member, PickleLimits.DEFAULT);
    try {
      PickleValue value = machine.next();
      if (value == null) {
        throw new FormatException(member, offset[0], "a pickle was expected here");
      }
      offset[0] += machine.offset();
      return value;
    } finally {
      out.addAll(machine.findings());
    }
  }

  private static long count(PickleValue value, String member, long offset) throws FormatException {
    if (!(value instanceof PickleValue.Int n) || n.value() < 0 || n.value() > MAX_RECORDS) {
      throw new FormatException(member, offset, "expected a record count, found " + value);
    }
    return n.value();
  }

  private static int elementSize(PickleValue args, String member, long offset) throws FormatException {
    if (args instanceof PickleValue.Tuple t && t.items.size() == 3 && t.items.get(2) instanceof PickleValue.Global g
        && g.module().equals("torch") && ELEMENT_SIZE.containsKey(g.name())) {
      return ELEMENT_SIZE.get(g.name());
    }
    throw new FormatException(member, offset, "expected (key, location, torch.<Type>Storage), found " + args);
  }

  private static long int64(Slice slice, long offset, String member) throws IOException, FormatException {
    if (offset + 8 > slice.size()) {
      throw new FormatException(member, offset, "storage size is truncated");
    }
    return ByteBuffer.wrap(slice.read(offset, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private static Finding error(String member, long offset, String message) {
    return new Finding(Severity.ERROR, null, "TAR", offset, member, message);
  }

  private static boolean allZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static String text(byte[] header, int from, int length) {
    int end = from;
    while (end < from + length && header[end] != 0) {
      end++;
    }
    return new String(header, from, end - from, StandardCharsets.UTF_8);
  }

  /** A tar number: octal digits, NUL or space terminated; -1 if it is not one. */
  private static long octal(byte[] header, int from, int length) {
    long value = 0;
    boolean digits = false;
    for (int i = from; i < from + length; i++) {
      int c = header[i];
      if (c == 0 || c == ' ') {
        if (digits) {
          break;
        }
        continue;
      }
      if (c < '0' || c > '7' || value > (Long.MAX_VALUE >> 3)) {
        return -1;
      }
      value = value * 8 + (c - '0');
      digits = true;
    }
    return digits ? value : -1;
  }

  /** A range of another source. */
  private static final class Slice implements ByteSource {
    private final ByteSource source;
    private final long start;
    private final long length;

    Slice(ByteSource source, long start, long length) {
      this.source = source;
      this.start = start;
      this.length = length;
    }

    @Override
    public long size() {
      return length;
    }

    @Override
    public byte[] read(long offset, int n) throws IOException {
      if (offset < 0 || offset + n > length) {
        throw new java.io.EOFException("read past the end of a tar member");
      }
      return source.read(start + offset, n);
    }

    java.io.InputStream stream() {
      return new org.arbor.formats.io.ByteSourceInputStream(this, 0, length);
    }
  }
}
