package org.arbor.server.api;

import java.io.IOException;
import org.arbor.core.ErrorCode;
import org.arbor.core.HubException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only place a failure becomes an HTTP response: status, {@code X-Error-Code},
 * {@code X-Error-Message} and a JSON {@code {"error": …}} body (JS only reads bodies whose type is
 * JSON). Anything that is not a {@link HubException} is a bug: logged with the request id, and
 * answered 500 without internals.
 */
final class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);
  /** An unread request body up to this size is read out before an error answers it (see {@link #drain}). */
  private static final long DRAIN_LIMIT = 16L << 20;

  private ApiErrors() {}

  static void write(Exchange ex, HubException e) throws IOException {
    if (ex.response.isCommitted()) {
      return; // the status is out; the client sees a truncated body, which it detects by size
    }
    String requestId = ex.response.getHeader(HfHeaders.X_REQUEST_ID);
    String contentRange = ex.response.getHeader("Content-Range");
    ex.response.reset();
    ex.header(HfHeaders.X_REQUEST_ID, requestId);
    ErrorCode code = e.code();
    if (code == ErrorCode.RANGE_NOT_SATISFIABLE && contentRange != null) {
      ex.header("Content-Range", contentRange);
    }
    code.hfCode().ifPresent(hf -> ex.header(HfHeaders.X_ERROR_CODE, hf));
    ex.header(HfHeaders.X_ERROR_MESSAGE, HfHeaders.headerSafe(e.getMessage()));
    e.repoCommit().ifPresent(commit -> ex.header(HfHeaders.X_REPO_COMMIT, commit.hex()));
    if (code.httpStatus() == 401) {
      // git asks its credential helper on a Basic challenge; git-lfs reads LFS-Authenticate.
      ex.header("WWW-Authenticate", "Basic realm=\"Arbor\", charset=\"UTF-8\"");
      ex.header(HfHeaders.LFS_AUTHENTICATE, "Basic realm=\"Arbor\", charset=\"UTF-8\"");
    }
    ApiServlet.commonHeaders(ex);
    com.fasterxml.jackson.databind.node.ObjectNode body = Json.object().put("error", e.getMessage());
    e.details().forEach(body::put);
    drain(ex);
    ex.json(code.httpStatus(), body);
  }

  /**
   * Reads out what is left of a request body refused before it was read (a forged upload URL, a
   * part of the wrong number). Clients send the whole body before they read the answer; answering
   * and closing mid-body made them see a reset connection, not the refusal. Larger bodies are left
   * unread, and the connection closes.
   */
  private static void drain(Exchange ex) {
    long length = ex.request.getContentLengthLong();
    if (length <= 0 || length > DRAIN_LIMIT) {
      return;
    }
    try (java.io.InputStream in = ex.request.getInputStream()) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException | IllegalStateException e) {
      // already read, or gone: the answer goes out regardless
    }
  }

  static void unexpected(Exchange ex, String requestId, Throwable e) throws IOException {
    log.error("request {} failed: {} {}", requestId, ex.method(), ex.request.getRequestURI(), e);
    if (ex.response.isCommitted()) {
      return;
    }
    ex.response.reset();
    ex.header(HfHeaders.X_REQUEST_ID, requestId);
    ApiServlet.commonHeaders(ex);
    String message = "Internal error (request " + requestId + ")";
    ex.header(HfHeaders.X_ERROR_MESSAGE, message);
    ex.json(500, Json.object().put("error", message));
  }
}
