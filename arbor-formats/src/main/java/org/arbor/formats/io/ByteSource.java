package org.arbor.formats.io;

import java.io.IOException;

/**
 * Random access to the bytes of a file, wherever they are: on disk, in a blob store, or behind
 * HTTP range requests. Parsers read only the ranges they need through it, so inspecting a 100 GB
 * file costs its header.
 */
public interface ByteSource {
  /** Total size in bytes. */
  long size() throws IOException;

  /**
   * Reads {@code length} bytes starting at {@code offset}. Throws {@link java.io.EOFException} if
   * the source ends first; callers check offsets against {@link #size()} before they ask, so that
   * a lying header becomes a format error rather than an I/O error.
   */
  byte[] read(long offset, int length) throws IOException;

  /**
   * Reads exactly {@code length} bytes starting at {@code offset} into {@code dst[off…]}, for
   * callers that stream a large range through one reused buffer. Same errors as {@link #read(long, int)}.
   */
  default void readInto(long offset, byte[] dst, int off, int length) throws IOException {
    System.arraycopy(read(offset, length), 0, dst, off, length);
  }
}
