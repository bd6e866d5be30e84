package org.arbor.storage.git.dfs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.arbor.storage.db.Database;
import org.eclipse.jgit.lib.Constants;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The rows of {@code git_repos}: which repositories exist, and their versions. */
final class GitRepoRows {
  private final Jdbi jdbi;

  GitRepoRows(Database db) {
    this.jdbi = db.jdbi();
  }

  /** Records a new repository with HEAD naming {@code refs/heads/<defaultBranch>}; false if it exists. */
  boolean create(String key, String defaultBranch, Instant now) {
    return jdbi.inTransaction(h -> {
      int inserted = h.createUpdate("""
              INSERT INTO git_repos (repo_key, refs_version, packs_version, created_at) VALUES (:key, 1, 1, :now)
              ON CONFLICT (repo_key) DO NOTHING""")
          .bind("key", key).bind("now", now.toEpochMilli()).execute();
      if (inserted == 0) {
        return false;
      }
      h.createUpdate("INSERT INTO git_refs (repo_key, name, target) VALUES (:key, :name, :target)")
          .bind("key", key).bind("name", Constants.HEAD).bind("target", Constants.R_HEADS + defaultBranch).execute();
      return true;
    });
  }

  /** The versions of a repository; empty if it does not exist. The one query of an open. */
  Optional<Versions> versions(String key) {
    return jdbi.withHandle(h -> h.createQuery("SELECT refs_version, packs_version FROM git_repos WHERE repo_key = :key")
        .bind("key", key)
        .map((rs, ctx) -> new Versions(rs.getLong(1), rs.getLong(2)))
        .findOne());
  }

  /** Removes a repository and its refs; its packs become garbage as of {@code now}. False if it did not exist. */
  boolean delete(String key, Instant now) {
    return jdbi.inTransaction(h -> {
      h.createUpdate("""
              INSERT INTO git_pack_garbage (repo_key, pack_name, since)
              SELECT repo_key, pack_name, :now FROM git_packs WHERE repo_key = :key
              ON CONFLICT (repo_key, pack_name) DO NOTHING""")
          .bind("key", key).bind("now", now.toEpochMilli()).execute();
      h.createUpdate("DELETE FROM git_packs WHERE repo_key = :key").bind("key", key).execute();
      h.createUpdate("DELETE FROM git_refs WHERE repo_key = :key").bind("key", key).execute();
      return h.createUpdate("DELETE FROM git_repos WHERE repo_key = :key").bind("key", key).execute() > 0;
    });
  }

  /** Repositories with more than {@code packs} live packs, most packs first. */
  List<String> withMorePacksThan(int packs, int limit) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT repo_key FROM git_packs GROUP BY repo_key HAVING COUNT(*) > :packs
            ORDER BY COUNT(*) DESC, repo_key LIMIT :limit""")
        .bind("packs", packs).bind("limit", limit)
        .mapTo(String.class).list());
  }

  /** Counts one more change of the refs; the new version (empty if the repository is gone). */
  static Optional<Long> bumpRefs(Handle h, String key) {
    return h.createQuery("UPDATE git_repos SET refs_version = refs_version + 1 WHERE repo_key = :key RETURNING refs_version")
        .bind("key", key).mapTo(Long.class).findOne();
  }

  /** Counts one more change of the pack list; the new version (empty if the repository is gone). */
  static Optional<Long> bumpPacks(Handle h, String key) {
    return h.createQuery("UPDATE git_repos SET packs_version = packs_version + 1 WHERE repo_key = :key RETURNING packs_version")
        .bind("key", key).mapTo(Long.class).findOne();
  }
}
