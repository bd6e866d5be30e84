package org.arbor.service;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.arbor.core.Sha256;
import org.arbor.storage.db.XetRows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts LFS objects uploaded without Xet (git-lfs, older clients, Xet off) in the background,
 * one at a time, oldest first: nudged after every change to a repository, and every ten minutes
 * to catch up after a restart. Each object's whole copy goes once its Xet file is verified.
 */
public final class XetConversions implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(XetConversions.class);
  private static final int BATCH = 100;

  private final XetConverter converter;
  private final XetRows rows;
  private final Semaphore nudges = new Semaphore(0);
  private final Set<String> failed = new HashSet<>();
  private volatile boolean closed;
  private Thread worker;

  public XetConversions(XetConverter converter, XetRows rows) {
    this.converter = converter;
    this.rows = rows;
  }

  public XetConversions start() {
    worker = Thread.ofPlatform().daemon().name("xet-conversions").start(this::run);
    return this;
  }

  /** Something changed: look for objects to convert soon. Never blocks. */
  public void nudge() {
    nudges.release();
  }

  /** Converts every object waiting now, in this thread; returns how many (for tests and the worker). */
  public synchronized int convertWaiting() {
    int converted = 0;
    while (!closed) {
      List<XetRows.Unconverted> batch = rows.unconverted(BATCH + failed.size()).stream()
          .filter(u -> !failed.contains(u.oid())).limit(BATCH).toList();
      if (batch.isEmpty()) {
        return converted;
      }
      for (XetRows.Unconverted u : batch) {
        if (closed) {
          break;
        }
        try {
          if (converter.convert(u.repoId(), new Sha256(u.oid()), true).isPresent()) {
            converted++;
          } else {
            failed.add(u.oid());   // not stored whole: nothing to convert from
          }
        } catch (java.nio.channels.ClosedByInterruptException e) {
          LOG.info("Stopped converting LFS object {} to Xet (the hub is stopping); the next start converts it", u.oid());
          return converted;
        } catch (IOException | RuntimeException e) {
          failed.add(u.oid());
          LOG.warn("Could not convert LFS object {} to Xet; it stays as it is until the next start", u.oid(), e);
        }
      }
    }
    return converted;
  }

  private void run() {
    while (!closed) {
      try {
        int converted = convertWaiting();
        if (converted > 0) {
          LOG.info("Converted {} LFS objects to Xet", converted);
        }
        nudges.tryAcquire(10, TimeUnit.MINUTES);
        nudges.drainPermits();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("Xet conversions failed; trying again later", e);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    if (worker != null) {
      worker.interrupt();
      try {
        worker.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
