package org.arbor.formats.io;

import java.io.EOFException;
import java.util.Arrays;

/** A {@link ByteSource} over bytes in memory: for tests and small files. */
public final class ByteArraySource implements ByteSource {
  private final byte[] bytes;

  public ByteArraySource(byte[] bytes) {
    this.bytes = bytes;
  }

  @Override
  public long size() {
    return bytes.length;
  }

  @Override
  public byte[] read(long offset, int length) throws EOFException {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset or length");
    }
    if (offset + length > bytes.length) {
      throw new EOFException("end of data at " + bytes.length + ", wanted " + (offset + length));
    }
    return Arrays.copyOfRange(bytes, (int) offset, (int) offset + length);
  }
}
