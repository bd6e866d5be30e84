package org.arbor.formats.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/** A {@link ByteSource} over a seekable channel (a local file, a blob-store object). */
public final class ChannelByteSource implements ByteSource {
  private final SeekableByteChannel channel;

  public ChannelByteSource(SeekableByteChannel channel) {
    this.channel = channel;
  }

  @Override
  public long size() throws IOException {
    return channel.size();
  }

  @Override
  public synchronized byte[] read(long offset, int length) throws IOException {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset or length");
    }
    ByteBuffer buffer = ByteBuffer.allocate(length);
    channel.position(offset);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        throw new EOFException("end of data at " + (offset + buffer.position()) + ", wanted " + (offset + length));
      }
    }
    return buffer.array();
  }

  @Override
  public synchronized void readInto(long offset, byte[] dst, int off, int length) throws IOException {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset or length");
    }
    ByteBuffer buffer = ByteBuffer.wrap(dst, off, length); // no allocation, no zeroing
    channel.position(offset);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        throw new EOFException("end of data at " + (offset + buffer.position() - off) + ", wanted " + (offset + length));
      }
    }
  }
}
