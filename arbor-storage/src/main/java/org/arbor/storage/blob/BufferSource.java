package org.arbor.storage.blob;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An open object that can lend its next bytes as buffers instead of copying them into the
 * caller's: views of memory-mapped storage where it can. A server writes such buffers straight to
 * the socket, as it does for mapped files.
 */
public interface BufferSource {
  /**
   * The next bytes from the current position, at most {@code max} (at least one unless at the
   * end), as a buffer the caller may only read and must not keep; the position moves past them.
   * An empty buffer at the end.
   */
  ByteBuffer nextBuffer(int max) throws IOException;
}
