package org.arbor.storage.db;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Requests for access to gated repositories: one per user and repository, with its status. */
public final class AccessRequestRows {
  private final Jdbi jdbi;

  public AccessRequestRows(Database db) {
    this.jdbi = db.jdbi();
  }

  /** A request with who made it. {@code fields} is the JSON of the answers to the gating form. */
  public record Request(String userId, String userName, String fullname, String email, String status, String fields,
      String rejectionReason, Instant updatedAt) {}

  /** Creates or replaces a user's request for a repository. */
  public void put(String repoId, String userId, String status, String fields, String rejectionReason, Instant now) {
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO access_requests (repo_id, user_id, status, fields, rejection_reason, created_at, updated_at)
            VALUES (:repo, :user, :status, :fields, :reason, :now, :now)
            ON CONFLICT (repo_id, user_id) DO UPDATE
              SET status = :status, fields = COALESCE(:fields, access_requests.fields),
                  rejection_reason = :reason, updated_at = :now""")
        .bind("repo", repoId).bind("user", userId).bind("status", status).bind("fields", fields)
        .bind("reason", rejectionReason).bind("now", now.toEpochMilli()).execute());
  }

  public Optional<String> status(String repoId, String userId) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT status FROM access_requests WHERE repo_id = :repo AND user_id = :user")
        .bind("repo", repoId).bind("user", userId).mapTo(String.class).findOne());
  }

  /** Requests of a repository with a status, oldest first, from {@code offset}, at most {@code limit + 1}. */
  public List<Request> list(String repoId, String status, int offset, int limit) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT a.*, u.name, u.fullname, u.email FROM access_requests a JOIN users u ON u.id = a.user_id
            WHERE a.repo_id = :repo AND a.status = :status ORDER BY a.updated_at, u.name_key
            LIMIT :limit OFFSET :offset""")
        .bind("repo", repoId).bind("status", status).bind("limit", limit + 1).bind("offset", offset)
        .map((rs, ctx) -> new Request(rs.getString("user_id"), rs.getString("name"), rs.getString("fullname"),
            rs.getString("email"), rs.getString("status"), rs.getString("fields"), rs.getString("rejection_reason"),
            Instant.ofEpochMilli(rs.getLong("updated_at"))))
        .list());
  }
}
