package org.arbor.storage.blob;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.UUID;
import org.arbor.core.Sha256;

/**
 * A {@link BlobStore} in a local folder: {@code sha256/ab/cd/<oid>}, with uploads written under
 * {@code incoming/}, hashed while they stream, forced to disk, then renamed into place: the rename
 * is the one moment an object becomes visible.
 */
public final class FsBlobStore implements BlobStore {
  private static final int BUFFER_SIZE = 1 << 20;

  private final Path objects;
  private final Path incoming;

  public FsBlobStore(Path root) throws IOException {
    this.objects = Files.createDirectories(root.resolve("sha256"));
    this.incoming = Files.createDirectories(root.resolve("incoming"));
    removeAbandonedUploads();
  }

  @Override
  public BlobInfo put(Sha256 expected, long expectedSize, InputStream content) throws IOException {
    Path target = pathOf(expected);
    Path partial = incoming.resolve(expected.hex() + "." + UUID.randomUUID() + ".part");
    try {
      MessageDigest digest = Sha256.newDigest();
      long size = 0;
      try (FileChannel out = FileChannel.open(partial, CREATE_NEW, WRITE)) {
        byte[] buffer = new byte[BUFFER_SIZE];
        ByteBuffer wrapped = ByteBuffer.wrap(buffer);
        int n;
        // Fill the buffer before writing: one large write instead of one per socket read.
        while ((n = content.readNBytes(buffer, 0, buffer.length)) > 0) {
          size += n;
          if (size > expectedSize) {
            // Stop reading at once: a client may not make us store more than it announced.
            throw new DigestMismatchException(expected, expectedSize, expected, size);
          }
          digest.update(buffer, 0, n);
          wrapped.clear().limit(n);
          while (wrapped.hasRemaining()) {
            out.write(wrapped);
          }
        }
        out.force(true); // durable before visible
      }
      Sha256 actual = Sha256.of(digest.digest());
      if (size != expectedSize || !actual.equals(expected)) {
        throw new DigestMismatchException(expected, expectedSize, actual, size);
      }
      if (!Files.exists(target)) {
        Files.createDirectories(target.getParent());
        try {
          Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException raced) {
          // another upload of the same bytes won; the object is there either way
        }
      }
      return new BlobInfo(expected, size);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  @Override
  public SeekableByteChannel open(Sha256 id) throws IOException {
    return FileChannel.open(pathOf(id), READ);
  }

  @Override
  public Optional<BlobInfo> stat(Sha256 id) throws IOException {
    try {
      return Optional.of(new BlobInfo(id, Files.size(pathOf(id))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private Path pathOf(Sha256 id) {
    String hex = id.hex();
    return objects.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(hex);
  }

  /** Uploads cut off by a crash left partial files; none of them was ever visible. */
  private void removeAbandonedUploads() throws IOException {
    try (DirectoryStream<Path> parts = Files.newDirectoryStream(incoming, "*.part")) {
      for (Path part : parts) {
        Files.deleteIfExists(part);
      }
    }
  }
}
