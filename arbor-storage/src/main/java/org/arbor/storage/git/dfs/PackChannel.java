package org.arbor.storage.git.dfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import org.eclipse.jgit.internal.storage.dfs.ReadableChannel;

/**
 * A pack file read with ranged GETs. A read outside what was fetched last fetches at least one
 * block cache block (what JGit asks for when a block is missing); reads that keep going where the
 * last fetch ended double the next fetch, up to {@link #MAX_FETCH}, so a file read from start to
 * end (an index, a pack copied whole) costs a few requests rather than one per block.
 */
final class PackChannel implements ReadableChannel {
  static final int FIRST_FETCH = 64 << 10;
  static final int MAX_FETCH = 8 << 20;
  private static final byte[] NOTHING = new byte[0];

  private final PackFiles files;
  private final String key;
  private long size;
  private long position;
  private boolean open = true;
  private int readAhead;
  private byte[] fetched = NOTHING;
  private long fetchedAt;

  PackChannel(PackFiles files, String key, long size) {
    this.files = files;
    this.key = key;
    this.size = size;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= size()) {
      return -1;
    }
    if (position < fetchedAt || position >= fetchedAt + fetched.length) {
      fetch(dst.remaining());
    }
    int offset = (int) (position - fetchedAt);
    int n = Math.min(dst.remaining(), fetched.length - offset);
    dst.put(fetched, offset, n);
    position += n;
    return n;
  }

  private void fetch(int wanted) throws IOException {
    boolean sequential = fetched.length > 0 && position == fetchedAt + fetched.length;
    long length = sequential ? Math.min(2L * fetched.length, MAX_FETCH) : FIRST_FETCH;
    length = Math.max(length, Math.max(wanted, readAhead));
    length = Math.min(length, size - position);
    if (length > Integer.MAX_VALUE - 16) {
      length = MAX_FETCH;
    }
    byte[] bytes = files.read(key, position, (int) length);
    if (bytes.length != length) {
      throw new IOException("S3 object " + key + " gave " + bytes.length + " bytes at " + position
          + ", expected " + length + " of its " + size);
    }
    fetched = bytes;
    fetchedAt = position;
  }

  @Override
  public long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public void position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position " + newPosition);
    }
    position = newPosition;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    if (size < 0) {
      size = files.size(key);
    }
    return size;
  }

  /** None preferred: JGit's block cache decides. */
  @Override
  public int blockSize() {
    return 0;
  }

  @Override
  public void setReadAheadBytes(int bytes) {
    readAhead = Math.max(0, Math.min(bytes, MAX_FETCH));
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
    fetched = NOTHING;
  }

  private void ensureOpen() throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
