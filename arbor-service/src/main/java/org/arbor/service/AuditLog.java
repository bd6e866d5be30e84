package org.arbor.service;

import java.time.Clock;
import java.util.List;
import org.arbor.core.HubException;
import org.arbor.storage.db.AuditRows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Security-relevant events, for administrators: tokens created or revoked, visibility, gating or
 * scan policy changed, repositories created, deleted or moved, members added or removed.
 */
public final class AuditLog {
  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

  private final AuditRows rows;
  private final Clock clock;

  public AuditLog(AuditRows rows, Clock clock) {
    this.rows = rows;
    this.clock = clock;
  }

  /** Records an event; the log never makes the action it records fail. */
  void record(Caller actor, String action, String target, String detail) {
    try {
      rows.append(actor.isAnonymous() ? null : actor.name(), action, target, detail, clock.instant());
    } catch (RuntimeException e) {
      log.error("could not record audit event {} on {}", action, target, e);
    }
  }

  /** One event as the API shows it. */
  public record Event(java.time.Instant at, String actor, String action, String target, String detail) {}

  /** The newest events, for site administrators only. */
  public List<Event> recent(Caller caller, String action, int offset, int limit) {
    if (!caller.admin()) {
      throw caller.isAnonymous() ? HubException.unauthorized("Sign in as an administrator to read the audit log")
          : HubException.forbidden("Only administrators can read the audit log");
    }
    return rows.recent(action, offset, limit).stream()
        .map(e -> new Event(e.at(), e.actor(), e.action(), e.target(), e.detail())).toList();
  }
}
