package org.arbor.storage.git;

import java.nio.file.Path;
import org.arbor.storage.git.dfs.DfsTestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Every behaviour of a repository, on object storage with PostgreSQL (embedded). */
class PostgresDfsGitRepoTest extends GitRepoTest {
  private static DfsTestBed bed;
  private String prefix;

  @BeforeAll
  static void startStorage(@TempDir Path dir) throws Exception {
    bed = DfsTestBed.start(dir, true);
  }

  @AfterAll
  static void stopStorage() throws Exception {
    bed.close();
  }

  @Override
  GitRepos newRepos() {
    if (prefix == null) {
      prefix = bed.freshPrefix();
    }
    return new GitRepos(bed.storage(prefix));
  }

  @Override
  boolean isStored(String key) {
    return bed.isStored(key);
  }
}
