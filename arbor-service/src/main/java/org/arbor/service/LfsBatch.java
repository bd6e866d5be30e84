package org.arbor.service;

import java.util.List;

/** A git-lfs batch request and the server's answer, transport-neutral. */
public final class LfsBatch {
  private LfsBatch() {}

  public record ObjectRequest(String oid, long size) {}

  /**
   * The answer for one object: an {@code href} to transfer it (relative to the server's base URL,
   * or absolute when it points elsewhere, such as a presigned object-store URL),
   * none when nothing needs doing, or an error code and message. A multipart upload also has its
   * part size and one href per part; its {@code href} is then the completion URL. An upload straight
   * into the object store has the headers its client must send and the hub's {@code verify} URL,
   * which publishes the object once it is checked.
   */
  public record ObjectResult(String oid, long size, String action, String href, long expiresIn,
      int errorCode, String errorMessage, long partSize, List<String> partHrefs, java.util.Map<String, String> headers,
      String verifyHref) {
    ObjectResult(String oid, long size, String action, String href, long expiresIn, long partSize,
        List<String> partHrefs) {
      this(oid, size, action, href, expiresIn, 0, null, partSize, partHrefs, java.util.Map.of(), null);
    }

    static ObjectResult done(ObjectRequest o) {
      return new ObjectResult(o.oid(), o.size(), null, null, 0, 0, List.of());
    }

    static ObjectResult error(ObjectRequest o, int code, String message) {
      return new ObjectResult(o.oid(), o.size(), null, null, 0, code, message, 0, List.of(), java.util.Map.of(), null);
    }

    public boolean isMultipart() {
      return !partHrefs.isEmpty();
    }
  }

  /** A part of a multipart upload: as the client names it at completion, or as the hub holds it. */
  public record Part(int partNumber, String etag) {}

  public record Result(List<ObjectResult> objects) {}
}
