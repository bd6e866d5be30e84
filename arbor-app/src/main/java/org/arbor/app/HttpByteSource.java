package org.arbor.app;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import org.arbor.formats.io.ByteSource;

/**
 * A file on any HF-compatible hub (or web server), read by HTTP range requests: inspecting a
 * remote 100 GB file costs the bytes of its header. On HttpURLConnection, which starts in tens of
 * milliseconds where java.net.http.HttpClient took hundreds.
 */
final class HttpByteSource implements ByteSource {
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
      HttpURLConnection head = open();
      head.setRequestMethod("HEAD");
      check(head.getResponseCode(), 200);
      long linked = head.getHeaderFieldLong("X-Linked-Size", -1);
      size = linked >= 0 ? linked : head.getContentLengthLong();
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
    HttpURLConnection get = open();
    get.setRequestProperty("Range", "bytes=" + offset + "-" + (offset + length - 1));
    int status = get.getResponseCode();
    check(status, 206);
    try (InputStream in = get.getInputStream()) {
      byte[] body = in.readNBytes(length);   // a 200 (no ranges) is cut off after what was asked
      if (body.length < length) {
        throw new EOFException("wanted " + length + " bytes at " + offset + " of " + uri + ", got " + body.length);
      }
      if (status == 200 && offset > 0) {
        throw new IOException(uri + " ignored the Range header; cannot read from byte " + offset);
      }
      return body;
    }
  }

  private HttpURLConnection open() throws IOException {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    c.setConnectTimeout(20_000);
    c.setReadTimeout(120_000);
    c.setInstanceFollowRedirects(true);
    c.setRequestProperty("Accept-Encoding", "identity");
    if (token != null && !token.isEmpty()) {
      c.setRequestProperty("Authorization", "Bearer " + token);
    }
    return c;
  }

  private void check(int status, int expected) throws IOException {
    if (status != expected && !(expected == 206 && status == 200)) {
      throw new IOException(uri + " answered HTTP " + status + (status == 401 || status == 404
          ? " (missing, private, or a token is needed: --token or HF_TOKEN)" : ""));
    }
  }
}
