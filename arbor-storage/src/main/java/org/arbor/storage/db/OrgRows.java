package org.arbor.storage.db;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** SQL for organisations and their members. */
public final class OrgRows {
  private final Jdbi jdbi;

  public OrgRows(Database db) {
    this.jdbi = db.jdbi();
  }

  /** An organisation. */
  public record OrgRow(String id, String name, String fullname, Instant createdAt) {}

  /** A member of an organisation: user id and name, and the role (admin, write, contributor, read). */
  public record MemberRow(String userId, String userName, String role) {}

  /** Inserts an organisation; empty if the name (any case) is taken by another organisation. */
  public Optional<OrgRow> insert(String name, String fullname, Instant now) {
    OrgRow row = new OrgRow(Ids.newId(), name, fullname, now);
    int inserted = jdbi.withHandle(h -> h.createUpdate("""
            INSERT INTO orgs (id, name, name_key, fullname, created_at) VALUES (:id, :name, :key, :fullname, :now)
            ON CONFLICT (name_key) DO NOTHING""")
        .bind("id", row.id()).bind("name", name).bind("key", key(name)).bind("fullname", fullname)
        .bind("now", now.toEpochMilli()).execute());
    return inserted == 1 ? Optional.of(row) : Optional.empty();
  }

  public Optional<OrgRow> findByName(String name) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM orgs WHERE name_key = :key")
        .bind("key", key(name))
        .map((rs, ctx) -> new OrgRow(rs.getString("id"), rs.getString("name"), rs.getString("fullname"),
            Instant.ofEpochMilli(rs.getLong("created_at"))))
        .findOne());
  }

  /** Adds a member or changes their role. */
  public void putMember(String orgId, String userId, String role, Instant now) {
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO org_members (org_id, user_id, role, created_at) VALUES (:org, :user, :role, :now)
            ON CONFLICT (org_id, user_id) DO UPDATE SET role = :role""")
        .bind("org", orgId).bind("user", userId).bind("role", role).bind("now", now.toEpochMilli()).execute());
  }

  public boolean removeMember(String orgId, String userId) {
    return jdbi.withHandle(h -> h.createUpdate("DELETE FROM org_members WHERE org_id = :org AND user_id = :user")
        .bind("org", orgId).bind("user", userId).execute()) == 1;
  }

  public List<MemberRow> members(String orgId) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT m.user_id, u.name, m.role FROM org_members m JOIN users u ON u.id = m.user_id
            WHERE m.org_id = :org ORDER BY u.name_key""")
        .bind("org", orgId)
        .map((rs, ctx) -> new MemberRow(rs.getString("user_id"), rs.getString("name"), rs.getString("role")))
        .list());
  }

  /** The role of a user in the organisation called {@code orgName}, if they are a member. */
  public Optional<String> role(String orgName, String userId) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT m.role FROM org_members m JOIN orgs o ON o.id = m.org_id
            WHERE o.name_key = :key AND m.user_id = :user""")
        .bind("key", key(orgName)).bind("user", userId).mapTo(String.class).findOne());
  }

  /** The organisations a user belongs to, with their role in each. */
  public List<String[]> membershipsOf(String userId) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT o.name, o.fullname, m.role FROM org_members m JOIN orgs o ON o.id = m.org_id
            WHERE m.user_id = :user ORDER BY o.name_key""")
        .bind("user", userId)
        .map((rs, ctx) -> new String[] {rs.getString("name"), rs.getString("fullname"), rs.getString("role")})
        .list());
  }

  /** The organisation's unsafe-file policy ({@code warn}, {@code block}), or empty to follow the instance. */
  public Optional<String> scanPolicy(String orgName) {
    return jdbi.withHandle(h -> h.createQuery("SELECT scan_policy FROM orgs WHERE name_key = :key")
        .bind("key", key(orgName)).mapTo(String.class).findOne());
  }

  public void updateScanPolicy(String orgId, String policy) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE orgs SET scan_policy = :p WHERE id = :id")
        .bind("p", policy).bind("id", orgId).execute());
  }

  static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
