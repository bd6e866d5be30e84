package org.arbor.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Console;
import java.util.concurrent.Callable;
import org.arbor.client.HubClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code arbor login}, {@code arbor whoami}, {@code arbor logout}. */
public final class AccountCommands {
  private AccountCommands() {}

  @Command(name = "login", mixinStandardHelpOptions = true,
      description = "Check a token against the hub and save it (and the endpoint) for the next commands.")
  public static final class Login implements Callable<Integer> {
    @Mixin ClientOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      String token = options.token().orElse(null);
      if (token == null) {
        Console console = System.console();
        if (console == null) {
          spec.commandLine().getErr().println("arbor: no token: pass --token, set HF_TOKEN, or run in a terminal");
          return 2;
        }
        char[] typed = console.readPassword("Token (from the hub's /settings/tokens page): ");
        token = typed == null ? "" : new String(typed).strip();
      }
      String endpoint = options.endpoint();
      JsonNode me = new HubClient(endpoint, token).whoami();
      options.save("token", token);
      options.save("endpoint", endpoint);
      spec.commandLine().getOut().printf("Logged in to %s as %s%n", endpoint, me.path("name").asText());
      return 0;
    }
  }

  @Command(name = "whoami", mixinStandardHelpOptions = true, description = "Who the saved (or given) token is.")
  public static final class Whoami implements Callable<Integer> {
    @Mixin ClientOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (options.token().isEmpty()) {
        spec.commandLine().getErr().println("arbor: not logged in; run `arbor login`");
        return 3;
      }
      JsonNode me = options.client().whoami();
      StringBuilder line = new StringBuilder(me.path("name").asText());
      for (JsonNode org : me.path("orgs")) {
        line.append(line.indexOf(" ") < 0 ? " (orgs: " : ", ").append(org.path("name").asText());
      }
      if (line.indexOf(" (orgs: ") > 0) {
        line.append(')');
      }
      spec.commandLine().getOut().println(line);
      return 0;
    }
  }

  @Command(name = "logout", mixinStandardHelpOptions = true, description = "Forget the saved token.")
  public static final class Logout implements Callable<Integer> {
    @Mixin ClientOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      boolean had = options.forget("token");
      spec.commandLine().getOut().println(had ? "Logged out" : "Not logged in");
      return 0;
    }
  }
}
