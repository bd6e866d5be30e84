package org.arbor.storage.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for git-lfs file locks. */
public final class LockRows {
  private final Jdbi jdbi;

  public LockRows(Database db) {
    this.jdbi = db.jdbi();
  }

  /** A lock on one path of one repository. */
  public record LockRow(String id, String repoId, String path, String ownerId, String ownerName, Instant lockedAt) {}

  /** Inserts a lock; empty if the path is already locked. */
  public Optional<LockRow> insert(String repoId, String path, String ownerId, String ownerName, Instant now) {
    LockRow row = new LockRow(Ids.newId(), repoId, path, ownerId, ownerName, now);
    int inserted = jdbi.withHandle(h -> h.createUpdate("""
            INSERT INTO lfs_locks (id, repo_id, path, owner_id, owner_name, locked_at)
            VALUES (:id, :repo, :path, :owner, :ownerName, :at)
            ON CONFLICT (repo_id, path) DO NOTHING""")
        .bind("id", row.id()).bind("repo", repoId).bind("path", path).bind("owner", ownerId)
        .bind("ownerName", ownerName).bind("at", now.toEpochMilli()).execute());
    return inserted == 1 ? Optional.of(row) : Optional.empty();
  }

  public Optional<LockRow> byPath(String repoId, String path) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM lfs_locks WHERE repo_id = :repo AND path = :path")
        .bind("repo", repoId).bind("path", path).map(LockRows::map).findOne());
  }

  public Optional<LockRow> byId(String repoId, String id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM lfs_locks WHERE repo_id = :repo AND id = :id")
        .bind("repo", repoId).bind("id", id).map(LockRows::map).findOne());
  }

  /** Locks of a repository ordered by path, from {@code offset}, at most {@code limit + 1}. */
  public List<LockRow> list(String repoId, int offset, int limit) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT * FROM lfs_locks WHERE repo_id = :repo ORDER BY path LIMIT :limit OFFSET :offset""")
        .bind("repo", repoId).bind("limit", limit + 1).bind("offset", offset).map(LockRows::map).list());
  }

  public boolean delete(String id) {
    return jdbi.withHandle(h -> h.createUpdate("DELETE FROM lfs_locks WHERE id = :id").bind("id", id).execute()) == 1;
  }

  static LockRow map(ResultSet rs, StatementContext ctx) throws SQLException {
    return new LockRow(rs.getString("id"), rs.getString("repo_id"), rs.getString("path"), rs.getString("owner_id"),
        rs.getString("owner_name"), Instant.ofEpochMilli(rs.getLong("locked_at")));
  }
}
