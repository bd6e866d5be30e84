package org.arbor.storage.git.dfs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.eclipse.jgit.internal.storage.dfs.DfsObjDatabase;
import org.eclipse.jgit.internal.storage.dfs.DfsOutputStream;
import org.eclipse.jgit.internal.storage.dfs.DfsPackDescription;
import org.eclipse.jgit.internal.storage.dfs.DfsReader;
import org.eclipse.jgit.internal.storage.dfs.DfsReaderOptions;
import org.eclipse.jgit.internal.storage.dfs.ReadableChannel;
import org.eclipse.jgit.internal.storage.pack.PackExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The objects of one repository: pack files in the bucket, the list of live packs in
 * {@code git_packs}. A new pack is noted as garbage before its first byte is written and listed
 * (and un-noted) in one transaction when JGit commits it, so a write that dies midway leaves files
 * for the sweep and nothing listed. Packs a compaction replaces are unlisted in the same
 * transaction that lists its result; their files stay for the grace period, for readers elsewhere.
 */
final class PackDatabase extends DfsObjDatabase {
  private static final Logger log = LoggerFactory.getLogger(PackDatabase.class);

  private final DfsRepo repo;
  private final String key;
  private final Stores stores;

  PackDatabase(DfsRepo repo, String key, Stores stores) {
    super(repo, new DfsReaderOptions());
    this.repo = repo;
    this.key = key;
    this.stores = stores;
  }

  @Override
  protected DfsPackDescription newPack(PackSource source) throws IOException {
    String name = "pack-" + UUID.randomUUID().toString().replace("-", "") + "-" + source.name();
    try {
      stores.packs().note(key, name, stores.clock().instant());
    } catch (RuntimeException e) {
      throw new IOException("could not note new pack of " + key + ": " + e.getMessage(), e);
    }
    return new DfsPackDescription(getRepository().getDescription(), name, source);
  }

  @Override
  protected void commitPackImpl(Collection<DfsPackDescription> add, Collection<DfsPackDescription> replace)
      throws IOException {
    long now = stores.clock().millis();
    List<PackRow> rows = add.stream().map(p -> PackRow.of(p, now)).toList();
    List<String> replaced = replace == null ? List.of() : replace.stream().map(DfsPackDescription::getPackName).toList();
    long version;
    try {
      version = stores.packs().commit(key, rows, replaced, stores.clock().instant());
    } catch (GitPackRows.StaleCommitException e) {
      throw new IOException(e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IOException("could not commit packs of " + key + ": " + e.getMessage(), e);
    }
    if (replaced.isEmpty()) {
      // JGit adds a pack it just wrote to the cached list itself: only another node's change is news.
      repo.packsSeen.compareAndSet(version - 1, version);
    } else {
      forgetPacks();
    }
  }

  @Override
  protected void rollbackPack(Collection<DfsPackDescription> packs) {
    for (DfsPackDescription pack : packs) {
      try {
        stores.files().delete(fileKeys(pack.getPackName()));
        stores.packs().forget(key, pack.getPackName());
      } catch (IOException | RuntimeException e) {
        log.warn("could not roll back pack {} of {} (the sweep will delete it): {}", pack.getPackName(), key,
            e.toString());
      }
    }
  }

  @Override
  protected List<DfsPackDescription> listPacks() throws IOException {
    GitPackRows.Listing listing;
    try {
      listing = stores.packs().list(key).orElse(new GitPackRows.Listing(-1, List.of()));
    } catch (RuntimeException e) {
      throw new IOException("could not list packs of " + key + ": " + e.getMessage(), e);
    }
    List<DfsPackDescription> packs = new ArrayList<>(listing.packs().size());
    for (PackRow row : listing.packs()) {
      try {
        packs.add(row.describe(getRepository().getDescription()));
      } catch (IllegalStateException e) {
        throw new IOException("repository " + key + ": " + e.getMessage(), e);
      }
    }
    repo.packsSeen.set(listing.version());
    return packs;
  }

  @Override
  protected ReadableChannel openFile(DfsPackDescription pack, PackExt ext) {
    long size = pack.getFileSize(ext);
    return stores.files().open(stores.files().key(key, pack.getFileName(ext)), size > 0 ? size : -1);
  }

  @Override
  protected DfsOutputStream writeFile(DfsPackDescription pack, PackExt ext) throws IOException {
    return new PackSpool(stores.files(), stores.files().key(key, pack.getFileName(ext)));
  }

  @Override
  public DfsReader newReader() {
    return new RescanningReader(this);
  }

  @Override
  public long getApproximateObjectCount() {
    long count = 0;
    for (var pack : getCurrentPacks()) {
      count += pack.getPackDescription().getObjectCount();
    }
    return count;
  }

  /** Drops the cached pack list; the next read lists the packs again. */
  void forgetPacks() {
    clearCache();
  }

  /**
   * After an object was not found: if another node changed the pack list since it was read, drops
   * it and returns true (worth looking again).
   */
  boolean rescanIfChanged() throws IOException {
    try {
      Versions now = stores.repos().versions(key).orElse(null);
      if (now == null || now.packs() == repo.packsSeen.get()) {
        return false;
      }
    } catch (RuntimeException e) {
      throw new IOException("could not read the versions of " + key + ": " + e.getMessage(), e);
    }
    forgetPacks();
    return true;
  }

  /** The keys of every file a pack named {@code packName} may have. */
  List<String> fileKeys(String packName) {
    return fileKeys(stores.files(), key, packName);
  }

  static List<String> fileKeys(PackFiles files, String key, String packName) {
    List<String> keys = new ArrayList<>();
    for (PackExt ext : PackExt.values()) {
      keys.add(files.key(key, packName + "." + ext.getExtension()));
    }
    return keys;
  }
}
