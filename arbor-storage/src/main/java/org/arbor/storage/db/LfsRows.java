package org.arbor.storage.db;

import java.time.Instant;
import org.jdbi.v3.core.Jdbi;

/**
 * Which LFS objects exist, and which repositories may reference them. An object's bytes are
 * shared by every repository that links it (deduplication); the link is what lets a repository
 * commit or serve it.
 */
public final class LfsRows {
  private final Jdbi jdbi;

  public LfsRows(Database db) {
    this.jdbi = db.jdbi();
  }

  /** Records that the object is stored and links it to the repository; idempotent. */
  public void link(String repoId, String oid, long size, Instant now) {
    jdbi.useTransaction(h -> {
      h.createUpdate("""
              INSERT INTO lfs_objects (oid, size, created_at) VALUES (:oid, :size, :now)
              ON CONFLICT (oid) DO NOTHING""")
          .bind("oid", oid).bind("size", size).bind("now", now.toEpochMilli()).execute();
      h.createUpdate("""
              INSERT INTO repo_lfs_objects (repo_id, oid, created_at) VALUES (:repo, :oid, :now)
              ON CONFLICT (repo_id, oid) DO NOTHING""")
          .bind("repo", repoId).bind("oid", oid).bind("now", now.toEpochMilli()).execute();
    });
  }

  public boolean isLinked(String repoId, String oid) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT COUNT(*) FROM repo_lfs_objects WHERE repo_id = :repo AND oid = :oid")
        .bind("repo", repoId).bind("oid", oid).mapTo(Long.class).one()) > 0;
  }

  /**
   * True if the object is linked to a public repository or to one in {@code namespaceKey}: a
   * caller who can read such a repository could download the bytes anyway, so it need not upload
   * them again.
   */
  public boolean isLinkedVisibly(String oid, String namespaceKey) {
    return isLinkedVisibly(oid, namespaceKey, null);
  }

  /** The same, also counting private repositories of the organisations {@code userId} belongs to. */
  public boolean isLinkedVisibly(String oid, String namespaceKey, String userId) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT COUNT(*) FROM repo_lfs_objects l JOIN repos r ON r.id = l.repo_id
            WHERE l.oid = :oid AND (r.private = FALSE OR r.namespace_key = :ns OR r.namespace_key IN
              (SELECT o.name_key FROM orgs o JOIN org_members m ON m.org_id = o.id WHERE m.user_id = :user))""")
        .bind("oid", oid).bind("ns", namespaceKey).bind("user", userId == null ? "" : userId)
        .mapTo(Long.class).one()) > 0;
  }
}
