package org.arbor.storage.db;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A table as JDBC metadata describes it: its columns in order with their kinds and JDBC types,
 * its primary key, and the tables its foreign keys point to.
 */
record TableShape(String name, List<String> columns, List<ColumnKind> kinds, List<Integer> sqlTypes,
    List<Integer> key, Set<String> parents) {

  /** Flyway's own bookkeeping: each database keeps its own. */
  static final String FLYWAY_HISTORY = "flyway_schema_history";

  /**
   * Tables not copied: the git store's own (written by the repository copy, into whichever store
   * the target uses), the search change log (each database numbers its own; a migrated hub's
   * indexes start from a rebuild) and the running nodes' job leases.
   */
  static boolean isCopied(String lowerName) {
    return !lowerName.equals(FLYWAY_HISTORY) && !lowerName.startsWith("sqlite_") && !lowerName.startsWith("git_")
        && !lowerName.equals("repo_changes") && !lowerName.equals("job_leases");
  }

  /** The application's tables of the database behind {@code connection}, parents before children. */
  static List<TableShape> readAll(Connection connection) throws SQLException {
    DatabaseMetaData meta = connection.getMetaData();
    String schema = connection.getSchema();
    Map<String, TableShape> byName = new TreeMap<>();
    List<String> names = new ArrayList<>();
    try (ResultSet tables = meta.getTables(null, schema, "%", new String[] {"TABLE"})) {
      while (tables.next()) {
        String name = tables.getString("TABLE_NAME");
        String lower = name.toLowerCase(Locale.ROOT);
        if (isCopied(lower)) {
          names.add(name);
        }
      }
    }
    for (String name : names) {
      byName.put(name.toLowerCase(Locale.ROOT), read(meta, schema, name));
    }
    return inForeignKeyOrder(byName);
  }

  private static TableShape read(DatabaseMetaData meta, String schema, String table) throws SQLException {
    Map<Integer, String[]> columns = new TreeMap<>();
    // Metadata lookups take LIKE patterns, in which '_' is a wildcard: keep exact matches only.
    try (ResultSet rs = meta.getColumns(null, schema, table, "%")) {
      while (rs.next()) {
        if (rs.getString("TABLE_NAME").equals(table)) {
          columns.put(rs.getInt("ORDINAL_POSITION"), new String[] {rs.getString("COLUMN_NAME"),
              String.valueOf(rs.getInt("DATA_TYPE")), rs.getString("TYPE_NAME")});
        }
      }
    }
    List<String> names = new ArrayList<>();
    List<ColumnKind> kinds = new ArrayList<>();
    List<Integer> types = new ArrayList<>();
    for (String[] c : columns.values()) {
      names.add(c[0].toLowerCase(Locale.ROOT));
      types.add(Integer.parseInt(c[1]));
      kinds.add(ColumnKind.of(Integer.parseInt(c[1]), c[2]));
    }
    Map<Integer, Integer> key = new TreeMap<>();
    try (ResultSet rs = meta.getPrimaryKeys(null, schema, table)) {
      while (rs.next()) {
        if (rs.getString("TABLE_NAME").equals(table)) {
          key.put(rs.getInt("KEY_SEQ"), names.indexOf(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT)));
        }
      }
    }
    if (key.isEmpty() || key.containsValue(-1)) {
      throw new IllegalStateException("table " + table + " has no primary key: it cannot be copied and re-copied");
    }
    Set<String> parents = new TreeSet<>();
    try (ResultSet rs = meta.getImportedKeys(null, schema, table)) {
      while (rs.next()) {
        String parent = rs.getString("PKTABLE_NAME").toLowerCase(Locale.ROOT);
        if (!parent.equals(table.toLowerCase(Locale.ROOT))) {
          parents.add(parent);
        }
      }
    }
    return new TableShape(table.toLowerCase(Locale.ROOT), List.copyOf(names), List.copyOf(kinds), List.copyOf(types),
        List.copyOf(key.values()), parents);
  }

  /** Parents before children (by name among equals), so rows are inserted after the rows they reference. */
  private static List<TableShape> inForeignKeyOrder(Map<String, TableShape> byName) {
    Map<String, TableShape> ordered = new LinkedHashMap<>();
    while (ordered.size() < byName.size()) {
      boolean progress = false;
      for (TableShape t : byName.values()) {
        if (!ordered.containsKey(t.name()) && t.parents().stream()
            .allMatch(p -> ordered.containsKey(p) || !byName.containsKey(p))) {
          ordered.put(t.name(), t);
          progress = true;
        }
      }
      if (!progress) {
        throw new IllegalStateException("the foreign keys of these tables form a cycle: "
            + byName.keySet().stream().filter(n -> !ordered.containsKey(n)).toList());
      }
    }
    return List.copyOf(ordered.values());
  }

  /** The same columns under the same names, in any order of declaration (an ALTER appends). */
  boolean sameColumns(TableShape other) {
    return new TreeSet<>(columns).equals(new TreeSet<>(other.columns));
  }
}
