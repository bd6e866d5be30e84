package org.arbor.storage.blob;

import java.net.URI;
import java.util.Map;

/**
 * Where a client may PUT an object straight into the store: a presigned URL and the headers the
 * client must send with it (they are part of what is signed, such as the SHA-256 the store checks
 * the body against). Nothing the client sends there is visible until
 * {@link BlobStore#completeDirectUpload} has verified it.
 */
public record DirectUpload(URI url, Map<String, String> headers) {
  public DirectUpload {
    headers = Map.copyOf(headers);
  }
}
