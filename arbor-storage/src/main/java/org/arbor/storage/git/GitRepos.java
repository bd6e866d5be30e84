package org.arbor.storage.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Repository;

/**
 * The git repositories of the hub, each named by its storage key (the repository's stable internal
 * id, so renaming a repository never moves anything). Kept by a {@link RepoStorage}: bare
 * repositories under a folder ({@link #GitRepos(Path)}), or packs in object storage with refs in SQL
 * for hubs of several nodes ({@code org.arbor.storage.git.dfs.DfsRepoStorage}). Both behave alike.
 */
public final class GitRepos implements AutoCloseable {
  private static final Pattern KEY = Pattern.compile("[a-z0-9]{8,64}");

  private final RepoStorage storage;

  /** Bare repositories on disk under {@code root}. */
  public GitRepos(Path root) throws IOException {
    this(new FileRepoStorage(root));
  }

  public GitRepos(RepoStorage storage) {
    this.storage = storage;
  }

  /** Where the repositories are kept, for maintenance jobs particular to a storage. */
  public RepoStorage storage() {
    return storage;
  }

  /** Creates an empty bare repository whose HEAD names {@code defaultBranch}. */
  public GitRepo create(String key, String defaultBranch) throws IOException {
    return new GitRepo(storage.create(checked(key), defaultBranch));
  }

  /** Opens an existing repository, showing every write committed before this call. */
  public GitRepo open(String key) throws IOException {
    return new GitRepo(storage.open(checked(key)));
  }

  /** The JGit repository itself, for the git smart-HTTP edge. */
  public Repository repository(String key) throws IOException {
    return storage.open(checked(key));
  }

  /** Removes a repository's storage. */
  public void delete(String key) throws IOException {
    storage.delete(checked(key));
  }

  @Override
  public void close() {
    storage.close();
  }

  private static String checked(String key) {
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("invalid repository storage key: " + key);
    }
    return key;
  }
}
