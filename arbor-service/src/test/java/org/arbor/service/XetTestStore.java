package org.arbor.service;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.arbor.formats.xet.XetFixtures;
import org.arbor.storage.blob.FsBlobStore;
import org.arbor.storage.db.Database;
import org.arbor.storage.db.RepoRows;
import org.arbor.storage.db.XetRows;

/** A Xet store on SQLite and the file blob store in a folder, with one repository to upload for. */
final class XetTestStore implements AutoCloseable {
  static final String REPO = "0123456789abcdef01234567";
  static final Instant T0 = Instant.ofEpochSecond(1_767_225_600L);

  final Database db;
  final XetRows rows;
  final FsBlobStore whole;
  final XetStore store;

  private XetTestStore(Database db, XetRows rows, FsBlobStore whole, XetStore store) {
    this.db = db;
    this.rows = rows;
    this.whole = whole;
    this.store = store;
  }

  /** In {@code dir}, the store's time from {@code clock}; {@link #REPO} created at {@link #T0}. */
  static XetTestStore open(Path dir, Clock clock) throws Exception {
    Database db = Database.sqlite(dir.resolve("arbor.db"));
    new RepoRows(db).insert(REPO, "model", "alice", "m", false, T0).orElseThrow();
    XetRows rows = new XetRows(db);
    FsBlobStore whole = new FsBlobStore(dir.resolve("blobs"));
    return new XetTestStore(db, rows, whole, new XetStore(whole, rows, clock));
  }

  /** {@code content} uploaded as two xorbs and a shard registering it for {@link #REPO}, as a client sends it. */
  XetFixtures.TwoXorbFile upload(byte[] content) throws Exception {
    XetFixtures.TwoXorbFile file = XetFixtures.twoXorbFile(content);
    store.putXorb(file.x1().hash().toString(), new ByteArrayInputStream(file.first()));
    store.putXorb(file.x2().hash().toString(), new ByteArrayInputStream(file.second()));
    store.registerShard(REPO, new ByteArrayInputStream(file.shard()));
    return file;
  }

  @Override
  public void close() {
    db.close();
  }
}
