package org.arbor.formats.io;

import java.io.EOFException;
import java.io.IOException;

/**
 * Serves small reads from one window of a slower source (HTTP range requests): a read outside
 * the window fetches a window's worth from there on, so a parser walking a header or a pickle
 * stream a few bytes at a time costs a request per window, not per read. The window starts small
 * (a header is often all a parser wants) and doubles, up to a limit, while reads go on where the
 * last window ended. Reads larger than the limit go straight through. Not thread-safe.
 */
public final class ReadAheadByteSource implements ByteSource {
  private final ByteSource source;
  private final int firstWindow;
  private final int maxWindow;
  private int window;
  private byte[] cached = new byte[0];
  private long cachedAt = -1;

  public ReadAheadByteSource(ByteSource source, int firstWindow, int maxWindow) {
    if (firstWindow <= 0 || maxWindow < firstWindow) {
      throw new IllegalArgumentException("windows must be positive and first <= max: " + firstWindow + ", "
          + maxWindow);
    }
    this.source = source;
    this.firstWindow = firstWindow;
    this.maxWindow = maxWindow;
    this.window = firstWindow;
  }

  /** A fixed window. */
  public ReadAheadByteSource(ByteSource source, int window) {
    this(source, window, window);
  }

  @Override
  public long size() throws IOException {
    return source.size();
  }

  @Override
  public byte[] read(long offset, int length) throws IOException {
    byte[] out = new byte[length];
    readInto(offset, out, 0, length);
    return out;
  }

  @Override
  public void readInto(long offset, byte[] dst, int off, int length) throws IOException {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset or length: " + offset + ", " + length);
    }
    if (length == 0) {
      return;
    }
    if (length > maxWindow) {
      source.readInto(offset, dst, off, length);
      return;
    }
    if (!holds(offset, length)) {
      long size = source.size();
      if (offset + length > size) {
        throw new EOFException("wanted " + length + " bytes at " + offset + " of a " + size + "-byte source");
      }
      boolean sequential = cachedAt >= 0 && offset >= cachedAt && offset <= cachedAt + cached.length;
      window = sequential ? (int) Math.min(maxWindow, 2L * window) : firstWindow;
      int n = (int) Math.min(Math.max(window, length), size - offset);
      cached = source.read(offset, n);
      cachedAt = offset;
    }
    System.arraycopy(cached, (int) (offset - cachedAt), dst, off, length);
  }

  private boolean holds(long offset, int length) {
    return cachedAt >= 0 && offset >= cachedAt && offset + length <= cachedAt + cached.length;
  }
}
