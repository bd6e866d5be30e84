package org.arbor.storage.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.time.Instant;
import java.util.List;
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
 *   <li>An object may also arrive in parts ({@link PartedUpload}): parts come in any order, several
 *       at once, and again after a failure; stored parts survive a restart, so an interrupted
 *       upload resumes; the object becomes visible only when {@link #completeParts} has joined
 *       them and verified the whole, exactly as {@link #put} would.
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

  /** Opens an object for reading from {@code position} (a store may start fetching there). */
  default SeekableByteChannel open(Sha256 id, long position) throws IOException {
    SeekableByteChannel channel = open(id);
    channel.position(position);
    return channel;
  }

  Optional<BlobInfo> stat(Sha256 id) throws IOException;

  /**
   * Every object stored, with its size, in ascending order of id (its hex form): only whole,
   * visible objects, never parts or uploads in progress. The listing is lazy; close the stream.
   * Objects put or deleted while it runs may or may not appear. A failure to read the listing
   * surfaces as an {@link java.io.UncheckedIOException} from the stream.
   */
  java.util.stream.Stream<BlobInfo> list() throws IOException;

  /**
   * A URL from which a client may GET the object itself (with {@code Range} if it likes) for
   * {@code ttl}, so a download does not pass through the hub: a presigned URL of an object store.
   * Empty where there is none (files on the hub's disk, or a store configured to stay hidden); the
   * hub then serves the bytes.
   */
  default java.util.Optional<java.net.URI> directUrl(Sha256 id, java.time.Duration ttl) throws IOException {
    return java.util.Optional.empty();
  }

  /**
   * A URL for bytes {@code [first, last]} of the object only: a client GETs it with exactly
   * {@code Range: bytes=first-last} (the header is part of what is signed) within {@code ttl}. Empty
   * where there is none; the hub then serves the range.
   */
  default java.util.Optional<java.net.URI> directUrl(Sha256 id, java.time.Duration ttl, long first, long last)
      throws IOException {
    return java.util.Optional.empty();
  }

  /**
   * Where a client may PUT the object {@code id} of {@code size} bytes itself within {@code ttl},
   * so an upload does not pass through the hub; empty where there is no such place (files on the
   * hub's disk, or a store configured to stay hidden). {@code scope} keeps what clients send for
   * different repositories apart. A client that {@code clientSendsHeaders} must send the returned
   * headers (the store may then check the body itself); otherwise none are returned. What arrives
   * is held apart, invisible, until {@link #completeDirectUpload}.
   */
  default java.util.Optional<DirectUpload> directUpload(String scope, Sha256 id, long size, java.time.Duration ttl,
      boolean clientSendsHeaders) throws IOException {
    return java.util.Optional.empty();
  }

  /**
   * Publishes what a client PUT through {@link #directUpload} for {@code scope}: verified against
   * {@code id} and {@code size} exactly as {@link #put} verifies, then visible. What is not the
   * announced object is discarded; what is stays until {@link #discardDirectUpload}, so the caller
   * can record the object first and a concurrent completion that finds nothing left knows it was
   * published and recorded.
   *
   * @throws java.nio.file.NoSuchFileException if nothing was uploaded
   * @throws DigestMismatchException if the upload is not the object (nothing is stored)
   */
  default BlobInfo completeDirectUpload(String scope, Sha256 id, long size) throws IOException {
    throw new java.nio.file.NoSuchFileException("this store takes no direct uploads: " + id);
  }

  /** Drops what a client sent for {@code scope} through {@link #directUpload} or {@link #directParts}. */
  default void discardDirectUpload(String scope, Sha256 id) throws IOException {}

  /**
   * Where a client may PUT the parts of {@code upload} itself (the store's own multipart upload,
   * scoped by {@code upload.scope()}; one left open by an earlier request may be taken up again),
   * within {@code ttl}; empty where there is none, or where the store cannot take parts cut that
   * way. Nothing is visible until {@link #completeDirectParts}.
   */
  default java.util.Optional<DirectParts> directParts(PartedUpload upload, java.time.Duration ttl)
      throws IOException {
    return java.util.Optional.empty();
  }

  /**
   * The parts of a {@link #directParts} upload the store holds, whole and of the length the cut
   * says, each with its ETag: what a client that was interrupted need not send again.
   */
  default List<StoredPart> directPartsHeld(PartedUpload upload, String uploadId) throws IOException {
    return List.of();
  }

  /**
   * Joins the parts a client PUT through {@link #directParts}, each named with the ETag the store
   * answered it with, verifies the whole as {@link #put} does and publishes it (the joined copy
   * then stays until {@link #discardDirectUpload}, as with {@link #completeDirectUpload}).
   *
   * @throws java.nio.file.NoSuchFileException if there is no such upload (completed and published,
   *     or abandoned)
   * @throws MissingPartsException if a part is missing, of the wrong length, or not as named
   * @throws DigestMismatchException if the joined bytes are not the object (nothing is stored)
   */
  default BlobInfo completeDirectParts(PartedUpload upload, String uploadId, List<StoredPart> parts)
      throws IOException {
    throw new java.nio.file.NoSuchFileException("this store takes no direct uploads: " + upload.id());
  }

  /**
   * Removes an object; false if there was none. Readers that opened it before may finish reading.
   * Only a collector that knows nothing references the object calls this.
   */
  boolean delete(Sha256 id) throws IOException;

  /**
   * Stores part {@code number} of {@code upload}, replacing any earlier copy of that part. The
   * content must be exactly the part's length.
   *
   * @throws DigestMismatchException if it is not (the part is then not stored)
   */
  StoredPart putPart(PartedUpload upload, int number, InputStream content) throws IOException;

  /** The parts of {@code upload} stored so far, by number. */
  List<StoredPart> parts(PartedUpload upload) throws IOException;

  /**
   * Joins the parts of {@code upload}, verifies the whole against its id and size and publishes
   * it; the parts are then gone. If the whole is not what was announced, the parts are discarded
   * too (one of them was wrong, and which cannot be told) and the object is not stored.
   *
   * @throws MissingPartsException if a part never arrived (nothing changes)
   * @throws DigestMismatchException if the joined bytes are not the object
   */
  BlobInfo completeParts(PartedUpload upload) throws IOException;

  /** Drops the parts of uploads that nobody has added to since {@code before}; returns how many uploads. */
  int removeAbandonedParts(Instant before) throws IOException;
}
