package org.arbor.storage.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for access tokens. Tokens are looked up by the SHA-256 of their text; the text is never stored. */
public final class TokenRows {
  private final Jdbi jdbi;

  public TokenRows(Database db) {
    this.jdbi = db.jdbi();
  }

  public TokenRow insert(String userId, String name, String role, String tokenHash, Instant now) {
    return insert(userId, name, role, tokenHash, null, now);
  }

  public TokenRow insert(String userId, String name, String role, String tokenHash, String scope, Instant now) {
    TokenRow row = new TokenRow(Ids.newId(), userId, name, role, now, scope);
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO tokens (id, user_id, name, role, token_hash, created_at, scope)
            VALUES (:id, :user, :name, :role, :hash, :created, :scope)""")
        .bind("id", row.id()).bind("user", userId).bind("name", name).bind("role", role)
        .bind("hash", tokenHash).bind("created", now.toEpochMilli()).bind("scope", scope)
        .execute());
    return row;
  }

  /** Revokes one of a user's tokens; false if it is not theirs or already revoked. */
  public boolean revoke(String userId, String tokenId, Instant now) {
    return jdbi.withHandle(h -> h.createUpdate("""
            UPDATE tokens SET revoked_at = :now WHERE id = :id AND user_id = :user AND revoked_at IS NULL""")
        .bind("now", now.toEpochMilli()).bind("id", tokenId).bind("user", userId).execute()) == 1;
  }

  /** The token with this hash together with its stored hash, for a constant-time re-check by the caller. */
  /** A live token by its hash, with its owner: one query, as every authenticated request makes it. */
  public Optional<Match> findByHash(String tokenHash) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT t.id, t.user_id, t.name, t.role, t.created_at, t.scope, t.token_hash,
                   u.name AS user_name, u.fullname, u.email, u.is_admin, u.created_at AS user_created_at
            FROM tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = :hash AND t.revoked_at IS NULL""")
        .bind("hash", tokenHash)
        .map((rs, ctx) -> new Match(map(rs, ctx), rs.getString("token_hash"), new UserRow(rs.getString("user_id"),
            rs.getString("user_name"), rs.getString("fullname"), rs.getString("email"), rs.getBoolean("is_admin"),
            Instant.ofEpochMilli(rs.getLong("user_created_at")))))
        .findOne());
  }

  public List<TokenRow> forUser(String userId) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT * FROM tokens WHERE user_id = :user AND revoked_at IS NULL ORDER BY created_at")
        .bind("user", userId).map(TokenRows::map).list());
  }

  /** True if the user already holds a token with this hash. */
  public boolean exists(String tokenHash) {
    return findByHash(tokenHash).isPresent();
  }

  public record Match(TokenRow token, String storedHash, UserRow user) {}

  static TokenRow map(ResultSet rs, StatementContext ctx) throws SQLException {
    return new TokenRow(rs.getString("id"), rs.getString("user_id"), rs.getString("name"),
        rs.getString("role"), Instant.ofEpochMilli(rs.getLong("created_at")), rs.getString("scope"));
  }
}
