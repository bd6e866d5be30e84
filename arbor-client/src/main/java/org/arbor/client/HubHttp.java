package org.arbor.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP for the hub client, on the JDK's HttpURLConnection: it starts in ~40 ms where
 * java.net.http.HttpClient took ~300 ms (its TLS set-up runs even for http://), which every
 * command paid, and it moved 2.2-2.8 GB/s on loopback where HttpClient moved 0.6-0.7 (both
 * measured here). Network failures, 429 and 5xx are retried with doubling waits; other failures
 * become a {@link ClientException} carrying the hub's own message.
 */
final class HubHttp {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int ATTEMPTS = 4;
  private static final int CONNECT_TIMEOUT_MS = 10_000;

  private final String endpoint;
  private final String token;
  private final Duration firstBackoff;
  private volatile RateLimit rateLimit;
  private final AtomicLong bytesSent = new AtomicLong();

  HubHttp(String endpoint, String token, Duration firstBackoff) {
    this.endpoint = endpoint;
    this.token = token;
    this.firstBackoff = firstBackoff;
  }

  void limitRate(RateLimit limit) {
    this.rateLimit = limit;
  }

  long bytesSent() {
    return bytesSent.get();
  }

  /**
   * A request to a path of the hub or to a full URL; the token goes only to the hub's own URLs
   * (a Link header naming another host does not get it).
   */
  Request call(String method, String pathOrUrl) {
    String url = pathOrUrl.startsWith("/") ? endpoint + pathOrUrl : pathOrUrl;
    Request request = new Request(method, URI.create(url));
    request.withToken = url.startsWith(endpoint + "/");
    return request;
  }

  /** What to send: method, URL, headers, body, read timeout; the token unless {@link #anonymous}. */
  final class Request {
    final String method;
    final URI uri;
    final Map<String, String> headers = new LinkedHashMap<>();
    byte[] body;
    Duration timeout = Duration.ofMinutes(2);
    boolean withToken = true;

    private Request(String method, URI uri) {
      this.method = method;
      this.uri = uri;
    }

    Request header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    Request body(String contentType, String text) {
      headers.put("Content-Type", contentType);
      body = text.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    Request json(JsonNode value) {
      return body("application/json", value.toString());
    }

    Request timeout(Duration d) {
      timeout = d;
      return this;
    }

    /** For signed URLs: they carry their own grant, and the token must not travel with them. */
    Request anonymous() {
      withToken = false;
      return this;
    }
  }

  /** A successful answer: read its body with {@link #json} or drop it with {@link #done}. */
  record Answer(HttpURLConnection connection, InputStream body) {
    List<String> headers(String name) {
      return connection.getHeaderFields().entrySet().stream()
          .filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream()).toList();
    }
  }

  /** Sends with retries: connection failures, 429 and 5xx up to {@value #ATTEMPTS} times. */
  Answer send(Request request, String what) {
    Duration wait = firstBackoff;
    for (int attempt = 1; ; attempt++) {
      HttpURLConnection c;
      int status;
      try {
        c = open(request.uri, request.withToken);
        c.setRequestMethod(request.method);
        c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, request.timeout.toMillis()));
        request.headers.forEach(c::setRequestProperty);
        if (request.body != null) {
          c.setDoOutput(true);
          c.setFixedLengthStreamingMode(request.body.length);
          try (OutputStream out = c.getOutputStream()) {
            out.write(request.body);
          }
        }
        status = c.getResponseCode();
      } catch (IOException e) {
        if (attempt >= ATTEMPTS) {
          throw new ClientException(ClientException.Kind.NETWORK, "Could not reach " + request.uri.getScheme() + "://"
              + request.uri.getRawAuthority() + " to " + what + " (" + describe(e) + " after " + ATTEMPTS
              + " attempts); check the address and your network, then run the command again", e);
        }
        sleep(wait);
        wait = wait.multipliedBy(2);
        continue;
      }
      if (status < 400) {
        try {
          return new Answer(c, c.getInputStream());
        } catch (IOException e) {
          throw new ClientException(ClientException.Kind.NETWORK, "The hub's answer to " + what + " broke off ("
              + describe(e) + ")", e);
        }
      }
      String message = errorMessage(c);
      if ((status >= 500 || status == 429) && attempt < ATTEMPTS) {
        sleep(wait);
        wait = wait.multipliedBy(2);
        continue;
      }
      throw failure(status, Objects.requireNonNullElse(c.getHeaderField("X-Error-Code"), ""), message, what);
    }
  }

  JsonNode json(Answer answer) {
    try (InputStream body = answer.body()) {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new ClientException(ClientException.Kind.NETWORK, "The hub's answer was cut short: " + e.getMessage(), e);
    }
  }

  /** Drops an answer whose body does not matter, reading it out so the connection is reused. */
  void done(Answer answer) {
    try (InputStream body = answer.body()) {
      body.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // the request succeeded; a body cut short changes nothing
    }
  }

  /** The {@code rel="next"} URL of a paged answer's {@code Link} header. */
  static Optional<String> nextLink(Answer answer) {
    for (String link : answer.headers("Link")) {
      for (String part : link.split(",")) {
        if (part.contains("rel=\"next\"")) {
          int open = part.indexOf('<');
          int close = part.indexOf('>');
          if (open >= 0 && close > open) {
            return Optional.of(part.substring(open + 1, close));
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * PUTs {@code length} bytes of {@code file} from {@code offset} to a signed URL, streamed with
   * a fixed length; returns the answer's ETag, or null. Failures to connect, 429 and 5xx are
   * retried from the start of the slice, the listener told to take back what the broken attempt
   * had counted.
   */
  String put(URI url, Map<String, String> headers, Path file, long offset, long length, TransferListener listener,
      String what) {
    Duration wait = firstBackoff;
    for (int attempt = 1; ; attempt++) {
      long sent = 0;
      HttpURLConnection c = null;
      try {
        c = open(url, false);
        c.setRequestMethod("PUT");
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(length);
        c.setReadTimeout(600_000);
        headers.forEach(c::setRequestProperty);
        try (FileChannel in = FileChannel.open(file); OutputStream out = c.getOutputStream()) {
          byte[] buffer = new byte[1 << 20];
          ByteBuffer wrapped = ByteBuffer.wrap(buffer);
          for (long position = offset, end = offset + length; position < end; ) {
            wrapped.clear().limit((int) Math.min(buffer.length, end - position));
            int n = in.read(wrapped, position);
            if (n < 0) {
              throw new ClientException(ClientException.Kind.REFUSED, file + " changed while it was being uploaded");
            }
            throttle(n);
            out.write(buffer, 0, n);
            position += n;
            sent += n;
            bytesSent.addAndGet(n);
            listener.advanced(n);
          }
        }
        int status = c.getResponseCode();
        if (status < 400) {
          String etag = c.getHeaderField("ETag");
          done(new Answer(c, c.getInputStream()));
          return etag;
        }
        listener.advanced(-sent);
        ClientException refused = failure(status, Objects.requireNonNullElse(c.getHeaderField("X-Error-Code"), ""),
            errorMessage(c), what);
        if ((status >= 500 || status == 429) && attempt < ATTEMPTS) {
          sleep(wait);
          wait = wait.multipliedBy(2);
          continue;
        }
        throw refused;
      } catch (InterruptedIOException e) {
        listener.advanced(-sent);
        throw new ClientException(ClientException.Kind.NETWORK, "Interrupted; run the command again to resume", e);
      } catch (IOException e) {
        listener.advanced(-sent);
        int status = statusAfterBrokenWrite(c);
        if (status >= 400 && status < 500 && status != 429) {   // the hub refused before reading it all
          throw failure(status, Objects.requireNonNullElse(c.getHeaderField("X-Error-Code"), ""), errorMessage(c),
              what);
        }
        if (attempt >= ATTEMPTS) {
          throw new ClientException(ClientException.Kind.NETWORK, "The upload of " + what + " broke off ("
              + describe(e) + "); run the command again to resume it", e);
        }
        sleep(wait);
        wait = wait.multipliedBy(2);
      }
    }
  }

  /**
   * Streams {@code url} from byte {@code offset} (to byte {@code last}, or the end if negative)
   * into {@code sink}. Connection failures before the first byte are retried; a transfer that
   * breaks off midway is a NETWORK failure, to be resumed.
   */
  void download(URI url, long offset, long last, HubClient.Sink sink) {
    Duration wait = firstBackoff;
    for (int attempt = 1; ; attempt++) {
      boolean delivered = false;
      try {
        HttpURLConnection c = getFollowing(url, offset > 0 || last >= 0
            ? "bytes=" + offset + "-" + (last >= 0 ? Long.toString(last) : "") : null);
        int status = c.getResponseCode();
        if (status >= 400) {
          String message = errorMessage(c);
          if ((status >= 500 || status == 429) && attempt < ATTEMPTS) {
            sleep(wait);
            wait = wait.multipliedBy(2);
            continue;
          }
          throw failure(status, Objects.requireNonNullElse(c.getHeaderField("X-Error-Code"), ""), message,
              "download " + url.getPath());
        }
        sink.begin(status);
        try (InputStream in = c.getInputStream()) {
          while (true) {
            byte[] buffer = sink.buffer();
            int n = in.readNBytes(buffer, 0, buffer.length);   // fewer only at the end
            if (n > 0) {
              delivered = true;
              throttle(n);
            }
            sink.accept(buffer, n);
            if (n < buffer.length) {
              return;
            }
          }
        }
      } catch (IOException e) {
        if (delivered || attempt >= ATTEMPTS) {
          throw new ClientException(ClientException.Kind.NETWORK, "The download of " + url.getPath() + " broke off ("
              + describe(e) + "); run the command again to resume it", e);
        }
        sleep(wait);
        wait = wait.multipliedBy(2);
      }
    }
  }

  /**
   * GETs {@code uri}, following redirects by hand (at most five): the token goes along only while
   * the URL is the hub's, never to the storage or CDN a hub may redirect downloads to (a presigned
   * URL that also carries a token is refused by S3).
   */
  private HttpURLConnection getFollowing(URI uri, String range) throws IOException {
    URI current = uri;
    for (int hop = 0; hop <= 5; hop++) {
      HttpURLConnection c = open(current, current.toString().startsWith(endpoint + "/"));
      c.setInstanceFollowRedirects(false);
      c.setReadTimeout(120_000);
      if (range != null) {
        c.setRequestProperty("Range", range);
      }
      int status = c.getResponseCode();
      String location = c.getHeaderField("Location");
      if (status < 300 || status > 399 || location == null) {
        return c;
      }
      try (InputStream body = c.getInputStream()) {
        body.transferTo(OutputStream.nullOutputStream());   // read out, so the connection is reused
      } catch (IOException ignored) {
        // a redirect's body does not matter
      }
      current = current.resolve(location);
    }
    throw new IOException("more than five redirects from " + uri);
  }

  ClientException failure(int status, String code, String message, String what) {
    String detail = message.isBlank() ? "HTTP " + status : message;
    if (status == 401 && (code.isEmpty() || code.equals("InvalidCredentials"))) {
      return new ClientException(ClientException.Kind.AUTH, "The hub refused the token (" + detail
          + "); run `arbor login` with a valid token");
    }
    if (status == 404 || code.equals("RepoNotFound") || code.equals("RevisionNotFound")
        || code.equals("EntryNotFound")) {
      return new ClientException(ClientException.Kind.NOT_FOUND, "Not found: could not " + what + " (" + detail + ")");
    }
    if (status >= 500) {
      return new ClientException(ClientException.Kind.SERVER, "The hub failed to " + what + " (" + detail + ")");
    }
    return new ClientException(ClientException.Kind.REFUSED, "Refused: could not " + what + " (" + detail + ")");
  }

  private HttpURLConnection open(URI uri, boolean withToken) throws IOException {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    c.setConnectTimeout(CONNECT_TIMEOUT_MS);
    c.setInstanceFollowRedirects(true);
    c.setUseCaches(false);
    if (withToken && token != null) {
      c.setRequestProperty("Authorization", "Bearer " + token);
    }
    return c;
  }

  private void throttle(int bytes) throws InterruptedIOException {
    RateLimit limit = rateLimit;
    if (limit != null) {
      limit.acquire(bytes);
    }
  }

  /** The hub's message for a failed answer: its X-Error-Message header, else the JSON body's {@code error}. */
  private static String errorMessage(HttpURLConnection c) {
    String header = c.getHeaderField("X-Error-Message");
    try (InputStream body = c.getErrorStream()) {
      if (header != null || body == null) {
        if (body != null) {
          body.readNBytes(64 * 1024);   // read out, so the connection is reused
        }
        return Objects.requireNonNullElse(header, "");
      }
      JsonNode node = JSON.readTree(body.readNBytes(64 * 1024));
      return node != null && node.has("error") ? node.get("error").asText() : "";
    } catch (IOException e) {
      return Objects.requireNonNullElse(header, "");
    }
  }

  /** After a write broke off, the status the hub answered with, if it answered (-1 if not). */
  private static int statusAfterBrokenWrite(HttpURLConnection c) {
    if (c == null) {
      return -1;
    }
    try {
      return c.getResponseCode();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static String describe(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
