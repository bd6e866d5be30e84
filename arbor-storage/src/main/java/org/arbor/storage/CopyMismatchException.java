package org.arbor.storage;

import java.io.IOException;

/**
 * A copy that does not match its source once made: the message names what differs (a table, an
 * object, a repository's ref) with the source's and the copy's values.
 */
public final class CopyMismatchException extends IOException {
  public CopyMismatchException(String message) {
    super(message);
  }
}
