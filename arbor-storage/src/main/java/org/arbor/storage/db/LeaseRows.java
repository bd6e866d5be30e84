package org.arbor.storage.db;

import java.time.Instant;
import org.jdbi.v3.core.Jdbi;

/**
 * Leases on named jobs, so that of several nodes one runs each periodic job: a lease is taken when
 * it is free, expired or already the taker's, by one conditional statement, so two nodes asking at
 * once never both get it; a node that dies holding one loses it when it expires.
 */
public final class LeaseRows {
  private final Jdbi jdbi;

  public LeaseRows(Database db) {
    this.jdbi = db.jdbi();
  }

  /** Takes (or renews) the lease on {@code job} for {@code holder} until {@code until}; false if another holds it. */
  public boolean claim(String job, String holder, Instant now, Instant until) {
    return jdbi.inTransaction(h -> {
      h.createUpdate("INSERT INTO job_leases (name, holder, until_ms) VALUES (:job, '', 0) ON CONFLICT (name) DO NOTHING")
          .bind("job", job).execute();
      return h.createUpdate("""
              UPDATE job_leases SET holder = :holder, until_ms = :until
              WHERE name = :job AND (until_ms <= :now OR holder = :holder)""")
          .bind("job", job).bind("holder", holder).bind("now", now.toEpochMilli()).bind("until", until.toEpochMilli())
          .execute() == 1;
    });
  }

  /** Gives a lease up early (its job is done and another node may take the next turn at once). */
  public void release(String job, String holder) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE job_leases SET until_ms = 0 WHERE name = :job AND holder = :holder")
        .bind("job", job).bind("holder", holder).execute());
  }
}
