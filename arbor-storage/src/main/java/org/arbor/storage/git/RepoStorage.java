package org.arbor.storage.git;

import java.io.IOException;
import org.eclipse.jgit.lib.Repository;

/**
 * Where the repositories of {@link GitRepos} are kept: bare repositories on a local disk, or packs
 * in object storage with refs in SQL. Keys reach here already checked. The repositories handed out
 * are shared (JGit's {@link Repository} is safe for concurrent use) and stay owned by the storage.
 */
public interface RepoStorage extends AutoCloseable {
  /** Creates an empty repository whose HEAD names {@code refs/heads/<defaultBranch>}; fails if it exists. */
  Repository create(String key, String defaultBranch) throws IOException;

  /**
   * The repository, showing every write committed before this call, on this node or another.
   *
   * @throws IOException if there is no such repository
   */
  Repository open(String key) throws IOException;

  /** Removes a repository; nothing happens if it does not exist. */
  void delete(String key) throws IOException;

  @Override
  void close();
}
