package org.arbor.formats.xet;

/**
 * The Xet "ByteGrouping4" transform, applied before LZ4 so that the bytes of 4-byte values (the
 * low bytes, the high bytes, ...) sit together and compress better. Grouping splits data into
 * {@code data[0::4] ‖ data[1::4] ‖ data[2::4] ‖ data[3::4]}; with {@code r = n % 4}, the first
 * {@code r} groups hold one byte more than the others.
 */
final class ByteGrouping4 {
  private static final int GROUPS = 4;

  private ByteGrouping4() {}

  /** Undoes {@link #group}: interleaves the four groups back into the original order. */
  static byte[] regroup(byte[] grouped) {
    int n = grouped.length;
    int[] start = starts(n);
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = grouped[start[i % GROUPS] + i / GROUPS];
    }
    return out;
  }

  /** Splits {@code data} into the four groups of bytes at positions 0, 1, 2 and 3 modulo 4. */
  static byte[] group(byte[] data) {
    int n = data.length;
    int[] start = starts(n);
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[start[i % GROUPS] + i / GROUPS] = data[i];
    }
    return out;
  }

  /** Where each group begins in the grouped form of {@code n} bytes. */
  private static int[] starts(int n) {
    int q = n / GROUPS;
    int r = n % GROUPS;
    int[] start = new int[GROUPS];
    for (int k = 1; k < GROUPS; k++) {
      start[k] = start[k - 1] + q + (k - 1 < r ? 1 : 0);
    }
    return start;
  }
}
