package org.arbor.storage.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for the users table. */
public final class UserRows {
  private final Jdbi jdbi;

  public UserRows(Database db) {
    this.jdbi = db.jdbi();
  }

  /** Inserts a user; returns empty if the name (case-insensitively) is taken. */
  public Optional<UserRow> insert(String name, String fullname, String email, boolean admin, Instant now) {
    UserRow row = new UserRow(Ids.newId(), name, fullname, email, admin, now);
    int inserted = jdbi.withHandle(h -> h.createUpdate("""
            INSERT INTO users (id, name, name_key, fullname, email, is_admin, created_at)
            VALUES (:id, :name, :key, :fullname, :email, :admin, :created)
            ON CONFLICT (name_key) DO NOTHING""")
        .bind("id", row.id()).bind("name", name).bind("key", key(name))
        .bind("fullname", fullname).bind("email", email).bind("admin", admin)
        .bind("created", now.toEpochMilli())
        .execute());
    return inserted == 1 ? Optional.of(row) : Optional.empty();
  }

  public Optional<UserRow> findByName(String name) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE name_key = :key")
        .bind("key", key(name)).map(UserRows::map).findOne());
  }

  public Optional<UserRow> findById(String id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE id = :id")
        .bind("id", id).map(UserRows::map).findOne());
  }

  /** The user's encoded password hash, if a password is set. */
  public Optional<String> passwordHash(String id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT password_hash FROM users WHERE id = :id")
        .bind("id", id).mapTo(String.class).findOne());
  }

  public void setPasswordHash(String id, String hash) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE users SET password_hash = :hash WHERE id = :id")
        .bind("hash", hash).bind("id", id).execute());
  }

  public long count() {
    return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM users").mapTo(Long.class).one());
  }

  public void setAdmin(String id, boolean admin) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE users SET is_admin = :admin WHERE id = :id")
        .bind("admin", admin).bind("id", id).execute());
  }

  static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  static UserRow map(ResultSet rs, StatementContext ctx) throws SQLException {
    return new UserRow(rs.getString("id"), rs.getString("name"), rs.getString("fullname"),
        rs.getString("email"), rs.getBoolean("is_admin"), Instant.ofEpochMilli(rs.getLong("created_at")));
  }
}
