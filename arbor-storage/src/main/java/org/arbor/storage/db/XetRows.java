package org.arbor.storage.db;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The Xet index: xorbs and their chunks, files as terms over xorbs, and which repositories may
 * read which files. Hashes are 64-character strings in Xet form; SHA-256s are plain hex.
 */
public final class XetRows {
  /** A row a write depended on was collected as garbage meanwhile. */
  public static final class CollectedException extends RuntimeException {
    CollectedException(String message) {
      super(message);
    }
  }

  /** A stored xorb: its bytes are the blob {@code blobSha256}. */
  public record Xorb(String hash, String blobSha256, long storedLength, int chunks, long unpackedLength) {}

  /** Chunk {@code index} of a xorb: its hash, its record's bytes {@code [byteStart, byteEnd)}, its size uncompressed. */
  public record Chunk(int index, String hash, long byteStart, long byteEnd, int unpackedLength) {}

  /** Where a chunk is: a xorb and its index there. */
  public record ChunkPlace(String xorbHash, int index) {}

  /** A file: its size and, once verified, its SHA-256. */
  public record File(String hash, long size, String sha256) {}

  /** A file's term {@code index}: chunks {@code [chunkStart, chunkEnd)} of a xorb, {@code bytes} uncompressed. */
  public record Term(int index, String xorbHash, int chunkStart, int chunkEnd, long bytes) {}

  /** Reads {@code xorb_hash, blob_sha256, stored_len, num_chunks, unpacked_len}. */
  private static final RowMapper<Xorb> XORB =
      (rs, ctx) -> new Xorb(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getLong(5));
  /** Reads {@code file_hash, size, sha256}. */
  private static final RowMapper<File> FILE = (rs, ctx) -> new File(rs.getString(1), rs.getLong(2), rs.getString(3));

  private final Jdbi jdbi;

  public XetRows(Database db) {
    this.jdbi = db.jdbi();
  }

  /** Records a xorb and its chunks in one transaction; false if it was there already (nothing changes). */
  public boolean insertXorb(Xorb xorb, List<Chunk> chunks, Instant now) {
    return jdbi.inTransaction(h -> {
      int inserted = h.createUpdate("""
              INSERT INTO xet_xorbs (xorb_hash, blob_sha256, stored_len, num_chunks, unpacked_len, created_at, touched_at)
              VALUES (:hash, :blob, :stored, :chunks, :unpacked, :now, :now) ON CONFLICT (xorb_hash) DO NOTHING""")
          .bind("hash", xorb.hash()).bind("blob", xorb.blobSha256()).bind("stored", xorb.storedLength())
          .bind("chunks", xorb.chunks()).bind("unpacked", xorb.unpackedLength()).bind("now", now.toEpochMilli())
          .execute();
      if (inserted == 0) {
        return false;
      }
      var batch = h.prepareBatch("""
          INSERT INTO xet_chunks (xorb_hash, idx, chunk_hash, byte_start, byte_end, unpacked_len)
          VALUES (:xorb, :idx, :hash, :start, :end, :len)""");
      for (Chunk c : chunks) {
        batch.bind("xorb", xorb.hash()).bind("idx", c.index()).bind("hash", c.hash()).bind("start", c.byteStart())
            .bind("end", c.byteEnd()).bind("len", c.unpackedLength()).add();
      }
      batch.execute();
      return true;
    });
  }

  public Optional<Xorb> xorb(String hash) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT xorb_hash, blob_sha256, stored_len, num_chunks, unpacked_len FROM xet_xorbs WHERE xorb_hash = :hash""")
        .bind("hash", hash)
        .map(XORB)
        .findOne());
  }

  /** The chunks of a xorb, in order. */
  public List<Chunk> chunks(String xorbHash) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT idx, chunk_hash, byte_start, byte_end, unpacked_len FROM xet_chunks WHERE xorb_hash = :xorb
            ORDER BY idx""")
        .bind("xorb", xorbHash)
        .map((rs, ctx) -> new Chunk(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getInt(5)))
        .list());
  }

  /** A xorb holding this chunk, for global dedup (the earliest stored). */
  public Optional<ChunkPlace> findChunk(String chunkHash) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT c.xorb_hash, c.idx FROM xet_chunks c JOIN xet_xorbs x ON x.xorb_hash = c.xorb_hash
            WHERE c.chunk_hash = :hash ORDER BY x.created_at, c.xorb_hash, c.idx LIMIT 1""")
        .bind("hash", chunkHash)
        .map((rs, ctx) -> new ChunkPlace(rs.getString(1), rs.getInt(2)))
        .findOne());
  }

  /** An LFS object without a Xet representation, and a repository that holds it. */
  public record Unconverted(String oid, String repoId) {}

  /** LFS objects that repositories hold and no Xet file represents, oldest first. */
  public List<Unconverted> unconverted(int limit) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT o.oid, MIN(r.repo_id) FROM lfs_objects o JOIN repo_lfs_objects r ON r.oid = o.oid
            WHERE NOT EXISTS (SELECT 1 FROM xet_files f WHERE f.sha256 = o.oid)
            GROUP BY o.oid, o.created_at ORDER BY o.created_at, o.oid LIMIT :limit""")
        .bind("limit", limit)
        .map((rs, ctx) -> new Unconverted(rs.getString(1), rs.getString(2)))
        .list());
  }

  /**
   * The xorbs of the latest file that uses {@code xorbHash}, in the order its terms first name them
   * (at most {@code limit}): what a client that found one chunk of that file is likely to want next.
   */
  public List<String> xorbsOfLatestFileUsing(String xorbHash, int limit) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT t.xorb_hash FROM xet_file_terms t WHERE t.file_hash = (
              SELECT u.file_hash FROM xet_file_terms u JOIN xet_files f ON f.file_hash = u.file_hash
              WHERE u.xorb_hash = :xorb ORDER BY f.created_at DESC, f.file_hash LIMIT 1)
            GROUP BY t.xorb_hash ORDER BY MIN(t.idx) LIMIT :limit""")
        .bind("xorb", xorbHash).bind("limit", limit)
        .mapTo(String.class).list());
  }

  /**
   * Records a file and its terms in one transaction, touching the xorbs they name; false if the
   * file was there already (it is touched then).
   *
   * @throws CollectedException if one of the xorbs was collected meanwhile (nothing is recorded)
   */
  public boolean insertFile(File file, List<Term> terms, Instant now) {
    return jdbi.inTransaction(h -> {
      List<String> xorbs = terms.stream().map(Term::xorbHash).distinct().toList();
      if (!xorbs.isEmpty() && h.createUpdate("UPDATE xet_xorbs SET touched_at = :now WHERE xorb_hash IN (<xorbs>)")
          .bind("now", now.toEpochMilli()).bindList("xorbs", xorbs).execute() != xorbs.size()) {
        throw new CollectedException("a xorb of file " + file.hash() + " was collected as garbage; upload it again");
      }
      int inserted = h.createUpdate("""
              INSERT INTO xet_files (file_hash, size, sha256, created_at, touched_at) VALUES (:hash, :size, :sha, :now, :now)
              ON CONFLICT (file_hash) DO NOTHING""")
          .bind("hash", file.hash()).bind("size", file.size()).bind("sha", file.sha256())
          .bind("now", now.toEpochMilli()).execute();
      if (inserted == 0) {
        h.createUpdate("UPDATE xet_files SET touched_at = :now WHERE file_hash = :hash")
            .bind("hash", file.hash()).bind("now", now.toEpochMilli()).execute();
        return false;
      }
      var batch = h.prepareBatch("""
          INSERT INTO xet_file_terms (file_hash, idx, xorb_hash, chunk_start, chunk_end, unpacked_bytes)
          VALUES (:file, :idx, :xorb, :start, :end, :bytes)""");
      for (Term t : terms) {
        batch.bind("file", file.hash()).bind("idx", t.index()).bind("xorb", t.xorbHash()).bind("start", t.chunkStart())
            .bind("end", t.chunkEnd()).bind("bytes", t.bytes()).add();
      }
      if (!terms.isEmpty()) {
        batch.execute();
      }
      return true;
    });
  }

  public Optional<File> file(String hash) {
    return jdbi.withHandle(h -> h.createQuery("SELECT file_hash, size, sha256 FROM xet_files WHERE file_hash = :hash")
        .bind("hash", hash)
        .map(FILE)
        .findOne());
  }

  /** The first-registered file with this (verified) SHA-256. */
  public Optional<File> fileBySha256(String sha256) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT file_hash, size, sha256 FROM xet_files WHERE sha256 = :sha ORDER BY created_at, file_hash LIMIT 1""")
        .bind("sha", sha256)
        .map(FILE)
        .findOne());
  }

  /** For each of these SHA-256s that a registered file has: the first-registered file's hash. */
  public java.util.Map<String, String> fileHashesBySha256(java.util.Collection<String> sha256s) {
    java.util.Map<String, String> out = new java.util.HashMap<>();
    if (sha256s.isEmpty()) {
      return out;
    }
    jdbi.useHandle(h -> h.createQuery("""
            SELECT sha256, file_hash FROM xet_files WHERE sha256 IN (<shas>) ORDER BY created_at, file_hash""")
        .bindList("shas", List.copyOf(sha256s))
        .map((rs, ctx) -> java.util.Map.entry(rs.getString(1), rs.getString(2)))
        .forEach(e -> out.putIfAbsent(e.getKey(), e.getValue())));
    return out;
  }

  /** A file with this (verified) SHA-256 that {@code repoId} may read, if any. */
  public Optional<File> fileBySha256(String sha256, String repoId) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT f.file_hash, f.size, f.sha256 FROM xet_files f JOIN repo_xet_files r ON r.file_hash = f.file_hash
            WHERE f.sha256 = :sha AND r.repo_id = :repo ORDER BY f.created_at, f.file_hash LIMIT 1""")
        .bind("sha", sha256).bind("repo", repoId)
        .map(FILE)
        .findOne());
  }

  /** A file's terms, in order. */
  public List<Term> terms(String fileHash) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT idx, xorb_hash, chunk_start, chunk_end, unpacked_bytes FROM xet_file_terms WHERE file_hash = :file
            ORDER BY idx""")
        .bind("file", fileHash)
        .map((rs, ctx) -> new Term(rs.getInt(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getLong(5)))
        .list());
  }

  /**
   * Marks a file as in use now (a commit names it), so the collector keeps it; false if it is gone.
   * A collector deleting it at the same moment either wins (false here) or sees the touch.
   */
  public boolean touchFile(String fileHash, Instant now) {
    return jdbi.withHandle(h -> h.createUpdate("UPDATE xet_files SET touched_at = :now WHERE file_hash = :hash")
        .bind("hash", fileHash).bind("now", now.toEpochMilli()).execute()) > 0;
  }

  /**
   * Marks a xorb as handed out now (in a dedup answer), so the collector keeps it for the grace
   * period; false if it is gone.
   */
  public boolean touchXorb(String xorbHash, Instant now) {
    return jdbi.withHandle(h -> h.createUpdate("UPDATE xet_xorbs SET touched_at = :now WHERE xorb_hash = :hash")
        .bind("hash", xorbHash).bind("now", now.toEpochMilli()).execute()) > 0;
  }

  /**
   * Deletes the files untouched since {@code before} that no repository holds as an LFS object
   * (uploaded and never committed, or whose repositories are gone); returns how many.
   */
  public int collectFiles(Instant before) {
    String garbage = """
        SELECT f.file_hash FROM xet_files f WHERE f.touched_at < :before
        AND NOT EXISTS (SELECT 1 FROM repo_lfs_objects r WHERE r.oid = f.sha256)""";
    return jdbi.inTransaction(h -> {
      h.createUpdate("DELETE FROM repo_xet_files WHERE file_hash IN (" + garbage + ")")
          .bind("before", before.toEpochMilli()).execute();
      return h.createUpdate("DELETE FROM xet_files WHERE file_hash IN (" + garbage + ")"
              + " AND NOT EXISTS (SELECT 1 FROM repo_xet_files x WHERE x.file_hash = xet_files.file_hash)")
          .bind("before", before.toEpochMilli()).execute();
    });
  }

  /** Xorbs untouched since {@code before} that no file names: candidates for {@link #deleteXorb}. */
  public List<Xorb> unreferencedXorbs(Instant before) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT xorb_hash, blob_sha256, stored_len, num_chunks, unpacked_len FROM xet_xorbs x
            WHERE x.touched_at < :before AND NOT EXISTS (SELECT 1 FROM xet_file_terms t WHERE t.xorb_hash = x.xorb_hash)
            ORDER BY x.xorb_hash""")
        .bind("before", before.toEpochMilli())
        .map(XORB)
        .list());
  }

  /**
   * Deletes a xorb and its chunks if it is still untouched since {@code before} and no file names
   * it, checked in the same statement; true if it was deleted (its blob may go then).
   */
  public boolean deleteXorb(String xorbHash, Instant before) {
    return jdbi.withHandle(h -> h.createUpdate("""
            DELETE FROM xet_xorbs WHERE xorb_hash = :hash AND touched_at < :before
            AND NOT EXISTS (SELECT 1 FROM xet_file_terms t WHERE t.xorb_hash = xet_xorbs.xorb_hash)""")
        .bind("hash", xorbHash).bind("before", before.toEpochMilli()).execute()) > 0;
  }

  /** True if a blob is still needed by a xorb or stored as an LFS object (then it must not be deleted). */
  public boolean blobInUse(String blobSha256) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT (SELECT COUNT(*) FROM xet_xorbs WHERE blob_sha256 = :blob)
                 + (SELECT COUNT(*) FROM lfs_objects WHERE oid = :blob)""")
        .bind("blob", blobSha256).mapTo(Long.class).one()) > 0;
  }

  /** Lets a repository read a file through Xet; idempotent. */
  public void linkRepo(String repoId, String fileHash, Instant now) {
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO repo_xet_files (repo_id, file_hash, created_at) VALUES (:repo, :file, :now)
            ON CONFLICT (repo_id, file_hash) DO NOTHING""")
        .bind("repo", repoId).bind("file", fileHash).bind("now", now.toEpochMilli()).execute());
  }

  public boolean isLinked(String repoId, String fileHash) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT COUNT(*) FROM repo_xet_files WHERE repo_id = :repo AND file_hash = :file")
        .bind("repo", repoId).bind("file", fileHash).mapTo(Long.class).one()) > 0;
  }
}
