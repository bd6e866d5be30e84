package org.arbor.service;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import org.arbor.search.RepoIndex;
import org.arbor.storage.db.ChangeRows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's search index in step with changes other nodes made: reads the shared change
 * log from where the index left off, hands each change to the {@link SearchIndexer}, and once the
 * indexer has applied them records the position in the index, so a restart resumes there. An
 * index that cannot resume (new, unclean, or stopped longer than the log is kept) is rebuilt, from
 * a position read before the rebuild began.
 *
 * <p>Sequence numbers may leave gaps and, on PostgreSQL, appear out of order (a number is taken
 * before its row commits). The position therefore only moves over numbers seen; a gap is waited
 * for for {@link #GAP_WAIT}, then passed (a rolled-back insert leaves a number that never comes).
 * Applying a change reads the repository's current state, so seeing one twice is harmless.
 */
public final class ChangeFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeFollower.class);
  /** How long changes are kept; an index last committed longer ago than this (less a day) is rebuilt. */
  public static final Duration RETENTION = Duration.ofDays(7);
  static final Duration GAP_WAIT = Duration.ofSeconds(10);
  private static final int BATCH = 1000;

  private final ChangeRows rows;
  private final SearchIndexer indexer;
  private final String node;
  private final Clock clock;
  private final Duration interval;
  private final TreeSet<Long> seenAbove = new TreeSet<>();
  private long cursor;
  private long gapSince = -1;
  private final Object sleep = new Object();
  private volatile boolean running = true;
  private Thread worker;

  public ChangeFollower(ChangeRows rows, SearchIndexer indexer, String node, Clock clock, Duration interval) {
    this.rows = rows;
    this.indexer = indexer;
    this.node = node;
    this.clock = clock;
    this.interval = interval;
  }

  /**
   * Finds where to resume, asking for a rebuild when the index cannot; call before the indexer
   * starts, so a rebuild it begins includes every change up to the position read here.
   */
  public ChangeFollower prepare() {
    RepoIndex index = indexer.index();
    long staleBefore = clock.instant().minus(RETENTION.minusDays(1)).toEpochMilli();
    if (index.needsRebuild() || index.changeCursor() < 0 || index.previouslyCommittedAt() < staleBefore) {
      cursor = rows.last();
      if (!index.needsRebuild()) {
        LOG.info("the search index is older than the change log; rebuilding it");
        indexer.requestRebuild();
      }
    } else {
      cursor = index.changeCursor();
    }
    indexer.catchUpWith(this::catchUp);
    return this;
  }

  public ChangeFollower start() {
    worker = Thread.ofPlatform().name("change-follower").daemon().start(this::run);
    return this;
  }

  private void run() {
    while (running) {
      try {
        pollOnce();
      } catch (RuntimeException e) {
        LOG.warn("could not read the change log; trying again", e);
      }
      synchronized (sleep) {
        try {
          if (running) {
            sleep.wait(interval.toMillis());
          }
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /**
   * Reads and applies the changes after the current position once; returns how many were new.
   * The position is stored in the index only after the indexer applied them.
   */
  public int pollOnce() {
    int fresh = readNew();
    long position = cursor();   // every change up to here was handed to the indexer before the wait
    if (indexer.awaitCurrent(Duration.ofSeconds(30))) {
      indexer.index().followedChangesTo(position);
    }
    return fresh;
  }

  /**
   * Hands the indexer every change logged since the last read (a search calls this first, so it
   * sees what another node wrote before it was asked); a failure to read is logged, not thrown.
   */
  void catchUp() {
    try {
      readNew();
    } catch (RuntimeException e) {
      LOG.warn("could not read the change log before a search", e);
    }
  }

  private synchronized int readNew() {
    List<ChangeRows.Change> changes = rows.after(cursor, BATCH);
    int fresh = 0;
    for (ChangeRows.Change change : changes) {
      if (seenAbove.add(change.seq())) {
        fresh++;
        if (!node.equals(change.node())) {
          apply(change);
        }
      }
    }
    advance();
    return fresh;
  }

  /** The position: every change numbered up to it has been seen. */
  public synchronized long cursor() {
    return cursor;
  }

  private void advance() {
    while (seenAbove.remove(cursor + 1)) {
      cursor++;
    }
    if (seenAbove.isEmpty()) {
      gapSince = -1;
      return;
    }
    long now = System.nanoTime();
    if (gapSince < 0) {
      gapSince = now;
    } else if (now - gapSince >= GAP_WAIT.toNanos()) {
      LOG.debug("change log numbers {}..{} never appeared; passing them", cursor + 1, seenAbove.first() - 1);
      cursor = seenAbove.first() - 1;
      gapSince = -1;
      advance();
    }
  }

  private void apply(ChangeRows.Change change) {
    switch (change.kind()) {
      case ChangeLog.CHANGED -> indexer.changed(change.repoId());
      case ChangeLog.COUNTERS -> indexer.countersChanged(change.repoId());
      case ChangeLog.REMOVED -> indexer.removed(change.repoId());
      case ChangeLog.ALL_COUNTERS -> indexer.everyCounterChanged();
      default -> LOG.warn("unknown change kind {} in the change log (seq {})", change.kind(), change.seq());
    }
  }

  @Override
  public void close() {
    synchronized (sleep) {
      running = false;
      sleep.notifyAll();
    }
    if (worker != null) {
      try {
        worker.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
