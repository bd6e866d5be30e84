package org.arbor.storage.git.dfs;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.internal.storage.dfs.DfsObjDatabase.PackSource;
import org.eclipse.jgit.internal.storage.dfs.DfsPackDescription;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.pack.PackExt;

/**
 * A live pack as stored in {@code git_packs}: what JGit needs to know of it without reading it.
 * {@code files} lists each file written with its size, {@code "pack:1234 idx:56"}.
 */
record PackRow(String name, String source, String files, long objectCount, long deltaCount, int indexVersion,
    long createdAt) {

  static PackRow of(DfsPackDescription pack, long now) {
    List<String> files = new ArrayList<>();
    for (PackExt ext : PackExt.values()) {
      if (pack.hasFileExt(ext)) {
        files.add(ext.getExtension() + ":" + pack.getFileSize(ext));
      }
    }
    return new PackRow(pack.getPackName(), pack.getPackSource().name(), String.join(" ", files),
        pack.getObjectCount(), pack.getDeltaCount(), pack.getIndexVersion(),
        pack.getLastModified() > 0 ? pack.getLastModified() : now);
  }

  /**
   * The description of this pack in {@code repo}.
   *
   * @throws IllegalStateException if the row is not one this code wrote
   */
  DfsPackDescription describe(DfsRepositoryDescription repo) {
    PackSource packSource;
    try {
      packSource = PackSource.valueOf(source);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("pack " + name + " has an unknown source " + source);
    }
    DfsPackDescription pack = new DfsPackDescription(repo, name, packSource);
    pack.setLastModified(createdAt);
    pack.setObjectCount(objectCount);
    pack.setDeltaCount(deltaCount);
    pack.setIndexVersion(indexVersion);
    for (String file : files.isEmpty() ? new String[0] : files.split(" ")) {
      int colon = file.indexOf(':');
      PackExt ext = colon > 0 ? extension(file.substring(0, colon)) : null;
      long size = colon > 0 ? parseSize(file.substring(colon + 1)) : -1;
      if (ext == null || size < 0) {
        throw new IllegalStateException("pack " + name + " lists a malformed file '" + file + "'");
      }
      pack.addFileExt(ext);
      pack.setFileSize(ext, size);
    }
    return pack;
  }

  private static PackExt extension(String name) {
    for (PackExt ext : PackExt.values()) {
      if (ext.getExtension().equals(name)) {
        return ext;
      }
    }
    return null;
  }

  private static long parseSize(String digits) {
    if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    return Long.parseLong(digits);
  }
}
