package org.arbor.storage.git.dfs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/**
 * The files of packs as objects in a bucket, at {@code <prefix>git/<repoKey>/<fileName>}. A file is
 * written whole from a local spool (one PUT, or a multipart upload for big ones) and never changed
 * after, so any node may cache what it read of it.
 */
final class PackFiles {
  /** Files up to this size go up in one PUT; larger ones in parts of this size. */
  static final int PART_SIZE = 16 << 20;

  private final S3Client s3;
  private final String bucket;
  private final String prefix;

  PackFiles(S3Client s3, String bucket, String prefix) {
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      throw new IllegalArgumentException("an S3 prefix ends with '/': " + prefix);
    }
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
  }

  String key(String repoKey, String fileName) {
    return prefix + "git/" + repoKey + "/" + fileName;
  }

  /** Where this store keeps a repository, for messages and cache identities. */
  String where(String repoKey) {
    return "s3://" + bucket + "/" + key(repoKey, "");
  }

  /** Uploads {@code file} ({@code size} bytes) as the object {@code key}. */
  void put(String key, Path file, long size) throws IOException {
    try {
      if (size <= PART_SIZE) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentLength(size), RequestBody.fromFile(file));
      } else {
        putInParts(key, file, size);
      }
    } catch (RuntimeException e) {
      throw new IOException("S3 PUT " + key + ": " + e.getMessage(), e);
    }
  }

  private void putInParts(String key, Path file, long size) throws IOException {
    String upload = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
    try (InputStream in = Files.newInputStream(file)) {
      List<CompletedPart> parts = new ArrayList<>();
      byte[] buffer = new byte[PART_SIZE];
      for (int part = 1; (long) (part - 1) * PART_SIZE < size; part++) {
        int n = in.readNBytes(buffer, 0, (int) Math.min(PART_SIZE, size - (long) (part - 1) * PART_SIZE));
        int number = part;
        String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(upload).partNumber(number)
            .contentLength((long) n), RequestBody.fromBytes(java.util.Arrays.copyOf(buffer, n))).eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      }
      s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(upload)
          .multipartUpload(m -> m.parts(parts)));
    } catch (IOException | RuntimeException e) {
      try {
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(upload));
      } catch (SdkException abort) {
        e.addSuppressed(abort);
      }
      throw e;
    }
  }

  /** Reads an object; {@code size} is its length if known, else negative (then asked once). */
  PackChannel open(String key, long size) {
    return new PackChannel(this, key, size);
  }

  long size(String key) throws IOException {
    try {
      return s3.headObject(b -> b.bucket(bucket).key(key)).contentLength();
    } catch (NoSuchKeyException e) {
      throw new FileNotFoundException(key);
    } catch (SdkException e) {
      throw new IOException("S3 HEAD " + key + ": " + e.getMessage(), e);
    }
  }

  /** Bytes {@code [from, from + length)} of an object. */
  byte[] read(String key, long from, int length) throws IOException {
    try {
      return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key).range("bytes=" + from + "-" + (from + length - 1)))
          .asByteArray();
    } catch (NoSuchKeyException e) {
      throw new FileNotFoundException(key);
    } catch (SdkException e) {
      throw new IOException("S3 GET " + key + ": " + e.getMessage(), e);
    }
  }

  /** Deletes these objects (missing ones are no error), a thousand per request. */
  void delete(List<String> keys) throws IOException {
    for (int from = 0; from < keys.size(); from += 1000) {
      List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + 1000)).stream()
          .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
      try {
        var response = s3.deleteObjects(b -> b.bucket(bucket).delete(Delete.builder().objects(batch).quiet(true).build()));
        if (response.hasErrors() && !response.errors().isEmpty()) {
          throw new IOException("S3 could not delete " + response.errors().get(0).key() + ": "
              + response.errors().get(0).message());
        }
      } catch (SdkException e) {
        throw new IOException("S3 DELETE under " + prefix + "git/: " + e.getMessage(), e);
      }
    }
  }
}
