package org.arbor.storage.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.arbor.storage.db.RepoQuery.Sort;
import org.arbor.storage.db.RepoRows.Viewer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the storage layer expects of the SQL database, run unchanged on every engine. Each
 * subclass opens one migrated database for the class; every test starts from empty tables.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DatabaseContractTest {
  static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);
  static final Viewer ANONYMOUS = new Viewer(null, false);
  static final Viewer ADMIN = new Viewer("root", true);
  /** Children before parents, for the foreign keys. */
  private static final List<String> TABLES = List.of(
      "repo_xet_files", "xet_file_terms", "xet_files", "xet_chunks", "xet_xorbs",
      "analysis_jobs", "download_marks", "download_days", "repo_likes", "repo_lfs_objects", "lfs_objects", "repo_tags", "repos", "tokens", "users", "server_secrets",
      "repo_changes", "job_leases");

  Database db;
  UserRows users;
  TokenRows tokens;
  RepoRows repos;
  LfsRows lfs;
  SecretRows secrets;
  XetRows xet;

  /** A new, empty, migrated database, opened once per class. */
  abstract Database open() throws Exception;

  /** Called after the database is closed, for whatever {@link #open} started. */
  void afterClose() throws Exception {}

  @BeforeAll
  void openDatabase() throws Exception {
    db = open();
    users = new UserRows(db);
    tokens = new TokenRows(db);
    repos = new RepoRows(db);
    lfs = new LfsRows(db);
    secrets = new SecretRows(db);
    xet = new XetRows(db);
  }

  @AfterAll
  void closeDatabase() throws Exception {
    try {
      if (db != null) {
        db.close();
      }
    } finally {
      afterClose();
    }
  }

  @BeforeEach
  void emptyTables() {
    db.jdbi().useTransaction(h -> TABLES.forEach(table -> h.execute("DELETE FROM " + table)));
  }

  // ---- change log ---------------------------------------------------------------------------

  @Test
  void the_change_log_numbers_changes_in_order_and_never_reuses_a_number_after_pruning() {
    ChangeRows changes = new ChangeRows(db);
    changes.append("r1", "changed", "node-a", T0);
    changes.append(null, "all-counters", "node-b", T0.plusSeconds(60));
    changes.append("r2", "removed", "node-a", T0.plusSeconds(120));

    List<ChangeRows.Change> all = changes.after(0, 10);
    assertThat(all).extracting(ChangeRows.Change::repoId).containsExactly("r1", null, "r2");
    assertThat(all).extracting(ChangeRows.Change::kind).containsExactly("changed", "all-counters", "removed");
    assertThat(all.get(1).seq()).isGreaterThan(all.get(0).seq());
    assertThat(all.get(2).seq()).isGreaterThan(all.get(1).seq());
    assertThat(changes.last()).isEqualTo(all.get(2).seq());
    assertThat(changes.after(all.get(0).seq(), 1)).extracting(ChangeRows.Change::node).containsExactly("node-b");

    assertThat(changes.pruneBefore(T0.plusSeconds(200))).isEqualTo(3);
    assertThat(changes.last()).isZero();
    changes.append("r3", "changed", "node-a", T0.plusSeconds(300));
    assertThat(changes.after(all.get(2).seq(), 10)).extracting(ChangeRows.Change::repoId).containsExactly("r3");
  }

  @Test
  void a_job_lease_has_one_holder_until_it_expires_and_then_goes_to_whoever_asks() {
    LeaseRows leases = new LeaseRows(db);
    Instant hour = T0.plusSeconds(3600);
    assertThat(leases.claim("xet-gc", "node-a", T0, hour)).isTrue();
    assertThat(leases.claim("xet-gc", "node-b", T0.plusSeconds(60), hour.plusSeconds(60))).isFalse();
    assertThat(leases.claim("xet-gc", "node-a", T0.plusSeconds(120), hour.plusSeconds(120))).as("renewed").isTrue();
    assertThat(leases.claim("compaction", "node-b", T0, hour)).as("another job's lease").isTrue();
    assertThat(leases.claim("xet-gc", "node-b", hour.plusSeconds(121), hour.plusSeconds(7200))).as("expired").isTrue();
    assertThat(leases.claim("xet-gc", "node-a", hour.plusSeconds(200), hour.plusSeconds(3800))).isFalse();
    leases.release("xet-gc", "node-b");
    assertThat(leases.claim("xet-gc", "node-a", hour.plusSeconds(300), hour.plusSeconds(3900))).as("released").isTrue();
  }

  @Test
  void of_nodes_asking_for_a_free_lease_at_once_exactly_one_gets_it() throws Exception {
    LeaseRows leases = new LeaseRows(db);
    int nodes = 6;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(nodes);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(nodes);
    try {
      List<java.util.concurrent.Future<Boolean>> claims = new java.util.ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        String node = "node-" + i;
        claims.add(pool.submit(() -> {
          start.await();
          return leases.claim("compaction", node, T0, T0.plusSeconds(3600));
        }));
      }
      int won = 0;
      for (var claim : claims) {
        won += claim.get() ? 1 : 0;
      }
      assertThat(won).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void nodes_claiming_analysis_jobs_at_once_each_take_a_different_one_until_none_is_left() throws Exception {
    AnalysisRows analysis = new AnalysisRows(db);
    repos.insert(id(1), "model", "alice", "m", false, T0).orElseThrow();
    int jobs = 30;
    for (int i = 0; i < jobs; i++) {
      analysis.enqueue(id(1), String.format("%040x", i), T0.plusMillis(i));
    }
    Instant now = T0.plusSeconds(10);
    int nodes = 6;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(nodes);
    java.util.Queue<String> claimed = new java.util.concurrent.ConcurrentLinkedQueue<>();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(nodes);
    try {
      List<java.util.concurrent.Future<?>> workers = new java.util.ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        workers.add(pool.submit(() -> {
          start.await();
          // each node stops at its first empty answer, as the worker sleeps then
          for (Optional<AnalysisRows.Job> job = analysis.claim(now, 60_000, 3); job.isPresent();
              job = analysis.claim(now, 60_000, 3)) {
            claimed.add(job.get().commitSha());
          }
          return null;
        }));
      }
      for (var worker : workers) {
        worker.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(claimed).as("every job once, none left behind by a node that gave up").hasSize(jobs)
        .doesNotHaveDuplicates();
    assertThat(analysis.claim(now, 60_000, 3)).isEmpty();
    Optional<AnalysisRows.Job> again = analysis.claim(now.plusSeconds(61), 60_000, 3);
    assertThat(again).as("a lapsed lease: the job is claimed again").isPresent();
    assertThat(again.get().attempts()).isEqualTo(2);
    assertThat(again.get().commitSha()).as("oldest first").isEqualTo(String.format("%040x", 0));
  }

  // ---- xet ----------------------------------------------------------------------------------

  @Test
  void a_xorb_and_its_chunks_are_stored_once() {
    XetRows.Xorb xorb = new XetRows.Xorb(hex('a'), hex('b'), 120, 2, 200);
    List<XetRows.Chunk> chunks = List.of(new XetRows.Chunk(0, hex('c'), 0, 58, 100),
        new XetRows.Chunk(1, hex('d'), 58, 120, 100));

    assertThat(xet.insertXorb(xorb, chunks, T0)).isTrue();
    assertThat(xet.insertXorb(xorb, List.of(), T0.plusSeconds(1))).as("already there: nothing changes").isFalse();

    assertThat(xet.xorb(hex('a'))).hasValue(xorb);
    assertThat(xet.chunks(hex('a'))).isEqualTo(chunks);
    assertThat(xet.findChunk(hex('d'))).hasValue(new XetRows.ChunkPlace(hex('a'), 1));
    assertThat(xet.findChunk(hex('e'))).isEmpty();
  }

  @Test
  void a_chunk_in_several_xorbs_is_found_in_the_oldest() {
    xet.insertXorb(new XetRows.Xorb(hex('2'), hex('b'), 10, 1, 10), List.of(new XetRows.Chunk(0, hex('c'), 0, 10, 10)),
        T0.plusSeconds(5));
    xet.insertXorb(new XetRows.Xorb(hex('1'), hex('b'), 10, 1, 10), List.of(new XetRows.Chunk(0, hex('c'), 0, 10, 10)),
        T0);

    assertThat(xet.findChunk(hex('c'))).hasValue(new XetRows.ChunkPlace(hex('1'), 0));
  }

  @Test
  void files_are_terms_over_xorbs_found_by_hash_or_sha256_and_linked_to_repos() {
    repos.insert(id(1), "model", "alice", "m", false, T0).orElseThrow();
    xet.insertXorb(new XetRows.Xorb(hex('a'), hex('b'), 120, 2, 200), List.of(), T0);
    List<XetRows.Term> terms = List.of(new XetRows.Term(0, hex('a'), 0, 2, 200), new XetRows.Term(1, hex('a'), 1, 2, 100));
    XetRows.File file = new XetRows.File(hex('f'), 300, hex('5'));

    assertThat(xet.insertFile(file, terms, T0)).isTrue();
    assertThat(xet.insertFile(file, List.of(), T0)).isFalse();
    xet.insertFile(new XetRows.File(hex('9'), 300, hex('5')), terms, T0.plusSeconds(1));

    xet.insertXorb(new XetRows.Xorb(hex('c'), hex('b'), 10, 1, 10), List.of(), T0);
    xet.insertFile(new XetRows.File(hex('8'), 310, null), List.of(new XetRows.Term(0, hex('c'), 0, 1, 10),
        new XetRows.Term(1, hex('a'), 0, 2, 200), new XetRows.Term(2, hex('c'), 0, 1, 10)), T0.plusSeconds(2));
    assertThat(xet.xorbsOfLatestFileUsing(hex('a'), 10)).as("file 8, the latest, in term order")
        .containsExactly(hex('c'), hex('a'));
    assertThat(xet.xorbsOfLatestFileUsing(hex('a'), 1)).containsExactly(hex('c'));
    assertThat(xet.file(hex('f'))).hasValue(file);
    assertThat(xet.terms(hex('f'))).isEqualTo(terms);
    assertThat(xet.fileBySha256(hex('5'))).as("the first registered").hasValue(file);
    assertThat(xet.fileHashesBySha256(List.of(hex('5'), hex('6')))).as("the first registered, per SHA-256")
        .isEqualTo(Map.of(hex('5'), hex('f')));
    assertThat(xet.fileHashesBySha256(List.of())).isEmpty();
    assertThat(xet.isLinked(id(1), hex('f'))).isFalse();
    xet.linkRepo(id(1), hex('f'), T0);
    xet.linkRepo(id(1), hex('f'), T0);
    assertThat(xet.isLinked(id(1), hex('f'))).isTrue();
  }

  @Test
  void the_collector_takes_uncommitted_files_then_unnamed_xorbs_only_once_untouched_for_the_grace() {
    repos.insert(id(1), "model", "alice", "m", false, T0).orElseThrow();
    for (char x : new char[] {'a', 'b', 'c'}) {
      xet.insertXorb(new XetRows.Xorb(hex(x), hex(Character.toUpperCase(x)), 10, 1, 10),
          List.of(new XetRows.Chunk(0, hex(x), 0, 10, 10)), T0);
    }
    // committed: its SHA-256 is an LFS object of a repo; uncommitted; uncommitted but touched late
    xet.insertFile(new XetRows.File(hex('1'), 10, hex('5')), List.of(new XetRows.Term(0, hex('a'), 0, 1, 10)), T0);
    lfs.link(id(1), hex('5'), 10, T0);
    xet.insertFile(new XetRows.File(hex('2'), 10, hex('6')), List.of(new XetRows.Term(0, hex('b'), 0, 1, 10)), T0);
    xet.linkRepo(id(1), hex('2'), T0);
    xet.insertFile(new XetRows.File(hex('3'), 10, null), List.of(new XetRows.Term(0, hex('c'), 0, 1, 10)), T0);
    Instant grace = T0.plusSeconds(100);
    assertThat(xet.touchFile(hex('3'), grace.plusSeconds(1))).isTrue();

    assertThat(xet.collectFiles(grace)).as("file 2 only").isEqualTo(1);
    assertThat(xet.file(hex('2'))).isEmpty();
    assertThat(xet.terms(hex('2'))).isEmpty();
    assertThat(xet.isLinked(id(1), hex('2'))).isFalse();
    assertThat(xet.file(hex('1'))).isPresent();
    assertThat(xet.file(hex('3'))).isPresent();

    assertThat(xet.unreferencedXorbs(grace)).extracting(XetRows.Xorb::hash).containsExactly(hex('b'));
    assertThat(xet.touchXorb(hex('b'), grace.plusSeconds(1))).as("handed out in a dedup answer").isTrue();
    assertThat(xet.deleteXorb(hex('b'), grace)).as("touched since: kept").isFalse();
    assertThat(xet.deleteXorb(hex('a'), grace.plusSeconds(1000))).as("named by a file: kept").isFalse();
    assertThat(xet.deleteXorb(hex('b'), grace.plusSeconds(2))).isTrue();
    assertThat(xet.xorb(hex('b'))).isEmpty();
    assertThat(xet.chunks(hex('b'))).isEmpty();
    assertThat(xet.touchXorb(hex('b'), grace)).as("gone").isFalse();
    assertThat(xet.blobInUse(hex('B'))).isFalse();
    assertThat(xet.blobInUse(hex('A'))).isTrue();

    assertThatThrownBy(() -> xet.insertFile(new XetRows.File(hex('4'), 10, null),
        List.of(new XetRows.Term(0, hex('b'), 0, 1, 10)), grace)).isInstanceOf(XetRows.CollectedException.class);
    assertThat(xet.file(hex('4'))).as("nothing recorded").isEmpty();
  }

  @Test
  void usage_counts_each_repos_objects_at_full_size_and_shared_chunks_once() {
    repos.insert(id(1), "model", "alice", "m", false, T0).orElseThrow();
    repos.insert(id(2), "model", "alice", "n", false, T0).orElseThrow();
    repos.insert(id(3), "model", "bob", "m", false, T0).orElseThrow();
    xet.insertXorb(new XetRows.Xorb(hex('a'), hex('A'), 300, 3, 600), List.of(new XetRows.Chunk(0, hex('c'), 0, 100, 200),
        new XetRows.Chunk(1, hex('d'), 100, 200, 200), new XetRows.Chunk(2, hex('e'), 200, 300, 200)), T0);
    // two revisions sharing chunk 1; a plain object; a chunk (2) no file names
    xet.insertFile(new XetRows.File(hex('1'), 400, hex('5')), List.of(new XetRows.Term(0, hex('a'), 0, 2, 400)), T0);
    xet.insertFile(new XetRows.File(hex('2'), 200, hex('6')), List.of(new XetRows.Term(0, hex('a'), 1, 2, 200)), T0);
    lfs.link(id(1), hex('5'), 400, T0);
    lfs.link(id(1), hex('6'), 200, T0);
    lfs.link(id(2), hex('6'), 200, T0);
    lfs.link(id(2), hex('7'), 50, T0);
    lfs.link(id(3), hex('7'), 50, T0);
    UsageRows usage = new UsageRows(db);

    assertThat(usage.objects(UsageRows.Scope.repo(id(1)))).containsExactly(
        new UsageRows.ObjectRow(hex('5'), 400, 1, true), new UsageRows.ObjectRow(hex('6'), 200, 1, true));
    assertThat(usage.chunkBytes(UsageRows.Scope.repo(id(1)))).as("chunks 0 and 1, once").isEqualTo(200);
    assertThat(usage.chunkBytes(UsageRows.Scope.repo(id(2)))).isEqualTo(100);
    assertThat(usage.objects(UsageRows.Scope.namespace("alice"))).containsExactly(
        new UsageRows.ObjectRow(hex('5'), 400, 1, true), new UsageRows.ObjectRow(hex('6'), 200, 2, true),
        new UsageRows.ObjectRow(hex('7'), 50, 1, false));
    assertThat(usage.chunkBytes(UsageRows.Scope.namespace("alice"))).isEqualTo(200);
    assertThat(usage.objects(UsageRows.Scope.all())).extracting(UsageRows.ObjectRow::repos).containsExactly(1, 2, 2);
    assertThat(usage.xorbs()).containsExactly(1, 300);
    assertThat(usage.unreferencedChunkBytes()).isEqualTo(100);
  }

  private static String hex(char c) {
    return String.valueOf(c).repeat(64);
  }

  // ---- users --------------------------------------------------------------------------------

  @Test
  void inserts_and_finds_a_user() {
    UserRow alice = users.insert("Alice", "Alice Liddell", "alice@example.com", true, T0).orElseThrow();

    assertThat(alice.id()).matches("[0-9a-f]{24}");
    assertThat(users.findById(alice.id())).hasValue(alice);
    assertThat(users.findByName("Alice")).hasValue(alice);
    assertThat(users.findByName("aLiCe")).hasValue(alice);
    assertThat(users.findByName("bob")).isEmpty();
  }

  @Test
  void a_user_name_taken_in_any_case_is_refused() {
    UserRow alice = users.insert("Alice", null, null, false, T0).orElseThrow();

    assertThat(users.insert("alice", "Other", null, false, T0)).isEmpty();
    assertThat(users.insert("ALICE", null, null, true, T0)).isEmpty();
    assertThat(users.findByName("alice")).hasValue(alice);
  }

  @Test
  void set_admin_changes_the_flag() {
    UserRow bob = users.insert("bob", null, null, false, T0).orElseThrow();

    users.setAdmin(bob.id(), true);

    assertThat(users.findById(bob.id()).orElseThrow().admin()).isTrue();
  }

  // ---- tokens -------------------------------------------------------------------------------

  @Test
  void inserts_and_finds_a_token_by_hash() {
    UserRow alice = users.insert("alice", null, null, false, T0).orElseThrow();
    String hash = "a".repeat(64);

    TokenRow token = tokens.insert(alice.id(), "laptop", "write", hash, T0);

    Optional<TokenRows.Match> found = tokens.findByHash(hash);
    assertThat(found).isPresent();
    assertThat(found.get().token()).isEqualTo(token);
    assertThat(found.get().token().userId()).isEqualTo(alice.id());
    assertThat(found.get().storedHash()).isEqualTo(hash);
    assertThat(found.get().user()).as("its owner, in the same query").isEqualTo(alice);
    assertThat(tokens.exists(hash)).isTrue();
    assertThat(tokens.findByHash("b".repeat(64))).isEmpty();
    assertThat(tokens.exists("b".repeat(64))).isFalse();
  }

  @Test
  void lists_a_users_tokens_oldest_first() {
    UserRow alice = users.insert("alice", null, null, false, T0).orElseThrow();
    UserRow bob = users.insert("bob", null, null, false, T0).orElseThrow();
    TokenRow second = tokens.insert(alice.id(), "second", "read", "2".repeat(64), T0.plusSeconds(10));
    TokenRow first = tokens.insert(alice.id(), "first", "write", "1".repeat(64), T0);
    tokens.insert(bob.id(), "bobs", "write", "3".repeat(64), T0);

    assertThat(tokens.forUser(alice.id())).containsExactly(first, second);
  }

  @Test
  void a_token_hash_is_unique() {
    UserRow alice = users.insert("alice", null, null, false, T0).orElseThrow();
    tokens.insert(alice.id(), "one", "write", "c".repeat(64), T0);

    assertThatThrownBy(() -> tokens.insert(alice.id(), "two", "read", "c".repeat(64), T0))
        .isInstanceOf(RuntimeException.class);
    assertThat(tokens.forUser(alice.id())).hasSize(1);
  }

  @Test
  void a_token_needs_an_existing_user() {
    assertThatThrownBy(() -> tokens.insert("0".repeat(24), "orphan", "write", "d".repeat(64), T0))
        .isInstanceOf(RuntimeException.class);
    assertThat(tokens.findByHash("d".repeat(64))).isEmpty();
  }

  // ---- repositories -------------------------------------------------------------------------

  @Test
  void inserts_and_finds_a_repo() {
    RepoRow row = repos.insert(id(1), "model", "Alice", "Tiny-Model", false, T0).orElseThrow();

    assertThat(row).isEqualTo(new RepoRow(id(1), "model", "Alice", "Tiny-Model", false, "false",
        T0, T0, null, null, null, null, 0, 0, 0, 0, List.of(), null));
    assertThat(row.storageKey()).isEqualTo(id(1));
    assertThat(row.fullName()).isEqualTo("Alice/Tiny-Model");
    assertThat(repos.findById(id(1))).hasValue(row);
  }

  @Test
  void find_is_case_insensitive_and_by_type() {
    RepoRow row = repos.insert(id(1), "model", "Alice", "Tiny-Model", true, T0).orElseThrow();

    assertThat(repos.find("model", "alice", "tiny-model")).hasValue(row);
    assertThat(repos.find("model", "ALICE", "TINY-MODEL")).hasValue(row);
    assertThat(repos.find("dataset", "Alice", "Tiny-Model")).isEmpty();
    assertThat(repos.find("model", "alice", "tiny")).isEmpty();
    assertThat(repos.findById(id(9))).isEmpty();
  }

  @Test
  void a_repo_with_the_same_type_and_id_in_any_case_is_refused() {
    repos.insert(id(1), "model", "Alice", "Tiny", false, T0).orElseThrow();

    assertThat(repos.insert(id(2), "model", "alice", "tiny", false, T0)).isEmpty();
    assertThat(repos.insert(id(3), "model", "ALICE", "TINY", true, T0)).isEmpty();
    assertThat(repos.findById(id(2))).isEmpty();
    assertThat(repos.insert(id(4), "dataset", "alice", "tiny", false, T0)).isPresent();
  }

  @Test
  void update_head_records_card_metadata_and_tags() {
    repos.insert(id(1), "model", "alice", "tiny", false, T0).orElseThrow();
    String sha = "1234567890abcdef1234567890abcdef12345678";

    repos.updateHead(id(1), sha, T0.plusSeconds(60), "{\"license\":\"mit\"}", "fill-mask", "transformers",
        List.of("transformers", "bert", "license:mit", "bert"));

    RepoRow row = repos.findById(id(1)).orElseThrow();
    assertThat(row.headSha()).isEqualTo(sha);
    assertThat(row.lastModified()).isEqualTo(T0.plusSeconds(60));
    assertThat(row.createdAt()).isEqualTo(T0);
    assertThat(row.cardData()).isEqualTo("{\"license\":\"mit\"}");
    assertThat(row.pipelineTag()).isEqualTo("fill-mask");
    assertThat(row.libraryName()).isEqualTo("transformers");
    assertThat(row.tags()).containsExactly("bert", "license:mit", "transformers");
  }

  @Test
  void update_head_replaces_the_tags() {
    repos.insert(id(1), "model", "alice", "tiny", false, T0).orElseThrow();
    repos.updateHead(id(1), null, T0, null, null, null, List.of("a", "b"));

    repos.updateHead(id(1), null, T0, null, null, null, List.of("c"));

    assertThat(repos.find("model", "alice", "tiny").orElseThrow().tags()).containsExactly("c");
  }

  @Test
  void update_visibility_and_gated() {
    repos.insert(id(1), "model", "alice", "tiny", false, T0).orElseThrow();

    repos.updateVisibility(id(1), true);
    repos.updateGated(id(1), "manual");

    RepoRow row = repos.findById(id(1)).orElseThrow();
    assertThat(row.isPrivate()).isTrue();
    assertThat(row.gated()).isEqualTo("manual");
  }

  @Test
  void rename_moves_the_name_and_keeps_the_storage_key() {
    repos.insert(id(1), "model", "alice", "tiny", false, T0).orElseThrow();

    assertThat(repos.rename(id(1), "model", "Bob", "Small")).isTrue();

    RepoRow row = repos.find("model", "bob", "small").orElseThrow();
    assertThat(row.storageKey()).isEqualTo(id(1));
    assertThat(row.fullName()).isEqualTo("Bob/Small");
    assertThat(repos.find("model", "alice", "tiny")).isEmpty();
    assertThat(repos.list("model", new RepoQuery(null, "bob", null, List.of(), Sort.ID), ANONYMOUS, 0, 10))
        .extracting(RepoRow::id).containsExactly(id(1));
  }

  @Test
  void rename_to_a_taken_name_in_any_case_is_refused() {
    repos.insert(id(1), "model", "alice", "tiny", false, T0).orElseThrow();
    repos.insert(id(2), "model", "bob", "small", false, T0).orElseThrow();

    assertThat(repos.rename(id(1), "model", "BOB", "Small")).isFalse();

    assertThat(repos.findById(id(1)).orElseThrow().fullName()).isEqualTo("alice/tiny");
    assertThat(repos.findById(id(2)).orElseThrow().fullName()).isEqualTo("bob/small");
  }

  @Test
  void rename_may_change_only_the_case() {
    repos.insert(id(1), "model", "alice", "tiny", false, T0).orElseThrow();

    assertThat(repos.rename(id(1), "model", "alice", "Tiny")).isTrue();

    assertThat(repos.findById(id(1)).orElseThrow().name()).isEqualTo("Tiny");
  }

  @Test
  void delete_removes_the_repo_its_tags_and_its_lfs_links() {
    repos.insert(id(1), "model", "alice", "tiny", false, T0).orElseThrow();
    repos.insert(id(2), "model", "alice", "other", false, T0).orElseThrow();
    repos.updateHead(id(1), null, T0, null, null, null, List.of("bert", "shared"));
    repos.updateHead(id(2), null, T0, null, null, null, List.of("shared"));
    lfs.link(id(1), oid('a'), 10, T0);

    repos.delete(id(1));

    assertThat(repos.findById(id(1))).isEmpty();
    assertThat(count("SELECT COUNT(*) FROM repo_tags WHERE repo_id = '" + id(1) + "'")).isZero();
    assertThat(count("SELECT COUNT(*) FROM repo_lfs_objects WHERE repo_id = '" + id(1) + "'")).isZero();
    assertThat(lfs.isLinked(id(1), oid('a'))).isFalse();
    assertThat(repos.findById(id(2)).orElseThrow().tags()).containsExactly("shared");
  }

  // ---- likes --------------------------------------------------------------------------------

  @Test
  void likes_are_one_per_user_and_keep_the_repo_count() {
    LikeRows likes = new LikeRows(db);
    UserRow ann = users.insert("ann", "Ann", null, false, T0).orElseThrow();
    UserRow ben = users.insert("ben", null, null, false, T0).orElseThrow();
    repos.insert(id(1), "model", "ann", "tiny", false, T0).orElseThrow();

    assertThat(likes.like(id(1), ann.id(), T0)).isTrue();
    assertThat(likes.like(id(1), ann.id(), T0.plusSeconds(5))).as("twice").isFalse();
    assertThat(likes.like(id(1), ben.id(), T0.plusSeconds(10))).isTrue();
    assertThat(repos.findById(id(1)).orElseThrow().likes()).isEqualTo(2);
    assertThat(likes.likers(id(1), 0, 10)).extracting(LikeRows.Liker::name).containsExactly("ben", "ann");
    assertThat(likes.likers(id(1), 1, 10)).extracting(LikeRows.Liker::name).containsExactly("ann");
    assertThat(likes.likedBy(ann.id())).extracting(LikeRows.Liked::repoId).containsExactly(id(1));

    assertThat(likes.unlike(id(1), ann.id(), T0)).isTrue();
    assertThat(likes.unlike(id(1), ann.id(), T0)).isFalse();
    assertThat(likes.likes(id(1), ann.id())).isFalse();
    assertThat(likes.likes(id(1), ben.id())).isTrue();
    assertThat(repos.findById(id(1)).orElseThrow().likes()).isEqualTo(1);

    repos.delete(id(1));
    assertThat(likes.likedBy(ben.id())).isEmpty();
  }

  // ---- downloads ----------------------------------------------------------------------------

  @Test
  void downloads_count_once_per_caller_and_day_over_a_thirty_day_window() {
    DownloadRows downloads = new DownloadRows(db);
    repos.insert(id(1), "model", "ann", "tiny", false, T0).orElseThrow();
    repos.insert(id(2), "model", "ann", "other", false, T0).orElseThrow();

    assertThat(downloads.record(id(1), "u:ann", 100)).isTrue();
    assertThat(downloads.record(id(1), "u:ann", 100)).as("same caller, same day").isFalse();
    assertThat(downloads.record(id(1), "a:10.0.0.1", 100)).isTrue();
    assertThat(downloads.record(id(2), "u:ann", 100)).as("another repository").isTrue();
    assertThat(downloads.record(id(1), "u:ann", 101)).as("the next day").isTrue();
    assertThat(downloads.onDay(id(1), 100)).isEqualTo(2);
    assertThat(repos.findById(id(1)).orElseThrow().downloads()).isEqualTo(3);
    assertThat(count("SELECT COUNT(*) FROM download_marks WHERE repo_id = '" + id(1) + "' AND day < 100")).isZero();

    downloads.refreshWindows(129);
    assertThat(repos.findById(id(1)).orElseThrow().downloads()).as("day 100 still in the window").isEqualTo(3);
    downloads.refreshWindows(130);
    assertThat(repos.findById(id(1)).orElseThrow().downloads()).as("day 100 out of it").isEqualTo(1);
    downloads.refreshWindows(200);
    assertThat(repos.findById(id(1)).orElseThrow().downloads()).isZero();
    assertThat(repos.findById(id(2)).orElseThrow().downloads()).isZero();
    assertThat(repos.findById(id(1)).orElseThrow().downloadsAllTime()).as("all time keeps every day").isEqualTo(3);
    assertThat(repos.findById(id(2)).orElseThrow().downloadsAllTime()).isEqualTo(1);
  }

  @Test
  void trending_weighs_the_last_seven_days_of_downloads_and_likes() {
    DownloadRows downloads = new DownloadRows(db);
    LikeRows likes = new LikeRows(db);
    UserRow ann = users.insert("ann", null, null, false, T0).orElseThrow();
    repos.insert(id(1), "model", "ann", "steady", false, T0).orElseThrow();
    repos.insert(id(2), "model", "ann", "rising", false, T0).orElseThrow();
    long today = T0.getEpochSecond() / 86_400;
    for (int caller = 0; caller < 15; caller++) {
      downloads.record(id(1), "a:" + caller, today - 20); // popular, but weeks ago
    }
    downloads.record(id(2), "a:x", today - 1);
    likes.like(id(2), ann.id(), T0);
    downloads.refreshWindows(today);

    List<RepoRow> trending = list(new RepoQuery(null, null, null, List.of(), Sort.TRENDING), ANONYMOUS);
    assertThat(names(trending)).containsExactly("ann/rising", "ann/steady");
    assertThat(names(list(new RepoQuery(null, null, null, List.of(), Sort.DOWNLOADS), ANONYMOUS)))
        .containsExactly("ann/steady", "ann/rising");
    assertThat(count("SELECT trending_score FROM repos WHERE id = '" + id(2) + "'")).isEqualTo(11);
    assertThat(count("SELECT trending_score FROM repos WHERE id = '" + id(1) + "'")).isZero();

    likes.unlike(id(2), ann.id(), T0);
    assertThat(count("SELECT trending_score FROM repos WHERE id = '" + id(2) + "'")).isEqualTo(1);
  }

  // ---- listing ------------------------------------------------------------------------------

  @Test
  void anonymous_listing_shows_public_repos_of_the_type() {
    seedListing();

    assertThat(names(list(query(), ANONYMOUS)))
        .containsExactlyInAnyOrder("alice/tiny-bert", "bob/big_model", "bob/bigxmodel", "carol/Old-Model");
  }

  @Test
  void owners_see_their_private_repos_and_admins_see_all() {
    seedListing();

    assertThat(names(list(query(), new Viewer("alice", false)))).contains("alice/secret")
        .doesNotContain("dave/hidden");
    assertThat(names(list(query(), new Viewer("bob", false)))).doesNotContain("alice/secret", "dave/hidden");
    assertThat(names(list(query(), ADMIN))).contains("alice/secret", "dave/hidden").hasSize(6);
  }

  @Test
  void search_is_a_case_insensitive_substring_of_the_id() {
    seedListing();

    assertThat(names(list(new RepoQuery("BERT", null, null, List.of(), Sort.ID), ANONYMOUS)))
        .containsExactly("alice/tiny-bert");
    assertThat(names(list(new RepoQuery("bob/", null, null, List.of(), Sort.ID), ANONYMOUS)))
        .containsExactly("bob/big_model", "bob/bigxmodel");
    assertThat(names(list(new RepoQuery("  old  ", null, null, List.of(), Sort.ID), ANONYMOUS)))
        .containsExactly("carol/Old-Model");
  }

  @Test
  void search_wildcards_are_literal() {
    seedListing();

    assertThat(names(list(new RepoQuery("big_", null, null, List.of(), Sort.ID), ANONYMOUS)))
        .containsExactly("bob/big_model");
    assertThat(list(new RepoQuery("%", null, null, List.of(), Sort.ID), ANONYMOUS)).isEmpty();
    assertThat(list(new RepoQuery("!", null, null, List.of(), Sort.ID), ANONYMOUS)).isEmpty();
  }

  @Test
  void author_filter_is_case_insensitive() {
    seedListing();

    assertThat(names(list(new RepoQuery(null, "ALICE", null, List.of(), Sort.ID), ANONYMOUS)))
        .containsExactly("alice/tiny-bert");
    assertThat(names(list(new RepoQuery(null, "alice", null, List.of(), Sort.ID), new Viewer("alice", false))))
        .containsExactly("alice/secret", "alice/tiny-bert");
    assertThat(list(new RepoQuery(null, "ali", null, List.of(), Sort.ID), ANONYMOUS)).isEmpty();
  }

  @Test
  void tag_filters_must_all_match() {
    seedListing();

    assertThat(names(list(new RepoQuery(null, null, null, List.of("bert"), Sort.ID), ANONYMOUS)))
        .containsExactly("alice/tiny-bert");
    assertThat(names(list(new RepoQuery(null, null, null, List.of("pytorch"), Sort.ID), ANONYMOUS)))
        .containsExactly("alice/tiny-bert", "bob/big_model");
    assertThat(names(list(new RepoQuery(null, null, null, List.of("pytorch", "bert"), Sort.ID), ANONYMOUS)))
        .containsExactly("alice/tiny-bert");
    assertThat(list(new RepoQuery(null, null, null, List.of("bert", "missing"), Sort.ID), ANONYMOUS)).isEmpty();
  }

  @Test
  void pipeline_tag_filter() {
    seedListing();

    assertThat(names(list(new RepoQuery(null, null, "fill-mask", List.of(), Sort.ID), ANONYMOUS)))
        .containsExactly("alice/tiny-bert");
  }

  @Test
  void rows_are_found_by_ids_and_scanned_in_batches_with_their_tags() {
    seedListing();
    List<RepoRow> all = new java.util.ArrayList<>();
    List<Integer> batches = new java.util.ArrayList<>();
    repos.forEach(2, batch -> {
      all.addAll(batch);
      batches.add(batch.size());
    });
    assertThat(batches).allMatch(n -> n <= 2);
    assertThat(all).extracting(RepoRow::id).doesNotHaveDuplicates().isSorted();
    assertThat((long) all.size()).isEqualTo(count("SELECT COUNT(*) FROM repos"));
    RepoRow bert = all.stream().filter(r -> r.name().equals("tiny-bert")).findFirst().orElseThrow();
    assertThat(bert.tags()).containsExactly("bert", "pytorch");

    var found = repos.findByIds(List.of(bert.id(), "no-such-id"));
    assertThat(found).containsOnlyKeys(bert.id());
    assertThat(found.get(bert.id())).isEqualTo(bert);
    assertThat(repos.findByIds(List.of())).isEmpty();
  }

  @Test
  void tags_are_counted_in_one_query_as_the_viewer_may_see() {
    seedListing();
    repos.updateHead(id(2), null, T0.plusSeconds(25), null, null, null, List.of("bert"));   // alice's private one
    Map<String, Long> anonymous = repos.countByTag("model", List.of("bert", "pytorch", "nobody-has-this"), ANONYMOUS);
    assertThat(anonymous).isEqualTo(Map.of("bert", 1L, "pytorch", 2L));
    assertThat(repos.countByTag("model", List.of("bert"), new Viewer("alice", false))).isEqualTo(Map.of("bert", 2L));
    RepoRows.Viewer admin = new RepoRows.Viewer(null, true);
    for (String tag : List.of("bert", "pytorch")) {
      long all = list(new RepoQuery(null, null, null, List.of(tag), Sort.ID), admin).size();
      assertThat(repos.countByTag("model", List.of(tag), admin).getOrDefault(tag, 0L)).as(tag).isEqualTo(all);
    }
    assertThat(repos.countByTag("model", List.of(), admin)).isEmpty();
  }

  @Test
  void listed_rows_carry_their_tags() {
    seedListing();

    RepoRow bert = list(new RepoQuery("tiny-bert", null, null, List.of(), Sort.ID), ANONYMOUS).getFirst();

    assertThat(bert.tags()).containsExactly("bert", "pytorch");
  }

  @Test
  void sorts_by_last_modified_newest_first_by_default() {
    seedListing();

    assertThat(names(list(new RepoQuery(null, null, null, List.of(), Sort.fromWire(null)), ANONYMOUS)))
        .containsExactly("bob/bigxmodel", "bob/big_model", "alice/tiny-bert", "carol/Old-Model");
  }

  @Test
  void sorts_by_creation_newest_first() {
    seedListing();

    assertThat(names(list(new RepoQuery(null, null, null, List.of(), Sort.fromWire("createdAt")), ANONYMOUS)))
        .containsExactly("carol/Old-Model", "bob/bigxmodel", "bob/big_model", "alice/tiny-bert");
  }

  @Test
  void sorts_by_id_ascending_ignoring_case() {
    seedListing();

    assertThat(names(list(new RepoQuery(null, null, null, List.of(), Sort.fromWire("id")), ANONYMOUS)))
        .containsExactly("alice/tiny-bert", "bob/big_model", "bob/bigxmodel", "carol/Old-Model");
  }

  @Test
  void ties_are_broken_by_id() {
    seedListing();

    // Nothing sets downloads yet: every repo ties at 0.
    assertThat(names(list(new RepoQuery(null, null, null, List.of(), Sort.fromWire("downloads")), ANONYMOUS)))
        .containsExactly("alice/tiny-bert", "bob/big_model", "bob/bigxmodel", "carol/Old-Model");
  }

  @Test
  void pages_with_offset_and_limit_plus_one() {
    seedListing();
    RepoQuery byId = new RepoQuery(null, null, null, List.of(), Sort.ID);

    assertThat(names(repos.list("model", byId, ANONYMOUS, 0, 2)))
        .containsExactly("alice/tiny-bert", "bob/big_model", "bob/bigxmodel");
    assertThat(names(repos.list("model", byId, ANONYMOUS, 2, 2)))
        .containsExactly("bob/bigxmodel", "carol/Old-Model");
    assertThat(repos.list("model", byId, ANONYMOUS, 4, 2)).isEmpty();
  }

  @Test
  void lists_only_the_requested_type() {
    seedListing();

    assertThat(names(repos.list("dataset", query(), ANONYMOUS, 0, 10))).containsExactly("alice/tiny-bert");
  }

  // ---- LFS objects --------------------------------------------------------------------------

  @Test
  void linking_is_idempotent() {
    repos.insert(id(1), "model", "alice", "tiny", false, T0).orElseThrow();

    lfs.link(id(1), oid('a'), 100, T0);
    lfs.link(id(1), oid('a'), 100, T0.plusSeconds(1));

    assertThat(lfs.isLinked(id(1), oid('a'))).isTrue();
    assertThat(count("SELECT COUNT(*) FROM lfs_objects")).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM repo_lfs_objects")).isEqualTo(1);
  }

  @Test
  void an_object_is_linked_per_repo() {
    repos.insert(id(1), "model", "alice", "tiny", false, T0).orElseThrow();
    repos.insert(id(2), "model", "alice", "other", false, T0).orElseThrow();

    lfs.link(id(1), oid('a'), 100, T0);

    assertThat(lfs.isLinked(id(1), oid('a'))).isTrue();
    assertThat(lfs.isLinked(id(2), oid('a'))).isFalse();
    assertThat(lfs.isLinked(id(1), oid('b'))).isFalse();

    lfs.link(id(2), oid('a'), 100, T0);
    assertThat(lfs.isLinked(id(2), oid('a'))).isTrue();
    assertThat(count("SELECT COUNT(*) FROM lfs_objects")).isEqualTo(1);
  }

  @Test
  void an_object_in_a_private_repo_is_visible_only_to_its_namespace() {
    repos.insert(id(1), "model", "Alice", "secret", true, T0).orElseThrow();

    lfs.link(id(1), oid('a'), 100, T0);

    assertThat(lfs.isLinkedVisibly(oid('a'), "alice")).isTrue();
    assertThat(lfs.isLinkedVisibly(oid('a'), "bob")).isFalse();
    assertThat(lfs.isLinkedVisibly(oid('b'), "alice")).isFalse();
  }

  @Test
  void an_object_in_a_public_repo_is_visible_to_everyone() {
    repos.insert(id(1), "model", "alice", "secret", true, T0).orElseThrow();
    repos.insert(id(2), "model", "carol", "open", false, T0).orElseThrow();
    lfs.link(id(1), oid('a'), 100, T0);

    lfs.link(id(2), oid('a'), 100, T0);

    assertThat(lfs.isLinkedVisibly(oid('a'), "bob")).isTrue();
  }

  @Test
  void making_the_repo_private_hides_its_objects() {
    repos.insert(id(1), "model", "alice", "tiny", false, T0).orElseThrow();
    lfs.link(id(1), oid('a'), 100, T0);

    repos.updateVisibility(id(1), true);

    assertThat(lfs.isLinkedVisibly(oid('a'), "bob")).isFalse();
  }

  @Test
  void an_object_cannot_be_linked_to_a_missing_repo() {
    assertThatThrownBy(() -> lfs.link(id(7), oid('a'), 100, T0)).isInstanceOf(RuntimeException.class);
    assertThat(count("SELECT COUNT(*) FROM lfs_objects")).isZero();
  }

  // ---- secrets ------------------------------------------------------------------------------

  @Test
  void a_secret_is_created_once() {
    AtomicInteger generated = new AtomicInteger();

    String first = secrets.getOrCreate("upload-signing", () -> "value-" + generated.incrementAndGet(), T0);
    String second = secrets.getOrCreate("upload-signing", () -> "value-" + generated.incrementAndGet(), T0);

    assertThat(first).isEqualTo("value-1");
    assertThat(second).isEqualTo("value-1");
    assertThat(secrets.getOrCreate("other", () -> "other-value", T0)).isEqualTo("other-value");
  }

  // ---- helpers ------------------------------------------------------------------------------

  /**
   * Four public models and two private ones, modified in a known order, plus a dataset that
   * shares an id with a model.
   */
  private void seedListing() {
    insert(1, "model", "alice", "tiny-bert", false, 1, 20);
    insert(2, "model", "alice", "secret", true, 2, 90);
    insert(3, "model", "bob", "big_model", false, 3, 30);
    insert(4, "model", "bob", "bigxmodel", false, 4, 40);
    insert(5, "model", "carol", "Old-Model", false, 9, 10);
    insert(6, "model", "dave", "hidden", true, 6, 60);
    insert(7, "dataset", "alice", "tiny-bert", false, 7, 70);
    repos.updateHead(id(1), null, T0.plusSeconds(20), null, "fill-mask", "transformers", List.of("bert", "pytorch"));
    repos.updateHead(id(3), null, T0.plusSeconds(30), null, "text-generation", null, List.of("pytorch"));
  }

  private void insert(int n, String type, String namespace, String name, boolean isPrivate, int created, int modified) {
    repos.insert(id(n), type, namespace, name, isPrivate, T0.plusSeconds(created)).orElseThrow();
    repos.updateHead(id(n), null, T0.plusSeconds(modified), null, null, null, List.of());
  }

  private List<RepoRow> list(RepoQuery query, Viewer viewer) {
    return repos.list("model", query, viewer, 0, 100);
  }

  private static RepoQuery query() {
    return new RepoQuery(null, null, null, List.of(), Sort.ID);
  }

  private static List<String> names(List<RepoRow> rows) {
    return rows.stream().map(RepoRow::fullName).toList();
  }

  private long count(String sql) {
    return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }

  static String id(int n) {
    return String.format("%024d", n);
  }

  static String oid(char c) {
    return String.valueOf(c).repeat(64);
  }
}
