package org.arbor.storage.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.arbor.core.Sha256;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Objects in an S3-compatible bucket under a prefix, laid out as on disk
 * ({@code sha256/ab/cd/<sha256>}), for hubs that outgrow one machine's disk.
 *
 * <p>The promises of {@link BlobStore}, with what S3 gives: an object is written by one PUT, or by
 * a multipart upload that is completed only once every byte has been digested and matched the
 * announced id and size, and aborted otherwise, so a failed or lying upload leaves nothing
 * visible. Parts of a {@link PartedUpload} are objects of their own under {@code parts/}, each
 * spooled to a local temporary file, its length checked, then written by one PUT (visible whole or
 * not at all); joining them streams them in order into a multipart upload of the final object
 * while digesting them, so parts may arrive through any node. Requests the SDK retries re-read
 * their bodies from the start. Uploads that clients make straight into the bucket are
 * {@link S3DirectUploads}.
 */
public final class S3BlobStore implements BlobStore {
  /** Objects up to this size go up in one PUT; larger ones in parts of this size (S3 wants at least 5 MiB). */
  static final int PART_SIZE = 8 << 20;
  /** The largest object one PUT may carry. */
  static final long MAX_SINGLE_PUT = 5L << 30;
  /** Parts of a server-side copy of an object over 5 GiB. */
  static final long COPY_PART = 1L << 30;
  /** The smallest part S3 takes, but for the last. */
  static final long MIN_S3_PART = 5L << 20;
  private static final String ETAG = "arbor-etag";

  private final S3Client s3;
  private final S3Presigner presigner;
  private final String bucket;
  private final String prefix;
  private final S3DirectUploads direct;

  /** {@code prefix}: where in the bucket, empty or ending with {@code /}. A store that hands out no URLs. */
  public S3BlobStore(S3Client s3, String bucket, String prefix) {
    this(s3, null, bucket, prefix);
  }

  /** With {@code presigner}: downloads may go straight to the bucket ({@link #directUrl}). */
  public S3BlobStore(S3Client s3, S3Presigner presigner, String bucket, String prefix) {
    this(s3, presigner, bucket, prefix, MAX_SINGLE_PUT, COPY_PART);
  }

  /** With other bounds for server-side copies (tests copy small objects in parts). */
  S3BlobStore(S3Client s3, S3Presigner presigner, String bucket, String prefix, long maxSingleCopy, long copyPart) {
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      throw new IllegalArgumentException("an S3 prefix ends with '/': " + prefix);
    }
    this.s3 = s3;
    this.presigner = presigner;
    this.bucket = bucket;
    this.prefix = prefix;
    this.direct = new S3DirectUploads(this, s3, presigner, bucket, prefix, maxSingleCopy, copyPart);
  }

  @Override
  public Optional<java.net.URI> directUrl(Sha256 id, java.time.Duration ttl) throws IOException {
    return presign(id, ttl, null);
  }

  @Override
  public Optional<java.net.URI> directUrl(Sha256 id, java.time.Duration ttl, long first, long last) throws IOException {
    return presign(id, ttl, "bytes=" + first + "-" + last);
  }

  /** A presigned GET; with {@code range}, the Range header is signed too, so the URL reads that range only. */
  private Optional<java.net.URI> presign(Sha256 id, java.time.Duration ttl, String range) throws IOException {
    if (presigner == null) {
      return Optional.empty();
    }
    String key = keyOf(id);
    try {
      return Optional.of(presigner.presignGetObject(b -> b.signatureDuration(ttl)
          .getObjectRequest(g -> g.bucket(bucket).key(key).range(range))).url().toURI());
    } catch (java.net.URISyntaxException | SdkException e) {
      throw new IOException("S3 presign " + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<DirectUpload> directUpload(String scope, Sha256 id, long size, java.time.Duration ttl,
      boolean clientSendsHeaders) throws IOException {
    return direct.directUpload(scope, id, size, ttl, clientSendsHeaders);
  }

  @Override
  public BlobInfo completeDirectUpload(String scope, Sha256 id, long size) throws IOException {
    return direct.completeDirectUpload(scope, id, size);
  }

  @Override
  public void discardDirectUpload(String scope, Sha256 id) throws IOException {
    direct.discardDirectUpload(scope, id);
  }

  @Override
  public Optional<DirectParts> directParts(PartedUpload upload, java.time.Duration ttl) throws IOException {
    return direct.directParts(upload, ttl);
  }

  @Override
  public List<StoredPart> directPartsHeld(PartedUpload upload, String uploadId) throws IOException {
    return direct.directPartsHeld(upload, uploadId);
  }

  @Override
  public BlobInfo completeDirectParts(PartedUpload upload, String uploadId, List<StoredPart> named) throws IOException {
    return direct.completeDirectParts(upload, uploadId, named);
  }

  @Override
  public BlobInfo put(Sha256 expected, long expectedSize, InputStream content) throws IOException {
    String key = keyOf(expected);
    MessageDigest digest = Sha256.newDigest();
    if (head(key).isPresent()) {
      long size = drain(content, digest);
      check(expected, expectedSize, Sha256.of(digest.digest()), size);
      return new BlobInfo(expected, size);
    }
    if (expectedSize <= PART_SIZE) {
      byte[] bytes = content.readNBytes((int) expectedSize + 1);
      digest.update(bytes);
      check(expected, expectedSize, Sha256.of(digest.digest()), bytes.length);
      call(() -> s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes)));
      return new BlobInfo(expected, expectedSize);
    }
    String uploadId = call(() -> s3.createMultipartUpload(b -> b.bucket(bucket).key(key))).uploadId();
    boolean completed = false;
    try {
      List<CompletedPart> parts = new ArrayList<>();
      long size = 0;
      byte[] buffer = new byte[PART_SIZE];
      int n;
      while ((n = content.readNBytes(buffer, 0, buffer.length)) > 0) {
        size += n;
        if (size > expectedSize) {
          throw new DigestMismatchException(expected, expectedSize, expected, size);
        }
        digest.update(buffer, 0, n);
        int number = parts.size() + 1;
        byte[] part = n == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, n);
        String etag = call(() -> s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
            RequestBody.fromBytes(part))).eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      }
      check(expected, expectedSize, Sha256.of(digest.digest()), size);
      call(() -> s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
          .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())));
      completed = true;
      return new BlobInfo(expected, size);
    } finally {
      if (!completed) {
        abort(key, uploadId);
      }
    }
  }

  @Override
  public SeekableByteChannel open(Sha256 id) throws IOException {
    return open(id, 0);
  }

  @Override
  public SeekableByteChannel open(Sha256 id, long position) throws IOException {
    String key = keyOf(id);
    HeadObjectResponse head = head(key).orElseThrow(() -> new NoSuchFileException(key));
    S3ReadChannel channel = new S3ReadChannel(s3, bucket, key, head.contentLength());
    channel.position(position);
    channel.start();   // the GET is under way before open returns, as a file is open: a delete does not stop it
    return channel;
  }

  @Override
  public Optional<BlobInfo> stat(Sha256 id) throws IOException {
    return head(keyOf(id)).map(h -> new BlobInfo(id, h.contentLength()));
  }

  @Override
  public boolean delete(Sha256 id) throws IOException {
    String key = keyOf(id);
    if (head(key).isEmpty()) {
      return false;
    }
    call(() -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
    return true;
  }

  /**
   * ListObjectsV2 under {@code sha256/}: parts live under {@code parts/} and multipart uploads in
   * progress are not objects yet, so neither is listed. S3 lists keys in UTF-8 binary order, which
   * for this fixed layout is the order of ids.
   */
  @Override
  public java.util.stream.Stream<BlobInfo> list() {
    String under = prefix + "sha256/";
    java.util.Iterator<S3Object> pages = s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(under)).contents()
        .iterator();
    java.util.Iterator<S3Object> checked = new java.util.Iterator<>() {
      @Override
      public boolean hasNext() {
        try {
          return pages.hasNext();
        } catch (SdkException e) {
          throw new UncheckedIOException(new IOException("S3 list " + under + ": " + e.getMessage(), e));
        }
      }

      @Override
      public S3Object next() {
        return pages.next();
      }
    };
    return java.util.stream.StreamSupport.stream(
        java.util.Spliterators.spliteratorUnknownSize(checked, java.util.Spliterator.ORDERED), false)
        .<BlobInfo>mapMulti((object, out) -> {
          String rest = object.key().substring(under.length());   // ab/cd/abcd…
          if (rest.matches("([0-9a-f]{2})/([0-9a-f]{2})/\\1\\2[0-9a-f]{60}")) {
            out.accept(new BlobInfo(new Sha256(rest.substring(6)), object.size()));
          }
        });
  }

  @Override
  public StoredPart putPart(PartedUpload upload, int number, InputStream content) throws IOException {
    if (!upload.hasPart(number)) {
      throw new IllegalArgumentException("part " + number + " is not in 1.." + upload.partCount());
    }
    long expected = upload.length(number);
    String key = partKey(upload, number);
    // From here on this part's bytes are in doubt until rewritten: an earlier copy must not be listed.
    call(() -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
    // Spooled to a local temporary file first: its length is checked before anything reaches S3, and
    // the PUT can be retried (a client's body cannot be read twice). The node keeps nothing after.
    Path spool = Files.createTempFile("arbor-part-", ".tmp");
    try {
      CRC32C crc = new CRC32C();
      long received = 0;
      try (OutputStream out = Files.newOutputStream(spool)) {
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = content.read(buffer, 0, (int) Math.min(buffer.length, expected + 1 - received))) > 0) {
          received += n;
          if (received > expected) {
            throw DigestMismatchException.partSize(number, expected, received);
          }
          crc.update(buffer, 0, n);
          out.write(buffer, 0, n);
        }
      }
      if (received != expected) {
        throw DigestMismatchException.partSize(number, expected, received);
      }
      String etag = String.format("%08x-%d", crc.getValue(), expected);
      call(() -> s3.putObject(b -> b.bucket(bucket).key(key).metadata(Map.of(ETAG, etag)), RequestBody.fromFile(spool)));
      return new StoredPart(number, expected, etag);
    } finally {
      Files.deleteIfExists(spool);
    }
  }

  @Override
  public List<StoredPart> parts(PartedUpload upload) throws IOException {
    List<StoredPart> out = new ArrayList<>();
    for (S3Object object : list(partsPrefix(upload))) {
      String name = object.key().substring(object.key().lastIndexOf('/') + 1);
      if (!name.matches("\\d{5}")) {
        continue;
      }
      int number = Integer.parseInt(name);
      if (!upload.hasPart(number) || object.size() != upload.length(number)) {
        continue;
      }
      Optional<HeadObjectResponse> head = head(object.key());   // gone meanwhile: being rewritten
      head.map(h -> h.metadata().get(ETAG)).ifPresent(etag -> out.add(new StoredPart(number, object.size(), etag)));
    }
    out.sort(java.util.Comparator.comparingInt(StoredPart::number));
    return out;
  }

  @Override
  public BlobInfo completeParts(PartedUpload upload) throws IOException {
    List<StoredPart> stored = parts(upload);
    List<Integer> missing = new ArrayList<>();
    for (int n = 1, i = 0; n <= upload.partCount(); n++) {
      if (i < stored.size() && stored.get(i).number() == n) {
        i++;
      } else {
        missing.add(n);
      }
    }
    if (!missing.isEmpty()) {
      throw new MissingPartsException(missing, upload.partCount());
    }
    String key = keyOf(upload.id());
    MessageDigest digest = Sha256.newDigest();
    boolean exists = head(key).isPresent();
    String uploadId = exists ? null : call(() -> s3.createMultipartUpload(b -> b.bucket(bucket).key(key))).uploadId();
    boolean completed = false;
    try {
      List<CompletedPart> parts = new ArrayList<>();
      long size = 0;
      // Our parts may be smaller than S3 allows for all but the last: consecutive ones make one S3 part.
      for (List<Integer> group : groups(upload)) {
        long length = group.stream().mapToLong(upload::length).sum();
        size += length;
        if (exists) {
          drain(joined(upload, group, digest), null);
        } else {
          // Each attempt (the SDK retries) reads the group afresh into a copy of the digest so far;
          // the copy of the attempt that succeeded carries on.
          MessageDigest before = digest;
          MessageDigest[] attempt = new MessageDigest[1];
          RequestBody body = RequestBody.fromContentProvider(() -> {
            attempt[0] = copy(before);
            return joined(upload, group, attempt[0]);
          }, length, "application/octet-stream");
          int number = parts.size() + 1;
          String etag = call(() -> s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
              body)).eTag();
          parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
          digest = attempt[0];
        }
      }
      Sha256 actual = Sha256.of(digest.digest());
      if (!actual.equals(upload.id()) || size != upload.size()) {
        deleteAll(partsPrefix(upload));
        throw new DigestMismatchException(upload.id(), upload.size(), actual, size);
      }
      if (!exists) {
        call(() -> s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
            .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())));
      }
      completed = true;
      deleteAll(partsPrefix(upload));
      return new BlobInfo(upload.id(), size);
    } finally {
      if (!completed && uploadId != null) {
        abort(key, uploadId);
      }
    }
  }

  @Override
  public int removeAbandonedParts(Instant before) throws IOException {
    Map<String, List<S3Object>> byUpload = new HashMap<>();
    for (S3Object object : list(prefix + "parts/")) {
      String rest = object.key().substring(prefix.length() + "parts/".length());
      int slash = rest.indexOf('/');
      if (slash > 0) {
        byUpload.computeIfAbsent(rest.substring(0, slash), k -> new ArrayList<>()).add(object);
      }
    }
    int removed = 0;
    for (List<S3Object> objects : byUpload.values()) {
      Instant last = objects.stream().map(S3Object::lastModified).max(Instant::compareTo).orElse(Instant.MIN);
      if (last.isBefore(before)) {
        for (S3Object o : objects) {
          call(() -> s3.deleteObject(b -> b.bucket(bucket).key(o.key())));
        }
        removed++;
      }
    }
    // Direct uploads never completed.
    for (S3Object object : list(prefix + "incoming/")) {
      if (object.lastModified().isBefore(before)) {
        call(() -> s3.deleteObject(b -> b.bucket(bucket).key(object.key())));
      }
    }
    // Multipart uploads of whole objects left by a node that died mid-put, and clients' direct ones.
    for (String area : List.of("sha256/", "incoming/")) {
      for (MultipartUpload m : call(() -> s3.listMultipartUploads(b -> b.bucket(bucket).prefix(prefix + area)))
          .uploads()) {
        if (m.initiated().isBefore(before)) {
          abort(m.key(), m.uploadId());
        }
      }
    }
    return removed;
  }

  /** Runs of consecutive part numbers of at least {@link #PART_SIZE} bytes each (the last run may be shorter). */
  private static List<List<Integer>> groups(PartedUpload upload) {
    List<List<Integer>> out = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    long bytes = 0;
    for (int n = 1; n <= upload.partCount(); n++) {
      current.add(n);
      bytes += upload.length(n);
      if (bytes >= PART_SIZE) {
        out.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  /** The parts of {@code group}, read in order as one stream that feeds {@code digest}. */
  private InputStream joined(PartedUpload upload, List<Integer> group, MessageDigest digest) {
    List<InputStream> streams = new ArrayList<>();
    for (int n : group) {
      streams.add(new LazyPart(() -> call(() -> s3.getObject(b -> b.bucket(bucket).key(partKey(upload, n))))));
    }
    return new java.security.DigestInputStream(new SequenceInputStream(Collections.enumeration(streams)), digest);
  }

  private static MessageDigest copy(MessageDigest digest) {
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digests can be copied in every JDK", e);
    }
  }

  Optional<HeadObjectResponse> head(String key) throws IOException {
    try {
      return Optional.of(s3.headObject(b -> b.bucket(bucket).key(key)));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw new IOException("S3 HEAD " + key + ": " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new IOException("S3 HEAD " + key + ": " + e.getMessage(), e);
    }
  }

  private List<S3Object> list(String keyPrefix) throws IOException {
    List<S3Object> out = new ArrayList<>();
    call(() -> {
      s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(keyPrefix)).contents().forEach(out::add);
      return null;
    });
    return out;
  }

  private void deleteAll(String keyPrefix) throws IOException {
    for (S3Object o : list(keyPrefix)) {
      call(() -> s3.deleteObject(b -> b.bucket(bucket).key(o.key())));
    }
  }

  void abort(String key, String uploadId) {
    try {
      s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
    } catch (SdkException e) {
      // removeAbandonedParts aborts it later
    }
  }

  String keyOf(Sha256 id) {
    String hex = id.hex();
    return prefix + "sha256/" + hex.substring(0, 2) + "/" + hex.substring(2, 4) + "/" + hex;
  }

  private String partsPrefix(PartedUpload upload) {
    return prefix + "parts/" + upload.scope() + "-" + upload.id().hex() + "-" + upload.size() + "-" + upload.partSize()
        + "/";
  }

  private String partKey(PartedUpload upload, int number) {
    return partsPrefix(upload) + String.format("%05d", number);
  }

  static void check(Sha256 expected, long expectedSize, Sha256 actual, long size)
      throws DigestMismatchException {
    if (size != expectedSize || !actual.equals(expected)) {
      throw new DigestMismatchException(expected, expectedSize, actual, size);
    }
  }

  /** Reads {@code in} to its end, feeding {@code digest} (if any); returns how many bytes. */
  static long drain(InputStream in, MessageDigest digest) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) > 0) {
      if (digest != null) {
        digest.update(buffer, 0, n);
      }
      total += n;
    }
    return total;
  }

  @FunctionalInterface
  interface S3Call<T> {
    T run();
  }

  /** S3 failures as {@link IOException}s, like the file store's. */
  static <T> T call(S3Call<T> call) throws IOException {
    try {
      return call.run();
    } catch (SdkException e) {
      throw new IOException("S3: " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** A stream opened on first read, so a join holds one part open at a time. */
  private static final class LazyPart extends InputStream {
    private final S3Call<InputStream> opener;
    private InputStream in;

    LazyPart(IoSupplier opener) {
      this.opener = () -> {
        try {
          return opener.get();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      };
    }

    @Override
    public int read() throws IOException {
      return stream().read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return stream().read(b, off, len);
    }

    @Override
    public void close() throws IOException {
      if (in != null) {
        in.close();
      }
    }

    private InputStream stream() throws IOException {
      if (in == null) {
        try {
          in = opener.run();
        } catch (UncheckedIOException e) {
          throw e.getCause();
        }
      }
      return in;
    }
  }

  @FunctionalInterface
  private interface IoSupplier {
    InputStream get() throws IOException;
  }
}
