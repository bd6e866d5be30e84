package org.arbor.storage.db;

import java.util.List;

/**
 * What a set of repositories holds and what storing it costs: the LFS objects they reference
 * (their logical size) and the distinct Xet chunks those objects are made of (their stored size,
 * each chunk counted once however many files and repositories share it).
 */
public final class UsageRows {
  /** Which repositories: one, those of a namespace, or all. */
  public record Scope(String condition, String value) {
    public static Scope repo(String repoId) {
      return new Scope("p.id = :scope", repoId);
    }

    public static Scope namespace(String namespaceKey) {
      return new Scope("p.namespace_key = :scope", namespaceKey);
    }

    public static Scope all() {
      return new Scope("1 = 1", null);
    }

    java.util.Map<String, Object> binding() {
      return value == null ? java.util.Map.of() : java.util.Map.of("scope", value);
    }
  }

  /** An LFS object referenced in the scope: how many of its repositories reference it, and whether it has Xet chunks. */
  public record ObjectRow(String oid, long size, int repos, boolean xet) {}

  private final Database db;

  public UsageRows(Database db) {
    this.db = db;
  }

  /** The distinct LFS objects the scope's repositories reference. */
  public List<ObjectRow> objects(Scope scope) {
    return db.jdbi().withHandle(h -> h.createQuery("""
            SELECT o.oid, o.size, COUNT(*),
              EXISTS (SELECT 1 FROM xet_files f WHERE f.sha256 = o.oid)
            FROM repo_lfs_objects r JOIN lfs_objects o ON o.oid = r.oid JOIN repos p ON p.id = r.repo_id
            WHERE %s GROUP BY o.oid, o.size ORDER BY o.oid""".formatted(scope.condition()))
        .bindMap(scope.binding())
        .map((rs, ctx) -> new ObjectRow(rs.getString(1), rs.getLong(2), rs.getInt(3), rs.getBoolean(4)))
        .list());
  }

  /** The stored bytes of the distinct chunks that the Xet files of the scope's objects are made of. */
  public long chunkBytes(Scope scope) {
    return db.jdbi().withHandle(h -> h.createQuery("""
            SELECT COALESCE(SUM(c.byte_end - c.byte_start), 0) FROM xet_chunks c WHERE EXISTS (
              SELECT 1 FROM xet_file_terms t JOIN xet_files f ON f.file_hash = t.file_hash
              JOIN repo_lfs_objects r ON r.oid = f.sha256 JOIN repos p ON p.id = r.repo_id
              WHERE %s AND t.xorb_hash = c.xorb_hash AND c.idx >= t.chunk_start AND c.idx < t.chunk_end)"""
            .formatted(scope.condition()))
        .bindMap(scope.binding())
        .mapTo(Long.class).one());
  }

  /** A repository, for listings: its row id and {@code type/namespace/name}. */
  public record RepoName(String id, String name) {}

  /** The namespaces (lower-cased) that hold repositories with LFS objects. */
  public List<String> namespaces() {
    return db.jdbi().withHandle(h -> h.createQuery("""
            SELECT DISTINCT p.namespace_key FROM repos p
            WHERE EXISTS (SELECT 1 FROM repo_lfs_objects r WHERE r.repo_id = p.id) ORDER BY p.namespace_key""")
        .mapTo(String.class).list());
  }

  /** The repositories that hold LFS objects. */
  public List<RepoName> repos() {
    return db.jdbi().withHandle(h -> h.createQuery("""
            SELECT p.id, p.type, p.namespace, p.name FROM repos p
            WHERE EXISTS (SELECT 1 FROM repo_lfs_objects r WHERE r.repo_id = p.id) ORDER BY p.repo_key, p.type""")
        .map((rs, ctx) -> new RepoName(rs.getString(1), rs.getString(2) + "/" + rs.getString(3) + "/" + rs.getString(4)))
        .list());
  }

  /** All xorbs: how many, and their stored bytes. */
  public long[] xorbs() {
    return db.jdbi().withHandle(h -> h.createQuery(
            "SELECT COUNT(*), COALESCE(SUM(stored_len), 0) FROM xet_xorbs")
        .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).one());
  }

  /** The stored bytes of chunks that no registered file names (awaiting collection, or dedup leftovers). */
  public long unreferencedChunkBytes() {
    return db.jdbi().withHandle(h -> h.createQuery("""
            SELECT COALESCE(SUM(c.byte_end - c.byte_start), 0) FROM xet_chunks c WHERE NOT EXISTS (
              SELECT 1 FROM xet_file_terms t
              WHERE t.xorb_hash = c.xorb_hash AND c.idx >= t.chunk_start AND c.idx < t.chunk_end)""")
        .mapTo(Long.class).one());
  }
}
