package org.arbor.storage.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.arbor.storage.CopyMismatchException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A populated SQLite database copied into PostgreSQL (zonky's embedded server, a new database per
 * test): everything arrives, the copy verifies, and copying again converges on the source.
 */
class DatabaseCopyTest {
  static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);
  static EmbeddedPostgres pg;
  static final AtomicInteger databases = new AtomicInteger();

  @TempDir Path dir;
  Database source;
  Database target;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    pg.close();
  }

  @BeforeEach
  void open() throws Exception {
    source = Database.sqlite(dir.resolve("arbor.db"));
    target = newPostgresDatabase();
    populate(source);
  }

  @AfterEach
  void close() {
    source.close();
    target.close();
  }

  @Test
  void every_table_arrives_and_verifies() throws Exception {
    List<DatabaseCopy.TableCopy> copied = new DatabaseCopy(source, target).copy(t -> { });

    Map<String, Long> rows = copied.stream().collect(Collectors.toMap(DatabaseCopy.TableCopy::table,
        DatabaseCopy.TableCopy::rows));
    assertThat(rows).containsEntry("users", 2L).containsEntry("tokens", 2L).containsEntry("repos", 2L)
        .containsEntry("repo_tags", 2L).containsEntry("lfs_objects", 1L).containsEntry("xet_chunks", 2L)
        .containsEntry("repo_xet_files", 1L).containsEntry("org_members", 1L)
        .containsEntry("server_secrets", 2L);   // the signing key and the install mark
    assertThat(rows).doesNotContainKey("flyway_schema_history");
    assertThat(copied.stream().map(DatabaseCopy.TableCopy::table).toList())
        .as("parents first").containsSubsequence("users", "tokens").containsSubsequence("repos", "repo_lfs_objects")
        .containsSubsequence("lfs_objects", "repo_lfs_objects").containsSubsequence("xet_xorbs", "xet_file_terms");
    List<DatabaseCopy.TableCheck> checks = new DatabaseCopy(source, target).verify();
    assertThat(checks).filteredOn(c -> c.table().equals("users")).singleElement()
        .satisfies(c -> assertThat(c.rows()).isEqualTo(2));

    UserRows users = new UserRows(target);
    assertThat(users.findByName("alice").orElseThrow().admin()).as("SQLite's 1 is PostgreSQL's true").isTrue();
    assertThat(users.findByName("bob").orElseThrow().admin()).isFalse();
    assertThat(new TokenRows(target).findByHash("hash-of-alice")).isPresent();
    assertThat(new RepoRows(target).find("model", "alice", "private-model").orElseThrow().isPrivate()).isTrue();
    assertThat(new LfsRows(target).isLinked(repoId("alice", "private-model"), "a".repeat(64))).isTrue();
    assertThat(new XetRows(target).terms("e".repeat(64))).hasSize(1);
    assertThat(new SecretRows(target).get("lfs-url-signing-key")).hasValue("key-material");
  }

  @Test
  void a_second_copy_changes_nothing() throws Exception {
    new DatabaseCopy(source, target).copy(t -> { });

    List<DatabaseCopy.TableCopy> again = new DatabaseCopy(source, target).copy(t -> { });

    assertThat(again).noneMatch(DatabaseCopy.TableCopy::changed);
    new DatabaseCopy(source, target).verify();
  }

  @Test
  void a_copy_after_the_source_changed_converges() throws Exception {
    new DatabaseCopy(source, target).copy(t -> { });
    UserRows users = new UserRows(source);
    users.setAdmin(users.findByName("bob").orElseThrow().id(), true);                  // updated
    users.insert("carol", "Carol", null, false, T0.plusSeconds(5)).orElseThrow();     // added
    new RepoRows(source).delete(repoId("bob", "dataset-one"));                         // deleted, with its tags

    Map<String, DatabaseCopy.TableCopy> again = new DatabaseCopy(source, target).copy(t -> { }).stream()
        .collect(Collectors.toMap(DatabaseCopy.TableCopy::table, t -> t));

    assertThat(again.get("users")).isEqualTo(new DatabaseCopy.TableCopy("users", 3, 1, 1, 0));
    assertThat(again.get("repos").deleted()).isEqualTo(1);
    assertThat(again.get("repo_tags").deleted()).isEqualTo(1);
    new DatabaseCopy(source, target).verify();
    assertThat(new UserRows(target).findByName("bob").orElseThrow().admin()).isTrue();
    assertThat(new RepoRows(target).find("dataset", "bob", "dataset-one")).isEmpty();
  }

  @Test
  void a_damaged_copy_fails_verification_naming_the_table() throws Exception {
    new DatabaseCopy(source, target).copy(t -> { });
    target.jdbi().useHandle(h -> h.execute("UPDATE tokens SET role = 'admin' WHERE token_hash = 'hash-of-bob'"));

    assertThatThrownBy(() -> new DatabaseCopy(source, target).verify())
        .isInstanceOf(CopyMismatchException.class)
        .hasMessageContaining("table tokens: source has 2 rows")
        .hasMessageNotContaining("table users");

    target.jdbi().useHandle(h -> h.execute("DELETE FROM repo_tags"));
    assertThatThrownBy(() -> new DatabaseCopy(source, target).verify())
        .hasMessageContaining("table repo_tags: source has 2 rows (hash").hasMessageContaining("target 0 rows");
    new DatabaseCopy(source, target).copy(t -> { });
    new DatabaseCopy(source, target).verify();
  }

  @Test
  void a_target_holding_another_install_is_refused() throws Exception {
    try (Database other = newPostgresDatabase()) {
      new UserRows(other).insert("mallory", null, null, true, T0);

      assertThatThrownBy(() -> new DatabaseCopy(source, other).copy(t -> { }))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("already holds data (table users)");
      assertThat(new UserRows(other).findByName("alice")).isEmpty();
    }
    try (Database otherSource = Database.sqlite(dir.resolve("other.db"))) {
      new DatabaseCopy(source, target).copy(t -> { });

      assertThatThrownBy(() -> new DatabaseCopy(otherSource, target).copy(t -> { }))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("holds another install");
      assertThat(new UserRows(target).findByName("alice")).as("left as it was").isPresent();
    }
  }

  private Database newPostgresDatabase() throws Exception {
    String name = "copy" + databases.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection()) {
      c.createStatement().execute("CREATE DATABASE " + name);
    }
    return Database.postgres(pg.getJdbcUrl("postgres", name), "postgres", "postgres");
  }

  private String repoId(String namespace, String name) {
    return source.jdbi().withHandle(h -> h.createQuery("SELECT id FROM repos WHERE namespace = :ns AND name = :n")
        .bind("ns", namespace).bind("n", name).mapTo(String.class).one());
  }

  /** A little of everything: users and tokens, repositories with tags, LFS and Xet rows, an org, likes, downloads. */
  private static void populate(Database db) {
    UserRows users = new UserRows(db);
    UserRow alice = users.insert("alice", "Alice", "alice@example.org", true, T0).orElseThrow();
    UserRow bob = users.insert("bob", null, null, false, T0.plusSeconds(1)).orElseThrow();
    TokenRows tokens = new TokenRows(db);
    tokens.insert(alice.id(), "laptop", "write", "hash-of-alice", T0);
    tokens.insert(bob.id(), "ci", "read", "hash-of-bob", "repo:bob/dataset-one", T0);
    RepoRows repos = new RepoRows(db);
    RepoRow model = repos.insert(Ids.newId(), "model", "alice", "private-model", true, T0).orElseThrow();
    RepoRow dataset = repos.insert(Ids.newId(), "dataset", "bob", "dataset-one", false, T0).orElseThrow();
    repos.updateHead(model.id(), "1".repeat(40), T0.plusSeconds(2), "{\"license\":\"mit\"}", "text-generation",
        "transformers", List.of("llm"));
    repos.updateHead(dataset.id(), "2".repeat(40), T0.plusSeconds(3), null, null, null, List.of("csv"));
    new LfsRows(db).link(model.id(), "a".repeat(64), 1234, T0);
    XetRows xet = new XetRows(db);
    xet.insertXorb(new XetRows.Xorb("b".repeat(64), "c".repeat(64), 120, 2, 200),
        List.of(new XetRows.Chunk(0, "d".repeat(64), 0, 58, 100), new XetRows.Chunk(1, "f".repeat(64), 58, 120, 100)),
        T0);
    xet.insertFile(new XetRows.File("e".repeat(64), 200, "a".repeat(64)),
        List.of(new XetRows.Term(0, "b".repeat(64), 0, 2, 200)), T0);
    xet.linkRepo(model.id(), "e".repeat(64), T0);
    OrgRows orgs = new OrgRows(db);
    orgs.putMember(orgs.insert("lab", "The Lab", T0).orElseThrow().id(), alice.id(), "admin", T0);
    new LikeRows(db).like(dataset.id(), alice.id(), T0);
    new DownloadRows(db).record(dataset.id(), "caller-1", DownloadRows.day(T0));
    new SecretRows(db).put("lfs-url-signing-key", "key-material", T0);
  }
}
