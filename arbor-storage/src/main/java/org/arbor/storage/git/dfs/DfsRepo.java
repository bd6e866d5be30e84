package org.arbor.storage.git.dfs;

import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jgit.internal.storage.dfs.DfsRepository;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryBuilder;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.lib.RefDatabase;

/**
 * One repository on object storage, as a JGit {@link DfsRepository}: packs through
 * {@link PackDatabase}, refs through {@link SqlRefDatabase}. JGit caches the ref list and the pack
 * list; this remembers which versions of the repository those caches were read at, so that
 * {@link #catchUp} can drop them when another node has changed either.
 */
final class DfsRepo extends DfsRepository {
  private final PackDatabase objects;
  private final SqlRefDatabase refs;
  /** The refs version the cached ref list was read at; -1 before the first read. */
  final AtomicLong refsSeen = new AtomicLong(-1);
  /** The packs version the cached pack list was read at; -1 before the first read. */
  final AtomicLong packsSeen = new AtomicLong(-1);

  DfsRepo(String key, String where, Stores stores) {
    super(new Builder().setRepositoryDescription(new DfsRepositoryDescription(where)));
    this.objects = new PackDatabase(this, key, stores);
    this.refs = new SqlRefDatabase(this, key, stores.refs());
  }

  @Override
  public PackDatabase getObjectDatabase() {
    return objects;
  }

  @Override
  public RefDatabase getRefDatabase() {
    return refs;
  }

  /** Forgets the cached refs and packs older than {@code current}; they are read again when next needed. */
  void catchUp(Versions current) {
    if (current.refs() != refsSeen.get()) {
      refs.refresh();
    }
    if (current.packs() != packsSeen.get()) {
      objects.forgetPacks();
    }
  }

  /** DFS repositories are built by {@link DfsRepoStorage}; JGit's builder only carries the description. */
  private static final class Builder extends DfsRepositoryBuilder<Builder, DfsRepo> {
    @Override
    public DfsRepo build() {
      throw new UnsupportedOperationException("built by DfsRepoStorage");
    }
  }
}
