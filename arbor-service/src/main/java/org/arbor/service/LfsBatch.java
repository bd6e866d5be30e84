package org.arbor.service;

import java.util.List;

/** A git-lfs batch request and the server's answer, transport-neutral. */
public final class LfsBatch {
  private LfsBatch() {}

  public record ObjectRequest(String oid, long size) {}

  /**
   * The answer for one object: an {@code href} to transfer it (relative to the server's base URL),
   * none when nothing needs doing, or an error code and message.
   */
  public record ObjectResult(String oid, long size, String action, String href, long expiresIn,
      int errorCode, String errorMessage) {
    static ObjectResult done(ObjectRequest o) {
      return new ObjectResult(o.oid(), o.size(), null, null, 0, 0, null);
    }

    static ObjectResult error(ObjectRequest o, int code, String message) {
      return new ObjectResult(o.oid(), o.size(), null, null, 0, code, message);
    }
  }

  public record Result(List<ObjectResult> objects) {}
}
