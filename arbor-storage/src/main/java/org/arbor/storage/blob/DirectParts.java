package org.arbor.storage.blob;

import java.net.URI;
import java.util.List;

/**
 * Where a client may PUT the parts of an object straight into the store: the store's id for the
 * upload and one presigned URL per part, in part order. The client keeps the ETag each PUT answers
 * and names it at completion ({@link BlobStore#completeDirectParts}).
 */
public record DirectParts(String uploadId, List<URI> partUrls) {
  public DirectParts {
    partUrls = List.copyOf(partUrls);
  }
}
