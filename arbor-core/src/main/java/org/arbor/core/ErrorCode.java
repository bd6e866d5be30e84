package org.arbor.core;

import java.util.Optional;

/**
 * Every failure a client can see, as a table. The {@code hfCode} is what huggingface_hub dispatches
 * on (utils/_http.py, hf_raise_for_status reads X-Error-Code before it looks at the status); a
 * code without one sends no X-Error-Code header, as the Hub does.
 */
public enum ErrorCode {
  /** Missing, or private and invisible to the caller: existence is never leaked. */
  REPO_NOT_FOUND("RepoNotFound", 404),
  /** The same, for a caller without credentials: 401 makes git and the clients offer to log in. */
  REPO_NOT_FOUND_UNAUTHENTICATED("RepoNotFound", 401),
  REVISION_NOT_FOUND("RevisionNotFound", 404),
  ENTRY_NOT_FOUND("EntryNotFound", 404),
  /** A gated repository's content, asked for by someone without credentials (401) or without access (403). */
  GATED_REPO_UNAUTHENTICATED("GatedRepo", 401),
  GATED_REPO("GatedRepo", 403),
  BAD_REQUEST(null, 400),
  /** No or bad credentials where credentials are required. */
  UNAUTHORIZED(null, 401),
  FORBIDDEN(null, 403),
  /** A file the scanner judged unsafe, refused under a {@code block} scan policy. */
  UNSAFE_FILE("UnsafeFile", 403),
  METHOD_NOT_ALLOWED(null, 405),
  CONFLICT(null, 409),
  /** A {@code parentCommit} that is no longer the head of the branch. */
  PRECONDITION_FAILED(null, 412),
  CONTENT_TOO_LARGE(null, 413),
  RANGE_NOT_SATISFIABLE(null, 416),
  TOO_MANY_REQUESTS(null, 429),
  /** The request names something Arbor deliberately does not do (yet): Spaces, Xet. */
  NOT_IMPLEMENTED(null, 501);

  private final String hfCode;
  private final int httpStatus;

  ErrorCode(String hfCode, int httpStatus) {
    this.hfCode = hfCode;
    this.httpStatus = httpStatus;
  }

  public Optional<String> hfCode() {
    return Optional.ofNullable(hfCode);
  }

  public int httpStatus() {
    return httpStatus;
  }
}
