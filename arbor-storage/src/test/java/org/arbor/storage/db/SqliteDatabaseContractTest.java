package org.arbor.storage.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on SQLite, in a database file of its own. */
class SqliteDatabaseContractTest extends DatabaseContractTest {
  @TempDir static Path tmp;

  @Override
  Database open() {
    return Database.sqlite(tmp.resolve("arbor.db"));
  }

  @Test
  void is_sqlite_with_foreign_keys_on() {
    int foreignKeys = db.jdbi().withHandle(h -> h.createQuery("PRAGMA foreign_keys").mapTo(Integer.class).one());

    assertThat(db.isSqlite()).isTrue();
    assertThat(foreignKeys).isEqualTo(1);
  }

  @Test
  void reopening_keeps_the_data(@TempDir Path dir) {
    Path file = dir.resolve("reopened.db");
    try (Database first = Database.sqlite(file)) {
      new UserRows(first).insert("alice", null, null, false, T0).orElseThrow();
    }

    try (Database again = Database.open("jdbc:sqlite:" + file, null, null)) {
      assertThat(again.isSqlite()).isTrue();
      assertThat(new UserRows(again).findByName("alice")).isPresent();
    }
  }
}
