package org.arbor.service;

import java.io.IOException;
import java.time.Clock;
import org.arbor.core.Sha256;
import org.arbor.storage.blob.BlobStore;
import org.arbor.storage.db.LfsRows;

/**
 * Makes what a client sent straight into the object store for a repository part of it: the
 * store's completion (which checks the object and publishes it), then the repository's link, then
 * the incoming copy goes. In that order, so a concurrent completion of the same object that finds
 * nothing left sees the link ({@link #heldBy}).
 */
final class DirectPublisher {
  /** A store's completion of a direct upload. */
  interface Completion {
    void run() throws IOException;
  }

  private final BlobStore blobs;
  private final LfsRows lfs;
  private final Clock clock;

  DirectPublisher(BlobStore blobs, LfsRows lfs, Clock clock) {
    this.blobs = blobs;
    this.lfs = lfs;
    this.clock = clock;
  }

  /** Runs {@code complete} for object {@code oid} sent for {@code repoId}, then links it and drops the incoming copy. */
  void publish(String repoId, Sha256 oid, long size, Completion complete) throws IOException {
    complete.run();
    lfs.link(repoId, oid.hex(), size, clock.instant());
    blobs.discardDirectUpload(repoId, oid);
  }

  /**
   * Whether {@code repoId} already holds the object, as after a completion that came first.
   * Stored for another repository is not enough: knowing an object's id must not make it readable.
   */
  boolean heldBy(String repoId, Sha256 oid, long size) throws IOException {
    return lfs.isLinked(repoId, oid.hex()) && blobs.stat(oid).filter(b -> b.size() == size).isPresent();
  }
}
