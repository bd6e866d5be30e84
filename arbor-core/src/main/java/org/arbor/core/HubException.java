package org.arbor.core;

/**
 * A failure meant for the client. Services throw it; only the HTTP edge turns it into a response.
 * The message is shown to users verbatim by both official clients, so it says what is wrong and,
 * where there is one, what to do instead.
 */
public final class HubException extends RuntimeException {
  private final ErrorCode code;
  private final GitHash repoCommit;
  private final java.util.Map<String, String> details;

  public HubException(ErrorCode code, String message) {
    this(code, message, null);
  }

  private HubException(ErrorCode code, String message, GitHash repoCommit) {
    this(code, message, repoCommit, java.util.Map.of());
  }

  private HubException(ErrorCode code, String message, GitHash repoCommit, java.util.Map<String, String> details) {
    super(message, null, false, false);
    this.code = code;
    this.repoCommit = repoCommit;
    this.details = details;
  }

  /**
   * The same failure with one more field in the JSON error body, for clients that read more than
   * {@code error} (huggingface_hub reads {@code url} from the 409 of an existing repo).
   */
  public HubException withDetail(String key, String value) {
    java.util.Map<String, String> more = new java.util.LinkedHashMap<>(details);
    more.put(key, value);
    return new HubException(code, getMessage(), repoCommit, java.util.Collections.unmodifiableMap(more));
  }

  public java.util.Map<String, String> details() {
    return details;
  }

  public ErrorCode code() {
    return code;
  }

  /** The commit a missing entry was looked up in; huggingface_hub caches the miss under it (X-Repo-Commit). */
  public java.util.Optional<GitHash> repoCommit() {
    return java.util.Optional.ofNullable(repoCommit);
  }

  /** A missing or invisible repository: 401 to anonymous callers, 404 to authenticated ones, as the Hub does. */
  public static HubException repoNotFound(boolean authenticated) {
    return new HubException(
        authenticated ? ErrorCode.REPO_NOT_FOUND : ErrorCode.REPO_NOT_FOUND_UNAUTHENTICATED,
        "Repository not found");
  }

  public static HubException revisionNotFound(String revision) {
    return new HubException(ErrorCode.REVISION_NOT_FOUND, "Invalid rev id: " + revision);
  }

  public static HubException entryNotFound(String message) {
    return new HubException(ErrorCode.ENTRY_NOT_FOUND, message);
  }

  public static HubException entryNotFound(String message, GitHash commit) {
    return new HubException(ErrorCode.ENTRY_NOT_FOUND, message, commit);
  }

  public static HubException badRequest(String message) {
    return new HubException(ErrorCode.BAD_REQUEST, message);
  }

  /** The exact text huggingface_hub special-cases so that a bad token is not reported as a missing repo. */
  public static HubException invalidCredentials() {
    return new HubException(ErrorCode.UNAUTHORIZED, "Invalid credentials in Authorization header");
  }

  public static HubException unauthorized(String message) {
    return new HubException(ErrorCode.UNAUTHORIZED, message);
  }

  public static HubException forbidden(String message) {
    return new HubException(ErrorCode.FORBIDDEN, message);
  }

  public static HubException conflict(String message) {
    return new HubException(ErrorCode.CONFLICT, message);
  }

  public static HubException notImplemented(String message) {
    return new HubException(ErrorCode.NOT_IMPLEMENTED, message);
  }
}
