package org.arbor.app;

import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.arbor.formats.io.ByteSource;

/**
 * A file on any HF-compatible hub (or web server), read by HTTP range requests: inspecting a
 * remote 100 GB file costs the bytes of its header.
 */
final class HttpByteSource implements ByteSource {
  private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
      .connectTimeout(Duration.ofSeconds(20)).build();
  private final URI uri;
  private final String token;
  private long size = -1;

  HttpByteSource(URI uri, String token) {
    this.uri = uri;
    this.token = token;
  }

  /** A file whose size is known already (from a listing): no HEAD request needed. */
  HttpByteSource(URI uri, String token, long size) {
    this(uri, token);
    this.size = size;
  }

  @Override
  public long size() throws IOException {
    if (size < 0) {
      HttpResponse<Void> head = send(request().method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.discarding());
      check(head.statusCode(), 200);
      size = head.headers().firstValueAsLong("X-Linked-Size")
          .orElse(head.headers().firstValueAsLong("Content-Length").orElse(-1));
      if (size < 0) {
        throw new IOException(uri + " did not say how big it is (no Content-Length)");
      }
    }
    return size;
  }

  @Override
  public byte[] read(long offset, int length) throws IOException {
    if (length == 0) {
      return new byte[0];
    }
    HttpResponse<byte[]> response = send(request().header("Range", "bytes=" + offset + "-" + (offset + length - 1))
        .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    check(response.statusCode(), 206);
    byte[] body = response.body();
    if (body.length < length) {
      throw new EOFException("wanted " + length + " bytes at " + offset + " of " + uri + ", got " + body.length);
    }
    return body.length == length ? body : java.util.Arrays.copyOf(body, length);
  }

  private HttpRequest.Builder request() {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
        .header("Accept-Encoding", "identity");
    if (token != null && !token.isEmpty()) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
    try {
      return client.send(request, handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private void check(int status, int expected) throws IOException {
    if (status != expected && !(expected == 206 && status == 200 && size >= 0 && size <= Integer.MAX_VALUE)) {
      throw new IOException(uri + " answered HTTP " + status + (status == 401 || status == 404
          ? " (missing, private, or a token is needed: --token or HF_TOKEN)" : ""));
    }
  }
}
