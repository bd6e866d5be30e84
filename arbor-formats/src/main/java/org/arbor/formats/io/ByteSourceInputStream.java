package org.arbor.formats.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * Bytes {@code [offset, offset + length)} of a {@link ByteSource} as a stream, read in 256 KiB
 * chunks; a large read with nothing buffered goes straight into the caller's buffer.
 */
public final class ByteSourceInputStream extends InputStream {
  private static final int CHUNK = 1 << 18;
  private static final int DIRECT = 1 << 16;

  private final ByteSource source;
  private final long end;
  private long pos;
  private byte[] chunk = new byte[0];
  private int at;

  public ByteSourceInputStream(ByteSource source, long offset, long length) {
    this.source = source;
    this.pos = offset;
    this.end = offset + length;
  }

  @Override
  public int read() throws IOException {
    if (at == chunk.length && !refill()) {
      return -1;
    }
    return chunk[at++] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (at == chunk.length && len >= DIRECT) {
      if (pos >= end) {
        return -1;
      }
      int n = (int) Math.min(len, end - pos);
      source.readInto(pos, b, off, n);
      pos += n;
      return n;
    }
    if (at == chunk.length && !refill()) {
      return -1;
    }
    int n = Math.min(len, chunk.length - at);
    System.arraycopy(chunk, at, b, off, n);
    at += n;
    return n;
  }

  private boolean refill() throws IOException {
    if (pos >= end) {
      return false;
    }
    int n = (int) Math.min(CHUNK, end - pos);
    chunk = source.read(pos, n);
    at = 0;
    pos += n;
    return true;
  }
}
