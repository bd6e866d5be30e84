package org.arbor.storage.db;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HexFormat;
import java.util.Locale;

/**
 * What a column holds, whatever the engine calls it, and one canonical Java value per kind, so a
 * row read from SQLite and the same row read from PostgreSQL compare, sort and hash alike: SQLite
 * keeps booleans as integers and has no fixed-width strings, PostgreSQL reports booleans as BIT and
 * pads CHAR with spaces.
 */
enum ColumnKind {
  BOOLEAN, INTEGER, REAL, DECIMAL, TEXT, CHAR, BYTES;

  /** The kind of a column as JDBC metadata describes it (its {@code DATA_TYPE} and {@code TYPE_NAME}). */
  static ColumnKind of(int sqlType, String typeName) {
    String name = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
    if (sqlType == Types.BOOLEAN || sqlType == Types.BIT || name.startsWith("bool")) {
      return BOOLEAN;
    }
    return switch (sqlType) {
      case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> INTEGER;
      case Types.REAL, Types.FLOAT, Types.DOUBLE -> REAL;
      case Types.NUMERIC, Types.DECIMAL -> name.contains("int") ? INTEGER : DECIMAL;
      case Types.CHAR, Types.NCHAR -> CHAR;
      case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> BYTES;
      default -> name.contains("int") ? INTEGER : name.startsWith("char") || name.equals("bpchar") ? CHAR : TEXT;
    };
  }

  /** The canonical value of {@code raw} as a driver returned it: Boolean, Long, Double, BigDecimal or String (BYTES as hex). */
  Object canonical(Object raw) {
    if (raw == null) {
      return null;
    }
    return switch (this) {
      case BOOLEAN -> switch (raw) {
        case Boolean b -> b;
        case Number n -> n.longValue() != 0;
        default -> switch (raw.toString().strip().toLowerCase(Locale.ROOT)) {
          case "true", "t", "1" -> true;
          case "false", "f", "0" -> false;
          default -> throw new IllegalArgumentException("not a boolean: " + raw);
        };
      };
      case INTEGER -> switch (raw) {
        case Boolean b -> b ? 1L : 0L;
        case Number n -> n.longValue();
        default -> Long.parseLong(raw.toString().strip());
      };
      case REAL -> raw instanceof Number n ? n.doubleValue() : Double.parseDouble(raw.toString().strip());
      case DECIMAL -> new BigDecimal(raw.toString().strip()).stripTrailingZeros();
      case TEXT -> text(raw);
      case CHAR -> text(raw).stripTrailing();
      case BYTES -> raw instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : text(raw);
    };
  }

  /** Binds a canonical value, as the target column's JDBC type {@code sqlType}. */
  void bind(PreparedStatement statement, int index, Object value, int sqlType) throws SQLException {
    if (value == null) {
      statement.setNull(index, sqlType);
      return;
    }
    switch (this) {
      case BOOLEAN -> statement.setBoolean(index, (Boolean) value);
      case INTEGER -> {
        if (sqlType == Types.INTEGER || sqlType == Types.SMALLINT || sqlType == Types.TINYINT) {
          statement.setInt(index, Math.toIntExact((Long) value));
        } else {
          statement.setLong(index, (Long) value);
        }
      }
      case REAL -> statement.setDouble(index, (Double) value);
      case DECIMAL -> statement.setBigDecimal(index, (BigDecimal) value);
      case TEXT, CHAR -> statement.setString(index, (String) value);
      case BYTES -> statement.setBytes(index, HexFormat.of().parseHex((String) value));
    }
  }

  /** The bytes a canonical value adds to a table's hash: the same on every engine. */
  static byte[] hashBytes(Object value) {
    String text = value instanceof BigDecimal d ? d.toPlainString() : String.valueOf(value);
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Orders canonical key values as both engines do in {@code ORDER BY}: numbers by value, strings
   * by their UTF-8 bytes (SQLite's BINARY collation, PostgreSQL's "C").
   */
  @SuppressWarnings("unchecked")
  static int compare(Object a, Object b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    if (a instanceof String x && b instanceof String y) {
      return java.util.Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));
    }
    return ((Comparable<Object>) a).compareTo(b);
  }

  private static String text(Object raw) {
    return raw instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : raw.toString();
  }
}
