package org.arbor.storage.git;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.arbor.core.GitHash;
import org.arbor.core.LfsPointer;
import org.arbor.core.Sha256;
import org.eclipse.jgit.util.FS;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GitRepoTest {
  private static final String MAIN = "refs/heads/main";
  private static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");

  @TempDir Path tmp;
  private GitRepos repos;
  private GitRepo git;
  private int clock;

  /**
   * JGit measures a file system's timestamp resolution the first time it sees it, and GitRepos
   * asks for that in the background, so on a fresh machine probe files could appear inside a
   * test's repository while JUnit deletes it. Measure once here, in a folder of our own, and wait.
   */
  @BeforeAll
  static void measureFileSystemOnce(@TempDir Path probes) throws Exception {
    FS.FileStoreAttributes.get(probes);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      try (Stream<Path> left = Files.list(probes)) {
        if (left.findAny().isEmpty()) {
          return;
        }
      }
      Thread.sleep(20);
    }
  }

  /** The repositories under test, as a new node (or process) opens them over the same storage. */
  GitRepos newRepos() throws Exception {
    return new GitRepos(tmp.resolve("repos"));
  }

  /** True if the storage holds something of repository {@code key}. */
  boolean isStored(String key) {
    return Files.exists(tmp.resolve("repos/" + key.substring(0, 2) + "/" + key + ".git/HEAD"));
  }

  @BeforeEach
  void createRepo() throws Exception {
    repos = newRepos();
    git = repos.create("0123456789abcdef01234567", "main");
  }

  @AfterEach
  void closeRepos() {
    repos.close();
  }

  // ---- repositories -------------------------------------------------------------------------

  @Test
  void a_new_repo_is_empty_with_its_default_branch() throws IOException {
    assertThat(git.defaultBranch()).isEqualTo("main");
    assertThat(git.resolve("main")).isEmpty();
    assertThat(git.resolve("HEAD")).isEmpty();
    assertThat(git.refs(GitRepo.HEADS)).isEmpty();
    assertThat(isStored("0123456789abcdef01234567")).isTrue();
  }

  @Test
  void the_default_branch_is_the_one_asked_for() throws IOException {
    GitRepo other = repos.create("fedcba9876543210", "trunk");

    assertThat(other.defaultBranch()).isEqualTo("trunk");
  }

  @Test
  void create_refuses_existing_storage() {
    assertThatThrownBy(() -> repos.create("0123456789abcdef01234567", "main")).isInstanceOf(IOException.class);
  }

  @Test
  void open_refuses_missing_storage() {
    assertThatThrownBy(() -> repos.open("ffffffffffffffff")).isInstanceOf(IOException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"short", "../../etc/passwd", "ABCDEF0123456789", "abcdef01/2345678", ""})
  void storage_keys_are_checked(String key) {
    assertThatThrownBy(() -> repos.create(key, "main")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reopening_sees_committed_data() throws Exception {
    GitHash head = commit(null, Map.of("a.txt", "hello"));
    repos.close();

    try (GitRepos again = newRepos()) {
      GitRepo reopened = again.open("0123456789abcdef01234567");
      assertThat(reopened.resolve("main")).hasValue(head);
      assertThat(read(reopened, head, "a.txt")).isEqualTo("hello");
    }
  }

  @Test
  void delete_removes_the_storage() throws Exception {
    commit(null, Map.of("a.txt", "hello"));

    repos.delete("0123456789abcdef01234567");

    assertThat(isStored("0123456789abcdef01234567")).isFalse();
    assertThatThrownBy(() -> repos.open("0123456789abcdef01234567")).isInstanceOf(IOException.class);
  }

  // ---- trees and blobs ----------------------------------------------------------------------

  @Test
  void reads_back_committed_files() throws Exception {
    GitHash head = commit(null, Map.of(
        "config.json", "{\"a\":1}",
        "sub/a.txt", "A",
        "sub/deeper/b.txt", "BB"));

    GitEntry config = git.entry(head, "config.json").orElseThrow();
    assertThat(config.kind()).isEqualTo(GitEntry.Kind.FILE);
    assertThat(config.path()).isEqualTo("config.json");
    assertThat(config.size()).isEqualTo(7);
    assertThat(config.lfs()).isEmpty();
    assertThat(new String(git.readBlob(config.oid(), 1024), UTF_8)).isEqualTo("{\"a\":1}");
    try (InputStream in = git.openBlob(config.oid())) {
      assertThat(in.readAllBytes()).asString(UTF_8).isEqualTo("{\"a\":1}");
    }

    GitEntry deep = git.entry(head, "sub/deeper/b.txt").orElseThrow();
    assertThat(deep.path()).isEqualTo("sub/deeper/b.txt");
    assertThat(new String(git.readBlob(deep.oid(), 1024), UTF_8)).isEqualTo("BB");

    GitEntry folder = git.entry(head, "sub/deeper").orElseThrow();
    assertThat(folder.isDirectory()).isTrue();
    assertThat(folder.path()).isEqualTo("sub/deeper");
  }

  @Test
  void the_empty_path_is_the_root_folder() throws Exception {
    GitHash head = commit(null, Map.of("a.txt", "x"));

    GitEntry root = git.entry(head, "").orElseThrow();

    assertThat(root.isDirectory()).isTrue();
    assertThat(root.path()).isEmpty();
  }

  @Test
  void a_missing_entry_is_empty() throws Exception {
    GitHash head = commit(null, Map.of("sub/a.txt", "x"));

    assertThat(git.entry(head, "missing.txt")).isEmpty();
    assertThat(git.entry(head, "sub/missing.txt")).isEmpty();
    assertThat(git.entry(head, "sub/a.txt/below")).isEmpty();
  }

  @Test
  void lists_direct_children_with_paths_from_the_root() throws Exception {
    GitHash head = commit(null, Map.of(
        "README.md", "# hi",
        "config.json", "{}",
        "sub/a.txt", "A",
        "sub/deeper/b.txt", "B"));

    assertThat(paths(git.list(head, "", false))).containsExactly("README.md", "config.json", "sub");
    assertThat(paths(git.list(head, "sub", false))).containsExactly("sub/a.txt", "sub/deeper");
    assertThat(paths(git.list(head, "sub/deeper", false))).containsExactly("sub/deeper/b.txt");
    assertThat(git.list(head, "sub", false).get(1).isDirectory()).isTrue();
  }

  @Test
  void lists_recursively_with_folders_and_files() throws Exception {
    GitHash head = commit(null, Map.of(
        "README.md", "# hi",
        "sub/a.txt", "A",
        "sub/deeper/b.txt", "B"));

    assertThat(paths(git.list(head, "", true)))
        .containsExactly("README.md", "sub", "sub/a.txt", "sub/deeper", "sub/deeper/b.txt");
    assertThat(paths(git.list(head, "sub", true)))
        .containsExactly("sub/a.txt", "sub/deeper", "sub/deeper/b.txt");
  }

  @Test
  void listing_a_file_or_a_missing_folder_is_empty() throws Exception {
    GitHash head = commit(null, Map.of("sub/a.txt", "A"));

    assertThat(git.list(head, "sub/a.txt", false)).isEmpty();
    assertThat(git.list(head, "nope", true)).isEmpty();
  }

  @Test
  void files_are_every_file_and_no_folder() throws Exception {
    GitHash head = commit(null, Map.of(
        "README.md", "# hi",
        "sub/a.txt", "A",
        "sub/deeper/b.txt", "B"));

    List<GitEntry> files = git.files(head);

    assertThat(paths(files)).containsExactly("README.md", "sub/a.txt", "sub/deeper/b.txt");
    assertThat(files).noneMatch(GitEntry::isDirectory);
  }

  @Test
  void recognises_lfs_pointers() throws Exception {
    byte[] weights = "pretend these are weights".getBytes(UTF_8);
    LfsPointer pointer = new LfsPointer(Sha256.digest(weights), weights.length);
    String notQuite = pointer.text().replace("version https", "version http");
    GitHash head = commit(null, Map.of(
        "model.bin", pointer.text(),
        "nested/model.safetensors", pointer.text(),
        "broken.bin", notQuite,
        "big.txt", pointer.text() + "x".repeat(LfsPointer.MAX_POINTER_SIZE)));

    GitEntry lfs = git.entry(head, "model.bin").orElseThrow();
    assertThat(lfs.lfs()).hasValue(pointer);
    assertThat(lfs.size()).isEqualTo(pointer.bytes().length);
    assertThat(git.entry(head, "broken.bin").orElseThrow().lfs()).isEmpty();
    assertThat(git.entry(head, "big.txt").orElseThrow().lfs()).isEmpty();
    assertThat(git.files(head)).filteredOn(e -> e.lfs().isPresent())
        .extracting(GitEntry::path).containsExactlyInAnyOrder("model.bin", "nested/model.safetensors");
  }

  @Test
  void a_put_replaces_a_file_and_keeps_the_others() throws Exception {
    GitHash first = commit(null, Map.of("a.txt", "one", "b.txt", "bee"));
    GitHash second = commit(first, Map.of("a.txt", "two"));

    assertThat(read(git, second, "a.txt")).isEqualTo("two");
    assertThat(read(git, second, "b.txt")).isEqualTo("bee");
    assertThat(read(git, first, "a.txt")).isEqualTo("one");
  }

  @Test
  void delete_folder_removes_everything_below_it() throws Exception {
    GitHash first = commit(null, Map.of("keep.txt", "k", "dir/a.txt", "a", "dir/sub/b.txt", "b"));

    GitHash second = commit(spec(MAIN, first, List.of(new TreeChange.DeleteFolder("dir"))));

    assertThat(paths(git.files(second))).containsExactly("keep.txt");
  }

  @Test
  void delete_file_removes_only_that_file() throws Exception {
    GitHash first = commit(null, Map.of("a.txt", "a", "dir/b.txt", "b"));

    GitHash second = commit(spec(MAIN, first, List.of(new TreeChange.DeleteFile("dir/b.txt"))));

    assertThat(paths(git.list(second, "", true))).containsExactly("a.txt");
  }

  // ---- tree conflicts -----------------------------------------------------------------------

  @Test
  void deleting_a_missing_file_is_a_missing_conflict() throws Exception {
    GitHash head = commit(null, Map.of("a.txt", "a", "dir/b.txt", "b"));

    TreeConflictException e = catchThrowableOfType(TreeConflictException.class,
        () -> commit(spec(MAIN, head, List.of(new TreeChange.DeleteFile("missing.txt")))));

    assertThat(e).isNotNull();
    assertThat(e.isMissing()).isTrue();
    assertThat(e.path()).isEqualTo("missing.txt");
    assertThat(e.getMessage()).contains("missing.txt");
    assertThat(git.resolve("main")).hasValue(head);
  }

  @Test
  void deleting_a_folder_as_a_file_is_a_missing_conflict() throws Exception {
    GitHash head = commit(null, Map.of("dir/b.txt", "b"));

    TreeConflictException e = catchThrowableOfType(TreeConflictException.class,
        () -> commit(spec(MAIN, head, List.of(new TreeChange.DeleteFile("dir")))));

    assertThat(e).isNotNull();
    assertThat(e.isMissing()).isTrue();
  }

  @Test
  void deleting_a_missing_folder_is_a_missing_conflict() throws Exception {
    GitHash head = commit(null, Map.of("a.txt", "a"));

    TreeConflictException e = catchThrowableOfType(TreeConflictException.class,
        () -> commit(spec(MAIN, head, List.of(new TreeChange.DeleteFolder("a.txt")))));

    assertThat(e).isNotNull();
    assertThat(e.isMissing()).isTrue();
  }

  @Test
  void a_file_cannot_replace_a_folder() throws Exception {
    GitHash head = commit(null, Map.of("dir/a.txt", "a"));

    TreeConflictException e = catchThrowableOfType(TreeConflictException.class,
        () -> commit(head, Map.of("dir", "now a file")));

    assertThat(e).isNotNull();
    assertThat(e.isMissing()).isFalse();
    assertThat(e.path()).isEqualTo("dir");
    assertThat(e.getMessage()).contains("a folder with this name exists");
    assertThat(git.resolve("main")).hasValue(head);
  }

  @Test
  void a_file_cannot_go_below_a_file() throws Exception {
    GitHash head = commit(null, Map.of("config.json", "{}", "dir/a.txt", "a"));

    TreeConflictException top = catchThrowableOfType(TreeConflictException.class,
        () -> commit(head, Map.of("config.json/inner.txt", "x")));
    TreeConflictException nested = catchThrowableOfType(TreeConflictException.class,
        () -> commit(head, Map.of("dir/a.txt/deeper/x.txt", "x")));

    assertThat(top).isNotNull();
    assertThat(top.isMissing()).isFalse();
    assertThat(top.getMessage()).contains("'config.json' is a file");
    assertThat(nested).isNotNull();
    assertThat(nested.getMessage()).contains("'dir/a.txt' is a file");
    assertThat(git.resolve("main")).hasValue(head);
  }

  @Test
  void a_file_and_a_folder_of_the_same_name_in_one_commit_conflict() throws Exception {
    GitHash head = commit(null, Map.of("a.txt", "a"));
    Map<String, String> fileFirst = new LinkedHashMap<>();
    fileFirst.put("x", "file");
    fileFirst.put("x/y", "below the file");
    Map<String, String> folderFirst = new LinkedHashMap<>();
    folderFirst.put("p/q", "below the file");
    folderFirst.put("p", "file");

    assertThatThrownBy(() -> commit(head, fileFirst)).isInstanceOf(TreeConflictException.class);
    assertThatThrownBy(() -> commit(head, folderFirst)).isInstanceOf(TreeConflictException.class);
    assertThat(git.resolve("main")).hasValue(head);
  }

  @Test
  void the_same_path_twice_in_one_commit_is_a_tree_conflict_or_last_wins() throws Exception {
    GitHash head = commit(null, Map.of("a.txt", "a"));
    List<TreeChange> twice = new ArrayList<>(changes(Map.of("same.txt", "first")));
    twice.addAll(changes(Map.of("same.txt", "second")));

    Throwable thrown = catchThrowable(() -> commit(spec(MAIN, head, twice)));

    if (thrown == null) {
      assertThat(read(git, git.resolve("main").orElseThrow(), "same.txt")).isEqualTo("second");
    } else {
      assertThat(thrown).isInstanceOf(TreeConflictException.class);
    }
  }

  // ---- revisions ----------------------------------------------------------------------------

  @Test
  void resolves_branches_tags_ids_and_full_ref_names() throws Exception {
    GitHash first = commit(null, Map.of("a.txt", "1"));
    GitHash second = commit(first, Map.of("a.txt", "2"));
    git.createRef("refs/tags/v1", first, false);
    git.createRef("refs/heads/feature/x", first, false);
    git.createRef("refs/pr/1", first, false);

    assertThat(git.resolve("main")).hasValue(second);
    assertThat(git.resolve("HEAD")).hasValue(second);
    assertThat(git.resolve("refs/heads/main")).hasValue(second);
    assertThat(git.resolve("v1")).hasValue(first);
    assertThat(git.resolve("refs/tags/v1")).hasValue(first);
    assertThat(git.resolve("feature/x")).hasValue(first);
    assertThat(git.resolve("refs/heads/feature/x")).hasValue(first);
    assertThat(git.resolve("refs/pr/1")).hasValue(first);
    assertThat(git.resolve(first.hex())).hasValue(first);
    assertThat(git.resolve(first.hex().substring(0, 7))).hasValue(first);
    assertThat(git.resolve(second.hex().substring(0, 12))).hasValue(second);
  }

  @Test
  void a_branch_wins_over_a_tag_of_the_same_name() throws Exception {
    GitHash first = commit(null, Map.of("a.txt", "1"));
    GitHash second = commit(first, Map.of("a.txt", "2"));
    git.createRef("refs/tags/main", first, false);

    assertThat(git.resolve("main")).hasValue(second);
    assertThat(git.resolve("refs/tags/main")).hasValue(first);
  }

  @Test
  void unknown_names_and_revspec_syntax_resolve_to_nothing() throws Exception {
    GitHash first = commit(null, Map.of("a.txt", "1"));
    commit(first, Map.of("a.txt", "2"));

    for (String revision : List.of(
        "nope", "refs/heads/nope", "refs/tags/main", "0000000000000000000000000000000000000000",
        "main~1", "main^", "main^1", "HEAD~1", "HEAD^", "main@{0}", "main@{1}", "@", "main..main", ":/commit",
        "main:a.txt", "", " main", "main ", "MAIN", "refs/heads/../heads/main", "heads/main", "x".repeat(600))) {
      assertThat(git.resolve(revision)).as("resolve(%s)", revision).isEmpty();
    }
  }

  @Test
  void ids_of_trees_and_blobs_are_not_revisions() throws Exception {
    GitHash head = commit(null, Map.of("a.txt", "content of a"));
    GitHash blob = git.entry(head, "a.txt").orElseThrow().oid();
    GitHash tree = git.entry(head, "").orElseThrow().oid();

    assertThat(git.resolve(blob.hex())).isEmpty();
    assertThat(git.resolve(tree.hex())).isEmpty();
    assertThat(git.resolve(blob.hex().substring(0, 10))).isEmpty();
  }

  @Test
  void too_short_abbreviations_resolve_to_nothing() throws Exception {
    GitHash head = commit(null, Map.of("a.txt", "1"));

    assertThat(git.resolve(head.hex().substring(0, 4))).isEmpty();
  }

  @Test
  void is_ref_knows_branches_and_tags() throws Exception {
    GitHash head = commit(null, Map.of("a.txt", "1"));
    git.createRef("refs/tags/v1", head, false);

    assertThat(git.isRef("main")).isTrue();
    assertThat(git.isRef("v1")).isTrue();
    assertThat(git.isRef("refs/heads/main")).isTrue();
    assertThat(git.isRef("dev")).isFalse();
    assertThat(git.isRef(head.hex())).isFalse();
    assertThat(git.isRef("main~1")).isFalse();
  }

  @Test
  void refs_lists_by_prefix_sorted() throws Exception {
    GitHash head = commit(null, Map.of("a.txt", "1"));
    git.createRef("refs/heads/zeta", head, false);
    git.createRef("refs/heads/alpha", head, false);
    git.createRef("refs/tags/v1", head, false);

    assertThat(git.refs(GitRepo.HEADS)).containsExactly(
        new GitRef("alpha", "refs/heads/alpha", head),
        new GitRef("main", "refs/heads/main", head),
        new GitRef("zeta", "refs/heads/zeta", head));
    assertThat(git.refs(GitRepo.TAGS)).containsExactly(new GitRef("v1", "refs/tags/v1", head));
  }

  // ---- moving refs --------------------------------------------------------------------------

  @Test
  void a_commit_on_a_stale_parent_is_a_ref_conflict_and_the_ref_stays() throws Exception {
    GitHash first = commit(null, Map.of("a.txt", "1"));
    GitHash second = commit(first, Map.of("a.txt", "2"));

    assertThatThrownBy(() -> commit(first, Map.of("b.txt", "lost update")))
        .isInstanceOf(RefConflictException.class)
        .hasMessageContaining(MAIN);

    assertThat(git.resolve("main")).hasValue(second);
    assertThat(git.entry(second, "b.txt")).isEmpty();
    assertThat(git.countCommits(second)).isEqualTo(2);
  }

  @Test
  void a_root_commit_onto_an_existing_branch_is_a_ref_conflict() throws Exception {
    GitHash head = commit(null, Map.of("a.txt", "1"));

    assertThatThrownBy(() -> commit(null, Map.of("b.txt", "unrelated history")))
        .isInstanceOf(RefConflictException.class);
    assertThat(git.resolve("main")).hasValue(head);
  }

  @Test
  void create_ref_commit_fails_if_the_branch_exists() throws Exception {
    GitHash head = commit(null, Map.of("a.txt", "1"));
    CommitSpec createMain = new CommitSpec(MAIN, Optional.of(head), true,
        changes(Map.of("b.txt", "b")), "Alice", "alice@example.com", "again", T0);

    assertThatThrownBy(() -> git.commit(createMain)).isInstanceOf(RefConflictException.class);
    assertThat(git.resolve("main")).hasValue(head);
  }

  @Test
  void a_commit_can_start_a_new_branch_from_a_parent() throws Exception {
    GitHash head = commit(null, Map.of("a.txt", "1"));
    CommitSpec branch = new CommitSpec("refs/heads/dev", Optional.of(head), true,
        changes(Map.of("b.txt", "b")), "Alice", "alice@example.com", "on dev", T0.plusSeconds(5));

    GitHash dev = git.commit(branch);

    assertThat(git.resolve("dev")).hasValue(dev);
    assertThat(git.resolve("main")).hasValue(head);
    assertThat(git.commit(dev).parents()).containsExactly(head);
  }

  @Test
  void create_ref_twice_without_overwrite_is_a_conflict() throws Exception {
    GitHash first = commit(null, Map.of("a.txt", "1"));
    GitHash second = commit(first, Map.of("a.txt", "2"));
    git.createRef("refs/heads/dev", first, false);

    assertThatThrownBy(() -> git.createRef("refs/heads/dev", second, false))
        .isInstanceOf(RefConflictException.class);
    assertThat(git.resolve("dev")).hasValue(first);

    git.createRef("refs/heads/dev", second, true);
    assertThat(git.resolve("dev")).hasValue(second);
  }

  @Test
  void delete_ref_removes_it_once() throws Exception {
    GitHash head = commit(null, Map.of("a.txt", "1"));
    git.createRef("refs/heads/dev", head, false);

    assertThat(git.deleteRef("refs/heads/dev")).isTrue();
    assertThat(git.resolve("dev")).isEmpty();
    assertThat(git.deleteRef("refs/heads/dev")).isFalse();
    assertThat(git.deleteRef("refs/heads/bad..name")).isFalse();
    assertThat(git.resolve("main")).hasValue(head);
  }

  @Test
  void annotated_tags_resolve_to_their_commit() throws Exception {
    GitHash first = commit(null, Map.of("a.txt", "1"));
    commit(first, Map.of("a.txt", "2"));

    git.createAnnotatedTag("v1.0", first, "release 1.0", "Alice", "alice@example.com", T0);

    assertThat(git.resolve("v1.0")).hasValue(first);
    assertThat(git.resolve("refs/tags/v1.0")).hasValue(first);
    assertThat(git.ref("refs/tags/v1.0")).hasValue(first);
    assertThat(git.refs(GitRepo.TAGS)).containsExactly(new GitRef("v1.0", "refs/tags/v1.0", first));
    assertThatThrownBy(() -> git.createAnnotatedTag("v1.0", first, "again", "Alice", "alice@example.com", T0))
        .isInstanceOf(RefConflictException.class);
  }

  // ---- history ------------------------------------------------------------------------------

  @Test
  void commit_records_author_message_date_and_parent() throws Exception {
    GitHash first = commit(null, Map.of("a.txt", "1"));
    CommitSpec spec = new CommitSpec(MAIN, Optional.of(first), false, changes(Map.of("b.txt", "b")),
        "Bob Builder", "bob@example.com", "Add b\n\nWith a body.\n", T0.plusSeconds(3600));

    GitCommit c = git.commit(git.commit(spec));

    assertThat(c.title()).isEqualTo("Add b");
    assertThat(c.message()).isEqualTo("Add b\n\nWith a body.\n");
    assertThat(c.authorName()).isEqualTo("Bob Builder");
    assertThat(c.authorEmail()).isEqualTo("bob@example.com");
    assertThat(c.date()).isEqualTo(T0.plusSeconds(3600));
    assertThat(c.parents()).containsExactly(first);
    assertThat(git.commit(first).parents()).isEmpty();
  }

  @Test
  void log_is_newest_first_with_skip_and_limit() throws Exception {
    GitHash c1 = commit(null, Map.of("a.txt", "1"));
    GitHash c2 = commit(c1, Map.of("a.txt", "2"));
    GitHash c3 = commit(c2, Map.of("a.txt", "3"));
    GitHash c4 = commit(c3, Map.of("a.txt", "4"));

    assertThat(ids(git.log(c4, 0, 10))).containsExactly(c4, c3, c2, c1);
    assertThat(ids(git.log(c4, 1, 2))).containsExactly(c3, c2);
    assertThat(ids(git.log(c4, 3, 10))).containsExactly(c1);
    assertThat(git.log(c4, 4, 10)).isEmpty();
    assertThat(git.log(c4, 0, 0)).isEmpty();
    assertThat(ids(git.log(c2, 0, 10))).containsExactly(c2, c1);
    assertThat(git.countCommits(c4)).isEqualTo(4);
    assertThat(git.countCommits(c1)).isEqualTo(1);
  }

  @Test
  void last_commit_touching_a_path() throws Exception {
    GitHash c1 = commit(null, Map.of("a.txt", "1", "b.txt", "1", "dir/c.txt", "1"));
    GitHash c2 = commit(c1, Map.of("b.txt", "2"));
    GitHash c3 = commit(c2, Map.of("a.txt", "3"));
    GitHash c4 = commit(c3, Map.of("dir/c.txt", "4"));

    assertThat(git.lastCommitTouching(c4, "a.txt").map(GitCommit::id)).hasValue(c3);
    assertThat(git.lastCommitTouching(c4, "b.txt").map(GitCommit::id)).hasValue(c2);
    assertThat(git.lastCommitTouching(c4, "dir").map(GitCommit::id)).hasValue(c4);
    assertThat(git.lastCommitTouching(c4, "dir/c.txt").map(GitCommit::id)).hasValue(c4);
    assertThat(git.lastCommitTouching(c2, "a.txt").map(GitCommit::id)).hasValue(c1);
    assertThat(git.lastCommitTouching(c4, "missing.txt")).isEmpty();
  }

  // ---- concurrency --------------------------------------------------------------------------

  @Test
  @Timeout(60)
  void concurrent_writers_retrying_on_conflict_lose_no_commit() throws Exception {
    int threads = 8;
    int perThread = 6;
    GitHash initial = commit(null, Map.of("README.md", "start"));
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Void>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Callable<Void> writer = () -> {
          GitRepo mine = repos.open("0123456789abcdef01234567");
          start.await();
          for (int i = 0; i < perThread; i++) {
            String path = "t" + thread + "/f" + i + ".txt";
            while (true) {
              Optional<GitHash> head = mine.ref(MAIN);
              GitHash blob;
              try (BlobWriter writerOfBlobs = mine.newBlobWriter()) {
                blob = writerOfBlobs.insert(("thread " + thread + " file " + i).getBytes(UTF_8));
                writerOfBlobs.flush();
              }
              CommitSpec spec = new CommitSpec(MAIN, head, false,
                  List.of(new TreeChange.Put(path, blob)), "T" + thread, "t@example.com", path, Instant.now());
              try {
                mine.commit(spec);
                break;
              } catch (RefConflictException lost) {
                // another writer moved main first: read the new head and try again
              }
            }
          }
          return null;
        };
        results.add(pool.submit(writer));
      }
      start.countDown();
      for (Future<Void> result : results) {
        result.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    GitHash head = git.resolve("main").orElseThrow();
    assertThat(git.countCommits(head)).isEqualTo(1 + threads * perThread);
    List<String> files = paths(git.files(head));
    assertThat(files).hasSize(1 + threads * perThread).contains("README.md");
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < perThread; i++) {
        assertThat(read(git, head, "t" + t + "/f" + i + ".txt")).isEqualTo("thread " + t + " file " + i);
      }
    }
    assertThat(git.log(head, 0, 1000)).last().extracting(GitCommit::id).isEqualTo(initial);
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Commits {@code files} (path to content) on main over {@code parent}, one second after the last commit. */
  private GitHash commit(GitHash parent, Map<String, String> files)
      throws IOException, RefConflictException, TreeConflictException {
    return commit(spec(MAIN, parent, changes(files)));
  }

  private GitHash commit(CommitSpec spec) throws IOException, RefConflictException, TreeConflictException {
    return git.commit(spec);
  }

  private CommitSpec spec(String ref, GitHash parent, List<TreeChange> changes) {
    return new CommitSpec(ref, Optional.ofNullable(parent), false, changes,
        "Alice", "alice@example.com", "commit " + clock, T0.plusSeconds(clock++));
  }

  private List<TreeChange> changes(Map<String, String> files) throws IOException {
    List<TreeChange> changes = new ArrayList<>();
    try (BlobWriter writer = git.newBlobWriter()) {
      for (Map.Entry<String, String> file : files.entrySet()) {
        changes.add(new TreeChange.Put(file.getKey(), writer.insert(file.getValue().getBytes(UTF_8))));
      }
      writer.flush();
    }
    return changes;
  }

  private static String read(GitRepo repo, GitHash commit, String path) throws IOException {
    GitEntry entry = repo.entry(commit, path).orElseThrow(() -> new AssertionError("no " + path));
    return new String(repo.readBlob(entry.oid(), 1 << 20), UTF_8);
  }

  private static List<String> paths(List<GitEntry> entries) {
    return entries.stream().map(GitEntry::path).toList();
  }

  private static List<GitHash> ids(List<GitCommit> commits) {
    return commits.stream().map(GitCommit::id).toList();
  }
}
