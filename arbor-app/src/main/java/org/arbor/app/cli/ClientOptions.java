package org.arbor.app.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.arbor.client.HubClient;
import org.arbor.client.RateLimit;
import picocli.CommandLine.Option;

/**
 * Where a client command connects and as whom: {@code --endpoint}, else {@code ARBOR_ENDPOINT},
 * else the endpoint saved by {@code arbor login}, else {@code http://127.0.0.1:8080}; the token
 * from {@code --token}, else {@code HF_TOKEN}, else the saved one. Saved in
 * {@code $XDG_CONFIG_HOME/arbor} (or {@code ~/.config/arbor}), readable by the owner only.
 */
public final class ClientOptions {
  static final String DEFAULT_ENDPOINT = "http://127.0.0.1:8080";

  @Option(names = "--endpoint", description = "The hub's URL (default: ARBOR_ENDPOINT, the saved one, or "
      + DEFAULT_ENDPOINT + ")")
  String endpoint;

  @Option(names = "--token", description = "An access token (default: HF_TOKEN, or the one saved by arbor login)")
  String token;

  Map<String, String> env = System.getenv();

  String endpoint() throws IOException {
    if (endpoint != null) {
      return endpoint;
    }
    String fromEnv = env.get("ARBOR_ENDPOINT");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    return read("endpoint").orElse(DEFAULT_ENDPOINT);
  }

  public Optional<String> token() throws IOException {
    if (token != null) {
      return Optional.of(token);
    }
    String fromEnv = env.get("HF_TOKEN");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(fromEnv.strip());
    }
    return read("token");
  }

  /**
   * The token to send to {@code uri}, a URL given on the command line: one given explicitly
   * (--token, HF_TOKEN) always; the one saved by {@code arbor login} only to its own hub, never
   * to another host.
   */
  public Optional<String> tokenFor(java.net.URI uri) throws IOException {
    if (token != null || (env.get("HF_TOKEN") != null && !env.get("HF_TOKEN").isBlank())) {
      return token();
    }
    java.net.URI hub = java.net.URI.create(endpoint());
    boolean sameOrigin = uri.getScheme().equalsIgnoreCase(hub.getScheme())
        && uri.getHost() != null && uri.getHost().equalsIgnoreCase(hub.getHost()) && uri.getPort() == hub.getPort();
    return sameOrigin ? read("token") : Optional.empty();
  }

  public HubClient client() throws IOException {
    return new HubClient(endpoint(), token().orElse(null));
  }

  /** Reads {@code --limit-rate}: a size per second such as {@code 20MB} or {@code 512KiB}. */
  static final class RateLimitConverter implements picocli.CommandLine.ITypeConverter<RateLimit> {
    @Override
    public RateLimit convert(String text) {
      try {
        return new RateLimit(org.arbor.service.FitEstimator.parseBytes(text));
      } catch (RuntimeException e) {
        throw new picocli.CommandLine.TypeConversionException("not a size per second such as 20MB or 512KiB: " + text);
      }
    }
  }

  Path configDir() {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
    return base.resolve("arbor");
  }

  /** Saves a value readable by the owner only (the folder too). */
  void save(String name, String value) throws IOException {
    Path dir = configDir();
    Files.createDirectories(dir);
    restrict(dir, "rwx------");
    Path file = dir.resolve(name);
    Path temp = dir.resolve(name + ".tmp");
    Files.deleteIfExists(temp);
    Files.createFile(temp);
    restrict(temp, "rw-------");
    Files.writeString(temp, value + "\n", StandardCharsets.UTF_8);
    Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  boolean forget(String name) throws IOException {
    return Files.deleteIfExists(configDir().resolve(name));
  }

  private Optional<String> read(String name) throws IOException {
    Path file = configDir().resolve(name);
    return Files.isRegularFile(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip())
        .filter(s -> !s.isEmpty()) : Optional.empty();
  }

  private static void restrict(Path path, String permissions) throws IOException {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the user's profile folder is private already
    }
  }
}
