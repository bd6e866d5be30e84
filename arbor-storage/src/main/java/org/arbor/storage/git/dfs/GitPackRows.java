package org.arbor.storage.git.dfs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.arbor.storage.db.Database;
import org.jdbi.v3.core.Jdbi;

/**
 * The rows of {@code git_packs} (the live packs of each repository) and {@code git_pack_garbage}
 * (packs whose files are to be deleted once old enough: being written, replaced, or orphaned).
 */
final class GitPackRows {
  /** The live packs of a repository and its pack version, read together. */
  record Listing(long version, List<PackRow> packs) {}

  /** A pack of a repository whose files may go. */
  record Garbage(String repoKey, String packName) {}

  /** A commit that must not happen: its pack is gone, or a pack it replaces was replaced already. */
  static final class StaleCommitException extends RuntimeException {
    StaleCommitException(String message) {
      super(message);
    }
  }

  private final Jdbi jdbi;

  GitPackRows(Database db) {
    this.jdbi = db.jdbi();
  }

  /** The live packs; empty if the repository does not exist. */
  Optional<Listing> list(String key) {
    return jdbi.withHandle(h -> {
      List<PackRow> packs = new ArrayList<>();
      long[] version = {-1};
      h.createQuery("""
              SELECT r.packs_version, p.pack_name, p.source, p.files, p.object_count, p.delta_count, p.index_version,
                p.created_at
              FROM git_repos r LEFT JOIN git_packs p ON p.repo_key = r.repo_key WHERE r.repo_key = :key""")
          .bind("key", key)
          .map((rs, ctx) -> {
            version[0] = rs.getLong(1);
            if (rs.getString(2) != null) {
              packs.add(new PackRow(rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getLong(6),
                  rs.getInt(7), rs.getLong(8)));
            }
            return version[0];
          })
          .list();
      return version[0] < 0 ? Optional.empty() : Optional.of(new Listing(version[0], packs));
    });
  }

  /**
   * Notes a pack's files as garbage as of {@code since}: a pack about to be written is, until it
   * is committed.
   */
  void note(String key, String packName, Instant since) {
    jdbi.useHandle(h -> h.createUpdate("INSERT INTO git_pack_garbage (repo_key, pack_name, since) VALUES (:key, :name, :now)")
        .bind("key", key).bind("name", packName).bind("now", since.toEpochMilli()).execute());
  }

  /**
   * Lists {@code add} and unlists {@code replace} (whose files become garbage as of {@code now}) in
   * one transaction; the new pack version.
   *
   * @throws StaleCommitException if a new pack's files were swept meanwhile, a replaced pack is no
   *     longer listed (another compaction won), or the repository is gone; nothing changed then
   */
  long commit(String key, List<PackRow> add, List<String> replace, Instant now) {
    return jdbi.inTransaction(h -> {
      for (PackRow pack : add) {
        if (h.createUpdate("DELETE FROM git_pack_garbage WHERE repo_key = :key AND pack_name = :name")
            .bind("key", key).bind("name", pack.name()).execute() != 1) {
          throw new StaleCommitException("pack " + pack.name() + " of " + key + " was swept before its commit");
        }
        h.createUpdate("""
                INSERT INTO git_packs (repo_key, pack_name, source, files, object_count, delta_count, index_version,
                  created_at)
                VALUES (:key, :name, :source, :files, :objects, :deltas, :indexVersion, :createdAt)""")
            .bind("key", key).bind("name", pack.name()).bind("source", pack.source()).bind("files", pack.files())
            .bind("objects", pack.objectCount()).bind("deltas", pack.deltaCount())
            .bind("indexVersion", pack.indexVersion()).bind("createdAt", pack.createdAt())
            .execute();
      }
      for (String name : replace) {
        if (h.createUpdate("DELETE FROM git_packs WHERE repo_key = :key AND pack_name = :name")
            .bind("key", key).bind("name", name).execute() != 1) {
          throw new StaleCommitException("pack " + name + " of " + key + " was replaced already");
        }
        h.createUpdate("INSERT INTO git_pack_garbage (repo_key, pack_name, since) VALUES (:key, :name, :now)")
            .bind("key", key).bind("name", name).bind("now", now.toEpochMilli()).execute();
      }
      return GitRepoRows.bumpPacks(h, key)
          .orElseThrow(() -> new StaleCommitException("repository " + key + " was deleted"));
    });
  }

  /** Garbage noted before {@code cutoff}, oldest first. */
  List<Garbage> garbageBefore(Instant cutoff, int limit) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT repo_key, pack_name FROM git_pack_garbage WHERE since < :cutoff ORDER BY since, repo_key, pack_name
            LIMIT :limit""")
        .bind("cutoff", cutoff.toEpochMilli()).bind("limit", limit)
        .map((rs, ctx) -> new Garbage(rs.getString(1), rs.getString(2)))
        .list());
  }

  /**
   * Takes a pack off the garbage list if it is still there and older than {@code cutoff}: true
   * means its files are the caller's to delete, and no commit can list it any more.
   */
  boolean claim(String key, String packName, Instant cutoff) {
    return jdbi.withHandle(h -> h.createUpdate("""
            DELETE FROM git_pack_garbage WHERE repo_key = :key AND pack_name = :name AND since < :cutoff""")
        .bind("key", key).bind("name", packName).bind("cutoff", cutoff.toEpochMilli()).execute()) == 1;
  }

  /** Forgets a pack's garbage row, once its files are deleted (or were never written). */
  void forget(String key, String packName) {
    jdbi.useHandle(h -> h.createUpdate("DELETE FROM git_pack_garbage WHERE repo_key = :key AND pack_name = :name")
        .bind("key", key).bind("name", packName).execute());
  }
}
