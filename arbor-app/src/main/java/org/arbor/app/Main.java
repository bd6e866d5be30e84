package org.arbor.app;

import org.arbor.app.cli.AccountCommands;
import org.arbor.app.cli.DownloadCommand;
import org.arbor.app.cli.RepoCommands;
import org.arbor.app.cli.SearchCommand;
import org.arbor.app.cli.UploadCommand;
import org.arbor.client.ClientException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code arbor} command. Only this class exits the JVM. */
@Command(name = "arbor", mixinStandardHelpOptions = true, version = "arbor 0.1.0",
    description = "A self-hosted hub for open AI models and datasets.",
    subcommands = {ServeCommand.class, AdminCommand.class, InspectCommand.class, FitCommand.class, ScanCommand.class,
        AccountCommands.Login.class, AccountCommands.Whoami.class, AccountCommands.Logout.class,
        RepoCommands.Repo.class, RepoCommands.Branch.class, RepoCommands.Tag.class, DownloadCommand.class,
        SearchCommand.class, UploadCommand.class})
public final class Main {
  /**
   * The command line with its error handling: a client failure prints its one line and exits
   * with its kind's code (3 token refused, 4 not found, 5 refused, 6 network, 7 integrity,
   * 8 server error); anything else exits 1; picocli's usage errors exit 2.
   */
  static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          cmd.getErr().println("arbor: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
          return e instanceof ClientException c ? c.kind().exitCode() : 1;
        });
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (code != 0 || !ServeCommand.serving()) {
      System.exit(code);
    }
  }
}
