package org.arbor.storage.git;

import java.nio.file.Path;
import org.arbor.storage.git.dfs.DfsTestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every behaviour of a repository, on object storage: pack files in an in-process S3 server, refs
 * and pack lists in the database a subclass chooses. The storage starts with the first test of a
 * class and stops after its last.
 */
abstract class DfsGitRepoTest extends GitRepoTest {
  @TempDir static Path bedDir;
  private static DfsTestBed bed;
  private String prefix;

  /** PostgreSQL (embedded) rather than SQLite. */
  abstract boolean postgres();

  @AfterAll
  static void stopStorage() throws Exception {
    if (bed != null) {
      bed.close();
      bed = null;
    }
  }

  @Override
  GitRepos newRepos() throws Exception {
    if (bed == null) {
      bed = DfsTestBed.start(bedDir, postgres());
    }
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
