package org.arbor.storage.git.dfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.eclipse.jgit.internal.storage.dfs.DfsOutputStream;

/**
 * One pack file being written: spooled to a local temporary file (JGit reads back what it wrote
 * while it writes, to resolve deltas) and uploaded whole when closed. The object is not listed
 * anywhere until its pack is committed; a pack that never is gets its files deleted.
 */
final class PackSpool extends DfsOutputStream {
  private final PackFiles files;
  private final String key;
  private final Path spool;
  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
  private long written;
  private boolean closed;

  PackSpool(PackFiles files, String key) throws IOException {
    this.files = files;
    this.key = key;
    this.spool = Files.createTempFile("arbor-pack-", ".spool");
    this.channel = FileChannel.open(spool, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    if (closed) {
      throw new IOException("pack file " + key + " is closed");
    }
    while (length > 0) {
      if (!buffer.hasRemaining()) {
        drain();
      }
      int n = Math.min(length, buffer.remaining());
      buffer.put(bytes, offset, n);
      offset += n;
      length -= n;
      written += n;
    }
  }

  /** Reads back bytes written so far, from {@code position}; -1 at the end of them. */
  @Override
  public int read(long position, ByteBuffer dst) throws IOException {
    drain();
    if (position >= written) {
      return -1;
    }
    int n = channel.read(dst, position);
    return n == 0 && dst.hasRemaining() ? -1 : n;
  }

  /** Uploads the file; the spool is gone either way. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      drain();
      files.put(key, spool, written);
    } finally {
      channel.close();
      Files.deleteIfExists(spool);
    }
  }

  private void drain() throws IOException {
    buffer.flip();
    long at = written - buffer.remaining();
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
    buffer.clear();
  }
}
