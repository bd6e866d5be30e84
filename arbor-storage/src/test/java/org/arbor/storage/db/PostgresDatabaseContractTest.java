package org.arbor.storage.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

/** The contract on PostgreSQL: zonky's embedded server, started for this class. */
class PostgresDatabaseContractTest extends DatabaseContractTest {
  private EmbeddedPostgres pg;

  @Override
  Database open() throws Exception {
    pg = EmbeddedPostgres.builder().start();
    return Database.postgres(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
  }

  @Override
  void afterClose() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void is_postgres() {
    String version = db.jdbi().withHandle(h -> h.createQuery("SELECT version()").mapTo(String.class).one());

    assertThat(db.isSqlite()).isFalse();
    assertThat(version).startsWith("PostgreSQL");
  }

  @Test
  void opening_the_same_database_again_does_not_migrate_twice() {
    users.insert("alice", null, null, false, T0).orElseThrow();

    try (Database again = Database.open(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres")) {
      assertThat(again.isSqlite()).isFalse();
      assertThat(new UserRows(again).findByName("alice")).isPresent();
    }
  }
}
