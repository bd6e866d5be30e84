package org.arbor.app;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.arbor.search.RepoIndex;
import org.arbor.server.HubServer;
import org.arbor.server.api.ApiHandlers;
import org.arbor.server.api.ApiServlet;
import org.arbor.server.git.GitHttp;
import org.arbor.service.Access;
import org.arbor.service.Accounts;
import org.arbor.service.Analysis;
import org.arbor.service.AuditLog;
import org.arbor.service.ChangeFollower;
import org.arbor.service.ChangeLog;
import org.arbor.service.Commits;
import org.arbor.service.Downloads;
import org.arbor.service.Gating;
import org.arbor.service.GitTransport;
import org.arbor.service.History;
import org.arbor.service.Likes;
import org.arbor.service.Lineage;
import org.arbor.service.Locks;
import org.arbor.service.Orgs;
import org.arbor.service.RepoEvents;
import org.arbor.service.RepoFiles;
import org.arbor.service.Repos;
import org.arbor.service.ScanPolicy;
import org.arbor.service.Scans;
import org.arbor.service.Search;
import org.arbor.service.SearchIndexer;
import org.arbor.service.Sessions;
import org.arbor.service.StorageUsage;
import org.arbor.service.Uploads;
import org.arbor.service.WeightInspector;
import org.arbor.service.Weights;
import org.arbor.service.XetBackedBlobStore;
import org.arbor.service.XetCas;
import org.arbor.service.XetCollector;
import org.arbor.service.XetConversions;
import org.arbor.service.XetConverter;
import org.arbor.service.XetStore;
import org.arbor.service.XetTokens;
import org.arbor.storage.blob.BlobStore;
import org.arbor.storage.blob.FsBlobStore;
import org.arbor.storage.blob.S3Location;
import org.arbor.storage.db.AccessRequestRows;
import org.arbor.storage.db.AnalysisRows;
import org.arbor.storage.db.AuditRows;
import org.arbor.storage.db.ChangeRows;
import org.arbor.storage.db.Database;
import org.arbor.storage.db.DownloadRows;
import org.arbor.storage.db.LeaseRows;
import org.arbor.storage.db.LfsRows;
import org.arbor.storage.db.LikeRows;
import org.arbor.storage.db.LockRows;
import org.arbor.storage.db.OrgRows;
import org.arbor.storage.db.RepoRows;
import org.arbor.storage.db.SecretRows;
import org.arbor.storage.db.SessionRows;
import org.arbor.storage.db.TokenRows;
import org.arbor.storage.db.UsageRows;
import org.arbor.storage.db.UserRows;
import org.arbor.storage.db.XetRows;
import org.arbor.storage.git.GitRepos;
import org.arbor.storage.git.dfs.DfsRepoStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: the one place that builds the stores, the services and the server and
 * wires them together. {@link #start} returns a running hub; {@link #close} stops it.
 */
public final class HubApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HubApp.class);
  /** How often a node reads the change log for other nodes' changes. */
  private static final Duration CHANGE_POLL = Duration.ofSeconds(1);
  private final Database db;
  private final GitRepos git;
  private final Analysis analysis;
  private final SearchIndexer indexer;
  private final ChangeFollower follower;
  private final ScheduledExecutorService daily;
  private final XetConversions conversions;
  private final HubServer server;
  private final Accounts accounts;
  private final java.util.Optional<org.arbor.service.IssuedToken> firstAdminToken;

  private static void removeAbandonedParts(Uploads uploads) {
    try {
      int removed = uploads.removeAbandonedParts();
      if (removed > 0) {
        LOG.info("Removed the parts of {} multipart uploads abandoned for a week", removed);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not remove abandoned multipart uploads", e);
    }
  }

  /**
   * Runs {@code task} every {@code period} on whichever node holds the job's lease then: every node
   * schedules it and one runs it; when that node dies, another takes the next turn. The lease ends
   * just before the next turn, so it is claimed afresh each time.
   */
  private static void everyPeriod(ScheduledExecutorService pool, LeaseRows leases, String node, Clock clock,
      String job, Duration firstDelay, Duration period, Runnable task) {
    pool.scheduleWithFixedDelay(() -> {
      try {
        java.time.Instant now = clock.instant();
        if (leases.claim(job, node, now, now.plus(period).minusSeconds(1))) {
          task.run();
        }
      } catch (RuntimeException e) {
        LOG.warn("Could not run the periodic job {}", job, e);
      }
    }, firstDelay.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static void pruneChanges(ChangeRows changes, Clock clock) {
    try {
      changes.pruneBefore(clock.instant().minus(ChangeFollower.RETENTION));
    } catch (RuntimeException e) {
      LOG.warn("Could not prune the change log", e);
    }
  }

  private static void collectXetGarbage(XetCollector collector) {
    try {
      XetCollector.Result r = collector.collect();
      if (r.files() > 0 || r.xorbs() > 0) {
        LOG.info("Collected {} uncommitted Xet files and {} unreferenced xorbs ({} bytes)", r.files(), r.xorbs(),
            r.bytes());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not collect Xet garbage", e);
    }
  }

  /**
   * The store of large files: the data folder's {@code blobs/}, or the configured S3 location
   * (credentials from the standard AWS chain), which answers downloads with presigned URLs unless
   * {@code blobs-redirect} is false. Its client lives as long as the process.
   */
  static BlobStore openBlobs(HubConfig config) throws IOException {
    if (config.blobs() == null) {
      return new FsBlobStore(config.dataDir().resolve("blobs"));
    }
    return S3Location.parse(config.blobs()).store(config.blobsRedirect());
  }

  /**
   * The git repositories of the hub at {@code config} (whose database is {@code db}): bare
   * repositories in the data folder, or, scaled out, JGit DFS with packs in the object store and
   * refs and pack lists in the database.
   */
  static GitRepos openGit(HubConfig config, Database db) throws IOException {
    if (config.scaledOut()) {
      return new GitRepos(DfsRepoStorage.open(S3Location.parse(config.blobs()), db,
          DfsRepoStorage.defaultBlockCacheBytes()));
    }
    return new GitRepos(config.dataDir().resolve("repos"));
  }

  /** Compacts repositories with many packs, then deletes pack files unlisted for the grace period. */
  private static void compactGit(DfsRepoStorage dfs) {
    try {
      for (String key : dfs.needingCompaction(DfsRepoStorage.COMPACT_ABOVE, 100)) {
        try {
          dfs.compact(key);
        } catch (IOException | RuntimeException e) {
          LOG.warn("Could not compact git repository {}; the next turn tries again", key, e);
        }
      }
      dfs.sweep();
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not compact git repositories", e);
    }
  }

  /** The storage usage of the hub at {@code config}, for {@code arbor admin storage}. */
  static StorageUsage.Report storageReport(HubConfig config, Database db, boolean perRepo) throws IOException {
    try (GitRepos git = openGit(config, db)) {
      return new StorageUsage(new Access(new RepoRows(db), git, new OrgRows(db)), new UsageRows(db),
          openBlobs(config)).report(perRepo);
    }
  }

  /** One Xet garbage collection on the hub at {@code config}, for {@code arbor admin xet-gc}. */
  static XetCollector.Result collectXetGarbage(HubConfig config, Database db) throws IOException {
    return new XetCollector(new XetRows(db), openBlobs(config), Clock.systemUTC(), config.xetGcGrace()).collect();
  }

  private HubApp(Database db, GitRepos git, Analysis analysis, SearchIndexer indexer, ChangeFollower follower,
      ScheduledExecutorService daily,
      XetConversions conversions, HubServer server, Accounts accounts,
      java.util.Optional<org.arbor.service.IssuedToken> firstAdminToken) {
    this.db = db;
    this.git = git;
    this.analysis = analysis;
    this.indexer = indexer;
    this.follower = follower;
    this.daily = daily;
    this.conversions = conversions;
    this.server = server;
    this.accounts = accounts;
    this.firstAdminToken = firstAdminToken;
  }

  public static HubApp start(HubConfig config) throws Exception {
    java.nio.file.Files.createDirectories(config.dataDir());
    Clock clock = Clock.systemUTC();
    Database db = openDatabase(config);
    GitRepos git = null;
    Analysis analysis = null;
    SearchIndexer indexer = null;
    ChangeFollower follower = null;
    ScheduledExecutorService daily = null;
    XetConversions conversions = null;
    try {
      git = openGit(config, db);
      BlobStore wholeBlobs = openBlobs(config);
      XetRows xetRows = new XetRows(db);
      BlobStore blobs = new XetBackedBlobStore(wholeBlobs, xetRows);
      RepoRows repoRows = new RepoRows(db);
      LfsRows lfsRows = new LfsRows(db);
      UserRows userRows = new UserRows(db);
      OrgRows orgRows = new OrgRows(db);
      AuditLog audit = new AuditLog(new AuditRows(db), clock);
      Accounts accounts = new Accounts(userRows, new TokenRows(db), orgRows, audit, clock);
      java.util.Optional<org.arbor.service.IssuedToken> firstAdminToken = java.util.Optional.empty();
      if (config.adminToken() != null) {
        accounts.ensureAdmin(config.adminUser(), config.adminToken());
      } else {
        firstAdminToken = accounts.bootstrapFirstAdmin(config.adminUser());
      }
      Access access = new Access(repoRows, git, orgRows);
      Gating gating = new Gating(access, new AccessRequestRows(db), userRows, audit, clock);
      AnalysisRows analysisRows = new AnalysisRows(db);
      WeightInspector inspector = new WeightInspector(analysisRows, blobs, clock);
      Scans scans = new Scans(analysisRows, blobs, clock);
      ScanPolicy policy = new ScanPolicy(ScanPolicy.parse(config.scanPolicy()), orgRows);
      Weights weights = new Weights(access, inspector, analysisRows, blobs, clock);
      indexer = new SearchIndexer(RepoIndex.open(config.dataDir().resolve("index")), repoRows, git, weights);
      // Every change goes to this node's index at once and to the change log the other nodes follow.
      String node = java.util.UUID.randomUUID().toString();
      ChangeRows changeRows = new ChangeRows(db);
      RepoEvents events = new ChangeLog(indexer, changeRows, node, clock);
      follower = new ChangeFollower(changeRows, indexer, node, clock, CHANGE_POLL).prepare();
      indexer.start();
      follower.start();
      analysis = new Analysis(analysisRows, repoRows, git, inspector, scans, events, clock);
      SecretRows settings = new SecretRows(db);
      byte[] signingKey = Base64.getDecoder().decode(
          settings.getOrCreate("lfs-url-signing-key", HubApp::newKey, clock.instant()));
      Downloads downloads = new Downloads(repoRows, new DownloadRows(db), events, clock);
      downloads.refreshIfNewDay();
      daily = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("daily").daemon().factory());
      daily.scheduleWithFixedDelay(downloads::refreshIfNewDay, 1, 1, TimeUnit.MINUTES);
      XetStore xetStore = new XetStore(wholeBlobs, xetRows, clock);
      Uploads uploads = new Uploads(access, blobs, lfsRows, repoRows, scans, policy, gating, signingKey, clock,
          config.lfsPartSize());
      XetTokens xetTokens = new XetTokens(access, gating, Base64.getDecoder().decode(
          settings.getOrCreate("xet-token-signing-key", HubApp::newKey, clock.instant())), clock);
      XetCas xetCas = new XetCas(xetStore, xetRows, lfsRows, xetTokens, wholeBlobs,
          Base64.getDecoder().decode(settings.getOrCreate("xet-url-signing-key", HubApp::newKey, clock.instant())), clock);
      // Maintenance: every node schedules it, the node holding a job's lease runs it that period.
      LeaseRows leases = new LeaseRows(db);
      everyPeriod(daily, leases, node, clock, "abandoned-parts", Duration.ZERO, Duration.ofHours(1),
          () -> removeAbandonedParts(uploads));
      everyPeriod(daily, leases, node, clock, "change-log-prune", Duration.ZERO, Duration.ofHours(6),
          () -> pruneChanges(changeRows, clock));
      if (git.storage() instanceof DfsRepoStorage dfs) {
        everyPeriod(daily, leases, node, clock, "git-compaction", Duration.ofMinutes(10), Duration.ofHours(1),
            () -> compactGit(dfs));
      }
      // With Xet on, objects uploaded without it are converted in the background after each change.
      RepoEvents contentEvents = events;
      if (config.xet()) {
        conversions = new XetConversions(new XetConverter(wholeBlobs, xetStore, xetRows), xetRows).start();
        contentEvents = events.alsoOnChange(conversions::nudge);
      }
      XetCollector xetCollector = new XetCollector(xetRows, wholeBlobs, clock, config.xetGcGrace());
      everyPeriod(daily, leases, node, clock, "xet-gc", Duration.ofMinutes(5), Duration.ofHours(1),
          () -> collectXetGarbage(xetCollector));
      ApiHandlers handlers = ApiHandlers.of(
          accounts,
          new Repos(repoRows, git, access, weights, analysis, audit, events, clock),
          new RepoFiles(access, blobs, scans, policy, gating),
          new Commits(access, blobs, lfsRows, repoRows, analysis, scans, policy, contentEvents, xetStore, clock),
          uploads,
          new Locks(access, new LockRows(db), clock),
          weights,
          new Orgs(orgRows, userRows, audit, clock),
          audit,
          gating,
          new Likes(access, new LikeRows(db), userRows, events, clock),
          new Lineage(access, repoRows),
          downloads,
          new Sessions(userRows, new SessionRows(db), accounts, audit, config.allowSignup(), clock),
          new Search(indexer, access, repoRows, orgRows),
          new History(access, weights),
          xetTokens, xetCas, config.xet(), new StorageUsage(access, new UsageRows(db), wholeBlobs));
      GitHttp gitHttp = new GitHttp(accounts, new GitTransport(access, git, blobs, lfsRows, repoRows, analysis, scans, policy, gating,
          contentEvents), downloads);
      HubServer server = new HubServer(config.host(), config.port(),
          new ApiServlet(handlers, accounts, config.publicUrl()), gitHttp).start();
      analysis.requeueIfRulesChanged(settings);
      analysis.start();
      return new HubApp(db, git, analysis, indexer, follower, daily, conversions, server, accounts, firstAdminToken);
    } catch (Exception e) {
      if (daily != null) {
        daily.shutdownNow();
      }
      if (conversions != null) {
        conversions.close();
      }
      if (analysis != null) {
        analysis.close();
      }
      if (follower != null) {
        follower.close();
      }
      if (indexer != null) {
        indexer.close();
      }
      if (git != null) {
        git.close();
      }
      db.close();
      throw e;
    }
  }

  /** Opens the configured database, for the server and for admin commands alike. */
  static Database openDatabase(HubConfig config) throws IOException {
    java.nio.file.Files.createDirectories(config.dataDir());
    return Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword());
  }

  /**
   * Rebuilds the search index of the hub at {@code config} from its database and git, with the
   * hub stopped ({@code arbor admin reindex}); returns how many repositories were indexed.
   */
  static long reindex(HubConfig config) throws Exception {
    Clock clock = Clock.systemUTC();
    try (Database db = openDatabase(config);
        GitRepos git = openGit(config, db)) {
      BlobStore blobs = new XetBackedBlobStore(openBlobs(config), new XetRows(db));
      RepoRows repoRows = new RepoRows(db);
      AnalysisRows analysisRows = new AnalysisRows(db);
      WeightInspector inspector = new WeightInspector(analysisRows, blobs, clock);
      Weights weights = new Weights(new Access(repoRows, git, new OrgRows(db)), inspector, analysisRows, blobs, clock);
      try (SearchIndexer indexer = new SearchIndexer(RepoIndex.open(config.dataDir().resolve("index")), repoRows,
          git, weights)) {
        // read before the rebuild, so the hub's follower resumes from a position it fully covers
        indexer.index().followedChangesTo(new ChangeRows(db).last());
        return indexer.rebuildNow();
      }
    }
  }

  /** Runs every queued analysis job now (tests use it instead of waiting for the worker). */
  public int drainAnalysis() {
    return analysis.drain();
  }

  public int port() {
    return server.port();
  }

  public Accounts accounts() {
    return accounts;
  }

  /** The admin token made on a first start without ARBOR_ADMIN_TOKEN; shown once, never stored in clear. */
  public java.util.Optional<org.arbor.service.IssuedToken> firstAdminToken() {
    return firstAdminToken;
  }

  public void join() throws InterruptedException {
    server.join();
  }

  @Override
  public void close() throws Exception {
    try {
      server.close();
    } finally {
      daily.shutdownNow();
      if (conversions != null) {
        conversions.close();
      }
      analysis.close();
      follower.close();
      indexer.close();
      git.close();
      db.close();
    }
  }

  private static String newKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }
}
