package org.arbor.service;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.arbor.core.GitHash;
import org.arbor.storage.db.AnalysisRows;
import org.arbor.storage.db.RepoRow;
import org.arbor.storage.db.RepoRows;
import org.arbor.storage.db.SecretRows;
import org.arbor.storage.git.GitEntry;
import org.arbor.storage.git.GitRepo;
import org.arbor.storage.git.GitRepos;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Analysis of every new revision, after it lands: a job per commit in a queue table, claimed with
 * a lease (so several nodes can share the work and a crashed node's job is retried), run by a
 * background worker: every file is scanned for unsafe serialization and weight files are
 * inspected, each once per SHA-256, whichever repositories hold it.
 */
public final class Analysis implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Analysis.class);
  private static final long LEASE_MILLIS = 10 * 60 * 1000;
  private static final int MAX_ATTEMPTS = 3;
  private static final String RULES_KEY = "analysis-rules-version";

  private final AnalysisRows rows;
  private final RepoRows repos;
  private final GitRepos git;
  private final WeightInspector inspector;
  private final Scans scans;
  private final Clock clock;
  private final Semaphore wake = new Semaphore(0);
  private volatile boolean running;
  private Thread worker;
  private final RepoEvents events;
  private final AtomicInteger inFlight = new AtomicInteger(); // jobs claimed and not yet finished here

  public Analysis(AnalysisRows rows, RepoRows repos, GitRepos git, WeightInspector inspector, Scans scans,
      RepoEvents events, Clock clock) {
    this.events = events;
    this.rows = rows;
    this.repos = repos;
    this.git = git;
    this.inspector = inspector;
    this.scans = scans;
    this.clock = clock;
  }

  /** Queues the analysis of a revision; safe to call for one already queued or done. */
  public void enqueue(String repoId, GitHash commit) {
    try {
      rows.enqueue(repoId, commit.hex(), clock.instant());
      wake.release();
    } catch (RuntimeException e) {
      // derived data: a lost job is re-created by the next write or a re-analysis
      log.warn("could not queue the analysis of {}@{}", repoId, commit, e);
    }
  }

  /**
   * Queues every repository's head again when the scanner's or the inspector's rules changed since
   * the last start, so verdicts made by old rules are replaced.
   */
  public int requeueIfRulesChanged(SecretRows settings) {
    String current = Scans.VERSION + "+" + WeightInspector.VERSION;
    if (settings.get(RULES_KEY).map(current::equals).orElse(false)) {
      return 0;
    }
    List<String[]> heads = repos.heads();
    for (String[] head : heads) {
      rows.requeue(head[0], head[1], clock.instant());
    }
    settings.put(RULES_KEY, current, clock.instant());
    if (!heads.isEmpty()) {
      log.info("analysis rules are now {}: {} repositories queued for a new scan", current, heads.size());
    }
    return heads.size();
  }

  /** Starts the background worker. */
  public void start() {
    running = true;
    worker = Thread.ofPlatform().daemon().name("arbor-analysis").start(this::loop);
  }

  /**
   * Runs queued jobs until none is left and none is still running in this process (the worker may
   * hold one); for tests and the admin command.
   */
  public int drain() {
    int done = 0;
    while (true) {
      if (runOne()) {
        done++;
      } else if (inFlight.get() == 0) {
        return done;
      } else {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return done;
        }
      }
    }
  }

  private void loop() {
    while (running) {
      try {
        if (!runOne()) {
          wake.tryAcquire(2, TimeUnit.SECONDS);
          wake.drainPermits();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error("analysis worker error", e);
      }
    }
  }

  private boolean runOne() {
    inFlight.incrementAndGet();
    try {
      return claimAndRun();
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private boolean claimAndRun() {
    Optional<AnalysisRows.Job> claimed = rows.claim(clock.instant(), LEASE_MILLIS, MAX_ATTEMPTS);
    if (claimed.isEmpty()) {
      return false;
    }
    AnalysisRows.Job job = claimed.get();
    String error = null;
    long started = System.nanoTime();
    try {
      analyse(job);
      log.info("analysed {}@{} in {} ms", job.repoId(), job.commitSha().substring(0, 10),
          (System.nanoTime() - started) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      if (repos.findById(job.repoId()).isEmpty()) {
        log.debug("{} was deleted while it was analysed", job.repoId());
      } else {
        log.warn("analysis of {}@{} failed", job.repoId(), job.commitSha(), e);
      }
      error = String.valueOf(e.getMessage());
    }
    rows.finish(job.id(), clock.instant(), error);
    events.changed(job.repoId());   // parameter counts and formats feed the search index
    return true;
  }

  private void analyse(AnalysisRows.Job job) throws IOException {
    Optional<RepoRow> row = repos.findById(job.repoId());
    if (row.isEmpty()) {
      return; // deleted since
    }
    GitRepo repo = git.open(row.get().storageKey());
    for (GitEntry file : repo.files(new GitHash(job.commitSha()))) {
      scans.scan(repo, file); // every file: a file is judged by its bytes, not its name
      if (WeightInspector.isCandidate(file.path())) {
        inspector.inspect(repo, file);
      }
    }
  }

  /** Stops the worker and waits for it, so nothing reads or writes the stores after close. */
  @Override
  public void close() {
    running = false;
    if (worker == null) {
      return;
    }
    worker.interrupt();
    try {
      worker.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (worker.isAlive()) {
      log.warn("the analysis worker did not stop within 30 s");
    }
  }
}
