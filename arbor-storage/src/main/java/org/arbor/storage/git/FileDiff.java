package org.arbor.storage.git;

/**
 * One file a commit changed: {@code change} is add, modify, delete, rename or copy; {@code patch}
 * holds the unified-diff hunks of a text file, or null for a binary, LFS-tracked or too large one.
 */
public record FileDiff(String change, String oldPath, String newPath, String patch) {
  public String path() {
    return change.equals("delete") ? oldPath : newPath;
  }
}
