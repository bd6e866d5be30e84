package org.arbor.formats.io;

import java.io.IOException;

/** Counts the bytes read through another source: how a header-only parse shows it read only the header. */
public final class CountingByteSource implements ByteSource {
  private final ByteSource source;
  private long bytesRead;

  public CountingByteSource(ByteSource source) {
    this.source = source;
  }

  @Override
  public long size() throws IOException {
    return source.size();
  }

  @Override
  public byte[] read(long offset, int length) throws IOException {
    byte[] bytes = source.read(offset, length);
    bytesRead += bytes.length;
    return bytes;
  }

  public long bytesRead() {
    return bytesRead;
  }
}
