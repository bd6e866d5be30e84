package org.arbor.storage.blob;

import static org.arbor.storage.blob.S3BlobStore.MAX_SINGLE_PUT;
import static org.arbor.storage.blob.S3BlobStore.MIN_S3_PART;
import static org.arbor.storage.blob.S3BlobStore.call;
import static org.arbor.storage.blob.S3BlobStore.check;
import static org.arbor.storage.blob.S3BlobStore.drain;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.arbor.core.Sha256;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The uploads clients make straight into an {@link S3BlobStore}'s bucket: presigned PUTs and
 * multipart uploads under {@code incoming/<scope>-<sha256>}, invisible until the hub has read the
 * object, checked it and had the store copy it into place.
 */
final class S3DirectUploads {
  private final S3BlobStore store;
  private final S3Client s3;
  private final S3Presigner presigner;
  private final String bucket;
  private final String prefix;
  private final long maxSingleCopy;
  private final long copyPart;

  /** {@code presigner}: null for a store that hands out no URLs (then there are no direct uploads). */
  S3DirectUploads(S3BlobStore store, S3Client s3, S3Presigner presigner, String bucket, String prefix,
      long maxSingleCopy, long copyPart) {
    this.store = store;
    this.s3 = s3;
    this.presigner = presigner;
    this.bucket = bucket;
    this.prefix = prefix;
    this.maxSingleCopy = maxSingleCopy;
    this.copyPart = copyPart;
  }

  /**
   * A presigned PUT to {@code incoming/<scope>-<sha256>}. For a client that sends the headers it is
   * given, the object's SHA-256 and length are among the signed headers: S3 then refuses a body that
   * does not hash to it. Otherwise only the URL is signed (the huggingface_hub and @huggingface/hub
   * clients PUT the body alone) and the hub's read-back at completion is the only check. At most one
   * PUT's worth (5 GiB).
   */
  Optional<DirectUpload> directUpload(String scope, Sha256 id, long size, java.time.Duration ttl,
      boolean clientSendsHeaders) throws IOException {
    if (presigner == null || size > MAX_SINGLE_PUT) {
      return Optional.empty();
    }
    String key = incomingKey(scope, id);
    try {
      var presigned = presigner.presignPutObject(b -> b.signatureDuration(ttl).putObjectRequest(r -> {
        r.bucket(bucket).key(key);
        if (clientSendsHeaders) {
          r.contentLength(size).checksumSHA256(base64(id));
        }
      }));
      Map<String, String> headers = new HashMap<>();
      // the client sends Host and Content-Length itself; every other signed header it must send as given
      presigned.signedHeaders().forEach((name, values) -> {
        if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
          headers.put(name, String.join(",", values));
        }
      });
      return Optional.of(new DirectUpload(presigned.url().toURI(), headers));
    } catch (java.net.URISyntaxException | SdkException e) {
      throw new IOException("S3 presign PUT " + key + ": " + e.getMessage(), e);
    }
  }

  /**
   * Publishes {@code incoming/<scope>-<sha256>} once the hub has read it and digested every byte:
   * not every S3-compatible store checks a signed checksum, and clients that send no headers had
   * none signed, so the hub checks (the bytes cross the store's network once more, never the
   * client's); then the store copies it into place. The incoming object stays until
   * {@link #discardDirectUpload} (see {@link #publishIncoming}).
   */
  BlobInfo completeDirectUpload(String scope, Sha256 id, long size) throws IOException {
    return publishIncoming(incomingKey(scope, id), id, size);
  }

  void discardDirectUpload(String scope, Sha256 id) throws IOException {
    String key = incomingKey(scope, id);
    call(() -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
  }

  /**
   * A multipart upload of {@code incoming/<scope>-<sha256>} and a presigned UploadPart URL per
   * part. S3 takes parts of at least 5 MiB (but the last), so an upload cut finer gets none. The
   * newest upload already open for that key is taken up again, so a client that asks again after
   * an interruption sends only the parts the store lacks ({@link #directPartsHeld}).
   */
  Optional<DirectParts> directParts(PartedUpload upload, java.time.Duration ttl) throws IOException {
    if (presigner == null || upload.partSize() < MIN_S3_PART) {
      return Optional.empty();
    }
    String key = incomingKey(upload.scope(), upload.id());
    Optional<String> open = call(() -> s3.listMultipartUploads(b -> b.bucket(bucket).prefix(key))).uploads()
        .stream().filter(m -> m.key().equals(key)).max(java.util.Comparator.comparing(MultipartUpload::initiated))
        .map(MultipartUpload::uploadId);
    String uploadId = open.isPresent() ? open.get()
        : call(() -> s3.createMultipartUpload(b -> b.bucket(bucket).key(key))).uploadId();
    List<java.net.URI> urls = new ArrayList<>(upload.partCount());
    try {
      for (int n = 1; n <= upload.partCount(); n++) {
        int number = n;
        urls.add(presigner.presignUploadPart(b -> b.signatureDuration(ttl)
            .uploadPartRequest(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(number))).url().toURI());
      }
    } catch (java.net.URISyntaxException | SdkException e) {
      if (open.isEmpty()) {   // one taken up holds a client's parts: it stays for their retry
        store.abort(key, uploadId);
      }
      throw new IOException("S3 presign UploadPart " + key + ": " + e.getMessage(), e);
    }
    return Optional.of(new DirectParts(uploadId, urls));
  }

  /** The parts S3 holds of a client's multipart upload, whole and of the length the cut says. */
  List<StoredPart> directPartsHeld(PartedUpload upload, String uploadId) throws IOException {
    List<StoredPart> out = new ArrayList<>();
    for (var part : listParts(incomingKey(upload.scope(), upload.id()), uploadId).values()) {
      if (upload.hasPart(part.partNumber()) && part.size() == upload.length(part.partNumber())) {
        out.add(new StoredPart(part.partNumber(), part.size(), part.eTag()));
      }
    }
    out.sort(java.util.Comparator.comparingInt(StoredPart::number));
    return out;
  }

  /** The parts of a multipart upload by number; none for an upload completed or aborted. */
  private Map<Integer, software.amazon.awssdk.services.s3.model.Part> listParts(String key, String uploadId)
      throws IOException {
    Map<Integer, software.amazon.awssdk.services.s3.model.Part> held = new HashMap<>();
    try {
      s3.listPartsPaginator(b -> b.bucket(bucket).key(key).uploadId(uploadId)).parts()
          .forEach(p -> held.put(p.partNumber(), p));
    } catch (S3Exception e) {
      if (e.statusCode() != 404) {   // 404: completed or aborted (some stores list those as empty)
        throw new IOException("S3 ListParts " + key + ": " + e.getMessage(), e);
      }
    } catch (SdkException e) {
      throw new IOException("S3 ListParts " + key + ": " + e.getMessage(), e);
    }
    return held;
  }

  /**
   * Checks the parts S3 holds against those the client names (every part, each with the ETag S3
   * gave it and the length the cut says), completes the multipart upload, then publishes the
   * result as {@link #completeDirectUpload} does. An upload completed by an earlier call that
   * failed before publishing is published now.
   */
  BlobInfo completeDirectParts(PartedUpload upload, String uploadId, List<StoredPart> named) throws IOException {
    String key = incomingKey(upload.scope(), upload.id());
    Map<Integer, software.amazon.awssdk.services.s3.model.Part> held = listParts(key, uploadId);
    if (held.isEmpty()) {
      if (store.head(key).isPresent()) {
        return publishIncoming(key, upload.id(), upload.size());
      }
      throw new NoSuchFileException(key + " (upload " + uploadId + ")");
    }
    List<Integer> missing = new ArrayList<>();
    List<CompletedPart> parts = new ArrayList<>();
    for (int n = 1; n <= upload.partCount(); n++) {
      int number = n;
      var part = held.get(n);
      Optional<StoredPart> claim = named.stream().filter(p -> p.number() == number).findFirst();
      if (part == null || claim.isEmpty() || part.size() != upload.length(n)
          || !unquote(part.eTag()).equals(unquote(claim.get().etag()))) {
        missing.add(n);
      } else {
        parts.add(CompletedPart.builder().partNumber(n).eTag(part.eTag()).build());
      }
    }
    if (!missing.isEmpty()) {
      throw new MissingPartsException(missing, upload.partCount());
    }
    call(() -> s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
        .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())));
    return publishIncoming(key, upload.id(), upload.size());
  }

  /**
   * Reads {@code incoming} once, digesting it, then has the store copy that same version (by its
   * ETag: a client's PUT meanwhile fails the copy) to the object's key, so the bytes cross the
   * network once, not twice. The incoming object goes if it is not the object; once published it
   * stays until {@link #discardDirectUpload}, and after any other failure, for a retry. Gone
   * meanwhile (a concurrent completion discarded it), it is a {@link NoSuchFileException}.
   */
  private BlobInfo publishIncoming(String incoming, Sha256 id, long size) throws IOException {
    HeadObjectResponse head = store.head(incoming).orElseThrow(() -> new NoSuchFileException(incoming));
    try {
      if (head.contentLength() != size) {
        throw new DigestMismatchException(id, size, id, head.contentLength());
      }
      String etag = head.eTag();
      MessageDigest digest = Sha256.newDigest();
      long read;
      try (InputStream in = sameVersion(id, () -> s3.getObject(b -> b.bucket(bucket).key(incoming).ifMatch(etag)))) {
        read = drain(in, digest);
      }
      check(id, size, Sha256.of(digest.digest()), read);
      String key = store.keyOf(id);
      if (store.head(key).isEmpty()) {
        copy(incoming, etag, key, id, size);
      }
      return new BlobInfo(id, size);
    } catch (DigestMismatchException e) {
      call(() -> s3.deleteObject(b -> b.bucket(bucket).key(incoming)));
      throw e;
    }
  }

  /** A server-side copy of version {@code etag} of {@code from}: one request up to 5 GiB, else ranged part copies. */
  private void copy(String from, String etag, String to, Sha256 id, long size) throws IOException {
    if (size <= maxSingleCopy) {
      sameVersion(id, () -> s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(from).copySourceIfMatch(etag)
          .destinationBucket(bucket).destinationKey(to)));
      return;
    }
    String uploadId = call(() -> s3.createMultipartUpload(b -> b.bucket(bucket).key(to))).uploadId();
    boolean completed = false;
    try {
      List<CompletedPart> parts = new ArrayList<>();
      for (long first = 0; first < size; first += copyPart) {
        int number = parts.size() + 1;
        String range = "bytes=" + first + "-" + (Math.min(size, first + copyPart) - 1);
        String partTag = sameVersion(id, () -> s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey(from)
            .copySourceIfMatch(etag).copySourceRange(range).destinationBucket(bucket).destinationKey(to)
            .uploadId(uploadId).partNumber(number))).copyPartResult().eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(partTag).build());
      }
      call(() -> s3.completeMultipartUpload(b -> b.bucket(bucket).key(to).uploadId(uploadId)
          .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())));
      completed = true;
    } finally {
      if (!completed) {
        store.abort(to, uploadId);
      }
    }
  }

  /**
   * Runs a request on a version of an upload: the store's 412 (it was replaced) is the upload's
   * fault, its 404 (a concurrent completion discarded it) a {@link NoSuchFileException}.
   */
  private static <T> T sameVersion(Sha256 id, S3BlobStore.S3Call<T> call) throws IOException {
    try {
      return call.run();
    } catch (S3Exception e) {
      if (e.statusCode() == 412) {
        throw DigestMismatchException.changedWhileChecked(id);
      }
      if (e.statusCode() == 404) {
        throw new NoSuchFileException("the upload of " + id + " (gone meanwhile)");
      }
      throw new IOException("S3: " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new IOException("S3: " + e.getMessage(), e);
    }
  }

  private static String unquote(String etag) {
    String e = etag == null ? "" : etag.strip();
    return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
  }

  private String incomingKey(String scope, Sha256 id) {
    return prefix + "incoming/" + PartedUpload.checkScope(scope) + "-" + id.hex();
  }

  private static String base64(Sha256 id) {
    return java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(id.hex()));
  }
}
