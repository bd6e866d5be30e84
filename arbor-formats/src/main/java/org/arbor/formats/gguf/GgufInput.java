package org.arbor.formats.gguf;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.arbor.formats.FormatException;
import org.arbor.formats.io.ByteSource;

/**
 * Reads little-endian GGUF primitives from an untrusted source through a window of ranged reads
 * (1 MiB at a time, not one read per value). Nothing is read past {@code limit}, the smaller of
 * the source size and the header cap; every length and count is checked against what remains
 * before anything is allocated for it.
 */
final class GgufInput {
  private static final int WINDOW = 1 << 20;
  private static final VarHandle U16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle U32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle U64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final ByteSource source;
  private final String resource;
  private final long size;
  private final long limit;
  private final long cap;
  private byte[] window = new byte[0];
  private long windowStart;
  private long position;

  GgufInput(ByteSource source, String resource, long cap) throws IOException {
    this.source = source;
    this.resource = resource;
    this.size = source.size();
    this.cap = cap;
    this.limit = Math.min(size, cap);
  }

  long position() {
    return position;
  }

  long size() {
    return size;
  }

  String resource() {
    return resource;
  }

  /** Bytes that may still be read. */
  long remaining() {
    return limit - position;
  }

  FormatException error(long offset, String message) {
    return new FormatException(resource, offset, message);
  }

  int readU8(String what) throws IOException, FormatException {
    int at = ensure(1, what);
    position += 1;
    return window[at] & 0xFF;
  }

  int readU16(String what) throws IOException, FormatException {
    int at = ensure(2, what);
    position += 2;
    return (short) U16.get(window, at) & 0xFFFF;
  }

  int readU32(String what) throws IOException, FormatException {
    int at = ensure(4, what);
    position += 4;
    return (int) U32.get(window, at);
  }

  long readU64(String what) throws IOException, FormatException {
    int at = ensure(8, what);
    position += 8;
    return (long) U64.get(window, at);
  }

  /**
   * A u64 count of items, each at least {@code minItemBytes} long on disk, at most {@code max}.
   * Rejecting count * minItemBytes > remaining before allocating is what stops a 20-byte file from
   * requesting a 16 GiB array.
   */
  int readCount(int minItemBytes, long max, String what) throws IOException, FormatException {
    long at = position;
    long count = readU64(what);
    if (count < 0 || count > remaining() / minItemBytes) {
      throw error(at, what + " " + Long.toUnsignedString(count) + " cannot fit in the "
          + remaining() + " bytes left" + (limit < size ? " of the " + cap + "-byte header limit" : ""));
    }
    if (count > max) {
      throw error(at, what + " " + count + " exceeds the limit of " + max);
    }
    return (int) count;
  }

  /** A gguf_string: u64 length, then that many bytes of UTF-8 (strict: malformed is an error). */
  String readString(long maxBytes, String what) throws IOException, FormatException {
    long at = position;
    long length = readU64(what + " length");
    if (length < 0 || length > remaining()) {
      throw error(at, what + ": length " + Long.toUnsignedString(length) + " runs past the end of the "
          + (limit < size ? cap + "-byte header limit" : "file") + " (" + remaining() + " bytes left)");
    }
    if (length > maxBytes) {
      throw error(at, what + ": length " + length + " exceeds the limit of " + maxBytes + " bytes");
    }
    int n = (int) length;
    int from = ensure(n, what);
    if (!Utf8.isValid(window, from, n)) {
      throw error(position, what + ": malformed UTF-8");
    }
    position += n;
    return new String(window, from, n, UTF_8);
  }

  /**
   * Makes {@code [position, position + n)} readable from the window and returns its index there;
   * a read past the limit is a format error naming {@code what}.
   */
  private int ensure(int n, String what) throws IOException, FormatException {
    long inWindow = position - windowStart;
    if (inWindow >= 0 && inWindow + n <= window.length) {
      return (int) inWindow;
    }
    if (n > remaining()) {
      throw error(position, limit < size
          ? what + ": header exceeds the limit of " + cap + " bytes"
          : what + ": file ends after " + (size - position) + " of " + n + " bytes");
    }
    int length = (int) Math.min(Math.max(WINDOW, n), remaining());
    window = source.read(position, length);
    windowStart = position;
    return 0;
  }
}
