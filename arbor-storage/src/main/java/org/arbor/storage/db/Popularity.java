package org.arbor.storage.db;

import org.jdbi.v3.core.Handle;

/**
 * The counts on a repository's row that listings sort by, recomputed from the download and like
 * tables: {@code downloads} over the last {@value #DOWNLOAD_WINDOW_DAYS} days, {@code downloads_all_time}, and
 * {@code trending_score} = downloads of the last {@value #TRENDING_DAYS} days + {@value #LIKE_WEIGHT}
 * per like given in those days. Days are UTC epoch days.
 */
final class Popularity {
  static final int DOWNLOAD_WINDOW_DAYS = 30;
  static final int TRENDING_DAYS = 7;
  static final int LIKE_WEIGHT = 10;
  private static final long DAY_MILLIS = 86_400_000L;

  private Popularity() {}

  /** Recomputes the rows chosen by {@code where} (which may bind {@code :repo}) as of {@code day}. */
  static org.jdbi.v3.core.statement.Update recompute(Handle h, String where, long day) {
    return h.createUpdate("""
            UPDATE repos SET
              downloads = (SELECT COALESCE(SUM(d.downloads), 0) FROM download_days d
                           WHERE d.repo_id = repos.id AND d.day > :window AND d.day <= :day),
              downloads_all_time = (SELECT COALESCE(SUM(d.downloads), 0) FROM download_days d
                                    WHERE d.repo_id = repos.id),
              trending_score = (SELECT COALESCE(SUM(d.downloads), 0) FROM download_days d
                                WHERE d.repo_id = repos.id AND d.day > :recent AND d.day <= :day)
                             + :likeWeight * (SELECT COUNT(*) FROM repo_likes l
                                              WHERE l.repo_id = repos.id AND l.created_at >= :recentMillis)
            """ + where)
        .bind("window", day - DOWNLOAD_WINDOW_DAYS)
        .bind("recent", day - TRENDING_DAYS)
        .bind("recentMillis", (day - TRENDING_DAYS + 1) * DAY_MILLIS)
        .bind("likeWeight", LIKE_WEIGHT)
        .bind("day", day);
  }

  /** The UTC epoch day of an instant: the unit downloads are counted and windows measured in. */
  static long day(java.time.Instant at) {
    return Math.floorDiv(at.toEpochMilli(), DAY_MILLIS);
  }
}
