package org.arbor.storage.git;

/** Every behaviour of a repository, on object storage with PostgreSQL (embedded). */
class PostgresDfsGitRepoTest extends DfsGitRepoTest {
  @Override
  boolean postgres() {
    return true;
  }
}
