package org.arbor.storage.git.dfs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.arbor.core.GitHash;
import org.arbor.storage.git.BlobWriter;
import org.arbor.storage.git.CommitSpec;
import org.arbor.storage.git.GitCommit;
import org.arbor.storage.git.GitEntry;
import org.arbor.storage.git.GitRef;
import org.arbor.storage.git.GitRepo;
import org.arbor.storage.git.GitRepos;
import org.arbor.storage.git.RefConflictException;
import org.arbor.storage.git.TreeChange;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.internal.fsck.FsckError;
import org.eclipse.jgit.internal.storage.dfs.DfsFsck;
import org.eclipse.jgit.internal.storage.dfs.DfsRepository;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.TestProtocol;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repositories on object storage as several hub nodes see them: each node is a
 * {@link DfsRepoStorage} of its own over one bucket and one database. Run on SQLite and on
 * PostgreSQL by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DfsGitReposTest {
  private static final String KEY = "0123456789abcdef01234567";
  private static final String MAIN = "refs/heads/main";
  private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

  @TempDir Path tmp;
  private DfsTestBed bed;
  private String prefix;
  private final DfsTestBed.TestClock clock = new DfsTestBed.TestClock();
  private final List<AutoCloseable> nodes = new ArrayList<>();
  private int commits;

  abstract boolean postgres();

  @BeforeAll
  void startBed(@TempDir Path dir) throws Exception {
    bed = DfsTestBed.start(dir, postgres());
  }

  @AfterAll
  void stopBed() throws Exception {
    bed.close();
  }

  @BeforeEach
  void freshPrefix() {
    prefix = bed.freshPrefix();
  }

  @AfterEach
  void closeNodes() throws Exception {
    for (AutoCloseable node : nodes) {
      node.close();
    }
    nodes.clear();
  }

  // ---- nodes see each other ------------------------------------------------------------------

  @Test
  void another_node_sees_everything_one_node_wrote() throws Exception {
    GitRepos a = node();
    GitRepo repo = a.create(KEY, "main");
    GitHash c1 = commit(repo, Optional.empty(), Map.of("README.md", "hello", "src/a.txt", "a"));
    GitHash c2 = commit(repo, Optional.of(c1), Map.of("src/b.txt", "b"));
    repo.createRef(GitRepo.HEADS + "dev", c1, false);
    repo.createAnnotatedTag("v1", c2, "first", "Alice", "alice@example.com", T0);

    GitRepo other = node().open(KEY);

    assertThat(other.defaultBranch()).isEqualTo("main");
    assertThat(other.resolve("main")).hasValue(c2);
    assertThat(other.resolve("dev")).hasValue(c1);
    assertThat(other.resolve("v1")).hasValue(c2);
    assertThat(other.refs(GitRepo.TAGS)).extracting(GitRef::name).containsExactly("v1");
    assertThat(other.files(c2)).extracting(GitEntry::path).containsExactly("README.md", "src/a.txt", "src/b.txt");
    assertThat(read(other, c2, "src/b.txt")).isEqualTo("b");
    assertThat(other.log(c2, 0, 10)).extracting(GitCommit::id).containsExactly(c2, c1);
  }

  @Test
  void a_node_sees_another_nodes_commit_at_its_next_open() throws Exception {
    GitRepos a = node();
    GitRepos b = node();
    GitRepo onA = a.create(KEY, "main");
    GitHash c1 = commit(onA, Optional.empty(), Map.of("a.txt", "one"));
    assertThat(b.open(KEY).resolve("main")).hasValue(c1); // b has cached refs and packs now

    GitHash c2 = commit(a.open(KEY), Optional.of(c1), Map.of("a.txt", "two"));
    GitRepo onB = b.open(KEY);

    assertThat(onB.resolve("main")).hasValue(c2);
    assertThat(read(onB, c2, "a.txt")).isEqualTo("two");
    GitHash c3 = commit(onB, Optional.of(c2), Map.of("b.txt", "from b"));
    assertThat(a.open(KEY).resolve("main")).hasValue(c3);
    assertThat(read(a.open(KEY), c3, "b.txt")).isEqualTo("from b");
  }

  @Test
  void a_commit_on_a_ref_another_node_moved_is_a_conflict_and_the_retry_wins() throws Exception {
    GitRepos a = node();
    GitRepos b = node();
    GitHash c1 = commit(a.create(KEY, "main"), Optional.empty(), Map.of("a.txt", "one"));
    GitRepo onB = b.open(KEY);
    GitHash fromA = commit(a.open(KEY), Optional.of(c1), Map.of("a.txt", "a"));

    // b still believes main is c1 within this request: its swap loses, nothing changes
    assertThatThrownBy(() -> commit(onB, Optional.of(c1), Map.of("a.txt", "b")))
        .isInstanceOf(RefConflictException.class);
    assertThat(onB.resolve("main")).hasValue(fromA);
    GitHash fromB = commit(onB, onB.resolve("main"), Map.of("b.txt", "b"));
    assertThat(a.open(KEY).log(fromB, 0, 10)).extracting(GitCommit::id).containsExactly(fromB, fromA, c1);
  }

  @Test
  void deleting_on_one_node_is_seen_by_another() throws Exception {
    GitRepos a = node();
    GitRepos b = node();
    commit(a.create(KEY, "main"), Optional.empty(), Map.of("a.txt", "one"));
    b.open(KEY);

    a.delete(KEY);

    assertThatThrownBy(() -> b.open(KEY)).isInstanceOf(IOException.class);
    assertThat(bed.isStored(KEY)).isFalse();
    GitRepo again = b.create(KEY, "trunk");
    assertThat(again.defaultBranch()).isEqualTo("trunk");
    assertThat(a.open(KEY).resolve("HEAD")).isEmpty();
  }

  // ---- concurrency ---------------------------------------------------------------------------

  @Test
  @Timeout(180)
  void two_nodes_committing_to_one_branch_lose_nothing() throws Exception {
    GitRepos[] both = {node(), node()};
    GitHash initial = commit(both[0].create(KEY, "main"), Optional.empty(), Map.of("README.md", "start"));
    int threadsPerNode = 4;
    int perThread = 5;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerNode);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int n = 0; n < 2; n++) {
        for (int t = 0; t < threadsPerNode; t++) {
          GitRepos node = both[n];
          String writer = "n" + n + "t" + t;
          Callable<Integer> task = () -> {
            start.await();
            int conflicts = 0;
            for (int i = 0; i < perThread; i++) {
              while (true) {
                GitRepo repo = node.open(KEY); // what a request does
                try {
                  commit(repo, repo.ref(MAIN), Map.of(writer + "/f" + i + ".txt", writer + " " + i));
                  break;
                } catch (RefConflictException lost) {
                  conflicts++;
                }
              }
            }
            return conflicts;
          };
          results.add(pool.submit(task));
        }
      }
      start.countDown();
      for (Future<Integer> result : results) {
        result.get(170, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    int total = 2 * threadsPerNode * perThread;
    for (GitRepos node : both) {
      GitRepo repo = node.open(KEY);
      GitHash head = repo.resolve("main").orElseThrow();
      assertThat(repo.countCommits(head)).isEqualTo(1 + total);
      List<GitCommit> log = repo.log(head, 0, 1000);
      assertThat(log).allSatisfy(c -> assertThat(c.parents()).hasSizeLessThanOrEqualTo(1));
      assertThat(log).last().extracting(GitCommit::id).isEqualTo(initial);
      assertThat(repo.files(head)).hasSize(1 + total);
      for (int n = 0; n < 2; n++) {
        for (int t = 0; t < threadsPerNode; t++) {
          for (int i = 0; i < perThread; i++) {
            String writer = "n" + n + "t" + t;
            assertThat(read(repo, head, writer + "/f" + i + ".txt")).isEqualTo(writer + " " + i);
          }
        }
      }
    }
    assertIntact(both[1].repository(KEY));
  }

  // ---- the git protocol ----------------------------------------------------------------------

  @Test
  @Timeout(120)
  void a_push_lands_and_a_clone_gives_back_the_same_trees() throws Exception {
    GitRepos hub = node();
    hub.create(KEY, "main");
    GitRepos local = new GitRepos(tmp.resolve("client"));
    nodes.add(local);
    GitRepo client = local.create("c0000000clientrepo", "main");
    GitHash c1 = commit(client, Optional.empty(), Map.of("README.md", "pushed", "data/x.bin", "x".repeat(5000)));
    GitHash c2 = commit(client, Optional.of(c1), Map.of("data/y.txt", "y"));
    URIish uri = serve(hub.repository(KEY), null);

    PushResult pushed;
    try (Transport transport = Transport.open(local.repository("c0000000clientrepo"), uri)) {
      pushed = transport.push(NullProgressMonitor.INSTANCE,
          transport.findRemoteRefUpdatesFor(List.of(new RefSpec(MAIN + ":" + MAIN))));
    }
    assertThat(pushed.getRemoteUpdate(MAIN).getStatus()).isEqualTo(RemoteRefUpdate.Status.OK);
    assertThat(node().open(KEY).resolve("main")).hasValue(c2);

    Path cloneDir = tmp.resolve("clone");
    try (Git clone = Git.cloneRepository().setURI(serve(node().repository(KEY), null).toString())
        .setBare(true).setDirectory(cloneDir.toFile()).call()) {
      Repository cloned = clone.getRepository();
      assertThat(cloned.resolve(MAIN).name()).isEqualTo(c2.hex());
      assertThat(treeOf(cloned, c2)).isEqualTo(treeOf(local.repository("c0000000clientrepo"), c2));
    }
    assertIntact(node().repository(KEY));
  }

  @Test
  @Timeout(120)
  void of_two_pushes_to_one_branch_through_two_nodes_one_lands() throws Exception {
    GitRepos a = node();
    GitRepos b = node();
    GitHash base = commit(a.create(KEY, "main"), Optional.empty(), Map.of("README.md", "base"), T0);
    // two clients, each with the same base (same tree, author and time) and a commit of its own on top
    List<Repository> clients = new ArrayList<>();
    List<GitHash> tips = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      GitRepos local = new GitRepos(tmp.resolve("client" + i));
      nodes.add(local);
      String key = "c000000" + i + "clientrepo";
      GitRepo client = local.create(key, "main");
      assertThat(commit(client, Optional.empty(), Map.of("README.md", "base"), T0)).isEqualTo(base);
      tips.add(commit(client, Optional.of(base), Map.of("mine" + i + ".txt", "client " + i)));
      clients.add(local.repository(key));
    }
    CyclicBarrier bothChecked = new CyclicBarrier(2);
    URIish[] uris = {serve(a.repository(KEY), bothChecked), serve(b.repository(KEY), bothChecked)};

    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<RemoteRefUpdate.Status> statuses = new ArrayList<>();
    try {
      List<Future<RemoteRefUpdate.Status>> pushes = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int client = i;
        pushes.add(pool.submit(() -> {
          try (Transport transport = Transport.open(clients.get(client), uris[client])) {
            return transport.push(NullProgressMonitor.INSTANCE,
                transport.findRemoteRefUpdatesFor(List.of(new RefSpec(MAIN + ":" + MAIN)))).getRemoteUpdate(MAIN)
                .getStatus();
          }
        }));
      }
      for (Future<RemoteRefUpdate.Status> push : pushes) {
        statuses.add(push.get(100, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(statuses).containsOnlyOnce(RemoteRefUpdate.Status.OK);
    assertThat(statuses).filteredOn(s -> s != RemoteRefUpdate.Status.OK)
        .containsExactly(RemoteRefUpdate.Status.REJECTED_OTHER_REASON);
    GitHash winner = tips.get(statuses.indexOf(RemoteRefUpdate.Status.OK));
    for (GitRepos node : List.of(a, b)) {
      GitRepo repo = node.open(KEY);
      assertThat(repo.resolve("main")).hasValue(winner);
      assertThat(repo.log(winner, 0, 10)).extracting(GitCommit::id).containsExactly(winner, base);
    }
    assertIntact(a.repository(KEY));
  }

  // ---- compaction and garbage ----------------------------------------------------------------

  @Test
  @Timeout(120)
  void compaction_rewrites_many_packs_into_few_and_the_old_files_go_after_the_grace() throws Exception {
    DfsRepoStorage storageA = storage();
    GitRepos a = new GitRepos(storageA);
    GitRepos b = node();
    GitRepo repo = a.create(KEY, "main");
    GitHash head = null;
    for (int i = 0; i < 6; i++) {
      head = commit(repo, Optional.ofNullable(head), Map.of("f" + i + ".txt", "file " + i));
    }
    GitHash last = head;
    assertThat(read(b.open(KEY), last, "f0.txt")).isEqualTo("file 0"); // b caches the old pack list
    int before = packs();
    assertThat(before).isGreaterThan(DfsRepoStorage.COMPACT_ABOVE);
    List<String> filesBefore = bed.objects(prefix, KEY);
    assertThat(storageA.needingCompaction(DfsRepoStorage.COMPACT_ABOVE, 10)).containsExactly(KEY);

    assertThat(storageA.compact(KEY)).isTrue();

    assertThat(packs()).isBetween(1, 3);
    assertThat(storageA.needingCompaction(DfsRepoStorage.COMPACT_ABOVE, 10)).isEmpty();
    for (GitRepos node : List.of(a, b)) {
      GitRepo onNode = node.open(KEY);
      assertThat(onNode.resolve("main")).hasValue(last);
      for (int i = 0; i < 6; i++) {
        assertThat(read(onNode, last, "f" + i + ".txt")).isEqualTo("file " + i);
      }
    }
    assertThat(bed.objects(prefix, KEY)).containsAll(filesBefore); // other nodes may still read them
    assertThat(storageA.sweep()).isZero();

    clock.advance(DfsRepoStorage.GRACE.plusMinutes(1));
    assertThat(storageA.sweep()).isEqualTo(before);

    List<String> left = bed.objects(prefix, KEY);
    assertThat(left).doesNotContainAnyElementsOf(filesBefore).isNotEmpty();
    for (GitRepos node : List.of(a, node())) {
      GitRepo onNode = node.open(KEY);
      for (int i = 0; i < 6; i++) {
        assertThat(read(onNode, last, "f" + i + ".txt")).isEqualTo("file " + i);
      }
      GitHash more = commit(onNode, onNode.resolve("main"), Map.of("after.txt", "after"));
      last = more;
    }
    assertIntact(a.repository(KEY));
  }

  @Test
  void the_files_of_a_deleted_repository_go_after_the_grace() throws Exception {
    DfsRepoStorage storage = storage();
    GitRepos a = new GitRepos(storage);
    commit(a.create(KEY, "main"), Optional.empty(), Map.of("a.txt", "a"));
    assertThat(bed.objects(prefix, KEY)).isNotEmpty();

    a.delete(KEY);
    assertThat(storage.sweep()).isZero();
    assertThat(bed.objects(prefix, KEY)).isNotEmpty();
    clock.advance(DfsRepoStorage.GRACE.plusSeconds(1));

    assertThat(storage.sweep()).isEqualTo(2); // the blobs' pack, the tree and commit's pack
    assertThat(bed.objects(prefix, KEY)).isEmpty();
  }

  @Test
  void an_inserter_closed_without_flushing_leaves_no_pack() throws Exception {
    GitRepos a = node();
    commit(a.create(KEY, "main"), Optional.empty(), Map.of("a.txt", "a"));
    int packs = packs();
    List<String> files = bed.objects(prefix, KEY);
    ObjectId blob;
    try (ObjectInserter inserter = a.repository(KEY).newObjectInserter()) {
      blob = inserter.insert(Constants.OBJ_BLOB, "never committed".getBytes(UTF_8));
    }

    assertThat(packs()).isEqualTo(packs);
    assertThat(garbage()).isZero();
    assertThat(bed.objects(prefix, KEY)).isEqualTo(files);
    assertThat(node().repository(KEY).getObjectDatabase().has(blob)).isFalse();
  }

  @Test
  void a_pack_whose_write_outlived_the_grace_is_not_listed() throws Exception {
    DfsRepoStorage storage = storage();
    GitRepos a = new GitRepos(storage);
    commit(a.create(KEY, "main"), Optional.empty(), Map.of("a.txt", "a"));
    int packs = packs();
    List<String> files = bed.objects(prefix, KEY);
    ObjectId blob;
    try (ObjectInserter inserter = a.repository(KEY).newObjectInserter()) {
      blob = inserter.insert(Constants.OBJ_BLOB, "too slow".getBytes(UTF_8));
      clock.advance(DfsRepoStorage.GRACE.plusSeconds(1));
      assertThat(storage.sweep()).isEqualTo(1); // the sweep takes the pack being written

      assertThatThrownBy(inserter::flush).isInstanceOf(IOException.class).hasMessageContaining("swept");
    }

    assertThat(packs()).isEqualTo(packs);
    assertThat(bed.objects(prefix, KEY)).isEqualTo(files);
    assertThat(node().repository(KEY).getObjectDatabase().has(blob)).isFalse();
    assertIntact(node().repository(KEY));
  }

  // ---- helpers -------------------------------------------------------------------------------

  private DfsRepoStorage storage() {
    DfsRepoStorage storage = bed.storage(prefix, clock);
    nodes.add(storage);
    return storage;
  }

  private GitRepos node() {
    return new GitRepos(storage());
  }

  private int packs() {
    return bed.db().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM git_packs WHERE repo_key = :key")
        .bind("key", KEY).mapTo(Integer.class).one());
  }

  private int garbage() {
    return bed.db().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM git_pack_garbage")
        .mapTo(Integer.class).one());
  }

  /** Serves a repository over JGit's in-process protocol; pushes wait for each other at {@code barrier}. */
  private static URIish serve(Repository repo, CyclicBarrier barrier) {
    TestProtocol<Object> protocol = new TestProtocol<>(
        (request, db) -> new UploadPack(db),
        (request, db) -> {
          ReceivePack pack = new ReceivePack(db);
          pack.setAtomic(true); // as the hub's git edge does
          if (barrier != null) {
            pack.setPreReceiveHook((rp, commands) -> {
              try {
                barrier.await(30, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
          }
          return pack;
        });
    Transport.register(protocol);
    return protocol.register(new Object(), repo);
  }

  /** Every object reachable from every ref is there and well formed. */
  private static void assertIntact(Repository repo) throws IOException {
    FsckError errors = new DfsFsck((DfsRepository) repo).check(NullProgressMonitor.INSTANCE);
    assertThat(errors.getMissingObjects()).isEmpty();
    assertThat(errors.getCorruptObjects()).isEmpty();
    assertThat(errors.getCorruptIndices()).isEmpty();
  }

  /** Path, mode, object id and bytes of every file of a commit. */
  private static Set<String> treeOf(Repository repo, GitHash commit) throws IOException {
    Set<String> out = new HashSet<>();
    try (RevWalk walk = new RevWalk(repo); TreeWalk tw = new TreeWalk(repo)) {
      RevCommit c = walk.parseCommit(ObjectId.fromString(commit.hex()));
      tw.addTree(c.getTree());
      tw.setRecursive(true);
      while (tw.next()) {
        byte[] bytes = repo.open(tw.getObjectId(0)).getBytes();
        out.add(tw.getPathString() + " " + tw.getRawMode(0) + " " + tw.getObjectId(0).name() + " "
            + java.util.HexFormat.of().formatHex(bytes));
      }
    }
    return out;
  }

  private GitHash commit(GitRepo repo, Optional<GitHash> parent, Map<String, String> files) throws Exception {
    Instant when;
    synchronized (this) {
      when = T0.plusSeconds(++commits);
    }
    return commit(repo, parent, files, when);
  }

  private GitHash commit(GitRepo repo, Optional<GitHash> parent, Map<String, String> files, Instant when)
      throws Exception {
    List<TreeChange> changes = new ArrayList<>();
    try (BlobWriter writer = repo.newBlobWriter()) {
      for (Map.Entry<String, String> file : files.entrySet()) {
        changes.add(new TreeChange.Put(file.getKey(), writer.insert(file.getValue().getBytes(UTF_8))));
      }
      writer.flush();
    }
    return repo.commit(new CommitSpec(MAIN, parent, false, changes, "Alice", "alice@example.com",
        "commit " + files.keySet(), when));
  }

  private static String read(GitRepo repo, GitHash commit, String path) throws IOException {
    GitEntry entry = repo.entry(commit, path).orElseThrow(() -> new AssertionError("no " + path));
    return new String(repo.readBlob(entry.oid(), 1 << 20), UTF_8);
  }
}
