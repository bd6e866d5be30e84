package org.arbor.storage.db;

import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.arbor.core.Sha256;
import org.arbor.storage.CopyMismatchException;

/**
 * Copies one database into another of the same schema, engine to engine (SQLite to PostgreSQL),
 * and checks the copy. Both are opened through {@link Database}, so Flyway has brought them to the
 * same schema version; every table but Flyway's history is copied.
 *
 * <p>A copy can be run again, after an interruption or after the source changed: both sides are
 * read in primary-key order and merged, so rows missing from the target are inserted, rows that
 * differ are updated, rows the source no longer has are deleted (children first), and a copy that
 * is already complete writes nothing. Deleting is safe because a target belongs to one source: the
 * source's {@value #INSTALL_ID} (created in the source if it has none) is written into the target
 * first, and a target that holds data but not that mark is refused.
 *
 * <p>Values are compared, hashed and written in one canonical form per column kind
 * ({@link ColumnKind}), taken from the target's metadata. Reads stream; writes go in batches.
 */
public final class DatabaseCopy {
  /** The name, in {@code server_secrets}, of the mark that says which install a database holds. */
  public static final String INSTALL_ID = "install-id";
  private static final int BATCH = 500;
  private static final int FETCH = 1000;

  private final Database source;
  private final Database target;

  /** What a copy did to one table: the source's row count, and the target rows inserted, updated and deleted. */
  public record TableCopy(String table, long rows, long inserted, long updated, long deleted) {
    public boolean changed() {
      return inserted + updated + deleted > 0;
    }
  }

  /** One table as verified: its row count and the hash of its rows in key order (equal on both sides). */
  public record TableCheck(String table, long rows, String hash) {}

  public DatabaseCopy(Database source, Database target) {
    this.source = source;
    this.target = target;
  }

  /** True until a copy has marked the target as this or another source's: it holds no copy yet. */
  public boolean targetIsNew() {
    return new SecretRows(target).get(INSTALL_ID).isEmpty();
  }

  /** Brings the target to the source's content; {@code progress} hears of each table as it is done. */
  public List<TableCopy> copy(Consumer<TableCopy> progress) throws SQLException {
    List<TableShape> tables = tables();
    claimTarget(tables);
    Map<String, Long> deleted = new HashMap<>();
    for (TableShape table : tables.reversed()) {
      deleted.put(table.name(), deleteMissing(table));
    }
    List<TableCopy> out = new ArrayList<>();
    for (TableShape table : tables) {
      TableCopy copied = upsert(table, deleted.get(table.name()));
      progress.accept(copied);
      out.add(copied);
    }
    return out;
  }

  /**
   * Counts and hashes every table on both sides.
   *
   * @throws CopyMismatchException naming each table whose count or hash differs
   */
  public List<TableCheck> verify() throws SQLException, CopyMismatchException {
    List<TableCheck> out = new ArrayList<>();
    List<String> mismatches = new ArrayList<>();
    for (TableShape table : tables()) {
      TableCheck expected = check(source, table);
      TableCheck actual = check(target, table);
      if (!expected.equals(actual)) {
        mismatches.add(String.format("table %s: source has %d rows (hash %s), target %d rows (hash %s)", table.name(),
            expected.rows(), expected.hash().substring(0, 12), actual.rows(), actual.hash().substring(0, 12)));
      }
      out.add(expected);
    }
    if (!mismatches.isEmpty()) {
      throw new CopyMismatchException("the target database differs from the source: " + String.join("; ", mismatches));
    }
    return out;
  }

  /** The target's tables, after checking that the source has the same ones with the same columns. */
  private List<TableShape> tables() throws SQLException {
    List<TableShape> sourceTables;
    List<TableShape> targetTables;
    try (Connection s = source.connection(); Connection t = target.connection()) {
      sourceTables = TableShape.readAll(s);
      targetTables = TableShape.readAll(t);
    }
    Map<String, TableShape> byName = sourceTables.stream().collect(Collectors.toMap(TableShape::name, x -> x));
    List<String> differ = new ArrayList<>();
    for (TableShape t : targetTables) {
      TableShape s = byName.remove(t.name());
      if (s == null || !s.sameColumns(t)) {
        differ.add(t.name() + (s == null ? " (not in the source)" : " (columns " + s.columns() + " against " + t.columns()
            + ")"));
      }
    }
    byName.keySet().forEach(name -> differ.add(name + " (not in the target)"));
    if (!differ.isEmpty()) {
      throw new IllegalStateException("the source and target schemas differ, in " + String.join(", ", differ)
          + ": open both with the same version of Arbor");
    }
    return targetTables;
  }

  /** Marks the target as this source's copy, or refuses a target that holds another install's data. */
  private void claimTarget(List<TableShape> tables) throws SQLException {
    String id = new SecretRows(source).getOrCreate(INSTALL_ID, Ids::newId, Instant.now());
    Optional<String> mark = new SecretRows(target).get(INSTALL_ID);
    if (mark.isPresent()) {
      if (!mark.get().equals(id)) {
        throw new IllegalStateException("the target database holds another install (" + INSTALL_ID + " "
            + mark.get() + ", the source is " + id + "): migrate into an empty database");
      }
      return;
    }
    try (Connection t = target.connection()) {
      for (TableShape table : tables) {
        try (PreparedStatement st = t.prepareStatement("SELECT 1 FROM " + quote(table.name()) + " LIMIT 1");
            ResultSet rs = st.executeQuery()) {
          if (rs.next()) {
            throw new IllegalStateException("the target database already holds data (table " + table.name()
                + ") that was not migrated from this install: migrate into an empty database");
          }
        }
      }
    }
    // The source's row exactly, so copying server_secrets later finds it already there.
    long created = source.jdbi().withHandle(h -> h.createQuery("SELECT created_at FROM server_secrets WHERE name = :name")
        .bind("name", INSTALL_ID).mapTo(Long.class).one());
    new SecretRows(target).put(INSTALL_ID, id, Instant.ofEpochMilli(created));
  }

  /** Deletes the target rows whose key the source does not have; returns how many. */
  private long deleteMissing(TableShape table) throws SQLException {
    List<Integer> key = table.key();
    long deleted = 0;
    try (Cursor s = new Cursor(source, table, key); Cursor t = new Cursor(target, table, key);
        Writer w = new Writer(target, table)) {
      Object[] a = s.next();
      Object[] b = t.next();
      while (b != null) {
        int c = a == null ? 1 : compare(a, b, IntStream.range(0, key.size()).boxed().toList());
        if (c < 0) {
          a = s.next();
        } else if (c == 0) {
          a = s.next();
          b = t.next();
        } else {
          w.delete(b);
          deleted++;
          b = t.next();
        }
      }
      w.finish();
    }
    return deleted;
  }

  /** Inserts the rows the target lacks and updates those that differ. */
  private TableCopy upsert(TableShape table, long deleted) throws SQLException {
    List<Integer> all = IntStream.range(0, table.columns().size()).boxed().toList();
    long rows = 0;
    long inserted = 0;
    long updated = 0;
    try (Cursor s = new Cursor(source, table, all); Cursor t = new Cursor(target, table, all);
        Writer w = new Writer(target, table)) {
      Object[] a = s.next();
      Object[] b = t.next();
      while (a != null) {
        int c = b == null ? -1 : compare(a, b, table.key());
        if (c > 0) {
          b = t.next();   // a row the source does not have: gone in the delete pass unless written meanwhile
          continue;
        }
        if (c < 0) {
          w.insert(a);
          inserted++;
        } else {
          if (!Arrays.equals(a, b)) {
            w.update(a);
            updated++;
          }
          b = t.next();
        }
        rows++;
        a = s.next();
      }
      w.finish();
    }
    return new TableCopy(table.name(), rows, inserted, updated, deleted);
  }

  private static TableCheck check(Database db, TableShape table) throws SQLException {
    List<Integer> all = IntStream.range(0, table.columns().size()).boxed().toList();
    MessageDigest digest = Sha256.newDigest();
    long rows = 0;
    try (Cursor c = new Cursor(db, table, all)) {
      for (Object[] row = c.next(); row != null; row = c.next()) {
        rows++;
        for (Object value : row) {
          if (value == null) {
            digest.update((byte) 0);
          } else {
            byte[] bytes = ColumnKind.hashBytes(value);
            digest.update((byte) 1);
            digest.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
            digest.update(bytes);
          }
        }
      }
    }
    return new TableCheck(table.name(), rows, HexFormat.of().formatHex(digest.digest()));
  }

  private static int compare(Object[] a, Object[] b, List<Integer> positions) {
    for (int i : positions) {
      int c = ColumnKind.compare(a[i], b[i]);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  /**
   * Columns of a table in primary-key order, read as they stream in, as canonical values. Text
   * keys sort by their bytes on both engines: SQLite's default, PostgreSQL's collation "C".
   */
  private static final class Cursor implements AutoCloseable {
    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet rows;
    private final List<ColumnKind> kinds;

    Cursor(Database db, TableShape table, List<Integer> columns) throws SQLException {
      String order = table.key().stream().map(i -> quote(table.columns().get(i)) + (!db.isSqlite()
              && (table.kinds().get(i) == ColumnKind.TEXT || table.kinds().get(i) == ColumnKind.CHAR) ? " COLLATE \"C\"" : ""))
          .collect(Collectors.joining(", "));
      String select = "SELECT " + columns.stream().map(i -> quote(table.columns().get(i)))
          .collect(Collectors.joining(", ")) + " FROM " + quote(table.name()) + " ORDER BY " + order;
      this.kinds = columns.stream().map(table.kinds()::get).toList();
      this.connection = db.connection();
      try {
        if (!db.isSqlite()) {
          connection.setAutoCommit(false);   // PostgreSQL streams with a fetch size only inside a transaction
          connection.setReadOnly(true);
        }
        this.statement = connection.prepareStatement(select);
        statement.setFetchSize(FETCH);
        this.rows = statement.executeQuery();
      } catch (SQLException | RuntimeException e) {
        connection.close();
        throw e;
      }
    }

    Object[] next() throws SQLException {
      if (!rows.next()) {
        return null;
      }
      Object[] row = new Object[kinds.size()];
      for (int i = 0; i < row.length; i++) {
        try {
          row[i] = kinds.get(i).canonical(rows.getObject(i + 1));
        } catch (IllegalArgumentException e) {
          throw new SQLException("column " + (i + 1) + ": " + e.getMessage(), e);
        }
      }
      return row;
    }

    @Override
    public void close() throws SQLException {
      try (connection; statement; rows) {
        if (!connection.getAutoCommit()) {
          connection.rollback();
        }
      }
    }
  }

  /** Inserts, updates and deletes of one table in the target, sent in batches, each batch one transaction. */
  private static final class Writer implements AutoCloseable {
    private final TableShape table;
    private final Connection connection;
    private final PreparedStatement insert;
    private final PreparedStatement update;
    private final PreparedStatement delete;
    private final List<Integer> others;
    private int pending;

    Writer(Database db, TableShape table) throws SQLException {
      this.table = table;
      this.others = IntStream.range(0, table.columns().size()).filter(i -> !table.key().contains(i)).boxed().toList();
      this.connection = db.connection();
      connection.setAutoCommit(false);
      String name = quote(table.name());
      String where = table.key().stream().map(i -> quote(table.columns().get(i)) + " = ?")
          .collect(Collectors.joining(" AND "));
      this.insert = connection.prepareStatement("INSERT INTO " + name + " ("
          + table.columns().stream().map(DatabaseCopy::quote).collect(Collectors.joining(", ")) + ") VALUES ("
          + table.columns().stream().map(c -> "?").collect(Collectors.joining(", ")) + ")");
      this.update = others.isEmpty() ? null : connection.prepareStatement("UPDATE " + name + " SET "
          + others.stream().map(i -> quote(table.columns().get(i)) + " = ?").collect(Collectors.joining(", "))
          + " WHERE " + where);
      this.delete = connection.prepareStatement("DELETE FROM " + name + " WHERE " + where);
    }

    void insert(Object[] row) throws SQLException {
      for (int i = 0; i < row.length; i++) {
        bind(insert, i + 1, i, row[i]);
      }
      add(insert);
    }

    void update(Object[] row) throws SQLException {
      int n = 1;
      for (int i : others) {
        bind(update, n++, i, row[i]);
      }
      for (int i : table.key()) {
        bind(update, n++, i, row[i]);
      }
      add(update);
    }

    /** {@code key}: the key columns' values, in key order. */
    void delete(Object[] key) throws SQLException {
      for (int k = 0; k < key.length; k++) {
        bind(delete, k + 1, table.key().get(k), key[k]);
      }
      add(delete);
    }

    private void bind(PreparedStatement st, int index, int column, Object value) throws SQLException {
      table.kinds().get(column).bind(st, index, value, table.sqlTypes().get(column));
    }

    private void add(PreparedStatement st) throws SQLException {
      st.addBatch();
      if (++pending >= BATCH) {
        flush();
      }
    }

    /** Sends what is still pending; without it, {@link #close} drops it. */
    void finish() throws SQLException {
      if (pending > 0) {
        flush();
      }
    }

    private void flush() throws SQLException {
      // Deletes run before inserts so a row replaced under the same unique value fits.
      delete.executeBatch();
      insert.executeBatch();
      if (update != null) {
        update.executeBatch();
      }
      connection.commit();
      pending = 0;
    }

    @Override
    public void close() throws SQLException {
      try (connection; insert; delete) {
        if (update != null) {
          update.close();
        }
        connection.rollback();
      }
    }
  }
}
