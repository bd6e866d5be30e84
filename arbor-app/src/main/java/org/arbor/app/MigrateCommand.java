package org.arbor.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.arbor.server.web.Format;
import org.arbor.storage.CopyMismatchException;
import org.arbor.storage.blob.BlobCopy;
import org.arbor.storage.blob.BlobInfo;
import org.arbor.storage.blob.BlobStore;
import org.arbor.storage.blob.S3Location;
import org.arbor.storage.db.Database;
import org.arbor.storage.db.DatabaseCopy;
import org.arbor.storage.db.RepoRow;
import org.arbor.storage.db.RepoRows;
import org.arbor.storage.git.GitRepos;
import org.arbor.storage.git.RepoCopy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code arbor admin migrate}: moves an embedded install to the scaled-out services, database
 * first, then blobs, then repositories, each verified before the next starts.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = {
        "Move this install (its SQLite database, the blobs and the git repositories in its data folder) to "
            + "PostgreSQL and S3-compatible object storage. Stop the hub first: it must not run meanwhile.",
        "Copies the database, then the blobs, then the repositories, and verifies each: row counts and hashes per "
            + "table, object ids and sizes, refs. Safe to run again, after an interruption or after the source "
            + "changed: it then sends only what is missing or different and makes the target equal to the source "
            + "(changes made on the target since are undone). The target database must be empty or hold an "
            + "earlier migration of this install."})
final class MigrateCommand implements Callable<Integer> {
  @Mixin DataOptions data;

  @Option(names = "--to", required = true, paramLabel = "DBURL",
      description = "The target database: postgresql://user:password@host:5432/dbname (or jdbc:postgresql://…)")
  String to;

  @Option(names = "--blobs", required = true, paramLabel = "S3URL",
      description = "Where blobs go: s3://bucket/prefix?endpoint=https://…&region=… (credentials from the standard "
          + "AWS chain: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, …)")
  String blobs;

  @Option(names = "--to-data", paramLabel = "DIR",
      description = "The migrated hub's data folder, for what stays on local disk (default: the one of --data)")
  Path toData;

  @Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
      description = "How many blobs are sent at a time (default: ${DEFAULT-VALUE})")
  int parallel;

  @Override
  public Integer call() throws Exception {
    HubConfig source = data.config(null);
    if (!source.databaseUrl().startsWith("jdbc:sqlite:") || source.blobs() != null) {
      // e.g. ARBOR_DB_URL or ARBOR_BLOBS already exported for the new nodes: the source would be the target
      System.err.println("arbor: migrate: the source must be an embedded install (SQLite and blobs in its data folder),"
          + " but its settings name " + (source.blobs() != null ? "blobs " + source.blobs()
          : "the database " + DatabaseUrl.redacted(source.databaseUrl()))
          + "; unset ARBOR_DB_URL / ARBOR_DATABASE_URL / ARBOR_BLOBS for this command");
      return 1;
    }
    DatabaseUrl url = DatabaseUrl.parse(to);
    String blobsUrl = blobs.strip();
    S3Location.parse(blobsUrl);   // refuses a malformed location before anything is opened
    HubConfig target = new HubConfig(toData == null ? source.dataDir() : toData.toAbsolutePath().normalize(),
        source.host(), source.port(), source.publicUrl(), url.jdbcUrl(), url.user(), url.password(),
        source.adminUser(), source.adminToken(), source.scanPolicy(), source.allowSignup(), source.lfsPartSize(),
        source.xet(), source.xetGcGrace(), blobsUrl, source.blobsRedirect());
    PrintStream out = System.out;
    try {
      refuseIfServing(source);
      run(source, target, url, out);
      return 0;
    } catch (CopyMismatchException | IllegalStateException e) {
      System.err.println("arbor: migrate: " + e.getMessage());
      return 1;
    }
  }

  private void run(HubConfig source, HubConfig target, DatabaseUrl url, PrintStream out) throws Exception {
    long started = System.nanoTime();
    out.printf("migrating %s%n", source.dataDir());
    out.printf("  database      %s -> %s%n", DatabaseUrl.redacted(source.databaseUrl()), url);
    out.printf("  blobs         %s -> %s%n", source.blobs() == null ? source.dataDir().resolve("blobs")
        : S3Location.parse(source.blobs()), S3Location.parse(target.blobs()));
    out.printf("  repositories  %s%n", source.dataDir().resolve("repos"));
    try (Database sourceDb = HubApp.openDatabase(source); Database targetDb = HubApp.openDatabase(target)) {
      DatabaseCopy databaseCopy = new DatabaseCopy(sourceDb, targetDb);
      BlobStore sourceBlobs = HubApp.openBlobs(source);
      BlobStore targetBlobs = HubApp.openBlobs(target);
      if (databaseCopy.targetIsNew()) {
        try (Stream<BlobInfo> present = targetBlobs.list()) {
          if (present.findAny().isPresent()) {
            throw new IllegalStateException("the target database is new but " + S3Location.parse(target.blobs())
                + " already holds objects: migrate into an empty location");
          }
        }
      }

      long t = System.nanoTime();
      List<DatabaseCopy.TableCopy> tables = databaseCopy.copy(table -> { });
      out.printf("database: %d tables, %d rows: %d inserted, %d updated, %d deleted (%s)%n", tables.size(),
          sum(tables, DatabaseCopy.TableCopy::rows), sum(tables, DatabaseCopy.TableCopy::inserted),
          sum(tables, DatabaseCopy.TableCopy::updated), sum(tables, DatabaseCopy.TableCopy::deleted), since(t));
      for (DatabaseCopy.TableCopy c : tables) {
        if (c.changed()) {
          out.printf("  %-20s %8d rows: %d inserted, %d updated, %d deleted%n", c.table(), c.rows(), c.inserted(),
              c.updated(), c.deleted());
        }
      }
      List<DatabaseCopy.TableCheck> checks = databaseCopy.verify();
      out.printf("database verified: %d tables, %d rows, counts and hashes equal%n", checks.size(),
          checks.stream().mapToLong(DatabaseCopy.TableCheck::rows).sum());

      t = System.nanoTime();
      BlobCopy blobCopy = new BlobCopy(sourceBlobs, targetBlobs, parallel);
      Progress progress = new Progress();
      BlobCopy.Result r = blobCopy.copy(progress::report);
      out.printf("blobs: %d copied (%s), %d already there (%s), %d removed (%s)%n", r.copied(),
          Format.bytes(r.copiedBytes()), r.skipped(), Format.bytes(r.skippedBytes()), r.removed(), since(t));
      BlobCopy.Check blobCheck = blobCopy.verify();
      out.printf("blobs verified: %d objects, %s, ids and sizes equal%n", blobCheck.objects(),
          Format.bytes(blobCheck.bytes()));

      t = System.nanoTime();
      List<String> keys = new ArrayList<>();
      new RepoRows(sourceDb).forEach(500, rows -> rows.stream().map(RepoRow::storageKey).forEach(keys::add));
      long objects = 0;
      int refs = 0;
      int verifiedRefs = 0;
      try (GitRepos sourceGit = new GitRepos(source.dataDir().resolve("repos"));
          GitRepos targetGit = HubApp.openGit(target, targetDb)) {
        RepoCopy repoCopy = new RepoCopy(sourceGit, targetGit);
        for (String key : keys) {
          RepoCopy.Result copied = repoCopy.copy(key);
          objects += copied.objects();
          refs += copied.refs();
        }
        out.printf("repositories: %d, %d objects sent, %d refs set (%s)%n", keys.size(), objects, refs, since(t));
        for (String key : keys) {
          verifiedRefs += repoCopy.verify(key);
        }
      }
      out.printf("repositories verified: %d repositories, %d refs equal, tips readable%n", keys.size(), verifiedRefs);
      out.printf("verified: %d rows, %d blobs (%s) and %d repositories match the source (%s)%n",
          checks.stream().mapToLong(DatabaseCopy.TableCheck::rows).sum(), blobCheck.objects(),
          Format.bytes(blobCheck.bytes()), keys.size(), since(started));
      out.printf("serve it on each node with: ./arbor serve --db '%s' --blobs '%s'%n", DatabaseUrl.redacted(to),
          target.blobs());
    }
  }

  /**
   * A running hub holds its search index's write lock; refuse to migrate under it. (A hub on
   * another machine sharing the folder is not seen: the help says to stop the hub.)
   */
  private static void refuseIfServing(HubConfig config) throws IOException {
    Path lock = config.dataDir().resolve("index").resolve("write.lock");
    if (!Files.exists(lock)) {
      return;
    }
    try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
      FileLock held = channel.tryLock();
      if (held != null) {
        held.release();
        return;
      }
    } catch (OverlappingFileLockException inThisProcess) {
      // held by a hub in this process
    }
    throw new IllegalStateException("the hub of " + config.dataDir() + " is running: stop it first");
  }

  private static <T> long sum(List<T> items, java.util.function.ToLongFunction<T> f) {
    return items.stream().mapToLong(f).sum();
  }

  private static String since(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - nanos) / 1e9);
  }

  /** Reports the blob copy on standard error every few seconds, as objects complete on several threads. */
  private static final class Progress {
    private long last = System.nanoTime();

    synchronized void report(BlobCopy.Result r) {
      if (System.nanoTime() - last > 5_000_000_000L) {
        last = System.nanoTime();
        System.err.printf("  blobs: %d copied (%s), %d already there, %d removed so far%n", r.copied(),
            Format.bytes(r.copiedBytes()), r.skipped(), r.removed());
      }
    }
  }
}
