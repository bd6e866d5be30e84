package org.arbor.storage.git;

import java.util.Optional;
import org.arbor.core.GitHash;
import org.arbor.core.LfsPointer;

/**
 * One entry of a git tree at some commit. For a file, {@code size} is the git blob's size (the
 * pointer's size for LFS files) and {@code lfs} is the pointer it holds, if it is one.
 */
public record GitEntry(String path, Kind kind, GitHash oid, long size, Optional<LfsPointer> lfs) {
  public enum Kind { FILE, DIRECTORY }

  public boolean isDirectory() {
    return kind == Kind.DIRECTORY;
  }
}
