package org.arbor.formats.zip;

import java.io.IOException;

/**
 * A member's data cannot be read: corrupt or truncated deflate data, an unsupported method, or
 * more bytes than declared or allowed. Thrown from streams, hence an {@link IOException}; callers
 * that scan archives turn it into a finding.
 */
public final class ZipDataException extends IOException {
  public ZipDataException(String message) {
    super(message);
  }
}
