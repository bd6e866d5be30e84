package org.arbor.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Where Arbor keeps its data and how it listens. Each setting comes from the first of: a command
 * flag, an {@code ARBOR_…} environment variable, {@code arbor.properties} in the data folder, the
 * default. The data folder holds everything of an embedded install.
 */
public record HubConfig(
    Path dataDir, String host, int port, String publicUrl,
    String databaseUrl, String databaseUser, String databasePassword,
    String adminUser, String adminToken, String scanPolicy, boolean allowSignup, long lfsPartSize, boolean xet,
    java.time.Duration xetGcGrace, String blobs, boolean blobsRedirect) {

  public static final String CONFIG_FILE = "arbor.properties";

  /** Reads settings for {@code dataDir}; {@code flags} holds those given on the command line (may be null). */
  public static HubConfig load(Path dataDir, Map<String, String> env, Map<String, String> flags) throws IOException {
    Properties file = new Properties();
    Path configFile = dataDir.resolve(CONFIG_FILE);
    if (Files.isRegularFile(configFile)) {
      try (InputStream in = Files.newInputStream(configFile)) {
        file.load(in);
      }
    }
    Setting s = new Setting(env, flags, file);
    Path data = dataDir.toAbsolutePath().normalize();
    int port;
    try {
      port = Integer.parseInt(s.get("port", "8080"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port must be a number: " + s.get("port", ""));
    }
    // --db / ARBOR_DB_URL (postgresql://user:password@host/name) or the JDBC settings, else SQLite here
    String dbUrl = s.get("db-url", null);
    DatabaseUrl db = dbUrl != null && !dbUrl.isBlank() ? DatabaseUrl.parse(dbUrl.strip())
        : new DatabaseUrl(s.get("database-url", "jdbc:sqlite:" + data.resolve("arbor.db")), s.get("database-user", null),
            s.get("database-password", null));
    return new HubConfig(
        data,
        s.get("host", "127.0.0.1"),
        port,
        s.get("public-url", null),
        db.jdbcUrl(),
        db.user(),
        db.password(),
        s.get("admin-user", "admin"),
        s.get("admin-token", null),
        s.get("scan-policy", "warn"),
        Boolean.parseBoolean(s.get("allow-signup", "false")),
        partSize(s.get("lfs-part-size", "32MiB")),
        Boolean.parseBoolean(s.get("xet", "true")),
        grace(s.get("xet-gc-grace", org.arbor.service.XetCollector.DEFAULT_GRACE.toHours() + "h")),
        blobs(s.get("blobs", null)),
        Boolean.parseBoolean(s.get("blobs-redirect", "true")));
  }

  /**
   * Scaled out: the database is shared (PostgreSQL) and large files are in object storage; git
   * repositories then live there too (JGit DFS), so nothing stays only on this node's disk.
   */
  public boolean scaledOut() {
    return blobs != null && !databaseUrl.startsWith("jdbc:sqlite:");
  }

  /** Where large files live: null for the data folder, else an {@code s3://} location (checked here). */
  private static String blobs(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    org.arbor.storage.blob.S3Location.parse(text.strip());
    return text.strip();
  }

  /** How long unreferenced Xet uploads are kept: hours ({@code 48h}) or days ({@code 2d}). */
  private static java.time.Duration grace(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,6})([hd])").matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("xet-gc-grace must be hours or days, such as 48h or 2d: " + text);
    }
    long n = Long.parseLong(m.group(1));
    java.time.Duration grace = m.group(2).equals("d") ? java.time.Duration.ofDays(n) : java.time.Duration.ofHours(n);
    if (grace.compareTo(org.arbor.service.XetCollector.MIN_GRACE) < 0) {
      throw new IllegalArgumentException("xet-gc-grace must be at least " + org.arbor.service.XetCollector.MIN_GRACE.toHours()
          + "h, longer than clients may use a dedup answer: " + text);
    }
    return grace;
  }

  /** Large LFS objects go up in parts of this size (at least 1 MiB) to clients that can. */
  private static long partSize(String text) {
    long bytes;
    try {
      bytes = org.arbor.service.FitEstimator.parseBytes(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("lfs-part-size must be a size such as 32MiB: " + text);
    }
    if (bytes < org.arbor.service.Uploads.MIN_PART_SIZE) {
      throw new IllegalArgumentException("lfs-part-size must be at least 1MiB: " + text);
    }
    return bytes;
  }

  /** One setting looked up in order: flag, ARBOR_NAME environment variable, config file. */
  private record Setting(Map<String, String> env, Map<String, String> flags, Properties file) {
    String get(String name, String otherwise) {
      if (flags != null && flags.get(name) != null) {
        return flags.get(name);
      }
      String fromEnv = env.get("ARBOR_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
      if (fromEnv != null && !fromEnv.isEmpty()) {
        return fromEnv;
      }
      return file.getProperty(name, otherwise);
    }
  }
}
