package org.arbor.storage.blob;

import java.io.IOException;
import java.nio.ByteBuffer;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * An S3 object read as a seekable channel: one ranged GET from the position to the end, read as
 * far as the reader goes; a seek elsewhere drops it and the next read opens another. Sequential
 * readers (downloads, scans) cost one request, readers of headers a few.
 */
final class S3ReadChannel extends ReadOnlyChannel {
  private final S3Client s3;
  private final String bucket;
  private final String key;
  private ResponseInputStream<GetObjectResponse> stream;
  private long streamPosition = -1;

  S3ReadChannel(S3Client s3, String bucket, String key, long size) {
    super(size);
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
  }

  /** Opens the GET from the current position (nothing to get from an empty object). */
  void start() throws IOException {
    drop();
    if (position >= size) {
      return;
    }
    long from = position;
    try {
      stream = s3.getObject(b -> b.bucket(bucket).key(key).range("bytes=" + from + "-"));
    } catch (SdkException e) {
      throw new IOException("S3 GET " + key + ": " + e.getMessage(), e);
    }
    streamPosition = from;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= size) {
      return -1;
    }
    if (stream == null || streamPosition != position) {
      start();
    }
    int total = 0;
    byte[] buffer = dst.hasArray() ? null : new byte[Math.min(dst.remaining(), 1 << 16)];
    while (dst.hasRemaining() && position < size) {
      int n;
      if (buffer == null) {
        n = stream.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
        if (n > 0) {
          dst.position(dst.position() + n);
        }
      } else {
        n = stream.read(buffer, 0, Math.min(buffer.length, dst.remaining()));
        if (n > 0) {
          dst.put(buffer, 0, n);
        }
      }
      if (n < 0) {
        throw new IOException("S3 object " + key + " ended at byte " + position + " of " + size);
      }
      position += n;
      streamPosition = position;
      total += n;
      if (n == 0 || stream.available() == 0) {
        break;   // hand over what arrived rather than wait for more
      }
    }
    return total;
  }

  @Override
  protected void release() {
    drop();
  }

  /** Closes the open GET without reading the rest of it. */
  private void drop() {
    if (stream != null) {
      stream.abort();
      try {
        stream.close();
      } catch (IOException ignored) {
        // aborted already
      }
      stream = null;
    }
  }

}
