package org.arbor.service;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.arbor.core.Sha256;
import org.arbor.storage.blob.BlobStore;
import org.arbor.storage.db.XetRows;

/**
 * Collects Xet garbage: files uploaded and never committed (or whose repositories are gone), then
 * xorbs no file names, each only once untouched for the grace period, so a client may still
 * commit what it uploaded yesterday and reference chunks from a dedup answer it cached. Every
 * delete re-checks its conditions in the same statement; a commit, shard or dedup answer that
 * touches a row at the same moment keeps it. A chunk a live file needs is never deleted.
 */
public final class XetCollector {
  /** Dedup answers expire after a day ({@link XetCas#DEDUP_SHARD_TTL_SECONDS}); the grace must outlast them. */
  public static final Duration MIN_GRACE = Duration.ofSeconds(XetCas.DEDUP_SHARD_TTL_SECONDS).plusHours(1);
  public static final Duration DEFAULT_GRACE = Duration.ofDays(2);

  /** What one collection removed. */
  public record Result(int files, int xorbs, long bytes) {}

  private final XetRows rows;
  private final BlobStore whole;
  private final Clock clock;
  private final Duration grace;

  /** {@code whole}: the blob store that holds the xorbs. */
  public XetCollector(XetRows rows, BlobStore whole, Clock clock, Duration grace) {
    if (grace.compareTo(MIN_GRACE) < 0) {
      throw new IllegalArgumentException("the Xet grace period must be at least " + MIN_GRACE.toHours()
          + " hours, longer than dedup answers live");
    }
    this.rows = rows;
    this.whole = whole;
    this.clock = clock;
    this.grace = grace;
  }

  public Result collect() throws IOException {
    Instant before = clock.instant().minus(grace);
    int files = rows.collectFiles(before);
    int xorbs = 0;
    long bytes = 0;
    for (XetRows.Xorb xorb : rows.unreferencedXorbs(before)) {
      if (rows.deleteXorb(xorb.hash(), before)) {
        xorbs++;
        bytes += xorb.storedLength();
        if (!rows.blobInUse(xorb.blobSha256())) {
          whole.delete(new Sha256(xorb.blobSha256()));
        }
      }
    }
    return new Result(files, xorbs, bytes);
  }
}
