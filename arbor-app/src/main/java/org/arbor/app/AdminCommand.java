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
@Command(name = "admin", mixinStandardHelpOptions = true,
    description = "Administer users, tokens, organisations, the search index and storage, and migrate an install.",
    subcommands = {AdminCommand.User.class, AdminCommand.Token.class, AdminCommand.Org.class, AdminCommand.Reindex.class,
        StorageCommands.Storage.class, StorageCommands.XetGc.class, MigrateCommand.class})
final class AdminCommand {

  @Command(name = "user", mixinStandardHelpOptions = true, description = "Manage users.",
      subcommands = {AddUser.class})
  static final class User {}

  @Command(name = "token", mixinStandardHelpOptions = true, description = "Manage access tokens.",
      subcommands = {AddToken.class, ListTokens.class, RevokeToken.class})
  static final class Token {}

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a user's tokens (never their text).")
  static final class ListTokens implements Callable<Integer> {
    @Mixin DataOptions data;

    @Parameters(paramLabel = "USER")
    String user;

    @Override
    public Integer call() throws Exception {
      try (Database db = HubApp.openDatabase(data.config(null))) {
        for (Accounts.TokenInfo t : accounts(db).tokens(siteCaller(db, user))) {
          System.out.printf("%s  %-5s  %-20s  %s%s%n", t.id(), t.role(), t.name(), t.createdAt(),
              t.scope() == null ? "" : "  scope " + String.join(",", t.scope()));
        }
      }
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke one of a user's tokens.")
  static final class RevokeToken implements Callable<Integer> {
    @Mixin DataOptions data;

    @Parameters(index = "0", paramLabel = "USER")
    String user;

    @Parameters(index = "1", paramLabel = "TOKEN_ID", description = "The id shown by 'arbor admin token list'")
    String id;

    @Override
    public Integer call() throws Exception {
      try (Database db = HubApp.openDatabase(data.config(null))) {
        accounts(db).revokeToken(siteCaller(db, user), id);
      }
      System.err.printf("revoked token %s of %s%n", id, user);
      return 0;
    }
  }

  @Command(name = "reindex", mixinStandardHelpOptions = true,
      description = "Rebuild the search index from the database and git (stop the hub first).")
  static final class Reindex implements Callable<Integer> {
    @Mixin DataOptions data;

    @Override
    public Integer call() throws Exception {
      long started = System.nanoTime();
      long count;
      try {
        count = HubApp.reindex(data.config(null));
      } catch (IllegalStateException e) {
        System.err.println("arbor: " + e.getMessage());
        return 1;
      }
      System.err.printf("indexed %d repositories in %.1f s%n", count, (System.nanoTime() - started) / 1e9);
      return 0;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Create a user.")
  static final class AddUser implements Callable<Integer> {
    @Mixin DataOptions data;

    @Parameters(paramLabel = "NAME", description = "User name (letters, digits, '-', '_', '.')")
    String name;

    @Option(names = "--admin", description = "Make the user a site administrator")
    boolean admin;

    @Option(names = "--password-stdin", description = "Read a password for web sign-in from standard input")
    boolean passwordStdin;

    @Override
    public Integer call() throws Exception {
      String password = passwordStdin ? new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
          java.nio.charset.StandardCharsets.UTF_8)).readLine() : null;
      try (Database db = HubApp.openDatabase(data.config(null))) {
        accounts(db).createUser(name, admin);
        if (password != null) {
          java.time.Clock clock = java.time.Clock.systemUTC();
          new org.arbor.service.Sessions(new UserRows(db), new org.arbor.storage.db.SessionRows(db), accounts(db),
              new org.arbor.service.AuditLog(new org.arbor.storage.db.AuditRows(db), clock), false, clock)
              .setPassword(name, password);
        }
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

  @Command(name = "org", mixinStandardHelpOptions = true, description = "Manage organisations.",
      subcommands = {AddOrg.class, SetMember.class})
  static final class Org {}

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Create an organisation with a first admin.")
  static final class AddOrg implements Callable<Integer> {
    @Mixin DataOptions data;

    @Parameters(paramLabel = "NAME", description = "Organisation name")
    String name;

    @Option(names = "--admin", required = true, paramLabel = "USER", description = "Its first admin (an existing user)")
    String admin;

    @Override
    public Integer call() throws Exception {
      try (Database db = HubApp.openDatabase(data.config(null))) {
        orgs(db).create(siteCaller(db, admin), name, name);
      }
      System.err.printf("created organisation %s with admin %s%n", name, admin);
      return 0;
    }
  }

  @Command(name = "member", mixinStandardHelpOptions = true, description = "Add a member to an organisation, or change their role.")
  static final class SetMember implements Callable<Integer> {
    @Mixin DataOptions data;

    @Parameters(index = "0", paramLabel = "ORG")
    String org;

    @Parameters(index = "1", paramLabel = "USER")
    String user;

    @Option(names = "--role", required = true, description = "admin, write, contributor or read")
    String role;

    @Override
    public Integer call() throws Exception {
      try (Database db = HubApp.openDatabase(data.config(null))) {
        orgs(db).putMember(siteCaller(db, user), org, user, role);
      }
      System.err.printf("%s is now %s of %s%n", user, role, org);
      return 0;
    }
  }

  /** The command line works on the data folder directly: it acts with a site administrator's rights. */
  private static org.arbor.service.Caller siteCaller(Database db, String userName) {
    org.arbor.storage.db.UserRow user = new UserRows(db).findByName(userName)
        .orElseThrow(() -> new IllegalArgumentException("no user named " + userName));
    return new org.arbor.service.Caller(user.id(), user.name(), true, true, "cli", Accounts.WRITE,
        java.time.Instant.now(), null);
  }

  private static org.arbor.service.Orgs orgs(Database db) {
    java.time.Clock clock = java.time.Clock.systemUTC();
    return new org.arbor.service.Orgs(new org.arbor.storage.db.OrgRows(db), new UserRows(db),
        new org.arbor.service.AuditLog(new org.arbor.storage.db.AuditRows(db), clock), clock);
  }

  private static Accounts accounts(Database db) {
    java.time.Clock clock = java.time.Clock.systemUTC();
    return new Accounts(new UserRows(db), new TokenRows(db), new org.arbor.storage.db.OrgRows(db),
        new org.arbor.service.AuditLog(new org.arbor.storage.db.AuditRows(db), clock), clock);
  }
}
