package org.arbor.storage.git;

import java.io.IOException;
import org.arbor.core.GitHash;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.file.PackInserter;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;

/**
 * Writes the blobs of one commit into a single new pack rather than one loose object each, so a
 * commit of a thousand small files costs one file, not a thousand: on a file repository through
 * JGit's pack inserter, on object storage through the DFS inserter, which always writes packs.
 * Nothing written is referenced until a commit names it; an abandoned writer leaves at worst an
 * unreferenced pack for git's garbage collection.
 */
public final class BlobWriter implements AutoCloseable {
  private final ObjectInserter inserter;

  BlobWriter(Repository repo) {
    if (repo instanceof FileRepository file) {
      PackInserter pack = file.getObjectDatabase().newPackInserter();
      pack.checkExisting(true);
      this.inserter = pack;
    } else {
      this.inserter = repo.newObjectInserter();
    }
  }

  public GitHash insert(byte[] content) throws IOException {
    return GitRepo.hash(inserter.insert(Constants.OBJ_BLOB, content));
  }

  /** Makes every blob inserted so far durable and readable. */
  public void flush() throws IOException {
    inserter.flush();
  }

  @Override
  public void close() {
    inserter.close();
  }
}
