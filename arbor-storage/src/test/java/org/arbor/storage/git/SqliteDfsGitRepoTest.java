package org.arbor.storage.git;

/** Every behaviour of a repository, on object storage with SQLite. */
class SqliteDfsGitRepoTest extends DfsGitRepoTest {
  @Override
  boolean postgres() {
    return false;
  }
}
