package org.arbor.server.api;

/** Response and request header names the Hugging Face clients read or send, in one place. */
final class HfHeaders {
  static final String X_ERROR_CODE = "X-Error-Code";
  static final String X_ERROR_MESSAGE = "X-Error-Message";
  static final String X_REQUEST_ID = "X-Request-Id";
  static final String X_AMZN_TRACE_ID = "X-Amzn-Trace-Id";
  static final String X_REPO_COMMIT = "X-Repo-Commit";
  static final String X_LINKED_ETAG = "X-Linked-Etag";
  static final String X_LINKED_SIZE = "X-Linked-Size";
  static final String X_TOTAL_COUNT = "X-Total-Count";
  static final String X_XET_HASH = "X-Xet-Hash";
  static final String X_XET_REFRESH_ROUTE = "X-Xet-Refresh-Route";
  static final String LINK = "Link";
  static final String LFS_AUTHENTICATE = "LFS-Authenticate";
  static final String LFS_JSON = "application/vnd.git-lfs+json";

  /** Headers a browser may read cross-origin: the clients read all of these. */
  static final String EXPOSED = String.join(", ", "Content-Range", "Content-Length", "Accept-Ranges", "ETag",
      X_LINKED_ETAG, X_LINKED_SIZE, X_REPO_COMMIT, X_ERROR_CODE, X_ERROR_MESSAGE, X_REQUEST_ID, LINK,
      X_TOTAL_COUNT, X_XET_HASH, X_XET_REFRESH_ROUTE);

  private HfHeaders() {}

  /** A header value cannot hold line breaks or non-ASCII; keep the message readable regardless. */
  static String headerSafe(String message) {
    StringBuilder out = new StringBuilder(Math.min(message.length(), 1000));
    for (int i = 0; i < message.length() && out.length() < 1000; i++) {
      char c = message.charAt(i);
      out.append(c < 0x20 || c > 0x7e ? ' ' : c);
    }
    return out.toString();
  }
}
