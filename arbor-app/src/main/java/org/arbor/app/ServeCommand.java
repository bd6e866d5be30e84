package org.arbor.app;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code arbor serve}: runs the hub until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the hub.")
final class ServeCommand implements Callable<Integer> {
  private static volatile boolean serving;

  @Mixin DataOptions data;

  @Option(names = "--port", description = "Port to listen on (default 8080)")
  Integer port;

  @Option(names = "--host", description = "Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)")
  String host;

  @Option(names = "--public-url", description = "The URL clients use, for absolute links (default: from each request)")
  String publicUrl;

  @Option(names = "--db", paramLabel = "URL",
      description = "The database: postgresql://user:password@host:5432/name (default: SQLite in the data folder)")
  String db;

  @Option(names = "--blobs", paramLabel = "URL",
      description = "Keep large files in S3-compatible storage: s3://bucket/prefix?endpoint=…&region=… "
          + "(default: the data folder)")
  String blobs;

  static boolean serving() {
    return serving;
  }

  @Override
  public Integer call() throws Exception {
    Map<String, String> flags = new HashMap<>();
    if (port != null) {
      flags.put("port", port.toString());
    }
    flags.put("host", host);
    flags.put("public-url", publicUrl);
    flags.put("blobs", blobs);
    flags.put("db-url", db);
    HubConfig config = data.config(flags);
    long started = System.nanoTime();
    HubApp app = HubApp.start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        app.close();
      } catch (Exception ignored) {
        // stopping anyway
      }
    }, "arbor-shutdown"));
    String shownHost = config.host().equals("0.0.0.0") || config.host().equals("127.0.0.1") ? "localhost" : config.host();
    String url = config.publicUrl() != null ? config.publicUrl() : "http://" + shownHost + ":" + app.port();
    System.out.printf("Arbor is serving %s%n", url);
    System.out.printf("  data:     %s%n", config.dataDir());
    System.out.printf("  database: %s%n", DatabaseUrl.redacted(config.databaseUrl()));
    if (config.blobs() != null) {
      System.out.printf("  blobs:    %s%n", org.arbor.storage.blob.S3Location.parse(config.blobs()));
    }
    System.out.printf("  git:      %s%n", config.scaledOut()
        ? "in the object store (JGit DFS), refs in the database: nodes share it"
        : config.dataDir().resolve("repos"));
    System.out.printf("  ready in %d ms. Point clients at it with HF_ENDPOINT=%s%s.%n",
        (System.nanoTime() - started) / 1_000_000, url, config.xet() ? "" : " (and HF_HUB_DISABLE_XET=1)");
    app.firstAdminToken().ifPresent(t -> System.out.printf(
        "%nFirst start: created the admin user '%s'. Its write token (shown only this once):%n  %s%n%n",
        t.user(), t.token()));
    System.out.flush();
    serving = true;
    app.join();
    return 0;
  }
}
