package org.arbor.service;

/**
 * What services report after a write has landed, for whatever is derived from repositories (the
 * search index today; a change log for other nodes later). Called after the database rows are
 * updated, never inside a transaction; implementations must not throw and must not block.
 */
public interface RepoEvents {
  /** The repository's content, settings, name or analysis changed. */
  void changed(String repoId);

  /** Only its popularity numbers (downloads, likes, trending) changed. */
  void countersChanged(String repoId);

  /** The repository was deleted. */
  void removed(String repoId);

  /** Every repository's popularity numbers were recomputed (a new day began). */
  void everyCounterChanged();

  /** These events, and {@code onChange} run after each {@link #changed} too. */
  default RepoEvents alsoOnChange(Runnable onChange) {
    RepoEvents first = this;
    return new RepoEvents() {
      @Override
      public void changed(String repoId) {
        first.changed(repoId);
        onChange.run();
      }

      @Override
      public void countersChanged(String repoId) {
        first.countersChanged(repoId);
      }

      @Override
      public void removed(String repoId) {
        first.removed(repoId);
      }

      @Override
      public void everyCounterChanged() {
        first.everyCounterChanged();
      }
    };
  }

  /** Ignores everything: for tools that write without a running index. */
  RepoEvents NONE = new RepoEvents() {
    @Override
    public void changed(String repoId) {}

    @Override
    public void countersChanged(String repoId) {}

    @Override
    public void removed(String repoId) {}

    @Override
    public void everyCounterChanged() {}
  };
}
