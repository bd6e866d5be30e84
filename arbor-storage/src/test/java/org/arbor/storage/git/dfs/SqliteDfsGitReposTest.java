package org.arbor.storage.git.dfs;

/** Nodes on object storage sharing a SQLite database. */
class SqliteDfsGitReposTest extends DfsGitReposTest {
  @Override
  boolean postgres() {
    return false;
  }
}
