package org.arbor.service;

import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.arbor.search.RepoDocument;
import org.arbor.search.RepoIndex;
import org.arbor.storage.db.RepoRow;
import org.arbor.storage.db.RepoRows;
import org.arbor.storage.git.GitRepos;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the search index in step with the database and git. Writers report changes through
 * {@link RepoEvents} and return at once; one worker thread applies them in batches (the latest
 * state of each repository is read when applied, so bursts coalesce) and refreshes the index.
 * Readers call {@link #awaitCurrent} to see every change reported before they asked.
 */
public final class SearchIndexer implements RepoEvents, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SearchIndexer.class);
  private static final int BATCH = 500;
  private static final Duration COMMIT_EVERY = Duration.ofSeconds(5);

  private enum Kind { COUNTERS, FULL, REMOVED }

  private final RepoIndex index;
  private final RepoRows rows;
  private final SearchDocuments documents;
  private final Object lock = new Object();
  private final Map<String, Kind> pending = new LinkedHashMap<>();
  private boolean allCounters;
  private boolean rebuildWanted;
  private long requested;
  private long applied;
  private boolean running = true;
  private Thread worker;
  private volatile Runnable catchUp = () -> {};

  public SearchIndexer(RepoIndex index, RepoRows rows, GitRepos git, Weights weights) {
    this.index = index;
    this.rows = rows;
    this.documents = new SearchDocuments(git, weights);
  }

  /** Starts the worker; an index that cannot be trusted is rebuilt first (searches wait for it). */
  public SearchIndexer start() {
    if (index.needsRebuild()) {
      synchronized (lock) {
        rebuildWanted = true;
        requested++;
      }
    }
    worker = Thread.ofPlatform().name("search-indexer").daemon().start(this::run);
    return this;
  }

  @Override
  public void changed(String repoId) {
    report(repoId, Kind.FULL);
  }

  @Override
  public void countersChanged(String repoId) {
    report(repoId, Kind.COUNTERS);
  }

  @Override
  public void removed(String repoId) {
    report(repoId, Kind.REMOVED);
  }

  @Override
  public void everyCounterChanged() {
    synchronized (lock) {
      allCounters = true;
      requested++;
      lock.notifyAll();
    }
  }

  /** Asks for a full rebuild from the database and git, done by the worker. */
  public void requestRebuild() {
    synchronized (lock) {
      rebuildWanted = true;
      requested++;
      lock.notifyAll();
    }
  }

  private void report(String repoId, Kind kind) {
    synchronized (lock) {
      pending.merge(repoId, kind, (a, b) -> a.compareTo(b) >= 0 ? a : b);
      requested++;
      lock.notifyAll();
    }
  }

  /**
   * Waits until every change reported before this call is searchable, or {@code max} passed.
   *
   * @return true if the index is current
   */
  public boolean awaitCurrent(Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    synchronized (lock) {
      long target = requested;
      while (applied < target && running) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return applied >= target;
    }
  }

  /** What {@link #awaitFresh} runs first: reading changes other nodes logged. */
  public void catchUpWith(Runnable catchUp) {
    this.catchUp = catchUp;
  }

  /**
   * Waits until every change reported before this call, on this node or logged by another, is
   * searchable, or {@code max} passed: what a search calls, so it reads what was written before.
   */
  public boolean awaitFresh(Duration max) {
    catchUp.run();
    return awaitCurrent(max);
  }

  public RepoIndex index() {
    return index;
  }

  /**
   * Replaces the index's content with documents derived from every repository, on the calling
   * thread (for {@code arbor admin reindex}, with the hub stopped).
   *
   * @return how many repositories were indexed
   */
  public long rebuildNow() throws IOException {
    long count = index.rebuild(allDocuments(), Math.max(1, Runtime.getRuntime().availableProcessors()));
    index.commit();
    return count;
  }

  private void run() {
    long lastCommit = System.nanoTime();
    boolean dirty = false;
    while (true) {
      Map<String, Kind> batch;
      boolean counters;
      boolean rebuild;
      long target;
      synchronized (lock) {
        while (running && pending.isEmpty() && !allCounters && !rebuildWanted) {
          if (dirty && System.nanoTime() - lastCommit >= COMMIT_EVERY.toNanos()) {
            break;
          }
          try {
            lock.wait(COMMIT_EVERY.toMillis());
          } catch (InterruptedException e) {
            return;
          }
        }
        if (!running && pending.isEmpty() && !allCounters && !rebuildWanted) {
          return;   // everything reported before close was applied
        }
        batch = new LinkedHashMap<>(pending);
        pending.clear();
        counters = allCounters;
        rebuild = rebuildWanted;
        allCounters = false;
        rebuildWanted = false;
        target = requested;
      }
      try {
        if (rebuild) {
          long started = System.nanoTime();
          long count = rebuildNow();
          LOG.info("search index rebuilt: {} repositories in {} ms", count,
              (System.nanoTime() - started) / 1_000_000);
        }
        for (Map.Entry<String, Kind> change : batch.entrySet()) {
          apply(change.getKey(), change.getValue());
        }
        if (counters) {
          rows.forEach(BATCH, page -> page.forEach(this::updateCounters));
        }
        index.refresh();
        dirty |= !batch.isEmpty() || counters;
        if (dirty && System.nanoTime() - lastCommit >= COMMIT_EVERY.toNanos()) {
          index.commit();
          lastCommit = System.nanoTime();
          dirty = false;
        }
      } catch (IOException | RuntimeException e) {
        LOG.error("the search index could not apply changes; `arbor admin reindex` rebuilds it", e);
      }
      synchronized (lock) {
        applied = target;
        lock.notifyAll();
      }
    }
  }

  /** Applies one change, reading the repository's current state; failures are logged, not fatal. */
  private void apply(String repoId, Kind kind) {
    try {
      Optional<RepoRow> row = kind == Kind.REMOVED ? Optional.empty() : rows.findById(repoId);
      if (row.isEmpty()) {
        index.delete(repoId);
      } else if (kind == Kind.COUNTERS) {
        updateCounters(row.get());
      } else {
        index.put(documents.of(row.get()));
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not index repository {}", repoId, e);
    }
  }

  private void updateCounters(RepoRow row) {
    try {
      index.updateCounters(row.id(), row.downloads(), row.downloadsAllTime(), row.likes(), row.trendingScore());
    } catch (IOException e) {
      LOG.warn("could not update the counts of {} in the search index", row.id(), e);
    }
  }

  /** Every repository's document, read a batch of rows at a time on a feeder thread. */
  private Iterator<RepoDocument> allDocuments() {
    BlockingQueue<Optional<RepoDocument>> queue = new ArrayBlockingQueue<>(4 * BATCH);
    Thread.ofPlatform().name("search-reindex-feed").daemon().start(() -> {
      try {
        rows.forEach(BATCH, page -> {
          for (RepoRow row : page) {
            try {
              put(queue, Optional.of(documents.of(row)));
            } catch (IOException | RuntimeException e) {
              LOG.warn("could not index repository {} ({})", row.id(), row.fullName(), e);
            }
          }
        });
      } finally {
        put(queue, Optional.empty());
      }
    });
    return new Iterator<>() {
      private Optional<RepoDocument> next;

      @Override
      public boolean hasNext() {
        if (next == null) {
          try {
            next = queue.take();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            next = Optional.empty();
          }
        }
        return next.isPresent();
      }

      @Override
      public RepoDocument next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        RepoDocument doc = next.get();
        next = null;
        return doc;
      }
    };
  }

  private static void put(BlockingQueue<Optional<RepoDocument>> queue, Optional<RepoDocument> item) {
    try {
      queue.put(item);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Applies what was reported so far and closes the index cleanly, so the next start trusts it.
   * If the worker does not finish in time (a long rebuild), the index is left marked unclean and
   * the next start rebuilds it.
   */
  @Override
  public void close() throws IOException {
    synchronized (lock) {
      running = false;
      lock.notifyAll();
    }
    if (worker != null) {
      try {
        if (!worker.join(Duration.ofSeconds(60))) {
          LOG.warn("the search indexer is still busy; the index will be rebuilt at the next start");
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    index.close();
  }
}
