package org.arbor.storage.db;

import java.time.Instant;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Server-wide values shared by every node that uses the database: secrets created once, and
 * small settings such as the version of the analysis rules last applied.
 */
public final class SecretRows {
  private final Jdbi jdbi;

  public SecretRows(Database db) {
    this.jdbi = db.jdbi();
  }

  /** The secret called {@code name}, created from {@code generator} if it does not exist yet. */
  public String getOrCreate(String name, Supplier<String> generator, Instant now) {
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO server_secrets (name, value, created_at) VALUES (:name, :value, :now)
            ON CONFLICT (name) DO NOTHING""")
        .bind("name", name).bind("value", generator.get()).bind("now", now.toEpochMilli()).execute());
    return jdbi.withHandle(h -> h.createQuery("SELECT value FROM server_secrets WHERE name = :name")
        .bind("name", name).mapTo(String.class).one());
  }

  public java.util.Optional<String> get(String name) {
    return jdbi.withHandle(h -> h.createQuery("SELECT value FROM server_secrets WHERE name = :name")
        .bind("name", name).mapTo(String.class).findOne());
  }

  public void put(String name, String value, Instant now) {
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO server_secrets (name, value, created_at) VALUES (:name, :value, :now)
            ON CONFLICT (name) DO UPDATE SET value = :value""")
        .bind("name", name).bind("value", value).bind("now", now.toEpochMilli()).execute());
  }
}
