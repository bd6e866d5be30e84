package org.arbor.storage.git.dfs;

import org.eclipse.jgit.internal.storage.dfs.DfsBlockCache;
import org.eclipse.jgit.internal.storage.dfs.DfsBlockCacheConfig;

/**
 * JGit's block cache of pack and index bytes read from object storage. There is one per process
 * (JGit keeps it in a static); pack files never change, so every repository on every store shares
 * it safely. Configured once, and again only if asked for another size.
 */
final class BlockCache {
  static final int BLOCK_SIZE = 64 << 10;
  private static long configured = -1;

  private BlockCache() {}

  /** An eighth of the heap, at most 512 MiB. */
  static long defaultBytes() {
    return Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 8);
  }

  static synchronized void configure(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("the block cache needs a positive size, not " + bytes);
    }
    if (bytes == configured) {
      return;
    }
    DfsBlockCacheConfig config = new DfsBlockCacheConfig();
    long limit = Math.max((long) BLOCK_SIZE * config.getConcurrencyLevel(), bytes / BLOCK_SIZE * BLOCK_SIZE);
    DfsBlockCache.reconfigure(config.setBlockSize(BLOCK_SIZE).setBlockLimit(limit));
    configured = bytes;
  }
}
