package org.arbor.storage.git.dfs;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.arbor.storage.blob.S3TestServer;
import org.arbor.storage.db.Database;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What hub nodes on object storage share, in this JVM: an S3 protocol server (s3proxy on a
 * folder) and a database (SQLite in a file, or zonky's embedded PostgreSQL). Each {@link #storage}
 * is one more node over them.
 */
public final class DfsTestBed implements AutoCloseable {
  private static final List<String> TABLES = List.of("git_pack_garbage", "git_packs", "git_refs", "git_repos");

  private final S3TestServer s3;
  private final Database db;
  private final EmbeddedPostgres pg;
  private final AtomicInteger prefixes = new AtomicInteger();

  private DfsTestBed(S3TestServer s3, Database db, EmbeddedPostgres pg) {
    this.s3 = s3;
    this.db = db;
    this.pg = pg;
  }

  public static DfsTestBed start(Path dir, boolean postgres) throws Exception {
    S3TestServer s3 = S3TestServer.start(dir.resolve("s3"));
    if (postgres) {
      EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
      return new DfsTestBed(s3, Database.postgres(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres"), pg);
    }
    return new DfsTestBed(s3, Database.sqlite(dir.resolve("arbor.db")), null);
  }

  public Database db() {
    return db;
  }

  public S3Client s3() {
    return s3.client();
  }

  /** A prefix of its own in the bucket, with the git tables emptied: a fresh start for one test. */
  public String freshPrefix() {
    db.jdbi().useTransaction(h -> TABLES.forEach(table -> h.execute("DELETE FROM " + table)));
    return "dfs-" + prefixes.incrementAndGet() + "/";
  }

  /** One more node over the shared bucket and database. */
  public DfsRepoStorage storage(String prefix, Clock clock) {
    return new DfsRepoStorage(s3.client(), S3TestServer.BUCKET, prefix, db, 32L << 20, clock, DfsRepoStorage.GRACE);
  }

  public DfsRepoStorage storage(String prefix) {
    return storage(prefix, Clock.systemUTC());
  }

  public boolean isStored(String key) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM git_repos WHERE repo_key = :key")
        .bind("key", key).mapTo(Long.class).one()) > 0;
  }

  /** The object keys under {@code prefix}git/{@code repoKey}/. */
  public List<String> objects(String prefix, String repoKey) {
    return s3.client().listObjectsV2Paginator(b -> b.bucket(S3TestServer.BUCKET).prefix(prefix + "git/" + repoKey + "/"))
        .contents().stream().map(o -> o.key()).sorted().toList();
  }

  @Override
  public void close() throws Exception {
    db.close();
    s3.close();
    if (pg != null) {
      pg.close();
    }
  }

  /** A clock that moves only when told. */
  public static final class TestClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    public void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
