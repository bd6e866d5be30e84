package org.arbor.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code arbor} command. Only this class exits the JVM. */
@Command(name = "arbor", mixinStandardHelpOptions = true, version = "arbor 0.1.0",
    description = "A self-hosted hub for open AI models and datasets.",
    subcommands = {ServeCommand.class, AdminCommand.class, InspectCommand.class, FitCommand.class, ScanCommand.class})
public final class Main {
  public static void main(String[] args) {
    int code = new CommandLine(new Main())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          cmd.getErr().println("arbor: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
          return 1;
        })
        .execute(args);
    if (code != 0 || !ServeCommand.serving()) {
      System.exit(code);
    }
  }
}
