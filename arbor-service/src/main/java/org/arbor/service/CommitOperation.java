package org.arbor.service;

/** One line of an NDJSON commit after the header. Paths are validated by the service. */
public sealed interface CommitOperation {
  String path();

  /** A regular file, sent inline. */
  record AddFile(String path, byte[] content) implements CommitOperation {}

  /** A file whose bytes were uploaded to LFS beforehand; {@code size} may be unknown (-1). */
  record AddLfsFile(String path, String oid, long size) implements CommitOperation {}

  record DeleteFile(String path) implements CommitOperation {}

  record DeleteFolder(String path) implements CommitOperation {}
}
