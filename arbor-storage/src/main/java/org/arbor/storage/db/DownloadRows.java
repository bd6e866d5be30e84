package org.arbor.storage.db;

import org.jdbi.v3.core.Jdbi;

/**
 * Download counts: at most one per caller, repository and day (days are UTC epoch days), summed
 * per day; the row's {@code downloads} and {@code trending_score} follow (see {@link Popularity}).
 */
public final class DownloadRows {

  private final Jdbi jdbi;

  public DownloadRows(Database db) {
    this.jdbi = db.jdbi();
  }

  /** The UTC epoch day of {@code at}, as {@link #record} and {@link #refreshWindows} take it. */
  public static long day(java.time.Instant at) {
    return Popularity.day(at);
  }

  /** Counts a download unless this caller already counted for the repository today; true if it counted. */
  public boolean record(String repoId, String caller, long day) {
    return jdbi.inTransaction(h -> {
      int marked = h.createUpdate("""
              INSERT INTO download_marks (repo_id, day, caller) VALUES (:repo, :day, :caller)
              ON CONFLICT (repo_id, day, caller) DO NOTHING""")
          .bind("repo", repoId).bind("day", day).bind("caller", caller).execute();
      if (marked == 0) {
        return false;
      }
      h.createUpdate("""
              INSERT INTO download_days (repo_id, day, downloads) VALUES (:repo, :day, 1)
              ON CONFLICT (repo_id, day) DO UPDATE SET downloads = download_days.downloads + 1""")
          .bind("repo", repoId).bind("day", day).execute();
      h.createUpdate("DELETE FROM download_marks WHERE repo_id = :repo AND day < :yesterday")
          .bind("repo", repoId).bind("yesterday", day - 1).execute();
      Popularity.recompute(h, "WHERE id = :repo", day).bind("repo", repoId).execute();
      return true;
    });
  }

  /** Recomputes every repository's counts for {@code day}, so days gone by drop out. */
  public void refreshWindows(long day) {
    jdbi.useTransaction(h -> Popularity.recompute(h, "WHERE downloads > 0 OR trending_score > 0", day).execute());
  }

  /** Downloads of a repository on one day. */
  public long onDay(String repoId, long day) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT COALESCE(SUM(downloads), 0) FROM download_days WHERE repo_id = :repo AND day = :day")
        .bind("repo", repoId).bind("day", day).mapTo(Long.class).one());
  }
}
