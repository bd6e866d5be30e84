package org.arbor.storage.git.dfs;

/** Nodes on object storage sharing a PostgreSQL database (zonky's embedded server). */
class PostgresDfsGitReposTest extends DfsGitReposTest {
  @Override
  boolean postgres() {
    return true;
  }
}
