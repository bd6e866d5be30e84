package org.arbor.formats.xet;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A 32-byte Xet hash (chunk, xorb, file or verification hash). Binary formats hold the raw bytes;
 * the string form, used in URLs, JSON and merkle-node text, prints the four little-endian u64
 * words as 16 hex digits each, i.e. each 8-byte group reversed.
 */
public final class XetHash {
  public static final XetHash ZERO = new XetHash(new byte[32]);

  private final byte[] raw;

  private XetHash(byte[] raw) {
    this.raw = raw;
  }

  /** From the 32 raw bytes at {@code off}. */
  public static XetHash ofRaw(byte[] bytes, int off) {
    if (off < 0 || bytes.length - off < 32) {
      throw new IllegalArgumentException("a Xet hash is 32 bytes");
    }
    return new XetHash(Arrays.copyOfRange(bytes, off, off + 32));
  }

  public static XetHash ofRaw(byte[] bytes) {
    if (bytes.length != 32) {
      throw new IllegalArgumentException("a Xet hash is 32 bytes, not " + bytes.length);
    }
    return ofRaw(bytes, 0);
  }

  /** From the string form: 64 lower- or upper-case hex digits. */
  public static XetHash parse(String text) {
    if (text == null || !text.matches("[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException("not a Xet hash (64 hex digits): " + text);
    }
    byte[] swapped = HexFormat.of().parseHex(text.toLowerCase(java.util.Locale.ROOT));
    return new XetHash(swapGroups(swapped));
  }

  public byte[] raw() {
    return raw.clone();
  }

  /** Copies the raw bytes into {@code dst} at {@code off}. */
  public void copyTo(byte[] dst, int off) {
    System.arraycopy(raw, 0, dst, off, 32);
  }

  /** The last little-endian u64 word, which the format's "hash modulo n" rules use. */
  public long lastWord() {
    long v = 0;
    for (int i = 31; i >= 24; i--) {
      v = (v << 8) | (raw[i] & 0xff);
    }
    return v;
  }

  /** {@code hash % n} as the format defines it (on the last word, unsigned). */
  public long modulo(long n) {
    return Long.remainderUnsigned(lastWord(), n);
  }

  @Override
  public String toString() {
    return HexFormat.of().formatHex(swapGroups(raw));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof XetHash other && Arrays.equals(raw, other.raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  private static byte[] swapGroups(byte[] in) {
    byte[] out = new byte[32];
    for (int g = 0; g < 4; g++) {
      for (int i = 0; i < 8; i++) {
        out[g * 8 + i] = in[g * 8 + 7 - i];
      }
    }
    return out;
  }
}
