package org.arbor.storage.git.dfs;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.arbor.storage.blob.S3Location;
import org.arbor.storage.db.Database;
import org.arbor.storage.git.RepoStorage;
import org.eclipse.jgit.internal.storage.dfs.DfsGarbageCollector;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.Repository;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Repositories on JGit's DFS layer for hubs of several stateless nodes: pack files in a bucket,
 * the live packs and the refs in the SQL database, JGit's block cache in memory. Nothing lives
 * only on one node's disk.
 *
 * <p>Every ref move and pack list change is a compare-and-swap in SQL that also bumps its
 * repository's version; {@link #open} reads the versions (one query) and drops whatever this node
 * cached that is older, so a node sees another node's push at its next request. Two nodes pushing
 * to one branch: one swap wins, the other gets a lock failure, nothing is half-written.
 *
 * <p>Maintenance, for a periodic job: {@link #needingCompaction} then {@link #compact} each, and
 * {@link #sweep} to delete the files of packs that were replaced, abandoned midway, or belonged to
 * deleted repositories, once they are older than the grace period (other nodes may still read a
 * replaced pack until they next look at the pack list).
 */
public final class DfsRepoStorage implements RepoStorage {
  /** How long the files of unlisted packs stay before {@link #sweep} deletes them. */
  public static final Duration GRACE = Duration.ofHours(1);
  /** A repository with more live packs than this is worth compacting. */
  public static final int COMPACT_ABOVE = 8;

  private final Stores stores;
  private final Duration grace;
  private final S3Client ownClient;
  private final Map<String, DfsRepo> open = new ConcurrentHashMap<>();

  /**
   * Repositories in the bucket of {@code location} (credentials from the standard AWS chain) and
   * in {@code db}, with a block cache of {@code blockCacheBytes} (see {@link #defaultBlockCacheBytes}).
   */
  public static DfsRepoStorage open(S3Location location, Database db, long blockCacheBytes) {
    S3Client s3 = location.client(DefaultCredentialsProvider.builder().build());
    return new DfsRepoStorage(s3, location.bucket(), location.prefix(), db, blockCacheBytes, Clock.systemUTC(), GRACE,
        true);
  }

  /** With a client of the caller's (not closed here), a clock and a grace period of its choosing. */
  public DfsRepoStorage(S3Client s3, String bucket, String prefix, Database db, long blockCacheBytes, Clock clock,
      Duration grace) {
    this(s3, bucket, prefix, db, blockCacheBytes, clock, grace, false);
  }

  private DfsRepoStorage(S3Client s3, String bucket, String prefix, Database db, long blockCacheBytes, Clock clock,
      Duration grace, boolean ownsClient) {
    BlockCache.configure(blockCacheBytes);
    this.stores = new Stores(new PackFiles(s3, bucket, prefix), new GitRepoRows(db), new GitRefRows(db),
        new GitPackRows(db), clock);
    this.grace = grace;
    this.ownClient = ownsClient ? s3 : null;
  }

  /** An eighth of the heap, at most 512 MiB. */
  public static long defaultBlockCacheBytes() {
    return BlockCache.defaultBytes();
  }

  @Override
  public Repository create(String key, String defaultBranch) throws IOException {
    if (!stores.repos().create(key, defaultBranch, stores.clock().instant())) {
      throw new IOException("repository storage already exists: " + key);
    }
    return open(key);
  }

  @Override
  public Repository open(String key) throws IOException {
    return repo(key);
  }

  private DfsRepo repo(String key) throws IOException {
    Versions versions;
    try {
      versions = stores.repos().versions(key).orElse(null);
    } catch (RuntimeException e) {
      throw new IOException("could not look up repository " + key + ": " + e.getMessage(), e);
    }
    if (versions == null) {
      DfsRepo gone = open.remove(key);
      if (gone != null) {
        gone.close();
      }
      throw new IOException("no repository storage for " + key);
    }
    DfsRepo repo = open.computeIfAbsent(key, k -> new DfsRepo(k, stores.files().where(k), stores));
    repo.catchUp(versions);
    return repo;
  }

  /** Its refs and pack list go at once; its pack files after the grace period, by {@link #sweep}. */
  @Override
  public void delete(String key) throws IOException {
    try {
      stores.repos().delete(key, stores.clock().instant());
    } catch (RuntimeException e) {
      throw new IOException("could not delete repository " + key + ": " + e.getMessage(), e);
    }
    DfsRepo repo = open.remove(key);
    if (repo != null) {
      repo.close();
    }
  }

  /** Repositories with more than {@code packs} live packs (e.g. {@link #COMPACT_ABOVE}), at most {@code limit}. */
  public List<String> needingCompaction(int packs, int limit) {
    return stores.repos().withMorePacksThan(packs, limit);
  }

  /**
   * Rewrites a repository's packs into a few (JGit's DFS garbage collector: one pack of what the
   * branches reach, with bitmaps, one of the rest, one of unreachable objects kept for a while);
   * the packs it replaced become garbage. Safe while others push: packs committed meanwhile are
   * left alone, and of two compactions of one repository only the first to commit lands.
   *
   * @return true if the packs were rewritten
   * @throws IOException if the repository does not exist, or another compaction won
   */
  public boolean compact(String key) throws IOException {
    DfsRepo repo = repo(key);
    if (repo.getObjectDatabase().getPacks().length <= 1) {
      return false;
    }
    return new DfsGarbageCollector(repo).pack(NullProgressMonitor.INSTANCE);
  }

  /**
   * Deletes the files of packs noted as garbage longer ago than the grace period: replaced, never
   * committed, or of deleted repositories. Returns how many packs' files went.
   */
  public int sweep() throws IOException {
    Instant cutoff = stores.clock().instant().minus(grace);
    int swept = 0;
    List<GitPackRows.Garbage> garbage;
    while (!(garbage = stores.packs().garbageBefore(cutoff, 500)).isEmpty()) {
      for (GitPackRows.Garbage g : garbage) {
        if (!stores.packs().claim(g.repoKey(), g.packName(), cutoff)) {
          continue; // committed or swept meanwhile
        }
        try {
          stores.files().delete(PackDatabase.fileKeys(stores.files(), g.repoKey(), g.packName()));
        } catch (IOException e) {
          stores.packs().note(g.repoKey(), g.packName(), cutoff.minusMillis(1)); // the next sweep tries again
          throw e;
        }
        swept++;
      }
    }
    return swept;
  }

  @Override
  public void close() {
    open.values().forEach(Repository::close);
    open.clear();
    if (ownClient != null) {
      ownClient.close();
    }
  }
}
