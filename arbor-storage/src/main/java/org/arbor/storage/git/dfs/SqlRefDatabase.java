package org.arbor.storage.git.dfs;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.internal.storage.dfs.DfsRefDatabase;
import org.eclipse.jgit.lib.BatchRefUpdate;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.ReflogEntry;
import org.eclipse.jgit.lib.ReflogReader;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.util.RefList;

/**
 * The refs of one repository, in {@code git_refs}. JGit caches them all after one read; a write
 * is a compare-and-swap statement, and a lost swap drops the cache, so the loser's retry reads
 * what won. Batches (a push) are atomic: one transaction for all their refs.
 */
final class SqlRefDatabase extends DfsRefDatabase {
  private final DfsRepo repo;
  private final String key;
  private final GitRefRows rows;

  SqlRefDatabase(DfsRepo repo, String key, GitRefRows rows) {
    super(repo);
    this.repo = repo;
    this.key = key;
    this.rows = rows;
  }

  @Override
  protected RefCache scanAllRefs() throws IOException {
    GitRefRows.Snapshot snapshot;
    try {
      snapshot = rows.read(key).orElse(null);
    } catch (RuntimeException e) {
      throw new IOException("could not read the refs of " + key + ": " + e.getMessage(), e);
    }
    RefList.Builder<Ref> all = new RefList.Builder<>();
    RefList.Builder<Ref> symbolic = new RefList.Builder<>();
    if (snapshot != null) {
      for (Ref ref : snapshot.refs()) {
        all.add(ref);
        if (ref.isSymbolic()) {
          symbolic.add(ref);
        }
      }
      repo.refsSeen.set(snapshot.versions().refs());
      if (snapshot.versions().packs() != repo.packsSeen.get()) {
        // Refs newer than the pack list may name objects in packs it does not have yet.
        repo.getObjectDatabase().forgetPacks();
      }
    }
    all.sort();
    symbolic.sort();
    return new RefCache(all.toRefList(), symbolic.toRefList());
  }

  @Override
  protected boolean compareAndPut(Ref expected, Ref replacement) throws IOException {
    ObjectId id = replacement.getObjectId();
    if (id != null && !replacement.isSymbolic()) {
      try (RevWalk walk = new RevWalk(repo)) {
        walk.parseAny(id); // a ref never names an object that is not in a committed pack
      }
    }
    return won(rows.compareAndPut(key, expected, replacement));
  }

  @Override
  protected boolean compareAndRemove(Ref expected) throws IOException {
    return won(rows.compareAndRemove(key, expected));
  }

  private boolean won(Optional<Long> version) {
    if (version.isEmpty()) {
      refresh();
      return false;
    }
    long v = version.get();
    repo.refsSeen.compareAndSet(v - 1, v); // JGit puts the new ref into its cache itself
    return true;
  }

  @Override
  protected void cachePeeledState(Ref oldLeaf, Ref newLeaf) {
    try {
      rows.cachePeeled(key, newLeaf);
    } catch (RuntimeException e) {
      // only a cache: the next reader peels again
    }
  }

  /** Ref moves are not logged on object storage: every reflog is empty. */
  @Override
  public ReflogReader getReflogReader(Ref ref) {
    return new ReflogReader() {
      @Override
      public ReflogEntry getLastEntry() {
        return null;
      }

      @Override
      public List<ReflogEntry> getReverseEntries() {
        return List.of();
      }

      @Override
      public ReflogEntry getReverseEntry(int number) {
        return null;
      }

      @Override
      public List<ReflogEntry> getReverseEntries(int max) {
        return List.of();
      }
    };
  }

  @Override
  public boolean performsAtomicTransactions() {
    return true;
  }

  @Override
  public BatchRefUpdate newBatchUpdate() {
    return new SqlRefBatch(this);
  }

  /** Applies changes all or none; see {@link GitRefRows#apply}. The cached refs are dropped after. */
  int apply(List<GitRefRows.Change> changes) {
    try {
      return rows.apply(key, changes);
    } finally {
      refresh();
    }
  }
}
