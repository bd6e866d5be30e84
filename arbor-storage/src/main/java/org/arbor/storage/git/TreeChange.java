package org.arbor.storage.git;

import org.arbor.core.GitHash;

/** One change a commit makes to the tree of its parent. */
public sealed interface TreeChange {
  String path();

  /** Adds or replaces the file at {@code path} with the blob {@code blob}. */
  record Put(String path, GitHash blob) implements TreeChange {}

  /** Deletes the file at {@code path}; it must exist. */
  record DeleteFile(String path) implements TreeChange {}

  /** Deletes every file under the folder {@code path}; at least one must exist. */
  record DeleteFolder(String path) implements TreeChange {}
}
