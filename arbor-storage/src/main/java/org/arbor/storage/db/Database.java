package org.arbor.storage.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The SQL database: SQLite in the data folder by default, PostgreSQL when scaled out. Migrations
 * (db/migration) run on open and are written once for both engines.
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final boolean sqlite;

  private Database(HikariDataSource dataSource, boolean sqlite) {
    this.dataSource = dataSource;
    this.sqlite = sqlite;
    this.jdbi = Jdbi.create(dataSource);
  }

  /** Opens (creating if needed) the embedded SQLite database at {@code file}. */
  public static Database sqlite(Path file) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:sqlite:" + file.toAbsolutePath());
    config.setPoolName("arbor-sqlite");
    // sqlite-jdbc reads these pragmas from the connection properties.
    config.addDataSourceProperty("journal_mode", "WAL");
    config.addDataSourceProperty("synchronous", "NORMAL");
    config.addDataSourceProperty("busy_timeout", "30000");
    config.addDataSourceProperty("foreign_keys", "true");
    // Writers take the lock when a transaction begins, so two writers never deadlock upgrading.
    config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    config.setMaximumPoolSize(4);
    return open(config, true);
  }

  /** Connects to PostgreSQL. */
  public static Database postgres(String jdbcUrl, String user, String password) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setPoolName("arbor-postgres");
    config.setMaximumPoolSize(10);
    return open(config, false);
  }

  /** Opens whichever engine the JDBC URL names. */
  public static Database open(String jdbcUrl, String user, String password) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return sqlite(Path.of(jdbcUrl.substring("jdbc:sqlite:".length())));
    }
    return postgres(jdbcUrl, user, password);
  }

  private static Database open(HikariConfig config, boolean sqlite) {
    HikariDataSource dataSource = new HikariDataSource(config);
    try {
      Flyway.configure()
          .dataSource(dataSource)
          // One SQL for both engines, except where they differ (auto-numbered columns).
          .locations("classpath:db/migration", "classpath:db/vendor/" + (sqlite ? "sqlite" : "postgresql"))
          .load()
          .migrate();
      return new Database(dataSource, sqlite);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  /** A connection of its own for bulk work through plain JDBC; the caller closes it (back to the pool). */
  java.sql.Connection connection() throws java.sql.SQLException {
    return dataSource.getConnection();
  }

  public boolean isSqlite() {
    return sqlite;
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
