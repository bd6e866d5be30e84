package org.arbor.storage.db;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Likes: who liked which repository, and the count kept on the repository's row. */
public final class LikeRows {
  private final Jdbi jdbi;

  public LikeRows(Database db) {
    this.jdbi = db.jdbi();
  }

  /** A user who liked a repository. */
  public record Liker(String name, String fullname, Instant at) {}

  /** A repository a user liked, by its row id. */
  public record Liked(String repoId, Instant at) {}

  /** Adds a like; false if the user already liked the repository. The count follows in the same transaction. */
  public boolean like(String repoId, String userId, Instant now) {
    return jdbi.inTransaction(h -> {
      int added = h.createUpdate("""
              INSERT INTO repo_likes (repo_id, user_id, created_at) VALUES (:repo, :user, :now)
              ON CONFLICT (repo_id, user_id) DO NOTHING""")
          .bind("repo", repoId).bind("user", userId).bind("now", now.toEpochMilli()).execute();
      recount(h, repoId, now);
      return added == 1;
    });
  }

  /** Removes a like; false if there was none. */
  public boolean unlike(String repoId, String userId, Instant now) {
    return jdbi.inTransaction(h -> {
      int removed = h.createUpdate("DELETE FROM repo_likes WHERE repo_id = :repo AND user_id = :user")
          .bind("repo", repoId).bind("user", userId).execute();
      recount(h, repoId, now);
      return removed == 1;
    });
  }

  public boolean likes(String repoId, String userId) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT COUNT(*) FROM repo_likes WHERE repo_id = :repo AND user_id = :user")
        .bind("repo", repoId).bind("user", userId).mapTo(Integer.class).one() > 0);
  }

  /** Who liked a repository, newest first, from {@code offset}, at most {@code limit + 1}. */
  public List<Liker> likers(String repoId, int offset, int limit) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT u.name, u.fullname, l.created_at FROM repo_likes l JOIN users u ON u.id = l.user_id
            WHERE l.repo_id = :repo ORDER BY l.created_at DESC, u.name_key LIMIT :limit OFFSET :offset""")
        .bind("repo", repoId).bind("limit", limit + 1).bind("offset", offset)
        .map((rs, ctx) -> new Liker(rs.getString("name"), rs.getString("fullname"),
            Instant.ofEpochMilli(rs.getLong("created_at"))))
        .list());
  }

  /** What a user liked, newest first. */
  public List<Liked> likedBy(String userId) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT repo_id, created_at FROM repo_likes WHERE user_id = :user ORDER BY created_at DESC, repo_id")
        .bind("user", userId)
        .map((rs, ctx) -> new Liked(rs.getString("repo_id"), Instant.ofEpochMilli(rs.getLong("created_at"))))
        .list());
  }

  private static void recount(Handle h, String repoId, Instant now) {
    h.createUpdate("UPDATE repos SET likes = (SELECT COUNT(*) FROM repo_likes WHERE repo_id = :repo) WHERE id = :repo")
        .bind("repo", repoId).execute();
    Popularity.recompute(h, "WHERE id = :repo", Popularity.day(now)).bind("repo", repoId).execute();
  }
}
