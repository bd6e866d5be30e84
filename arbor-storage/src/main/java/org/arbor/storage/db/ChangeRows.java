package org.arbor.storage.db;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * The change log: what each node reported about repositories, in sequence order, so every other
 * node's search index can follow it. Sequence numbers increase but may leave gaps and (on
 * PostgreSQL) become visible slightly out of order; readers allow for both.
 */
public final class ChangeRows {
  /** One reported change: {@code repoId} is null for a change to every repository. */
  public record Change(long seq, String repoId, String kind, String node) {}

  private final Jdbi jdbi;

  public ChangeRows(Database db) {
    this.jdbi = db.jdbi();
  }

  public void append(String repoId, String kind, String node, Instant at) {
    jdbi.useHandle(h -> h.createUpdate("INSERT INTO repo_changes (repo_id, kind, node, at) VALUES (:repo, :kind, :node, :at)")
        .bind("repo", repoId).bind("kind", kind).bind("node", node).bind("at", at.toEpochMilli())
        .execute());
  }

  /** Up to {@code limit} changes numbered above {@code seq}, in order. */
  public List<Change> after(long seq, int limit) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT seq, repo_id, kind, node FROM repo_changes WHERE seq > :seq ORDER BY seq LIMIT :limit""")
        .bind("seq", seq).bind("limit", limit)
        .map((rs, ctx) -> new Change(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)))
        .list());
  }

  /** The highest sequence number written so far, 0 when the log is empty. */
  public long last() {
    return jdbi.withHandle(h -> h.createQuery("SELECT MAX(seq) FROM repo_changes").mapTo(Long.class).findOne())
        .orElse(0L);
  }

  /** Deletes the changes written before {@code cutoff}; returns how many. */
  public int pruneBefore(Instant cutoff) {
    return jdbi.withHandle(h -> h.createUpdate("DELETE FROM repo_changes WHERE at < :cutoff")
        .bind("cutoff", cutoff.toEpochMilli()).execute());
  }
}
