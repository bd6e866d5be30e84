package org.arbor.client;

/**
 * A failure a command reports in one line, with the exit code that names its kind. The message
 * says what happened and, where there is one, what to do.
 */
public final class ClientException extends RuntimeException {
  /** Kinds of failure and their exit codes (documented in the README). */
  public enum Kind {
    AUTH(3), NOT_FOUND(4), REFUSED(5), NETWORK(6), INTEGRITY(7), SERVER(8);

    private final int exitCode;

    Kind(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  private final Kind kind;

  public ClientException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ClientException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
