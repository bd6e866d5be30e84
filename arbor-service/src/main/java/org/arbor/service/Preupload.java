package org.arbor.service;

/** One file a client is about to commit: its path, size and the first bytes of its content. */
public record Preupload(String path, long size, byte[] sample) {
  /** The server's decision for it. {@code oid} is the remote file's id at that path, if any. */
  public record Decision(String path, boolean lfs, boolean shouldIgnore, String oid) {}
}
