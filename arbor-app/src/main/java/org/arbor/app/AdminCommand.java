package org.arbor.app;

import java.util.concurrent.Callable;
import org.arbor.service.Accounts;
import org.arbor.service.IssuedToken;
import org.arbor.storage.db.Database;
import org.arbor.storage.db.TokenRows;
import org.arbor.storage.db.UserRows;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code arbor admin …}: account administration, working directly on the data folder's database. */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Administer users and tokens.",
    subcommands = {AdminCommand.User.class, AdminCommand.Token.class})
final class AdminCommand {

  @Command(name = "user", mixinStandardHelpOptions = true, description = "Manage users.",
      subcommands = {AddUser.class})
  static final class User {}

  @Command(name = "token", mixinStandardHelpOptions = true, description = "Manage access tokens.",
      subcommands = {AddToken.class})
  static final class Token {}

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Create a user.")
  static final class AddUser implements Callable<Integer> {
    @Mixin DataOptions data;

    @Parameters(paramLabel = "NAME", description = "User name (letters, digits, '-', '_', '.')")
    String name;

    @Option(names = "--admin", description = "Make the user a site administrator")
    boolean admin;

    @Override
    public Integer call() throws Exception {
      try (Database db = HubApp.openDatabase(data.config(null))) {
        accounts(db).createUser(name, admin);
      }
      System.err.printf("created user %s%s%n", name, admin ? " (admin)" : "");
      return 0;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Create an access token for a user and print it. It is shown only once.")
  static final class AddToken implements Callable<Integer> {
    @Mixin DataOptions data;

    @Parameters(paramLabel = "USER", description = "The user the token belongs to")
    String user;

    @Option(names = "--read", description = "A read-only token (default: write)")
    boolean read;

    @Option(names = "--name", description = "A label for the token (default: cli)")
    String label = "cli";

    @Override
    public Integer call() throws Exception {
      IssuedToken token;
      try (Database db = HubApp.openDatabase(data.config(null))) {
        token = accounts(db).createToken(user, label, read ? Accounts.READ : Accounts.WRITE);
      }
      System.err.printf("created %s token '%s' for %s:%n", token.role(), token.name(), token.user());
      System.out.println(token.token());
      return 0;
    }
  }

  private static Accounts accounts(Database db) {
    return new Accounts(new UserRows(db), new TokenRows(db), java.time.Clock.systemUTC());
  }
}
