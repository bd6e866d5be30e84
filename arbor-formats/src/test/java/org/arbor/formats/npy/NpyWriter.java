package org.arbor.formats.npy;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.stream.Collectors;

/** Builds .npy files for tests, laid out as numpy.lib.format writes them. */
final class NpyWriter {
  private NpyWriter() {}

  /** A version 1.0 file with the header numpy would write and {@code dataBytes} zero bytes. */
  static byte[] write(String descr, boolean fortranOrder, List<Long> shape, int dataBytes) {
    return withHeader(1, dict(descr, fortranOrder, shape), dataBytes);
  }

  static String dict(String descr, boolean fortranOrder, List<Long> shape) {
    String dims = shape.stream().map(String::valueOf).collect(Collectors.joining(", "));
    String tuple = shape.size() == 1 ? "(" + dims + ",)" : "(" + dims + ")";
    String d = descr.startsWith("[") ? descr : "'" + descr + "'";
    return "{'descr': " + d + ", 'fortran_order': " + (fortranOrder ? "True" : "False")
        + ", 'shape': " + tuple + ", }";
  }

  /** A file of the given version whose header is {@code dict}, padded so data starts on 64 bytes. */
  static byte[] withHeader(int major, String dict, int dataBytes) {
    int lengthBytes = major == 1 ? 2 : 4;
    byte[] text = dict.getBytes(major == 3 ? UTF_8 : ISO_8859_1);
    int unpadded = 8 + lengthBytes + text.length + 1;
    int total = (unpadded + 63) / 64 * 64;
    int headerLength = total - 8 - lengthBytes;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    for (int i = 0; i < lengthBytes; i++) {
      out.write((headerLength >>> (8 * i)) & 0xff);
    }
    out.writeBytes(text);
    for (int i = text.length; i < headerLength - 1; i++) {
      out.write(' ');
    }
    out.write('\n');
    out.writeBytes(new byte[dataBytes]);
    return out.toByteArray();
  }
}
