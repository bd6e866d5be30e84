package org.arbor.storage.db;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Browser sessions, found by the SHA-256 of their cookie, and failed sign-ins per subject. */
public final class SessionRows {
  private final Jdbi jdbi;

  public SessionRows(Database db) {
    this.jdbi = db.jdbi();
  }

  /** A live session: whose it is and the CSRF token its forms must carry. */
  public record Session(String userId, String csrf, Instant expiresAt) {}

  public void insert(String idHash, String userId, String csrf, Instant now, Instant expires) {
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at)
            VALUES (:id, :user, :csrf, :now, :expires)""")
        .bind("id", idHash).bind("user", userId).bind("csrf", csrf).bind("now", now.toEpochMilli())
        .bind("expires", expires.toEpochMilli()).execute());
  }

  public Optional<Session> find(String idHash, Instant now) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM sessions WHERE id_hash = :id AND expires_at > :now")
        .bind("id", idHash).bind("now", now.toEpochMilli())
        .map((rs, ctx) -> new Session(rs.getString("user_id"), rs.getString("csrf"),
            Instant.ofEpochMilli(rs.getLong("expires_at"))))
        .findOne());
  }

  public void delete(String idHash) {
    jdbi.useHandle(h -> h.createUpdate("DELETE FROM sessions WHERE id_hash = :id").bind("id", idHash).execute());
  }

  /** Ends every session of a user but one (after a password change). */
  public void deleteOthers(String userId, String keepIdHash) {
    jdbi.useHandle(h -> h.createUpdate("DELETE FROM sessions WHERE user_id = :user AND id_hash <> :keep")
        .bind("user", userId).bind("keep", keepIdHash == null ? "" : keepIdHash).execute());
  }

  /** Failures of {@code subject} in the window that started at or after {@code windowStart}. */
  public int failures(String subject, Instant windowStart) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT failures FROM signin_failures WHERE subject = :s AND window_start >= :start")
        .bind("s", subject).bind("start", windowStart.toEpochMilli()).mapTo(Integer.class).findOne().orElse(0));
  }

  /** Counts one failure; a window older than {@code windowStart} starts again at one. */
  public void recordFailure(String subject, Instant now, Instant windowStart) {
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO signin_failures (subject, window_start, failures) VALUES (:s, :now, 1)
            ON CONFLICT (subject) DO UPDATE SET
              failures = CASE WHEN signin_failures.window_start < :start THEN 1 ELSE signin_failures.failures + 1 END,
              window_start = CASE WHEN signin_failures.window_start < :start THEN :now ELSE signin_failures.window_start END""")
        .bind("s", subject).bind("now", now.toEpochMilli()).bind("start", windowStart.toEpochMilli()).execute());
  }

  public void clearFailures(String subject) {
    jdbi.useHandle(h -> h.createUpdate("DELETE FROM signin_failures WHERE subject = :s").bind("s", subject).execute());
  }
}
