package org.arbor.app;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A database as an operator names it, turned into what JDBC wants. Accepts the libpq form
 * {@code postgresql://user:password@host:port/dbname?params} (also {@code postgres://}; user,
 * password and port optional, user and password percent-decoded, params passed on to the driver),
 * and JDBC URLs as they are: {@code jdbc:postgresql://…} and {@code jdbc:sqlite:FILE}. The password
 * never appears in messages or {@link #toString}.
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {
  /** scheme :// [userinfo @] host [: port] / dbname [? params]; the host may be an [IPv6] literal. */
  private static final Pattern LIBPQ = Pattern.compile(
      "(?:postgresql|postgres)://(?:(?<userinfo>[^@/?#]*)@)?(?<host>\\[[0-9A-Fa-f:.]+]|[^:/?#\\[\\]@]+)"
          + "(?::(?<port>[^/?#]*))?(?:/(?<db>[^?#]*))?(?:\\?(?<params>[^#]*))?");

  public DatabaseUrl {
    if (jdbcUrl == null || jdbcUrl.isBlank()) {
      throw new IllegalArgumentException("a database URL is required");
    }
  }

  public static DatabaseUrl parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a database URL is required, such as postgresql://user:password@host:5432/arbor");
    }
    String url = text.strip();
    if (url.startsWith("jdbc:sqlite:")) {
      if (url.length() == "jdbc:sqlite:".length()) {
        throw new IllegalArgumentException("jdbc:sqlite: needs a file: jdbc:sqlite:/path/to/arbor.db");
      }
      return new DatabaseUrl(url, null, null);
    }
    if (url.startsWith("jdbc:postgresql:")) {
      if (!url.startsWith("jdbc:postgresql://") || url.length() == "jdbc:postgresql://".length()) {
        throw new IllegalArgumentException("a JDBC PostgreSQL URL is jdbc:postgresql://host[:port]/dbname[?params]: "
            + redacted(url));
      }
      return new DatabaseUrl(url, null, null);
    }
    if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
      throw new IllegalArgumentException("unsupported database URL " + redacted(url)
          + ": use postgresql://user:password@host:port/dbname, jdbc:postgresql://… or jdbc:sqlite:FILE");
    }
    Matcher m = LIBPQ.matcher(url);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a PostgreSQL URL (postgresql://user:password@host:port/dbname): "
          + redacted(url));
    }
    String port = m.group("port");
    if (port != null && !port.isEmpty()) {
      if (!port.matches("\\d{1,5}") || Integer.parseInt(port) == 0 || Integer.parseInt(port) > 65535) {
        throw new IllegalArgumentException("the port of " + redacted(url) + " must be a number from 1 to 65535: "
            + port);
      }
    }
    String db = m.group("db") == null ? "" : decode(m.group("db"), "database name");
    if (db.isEmpty()) {
      throw new IllegalArgumentException("the PostgreSQL URL names no database (…/dbname): " + redacted(url));
    }
    String user = null;
    String password = null;
    String userinfo = m.group("userinfo");
    if (userinfo != null) {
      int colon = userinfo.indexOf(':');
      user = decode(colon < 0 ? userinfo : userinfo.substring(0, colon), "user");
      password = colon < 0 ? null : decode(userinfo.substring(colon + 1), "password");
      if (user.isEmpty()) {
        user = null;
      }
    }
    StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(m.group("host"));
    if (port != null && !port.isEmpty()) {
      jdbc.append(':').append(port);
    }
    // The driver decodes the database name itself; pass it on encoded as it came.
    jdbc.append('/').append(m.group("db"));
    String params = m.group("params");
    if (params != null && !params.isEmpty()) {
      jdbc.append('?').append(params);
    }
    return new DatabaseUrl(jdbc.toString(), user, password);
  }

  public boolean isSqlite() {
    return jdbcUrl.startsWith("jdbc:sqlite:");
  }

  @Override
  public String toString() {
    return redacted(jdbcUrl) + (user == null ? "" : " as " + user);
  }

  /** {@code text} with any password (in userinfo or a {@code password=} parameter) replaced by {@code ***}. */
  static String redacted(String text) {
    return text.replaceAll("(://[^:@/?#]*:)[^@/?#]*@", "$1***@")
        .replaceAll("(?i)([?&]password=)[^&#]*", "$1***");
  }

  /** Percent-decoding as in URLs: unlike form decoding, '+' stays '+'. */
  private static String decode(String text, String what) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] != '%') {
        out.write(bytes[i]);
        continue;
      }
      int hi = i + 2 < bytes.length ? Character.digit(bytes[i + 1], 16) : -1;
      int lo = i + 2 < bytes.length ? Character.digit(bytes[i + 2], 16) : -1;
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException("bad percent-encoding in the " + what + " of the database URL");
      }
      out.write(hi << 4 | lo);
      i += 2;
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
