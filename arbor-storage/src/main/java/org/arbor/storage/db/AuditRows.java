package org.arbor.storage.db;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** The audit log: security-relevant events, append-only. */
public final class AuditRows {
  private final Jdbi jdbi;

  public AuditRows(Database db) {
    this.jdbi = db.jdbi();
  }

  /** One event: when, who, what, to what, and details. */
  public record Event(String id, Instant at, String actor, String action, String target, String detail) {}

  public void append(String actor, String action, String target, String detail, Instant now) {
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO audit_events (id, at, actor, action, target, detail)
            VALUES (:id, :at, :actor, :action, :target, :detail)""")
        .bind("id", Ids.newId()).bind("at", now.toEpochMilli()).bind("actor", actor).bind("action", action)
        .bind("target", target).bind("detail", detail).execute());
  }

  /** The newest events first, optionally of one action. */
  public List<Event> recent(String action, int offset, int limit) {
    String where = action == null ? "" : " WHERE action = :action";
    return jdbi.withHandle(h -> {
      var q = h.createQuery("SELECT * FROM audit_events" + where + " ORDER BY at DESC, id LIMIT :limit OFFSET :offset")
          .bind("limit", limit).bind("offset", offset);
      if (action != null) {
        q.bind("action", action);
      }
      return q.map((rs, ctx) -> new Event(rs.getString("id"), Instant.ofEpochMilli(rs.getLong("at")),
          rs.getString("actor"), rs.getString("action"), rs.getString("target"), rs.getString("detail"))).list();
    });
  }
}
