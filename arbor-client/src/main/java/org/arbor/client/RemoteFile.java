package org.arbor.client;

/**
 * A file of a revision as the hub lists it: its path, size, git blob id, and the SHA-256 of its
 * content when it is stored with LFS (null for a regular git file).
 */
public record RemoteFile(String path, long size, String blobId, String lfsSha256) {
  /** The ETag the hub serves for it: the LFS SHA-256, or the git blob id. */
  public String etag() {
    return lfsSha256 != null ? lfsSha256 : blobId;
  }
}
