package org.arbor.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The {@code arbor} command as a process of its own, on this test JVM's Java and class path. */
final class ArborProcess {
  private ArborProcess() {}

  static ProcessBuilder builder(String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "org.arbor.app.Main"));
    command.addAll(Arrays.asList(args));
    return new ProcessBuilder(command);
  }
}
