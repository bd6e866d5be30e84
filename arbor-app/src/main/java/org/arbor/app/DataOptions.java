package org.arbor.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The {@code --data} option every command shares, and the settings it leads to. */
final class DataOptions {
  @Option(names = "--data", paramLabel = "DIR",
      description = "Data folder (default: $ARBOR_DATA or ./arbor-data)")
  Path data;

  HubConfig config(Map<String, String> flags) throws IOException {
    Path dir = data;
    if (dir == null) {
      String env = System.getenv("ARBOR_DATA");
      dir = Path.of(env == null || env.isEmpty() ? "arbor-data" : env);
    }
    return HubConfig.load(dir, System.getenv(), flags == null ? new HashMap<>() : flags);
  }
}
