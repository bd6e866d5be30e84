package org.arbor.service;

import java.util.List;
import java.util.Optional;
import org.arbor.core.GitHash;

/**
 * A file or folder as tree listings and paths-info show it. {@code size} is the real size (the
 * large file's for LFS files); {@code oid} is the git object id (the pointer's, for LFS files).
 */
public record FileEntry(boolean directory, String path, GitHash oid, long size, Optional<LfsInfo> lfs,
    Optional<CommitSummary> lastCommit, Optional<Security> security) {

  /** The scan status of a file: {@code queued} until its scan ran, else the verdict and the imports it found. */
  public record Security(String status, List<String[]> pickleImports, String message) {}
}
