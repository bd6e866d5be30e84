package org.arbor.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.arbor.core.HubException;
import org.arbor.service.Caller;

/**
 * One request and its response, as handlers see them: the raw path split into segments (decoded
 * one at a time, so an encoded {@code %2F} stays inside its segment), query parameters, bodies,
 * the caller, and the public base URL for absolute links.
 */
final class Exchange {
  /** JSON request bodies are small; anything larger is refused rather than buffered. */
  static final int MAX_JSON_BODY = 64 * 1024 * 1024;

  final HttpServletRequest request;
  final HttpServletResponse response;
  private final List<String> raw;
  private final String baseUrl;
  private final Function<String, Caller> authenticator;
  private Map<String, List<String>> query;
  private Caller caller;

  Exchange(HttpServletRequest request, HttpServletResponse response, String baseUrl,
      Function<String, Caller> authenticator) {
    this.request = request;
    this.response = response;
    this.baseUrl = baseUrl;
    this.authenticator = authenticator;
    this.raw = splitPath(request.getRequestURI());
  }

  /** The client's address as the connection shows it. */
  String clientAddress() {
    return request.getRemoteAddr();
  }

  String method() {
    return request.getMethod();
  }

  /** The caller, authenticated from the Authorization header on first use; a bad token is a 401. */
  Caller caller() {
    if (caller == null) {
      caller = authenticator.apply(org.arbor.server.Credentials.token(request.getHeader("Authorization")));
    }
    return caller;
  }


  /** The server's public base URL, e.g. {@code http://localhost:8080}, without a trailing slash. */
  String baseUrl() {
    return baseUrl;
  }

  int segments() {
    return raw.size();
  }

  /** Path segment {@code i}, exactly as sent (still percent-encoded). */
  String raw(int i) {
    return raw.get(i);
  }

  /** Path segment {@code i}, percent-decoded once. */
  String segment(int i) {
    return PercentDecoder.decode(raw.get(i));
  }

  /** The decoded segments from {@code from} on. */
  List<String> segmentsFrom(int from) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < raw.size(); i++) {
      out.add(segment(i));
    }
    return out;
  }

  /** The decoded segments from {@code from} on, joined with {@code /} (empty if none). */
  String rest(int from) {
    return String.join("/", segmentsFrom(from));
  }

  String query(String name) {
    List<String> values = queryAll(name);
    return values.isEmpty() ? null : values.get(0);
  }

  /** Every value of a repeated parameter; {@code name[]} counts as {@code name}. */
  List<String> queryAll(String name) {
    Map<String, List<String>> query = queryParameters();
    List<String> out = new ArrayList<>(query.getOrDefault(name, List.of()));
    out.addAll(query.getOrDefault(name + "[]", List.of()));
    return out;
  }

  /** A boolean parameter: {@code true}, {@code 1} and {@code yes} in any case are true. */
  boolean flag(String name, boolean otherwise) {
    String value = query(name);
    return value == null ? otherwise : truthy(value);
  }

  int intQuery(String name, int otherwise, int max) {
    String value = query(name);
    if (value == null || value.isEmpty()) {
      return otherwise;
    }
    try {
      int n = Integer.parseInt(value);
      if (n < 0) {
        throw HubException.badRequest("Invalid " + name + ": " + value);
      }
      return Math.min(n, max);
    } catch (NumberFormatException e) {
      throw HubException.badRequest("Invalid " + name + ": " + value);
    }
  }

  Map<String, List<String>> queryParameters() {
    if (query == null) {
      query = parseQuery(request.getQueryString());
    }
    return query;
  }

  String header(String name) {
    return request.getHeader(name);
  }

  InputStream body() throws IOException {
    return request.getInputStream();
  }

  /** The body as JSON; an empty body is an empty object. */
  JsonNode readJson() throws IOException {
    byte[] body = readBody(MAX_JSON_BODY);
    if (body.length == 0) {
      return Json.object();
    }
    try {
      return Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw HubException.badRequest("Malformed JSON body: " + e.getOriginalMessage());
    }
  }

  /** The body as {@code application/x-www-form-urlencoded} pairs. */
  Map<String, List<String>> readForm() throws IOException {
    return parseQuery(new String(readBody(MAX_JSON_BODY), StandardCharsets.UTF_8));
  }

  boolean hasJsonBody() {
    String type = request.getContentType();
    return type == null || type.toLowerCase(Locale.ROOT).contains("json");
  }

  byte[] readBody(int max) throws IOException {
    try (InputStream in = request.getInputStream()) {
      byte[] body = in.readNBytes(max + 1);
      if (body.length > max) {
        throw new HubException(org.arbor.core.ErrorCode.CONTENT_TOO_LARGE, "Request body larger than " + max + " bytes");
      }
      return body;
    }
  }

  void header(String name, String value) {
    response.setHeader(name, value);
  }

  void json(int status, JsonNode body) throws IOException {
    send(status, "application/json; charset=utf-8", body);
  }

  /** A git-lfs API answer: JSON with the LFS media type. */
  void lfsJson(int status, JsonNode body) throws IOException {
    send(status, HfHeaders.LFS_JSON, body);
  }

  private void send(int status, String contentType, JsonNode body) throws IOException {
    byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
    response.setStatus(status);
    response.setContentType(contentType);
    response.setContentLength(bytes.length);
    if (!method().equals("HEAD")) {
      try (OutputStream out = response.getOutputStream()) {
        out.write(bytes);
      }
    }
  }

  void json(JsonNode body) throws IOException {
    json(200, body);
  }

  /** A link to the next page: this URL, with every parameter kept and the cursor replaced. */
  String nextLink(int offset) {
    return nextLink(Integer.toString(offset));
  }

  /** {@link #nextLink(int)} with an opaque cursor. */
  String nextLink(String cursor) {
    StringBuilder url = new StringBuilder(baseUrl).append(request.getRequestURI());
    char sep = '?';
    for (Map.Entry<String, List<String>> e : queryParameters().entrySet()) {
      if (e.getKey().equals("cursor")) {
        continue;
      }
      for (String v : e.getValue()) {
        url.append(sep).append(encode(e.getKey())).append('=').append(encode(v));
        sep = '&';
      }
    }
    url.append(sep).append("cursor=").append(encode(cursor));
    return "<" + url + ">; rel=\"next\"";
  }

  /** The offset a {@link #nextLink} cursor carries, or 0. */
  int cursor() {
    return intQuery("cursor", 0, Integer.MAX_VALUE);
  }

  static boolean truthy(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    return v.equals("true") || v.equals("1") || v.equals("yes");
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static List<String> splitPath(String uri) {
    List<String> out = new ArrayList<>();
    for (String part : uri.split("/", -1)) {
      out.add(part);
    }
    if (!out.isEmpty() && out.get(0).isEmpty()) {
      out.remove(0);
    }
    if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  private static Map<String, List<String>> parseQuery(String query) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return out;
    }
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
      } catch (IllegalArgumentException e) {
        throw HubException.badRequest("Malformed query string");
      }
    }
    return out;
  }
}
