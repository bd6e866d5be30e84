package org.arbor.storage.blob;

import static java.nio.file.StandardOpenOption.CREATE;
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
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.arbor.core.Sha256;

/**
 * A {@link BlobStore} in a local folder: {@code sha256/ab/cd/<oid>}, with uploads written under
 * {@code incoming/}, hashed while they stream, forced to disk, then renamed into place: the rename
 * is the one moment an object becomes visible.
 *
 * <p>Objects sent in parts are staged in {@code parts/<scope>-<oid>-<size>-<partSize>/}: each part
 * is written at its offset in one {@code data} file, then a {@code NNNNN.part} marker holding its
 * ETag is renamed into place, so a marker always means a whole part. Joining hashes {@code data}
 * and renames it into place: no copy. Parts stay across restarts until joined or abandoned.
 */
public final class FsBlobStore implements BlobStore {
  private static final int BUFFER_SIZE = 1 << 20;

  private static final String DATA = "data";
  private static final String PART_SUFFIX = ".part";

  private final Path objects;
  private final Path incoming;
  private final Path staged;
  /** Digests of the leading parts of uploads in progress, by staging folder. */
  private final java.util.concurrent.ConcurrentHashMap<Path, DigestedPrefix> prefixes =
      new java.util.concurrent.ConcurrentHashMap<>();
  /** Parts of one upload are written under a shared lock, joined under an exclusive one. */
  private final ReadWriteLock[] stagingLocks = new ReadWriteLock[64];

  public FsBlobStore(Path root) throws IOException {
    this.objects = Files.createDirectories(root.resolve("sha256"));
    this.incoming = Files.createDirectories(root.resolve("incoming"));
    this.staged = Files.createDirectories(root.resolve("parts"));
    for (int i = 0; i < stagingLocks.length; i++) {
      stagingLocks[i] = new ReentrantReadWriteLock();
    }
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
  public StoredPart putPart(PartedUpload upload, int number, InputStream content) throws IOException {
    if (!upload.hasPart(number)) {
      throw new IllegalArgumentException("part " + number + " is not in 1.." + upload.partCount());
    }
    long expected = upload.length(number);
    ReadWriteLock lock = lockOf(upload);
    lock.readLock().lock();
    try {
      Path dir = Files.createDirectories(stagingOf(upload));
      Path marker = dir.resolve(markerName(number));
      Files.deleteIfExists(marker); // from here on, this part's bytes are in doubt until rewritten
      CRC32C crc = new CRC32C();
      long received = 0;
      try (FileChannel data = FileChannel.open(dir.resolve(DATA), CREATE, WRITE)) {
        byte[] buffer = new byte[BUFFER_SIZE];
        ByteBuffer wrapped = ByteBuffer.wrap(buffer);
        long position = upload.offset(number);
        int n;
        while ((n = content.readNBytes(buffer, 0, buffer.length)) > 0) {
          received += n;
          if (received > expected) {
            throw DigestMismatchException.partSize(number, expected, received);
          }
          crc.update(buffer, 0, n);
          wrapped.clear().limit(n);
          while (wrapped.hasRemaining()) {
            position += data.write(wrapped, position);
          }
        }
        if (received != expected) {
          throw DigestMismatchException.partSize(number, expected, received);
        }
        data.force(false); // durable before the marker says so
      }
      String etag = String.format("%08x-%d", crc.getValue(), expected);
      Path temporary = dir.resolve(markerName(number) + "." + UUID.randomUUID() + ".tmp");
      Files.writeString(temporary, etag + "\n" + UUID.randomUUID()); // the write's id: a rewrite changes it
      Files.move(temporary, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      prefixes.computeIfAbsent(dir, d -> new DigestedPrefix()).advance(upload, dir.resolve(DATA), n -> marker(dir, n));
      return new StoredPart(number, expected, etag);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<StoredPart> parts(PartedUpload upload) throws IOException {
    Path dir = stagingOf(upload);
    List<StoredPart> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().matches("\\d{5}\\.part")).toList()) {
        int number = Integer.parseInt(file.getFileName().toString().substring(0, 5));
        if (upload.hasPart(number)) {
          try {
            out.add(new StoredPart(number, upload.length(number), Files.readString(file).lines().findFirst().orElse("")));
          } catch (NoSuchFileException rewritten) {
            // being replaced right now: not whole
          }
        }
      }
    }
    out.sort(Comparator.comparingInt(StoredPart::number));
    return out;
  }

  @Override
  public BlobInfo completeParts(PartedUpload upload) throws IOException {
    ReadWriteLock lock = lockOf(upload);
    lock.writeLock().lock();
    try {
      Path dir = stagingOf(upload);
      List<Integer> missing = new ArrayList<>();
      for (int n = 1; n <= upload.partCount(); n++) {
        if (!Files.exists(dir.resolve(markerName(n)))) {
          missing.add(n);
        }
      }
      if (!missing.isEmpty()) {
        throw new MissingPartsException(missing, upload.partCount());
      }
      Path data = dir.resolve(DATA);
      long size = Files.size(data);
      DigestedPrefix prefix = prefixes.remove(dir);
      Sha256 actual = size != upload.size() ? upload.id()   // the size decides; the message names it
          : Sha256.of((prefix != null ? prefix : new DigestedPrefix()).finish(upload, data, n -> marker(dir, n)));
      if (size != upload.size() || !actual.equals(upload.id())) {
        deleteTree(dir);
        throw new DigestMismatchException(upload.id(), upload.size(), actual, size);
      }
      Path target = pathOf(upload.id());
      if (!Files.exists(target)) {
        Files.createDirectories(target.getParent());
        try {
          Files.move(data, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException raced) {
          // the same bytes arrived whole another way; the object is there either way
        }
      }
      deleteTree(dir);
      return new BlobInfo(upload.id(), size);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public int removeAbandonedParts(Instant before) throws IOException {
    int removed = 0;
    List<Path> dirs;
    try (Stream<Path> list = Files.list(staged)) {
      dirs = list.filter(Files::isDirectory).toList();
    }
    for (Path dir : dirs) {
      ReadWriteLock lock = lockOf(dir);
      lock.writeLock().lock();
      try {
        if (lastTouched(dir).toInstant().isBefore(before)) {
          prefixes.remove(dir);
          deleteTree(dir);
          removed++;
        }
      } finally {
        lock.writeLock().unlock();
      }
    }
    return removed;
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

  @Override
  public boolean delete(Sha256 id) throws IOException {
    return Files.deleteIfExists(pathOf(id));
  }

  /** Walks {@code sha256/ab/cd/}, one sorted folder at a time: names of fixed length sort as their ids do. */
  @Override
  public Stream<BlobInfo> list() {
    return sortedNames(objects, "[0-9a-f]{2}").stream()
        .flatMap(ab -> sortedNames(objects.resolve(ab), "[0-9a-f]{2}").stream().map(cd -> objects.resolve(ab).resolve(cd)))
        .flatMap(dir -> sortedNames(dir, "[0-9a-f]{64}").stream().map(dir::resolve))
        .<BlobInfo>mapMulti((file, out) -> {
          try {
            out.accept(new BlobInfo(new Sha256(file.getFileName().toString()), Files.size(file)));
          } catch (NoSuchFileException deleted) {
            // deleted since the folder was read
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  /** The names in {@code dir} that match {@code pattern}, sorted; none if the folder is gone. */
  private static List<String> sortedNames(Path dir, String pattern) {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).filter(n -> n.matches(pattern)).sorted().toList();
    } catch (NoSuchFileException gone) {
      return List.of();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Path pathOf(Sha256 id) {
    String hex = id.hex();
    return objects.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(hex);
  }

  private Path stagingOf(PartedUpload upload) {
    return staged.resolve(upload.scope() + "-" + upload.id().hex() + "-" + upload.size() + "-" + upload.partSize());
  }

  private ReadWriteLock lockOf(PartedUpload upload) {
    return lockOf(stagingOf(upload));
  }

  private ReadWriteLock lockOf(Path stagingDir) {
    return stagingLocks[Math.floorMod(stagingDir.hashCode(), stagingLocks.length)];
  }

  /** Part {@code n}'s marker (its ETag and write id), or null while the part is not whole. */
  private static String marker(Path dir, int n) throws IOException {
    try {
      return Files.readString(dir.resolve(markerName(n)));
    } catch (NoSuchFileException notWhole) {
      return null;
    }
  }

  private static String markerName(int number) {
    return String.format("%05d%s", number, PART_SUFFIX);
  }

  /** The latest write to a staging folder: a part's marker, or the data file. */
  private static FileTime lastTouched(Path dir) throws IOException {
    FileTime latest = Files.getLastModifiedTime(dir);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        try {
          FileTime t = Files.getLastModifiedTime(file);
          latest = t.compareTo(latest) > 0 ? t : latest;
        } catch (NoSuchFileException gone) {
          // renamed meanwhile
        }
      }
    }
    return latest;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
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
