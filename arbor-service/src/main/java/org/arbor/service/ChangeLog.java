package org.arbor.service;

import java.time.Clock;
import org.arbor.storage.db.ChangeRows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports each change to this node's own index at once and writes it to the shared change log,
 * which every node's {@link ChangeFollower} reads. A log write that fails is logged, not thrown:
 * the change itself has landed, and other nodes' indexes catch up at their next rebuild.
 */
public final class ChangeLog implements RepoEvents {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeLog.class);
  static final String CHANGED = "changed";
  static final String COUNTERS = "counters";
  static final String REMOVED = "removed";
  static final String ALL_COUNTERS = "all-counters";

  private final RepoEvents local;
  private final ChangeRows rows;
  private final String node;
  private final Clock clock;

  /** {@code node} names this process in the log, so its follower skips what it applied itself. */
  public ChangeLog(RepoEvents local, ChangeRows rows, String node, Clock clock) {
    this.local = local;
    this.rows = rows;
    this.node = node;
    this.clock = clock;
  }

  @Override
  public void changed(String repoId) {
    local.changed(repoId);
    write(repoId, CHANGED);
  }

  @Override
  public void countersChanged(String repoId) {
    local.countersChanged(repoId);
    write(repoId, COUNTERS);
  }

  @Override
  public void removed(String repoId) {
    local.removed(repoId);
    write(repoId, REMOVED);
  }

  @Override
  public void everyCounterChanged() {
    local.everyCounterChanged();
    write(null, ALL_COUNTERS);
  }

  private void write(String repoId, String kind) {
    try {
      rows.append(repoId, kind, node, clock.instant());
    } catch (RuntimeException e) {
      LOG.warn("could not write a change of {} to the change log; other nodes see it after a reindex", repoId, e);
    }
  }
}
