package org.arbor.storage.blob;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * What every read-only view of a stored object shares: a fixed size, a position a reader may set
 * anywhere (reads past the end give -1), refusal to write, and being open until closed. A subclass
 * reads from {@link #position} and moves it, and lets go of what it holds in {@link #release}.
 */
public abstract class ReadOnlyChannel implements SeekableByteChannel {
  protected final long size;
  /** Where the next read starts; subclasses move it as they read. */
  protected long position;
  private boolean open = true;

  protected ReadOnlyChannel(long size) {
    this.size = size;
  }

  /** Frees what the reading holds (a connection, buffers); called once, by {@link #close}. */
  protected abstract void release();

  @Override
  public final long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public final SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public final long size() throws IOException {
    ensureOpen();
    return size;
  }

  @Override
  public final int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public final SeekableByteChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public final boolean isOpen() {
    return open;
  }

  @Override
  public final void close() {
    if (open) {
      open = false;
      release();
    }
  }

  protected final void ensureOpen() throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
