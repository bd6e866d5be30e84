package org.arbor.storage.db;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The analysis job queue and the per-file results. A job is claimed by setting a lease; a node
 * that dies leaves a lease that expires, and another node takes the job again. Results are keyed
 * by file SHA-256 and inspector version, and written once.
 */
public final class AnalysisRows {
  private final Jdbi jdbi;
  private final boolean skipLocked;

  public AnalysisRows(Database db) {
    this.jdbi = db.jdbi();
    this.skipLocked = !db.isSqlite();
  }

  /** A job to analyse one commit of one repository. */
  public record Job(String id, String repoId, String commitSha, int attempts) {}

  /** A stored inspection result: the format found, and JSON or an error message. */
  public record Inspection(String sha256, String inspector, String format, String result, String error) {}

  /** Queues the analysis of a commit; a commit already queued or done is not queued again. */
  public void enqueue(String repoId, String commitSha, Instant now) {
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO analysis_jobs (id, repo_id, commit_sha, state, created_at)
            VALUES (:id, :repo, :sha, 'queued', :now)
            ON CONFLICT (repo_id, commit_sha) DO NOTHING""")
        .bind("id", Ids.newId()).bind("repo", repoId).bind("sha", commitSha).bind("now", now.toEpochMilli())
        .execute());
  }

  /** Queues a commit again even if it was analysed: the rules changed. */
  public void requeue(String repoId, String commitSha, Instant now) {
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO analysis_jobs (id, repo_id, commit_sha, state, created_at)
            VALUES (:id, :repo, :sha, 'queued', :now)
            ON CONFLICT (repo_id, commit_sha) DO UPDATE SET state = 'queued', attempts = 0, lease_until = 0""")
        .bind("id", Ids.newId()).bind("repo", repoId).bind("sha", commitSha).bind("now", now.toEpochMilli())
        .execute());
  }

  /**
   * Claims the oldest job that is queued, or running with an expired lease, for {@code leaseMillis}:
   * one statement that picks the row and sets the lease. On PostgreSQL the pick is {@code FOR UPDATE
   * SKIP LOCKED}, so nodes claiming at once each take a different job instead of queueing on one row;
   * SQLite runs one writer at a time anyway. Two nodes never run the same job at once.
   */
  public Optional<Job> claim(Instant now, long leaseMillis, int maxAttempts) {
    return jdbi.withHandle(h -> h.createQuery("""
            UPDATE analysis_jobs SET state = 'running', attempts = attempts + 1, lease_until = :lease
            WHERE id = (SELECT id FROM analysis_jobs
                        WHERE (state = 'queued' OR (state = 'running' AND lease_until < :now)) AND attempts < :max
                        ORDER BY created_at LIMIT 1""" + (skipLocked ? " FOR UPDATE SKIP LOCKED" : "") + """
            )
            RETURNING id, repo_id, commit_sha, attempts""")
        .bind("now", now.toEpochMilli()).bind("max", maxAttempts).bind("lease", now.toEpochMilli() + leaseMillis)
        .map((rs, ctx) -> new Job(rs.getString("id"), rs.getString("repo_id"), rs.getString("commit_sha"),
            rs.getInt("attempts")))
        .findOne());
  }

  public void finish(String jobId, Instant now, String error) {
    jdbi.useHandle(h -> h.createUpdate("""
            UPDATE analysis_jobs SET state = :state, finished_at = :now, error = :error WHERE id = :id""")
        .bind("state", error == null ? "done" : "failed").bind("now", now.toEpochMilli()).bind("error", error)
        .bind("id", jobId).execute());
  }

  /** The state of the analysis of a commit: queued, running, done, failed, or empty if never queued. */
  public Optional<String> state(String repoId, String commitSha) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT state FROM analysis_jobs WHERE repo_id = :repo AND commit_sha = :sha")
        .bind("repo", repoId).bind("sha", commitSha).mapTo(String.class).findOne());
  }

  public Optional<Inspection> inspection(String sha256, String inspector) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT * FROM file_inspections WHERE sha256 = :sha AND inspector = :inspector")
        .bind("sha", sha256).bind("inspector", inspector)
        .map((rs, ctx) -> new Inspection(rs.getString("sha256"), rs.getString("inspector"), rs.getString("format"),
            rs.getString("result"), rs.getString("error")))
        .findOne());
  }

  /** Ids per IN list: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
  private static final int CHUNK = 5000;

  /** The stored inspections of many files at once, keyed by SHA-256; files never inspected are absent. */
  public Map<String, Inspection> inspections(Collection<String> sha256s, String inspector) {
    Map<String, Inspection> out = new HashMap<>();
    List<String> all = List.copyOf(new java.util.LinkedHashSet<>(sha256s));
    for (int from = 0; from < all.size(); from += CHUNK) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
      jdbi.useHandle(h -> h.createQuery(
              "SELECT * FROM file_inspections WHERE inspector = :inspector AND sha256 IN (<shas>)")
          .bind("inspector", inspector).bindList("shas", chunk)
          .map((rs, ctx) -> new Inspection(rs.getString("sha256"), rs.getString("inspector"), rs.getString("format"),
              rs.getString("result"), rs.getString("error")))
          .forEach(i -> out.put(i.sha256(), i)));
    }
    return out;
  }

  public void saveInspection(Inspection inspection, Instant now) {
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO file_inspections (sha256, inspector, format, result, error, created_at)
            VALUES (:sha, :inspector, :format, :result, :error, :now)
            ON CONFLICT (sha256, inspector) DO NOTHING""")
        .bind("sha", inspection.sha256()).bind("inspector", inspection.inspector()).bind("format", inspection.format())
        .bind("result", inspection.result()).bind("error", inspection.error()).bind("now", now.toEpochMilli())
        .execute());
  }
}
