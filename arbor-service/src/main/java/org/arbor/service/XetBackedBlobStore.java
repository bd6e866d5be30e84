package org.arbor.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.arbor.core.Sha256;
import org.arbor.storage.blob.BlobInfo;
import org.arbor.storage.blob.BlobStore;
import org.arbor.storage.blob.DigestMismatchException;
import org.arbor.storage.blob.PartedUpload;
import org.arbor.storage.blob.StoredPart;
import org.arbor.storage.db.XetRows;

/**
 * The LFS object store as every reader sees it: objects stored whole, and objects that exist only
 * as Xet files (uploaded through Xet, their SHA-256 confirmed when their shard was registered),
 * read by decoding their chunks from the xorbs. So a file uploaded through Xet is stored once, as
 * chunks shared with every other file that has them, and still downloads through plain LFS,
 * resolve, git-lfs and the scanners.
 *
 * <p>The promises of {@link BlobStore} hold: an object readable through Xet counts as stored, so
 * a {@link #put} of it verifies the bytes and stores nothing more.
 */
public final class XetBackedBlobStore implements BlobStore {
  private final BlobStore whole;
  private final XetRows rows;

  /** {@code whole} holds objects stored whole and the xorbs themselves. */
  public XetBackedBlobStore(BlobStore whole, XetRows rows) {
    this.whole = whole;
    this.rows = rows;
  }

  @Override
  public BlobInfo put(Sha256 expected, long expectedSize, InputStream content) throws IOException {
    Optional<XetRows.File> file = whole.stat(expected).isPresent() ? Optional.empty() : xetFile(expected);
    if (file.isEmpty() || file.get().size() != expectedSize) {
      return whole.put(expected, expectedSize, content);
    }
    MessageDigest digest = Sha256.newDigest();
    long size;
    try (OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
      size = content.transferTo(sink);
    }
    Sha256 actual = Sha256.of(digest.digest());
    if (size != expectedSize || !actual.equals(expected)) {
      throw new DigestMismatchException(expected, expectedSize, actual, size);
    }
    return new BlobInfo(expected, size);
  }

  @Override
  public SeekableByteChannel open(Sha256 id) throws IOException {
    try {
      return whole.open(id);
    } catch (NoSuchFileException e) {
      XetRows.File file = xetFile(id).orElseThrow(() -> e);
      Map<String, List<XetRows.Chunk>> chunks = new HashMap<>();
      XetFileLayout layout = XetFileLayout.of(rows.terms(file.hash()),
          xorb -> chunks.computeIfAbsent(xorb, rows::chunks),
          xorb -> rows.xorb(xorb).orElseThrow(() -> new IllegalStateException("xorb " + xorb + " of file "
              + file.hash() + " is not stored")));
      return new XetFileChannel(layout, whole);
    }
  }

  @Override
  public SeekableByteChannel open(Sha256 id, long position) throws IOException {
    try {
      return whole.open(id, position);
    } catch (NoSuchFileException e) {
      SeekableByteChannel channel = open(id);
      channel.position(position);
      return channel;
    }
  }

  @Override
  public Optional<BlobInfo> stat(Sha256 id) throws IOException {
    Optional<BlobInfo> stored = whole.stat(id);
    return stored.isPresent() ? stored : xetFile(id).map(f -> new BlobInfo(id, f.size()));
  }

  /**
   * The objects stored whole, xorbs among them. A file held only as Xet chunks is not listed: it
   * is rows in the database over xorbs that are, though {@link #stat} finds it.
   */
  @Override
  public java.util.stream.Stream<BlobInfo> list() throws IOException {
    return whole.list();
  }

  /** Objects stored whole may be fetched from the store itself; those held as Xet chunks are decoded by the hub. */
  @Override
  public Optional<java.net.URI> directUrl(Sha256 id, java.time.Duration ttl) throws IOException {
    return whole.stat(id).isPresent() ? whole.directUrl(id, ttl) : Optional.empty();
  }

  /** Direct uploads go to the store of whole objects, which verifies and publishes them. */
  @Override
  public Optional<org.arbor.storage.blob.DirectUpload> directUpload(String scope, Sha256 id, long size,
      java.time.Duration ttl, boolean clientSendsHeaders) throws IOException {
    return whole.directUpload(scope, id, size, ttl, clientSendsHeaders);
  }

  @Override
  public BlobInfo completeDirectUpload(String scope, Sha256 id, long size) throws IOException {
    return whole.completeDirectUpload(scope, id, size);
  }

  @Override
  public void discardDirectUpload(String scope, Sha256 id) throws IOException {
    whole.discardDirectUpload(scope, id);
  }

  @Override
  public Optional<org.arbor.storage.blob.DirectParts> directParts(PartedUpload upload, java.time.Duration ttl)
      throws IOException {
    return whole.directParts(upload, ttl);
  }

  @Override
  public List<StoredPart> directPartsHeld(PartedUpload upload, String uploadId) throws IOException {
    return whole.directPartsHeld(upload, uploadId);
  }

  @Override
  public BlobInfo completeDirectParts(PartedUpload upload, String uploadId, List<StoredPart> parts)
      throws IOException {
    return whole.completeDirectParts(upload, uploadId, parts);
  }

  /** Removes an object stored whole; an object held as Xet chunks goes when the Xet collector drops its file. */
  @Override
  public boolean delete(Sha256 id) throws IOException {
    return whole.delete(id);
  }

  @Override
  public StoredPart putPart(PartedUpload upload, int number, InputStream content) throws IOException {
    return whole.putPart(upload, number, content);
  }

  @Override
  public List<StoredPart> parts(PartedUpload upload) throws IOException {
    return whole.parts(upload);
  }

  @Override
  public BlobInfo completeParts(PartedUpload upload) throws IOException {
    return whole.completeParts(upload);
  }

  @Override
  public int removeAbandonedParts(Instant before) throws IOException {
    return whole.removeAbandonedParts(before);
  }

  private Optional<XetRows.File> xetFile(Sha256 id) {
    return rows.fileBySha256(id.hex());
  }
}
