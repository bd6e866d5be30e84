package org.arbor.formats.pickle;

import java.io.IOException;
import java.io.InputStream;
import org.arbor.formats.FormatException;

/**
 * Buffered little-endian reads from a pickle stream, tracking the offset. Lengths declared by the
 * stream are never allocated up front: long values are read chunk by chunk as the bytes arrive,
 * or skipped.
 */
final class PickleInput {
  private static final java.lang.invoke.VarHandle LE_LONG =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private final InputStream in;
  private final String resource;
  private static final int MAX_CACHED_STR = 48;
  private final byte[] buf = new byte[1 << 18];
  private final PickleValue.Str[] strCache = new PickleValue.Str[1024];
  private int pos;
  private int limit;
  private long base; // stream offset of buf[0]

  PickleInput(InputStream in, String resource) {
    this.in = in;
    this.resource = resource;
  }

  long offset() {
    return base + pos;
  }

  String resource() {
    return resource;
  }

  private boolean fill() throws IOException {
    if (pos < limit) {
      return true;
    }
    base += limit;
    pos = 0;
    limit = 0;
    int n;
    do {
      n = in.read(buf, 0, buf.length);
    } while (n == 0);
    if (n < 0) {
      return false;
    }
    limit = n;
    return true;
  }

  /** The next byte, or -1 at end of stream. */
  int readOrEof() throws IOException {
    if (pos < limit || fill()) {
      return buf[pos++] & 0xFF;
    }
    return -1;
  }

  int u1(String what) throws IOException, FormatException {
    if (pos < limit || fill()) {
      return buf[pos++] & 0xFF;
    }
    throw truncated(what);
  }

  int u2(String what) throws IOException, FormatException {
    if (limit - pos >= 2) {
      int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8;
      pos += 2;
      return v;
    }
    return u1(what) | u1(what) << 8;
  }

  int s4(String what) throws IOException, FormatException {
    if (limit - pos >= 4) {
      int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
      pos += 4;
      return v;
    }
    return u1(what) | u1(what) << 8 | u1(what) << 16 | u1(what) << 24;
  }

  long u4(String what) throws IOException, FormatException {
    return s4(what) & 0xFFFFFFFFL;
  }

  long s8(String what) throws IOException, FormatException {
    if (limit - pos >= 8) {
      long v = (long) LE_LONG.get(buf, pos);
      pos += 8;
      return v;
    }
    return u4(what) | u4(what) << 32;
  }

  /** Skips 8 bytes (a BINFLOAT argument, a FRAME length) without decoding them. */
  void skip8(String what) throws IOException, FormatException {
    if (limit - pos >= 8) {
      pos += 8;
    } else {
      skip(8, what);
    }
  }

  /**
   * The next {@code n} bytes as a str when they are all ASCII and already buffered, decoded in place
   * (no intermediate copy); null otherwise, and nothing is consumed then. Short strs come from a
   * small direct-mapped cache, so the same dict key or attribute name read a million times is one
   * object (Str is an immutable record; nothing relies on its identity).
   */
  PickleValue.Str asciiStr(int n) {
    if (limit - pos < n) {
      return null;
    }
    int h = n;
    for (int i = pos, end = pos + n; i < end; i++) {
      byte c = buf[i];
      if (c < 0) {
        return null;
      }
      h = 31 * h + c;
    }
    if (n > MAX_CACHED_STR) {
      PickleValue.Str s = new PickleValue.Str(new String(buf, pos, n, java.nio.charset.StandardCharsets.ISO_8859_1));
      pos += n;
      return s;
    }
    int slot = (h ^ (h >>> 15)) & (strCache.length - 1);
    PickleValue.Str cached = strCache[slot];
    if (cached == null || !sameAscii(cached.value(), n)) {
      strCache[slot] = cached = new PickleValue.Str(new String(buf, pos, n, java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    pos += n;
    return cached;
  }

  private boolean sameAscii(String s, int n) {
    if (s.length() != n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) != buf[pos + i]) {
        return false;
      }
    }
    return true;
  }

  /** Reads exactly {@code n} bytes, growing the result only as data arrives. */
  byte[] bytes(long n, String what) throws IOException, FormatException {
    if (n < 0 || n > Integer.MAX_VALUE - 16) {
      throw new FormatException(resource, offset(), what + ": length " + n + " is out of range");
    }
    int len = (int) n;
    if (limit - pos >= len) {
      byte[] out = java.util.Arrays.copyOfRange(buf, pos, pos + len);
      pos += len;
      return out;
    }
    byte[] out = new byte[Math.min(len, 1 << 16)];
    int have = 0;
    while (have < len) {
      if (!fill()) {
        throw truncated(what);
      }
      int take = Math.min(limit - pos, len - have);
      if (have + take > out.length) {
        out = java.util.Arrays.copyOf(out, (int) Math.min(len, Math.max((long) out.length * 2, have + take)));
      }
      System.arraycopy(buf, pos, out, have, take);
      pos += take;
      have += take;
    }
    return out;
  }

  /** Skips {@code n} bytes; the stream must hold them. */
  void skip(long n, String what) throws IOException, FormatException {
    if (n < 0) {
      throw new FormatException(resource, offset(), what + ": negative length " + n);
    }
    long left = n;
    while (left > 0) {
      if (!fill()) {
        throw truncated(what);
      }
      int take = (int) Math.min(limit - pos, left);
      pos += take;
      left -= take;
    }
  }

  /** Bytes up to (not including) the next newline, at most {@code max} bytes. */
  byte[] line(int max, String what) throws IOException, FormatException {
    long start = offset();
    byte[] out = new byte[64];
    int n = 0;
    while (true) {
      if (pos >= limit && !fill()) {
        throw truncated(what + " (no newline)");
      }
      byte b = buf[pos++];
      if (b == '\n') {
        return java.util.Arrays.copyOf(out, n);
      }
      if (n == max) {
        throw new FormatException(resource, start, what + ": line longer than " + max + " bytes");
      }
      if (n == out.length) {
        out = java.util.Arrays.copyOf(out, Math.min(max, out.length * 2));
      }
      out[n++] = b;
    }
  }

  FormatException truncated(String what) {
    return new FormatException(resource, offset(), "truncated: stream ended inside " + what);
  }
}
