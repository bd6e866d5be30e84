package org.arbor.storage.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.Optional;
import org.arbor.core.Sha256;

/**
 * Content-addressed storage for large files (LFS objects), keyed by SHA-256.
 *
 * <p>Contract, for every implementation:
 * <ul>
 *   <li>An object becomes visible only once all of its bytes are stored and verified against the
 *       announced id and size; a failed or abandoned {@link #put} leaves nothing visible.
 *   <li>Objects are write-once: a {@link #put} of an object that already exists still reads and
 *       verifies the whole input, then succeeds without rewriting it.
 *   <li>{@link #open} throws {@link java.nio.file.NoSuchFileException} for a missing object.
 *   <li>Content is streamed; no implementation holds a whole object in memory.
 * </ul>
 */
public interface BlobStore {
  /**
   * Stores {@code content}, which must hash to {@code expected} and be exactly {@code expectedSize}
   * bytes long.
   *
   * @throws DigestMismatchException if the bytes are not what was announced (nothing is stored)
   */
  BlobInfo put(Sha256 expected, long expectedSize, InputStream content) throws IOException;

  /** Opens an object for reading, positioned at its start. */
  SeekableByteChannel open(Sha256 id) throws IOException;

  Optional<BlobInfo> stat(Sha256 id) throws IOException;
}
