package org.arbor.storage.git.dfs;

import java.io.IOException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.internal.storage.dfs.DfsReader;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.ObjectLoader;

/**
 * JGit's DFS reader, which looks again once when an object is missing and the pack list changed
 * since it was read (another node pushed a pack this node has not listed yet). Only reads that
 * expect the object do; {@code has} does not, as a push asks it of every object it brings.
 */
final class RescanningReader extends DfsReader {
  private final PackDatabase packs;

  RescanningReader(PackDatabase packs) {
    super(packs);
    this.packs = packs;
  }

  @Override
  public ObjectLoader open(AnyObjectId id, int type) throws IOException {
    try {
      return super.open(id, type);
    } catch (MissingObjectException e) {
      if (packs.rescanIfChanged()) {
        return super.open(id, type);
      }
      throw e;
    }
  }

  @Override
  public long getObjectSize(AnyObjectId id, int type) throws IOException {
    try {
      return super.getObjectSize(id, type);
    } catch (MissingObjectException e) {
      if (packs.rescanIfChanged()) {
        return super.getObjectSize(id, type);
      }
      throw e;
    }
  }
}
