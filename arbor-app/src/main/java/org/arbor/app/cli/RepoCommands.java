package org.arbor.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import org.arbor.core.RepoId;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code arbor repo create|delete|list|settings}, {@code arbor branch …} and {@code arbor tag …}. */
public final class RepoCommands {
  private RepoCommands() {}

  /** Repository kinds a client command takes. */
  enum Kind { MODEL, DATASET }

  /** {@code --type model|dataset} (picocli refuses anything else). */
  public static final class TypeOption {
    @Option(names = "--type", defaultValue = "model", description = "model or dataset (default: model)")
    Kind type;

    public String checked() {
      return type.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  @Command(name = "repo", mixinStandardHelpOptions = true, description = "Create, delete, list and configure repositories.",
      subcommands = {Create.class, Delete.class, ListRepos.class, Settings.class})
  public static final class Repo {}

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a repository.")
  static final class Create implements Callable<Integer> {
    @Mixin ClientOptions options;
    @Mixin TypeOption type;
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "OWNER/NAME") String id;
    @Option(names = "--private", description = "Visible to you (or your organisation) only") boolean isPrivate;

    @Override
    public Integer call() throws Exception {
      String url = options.client().createRepo(type.checked(), RepoId.parse(id), isPrivate);
      spec.commandLine().getOut().println(url);
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a repository and all its files.")
  static final class Delete implements Callable<Integer> {
    @Mixin ClientOptions options;
    @Mixin TypeOption type;
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "OWNER/NAME") String id;
    @Option(names = "--yes", description = "Do not ask for confirmation") boolean yes;

    @Override
    public Integer call() throws Exception {
      if (!yes) {
        java.io.Console console = System.console();
        String answer = console == null ? null : console.readLine("Delete %s for good? Type its id: ", id);
        if (answer == null || !answer.strip().equals(id)) {
          spec.commandLine().getErr().println("arbor: not deleted (pass --yes, or type the id to confirm)");
          return 5;
        }
      }
      options.client().deleteRepo(type.checked(), RepoId.parse(id));
      spec.commandLine().getOut().println("Deleted " + id);
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List repositories you can see.")
  static final class ListRepos implements Callable<Integer> {
    @Mixin ClientOptions options;
    @Mixin TypeOption type;
    @Spec CommandSpec spec;
    @Option(names = "--author", description = "Only this user's or organisation's") String author;
    @Option(names = "--search", description = "Search text") String search;
    @Option(names = "--limit", defaultValue = "100", description = "At most this many (default: 100)") int limit;

    @Override
    public Integer call() throws Exception {
      for (JsonNode repo : options.client().listRepos(type.checked(), author, search, limit)) {
        spec.commandLine().getOut().printf("%s%s%n", repo.path("id").asText(),
            repo.path("private").asBoolean() ? " (private)" : "");
      }
      return 0;
    }
  }

  @Command(name = "settings", mixinStandardHelpOptions = true, description = "Change visibility or gating.")
  static final class Settings implements Callable<Integer> {
    @Mixin ClientOptions options;
    @Mixin TypeOption type;
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "OWNER/NAME") String id;
    @ArgGroup(exclusive = true) Visibility visibility;
    @Option(names = "--gated", description = "false, auto or manual") String gated;

    static final class Visibility {
      @Option(names = "--private") boolean makePrivate;
      @Option(names = "--public") boolean makePublic;
    }

    @Override
    public Integer call() throws Exception {
      Boolean isPrivate = visibility == null ? null : visibility.makePrivate;
      options.client().updateSettings(type.checked(), RepoId.parse(id), isPrivate, gated);
      spec.commandLine().getOut().println("Updated " + id);
      return 0;
    }
  }

  @Command(name = "branch", mixinStandardHelpOptions = true, description = "Create or delete a branch.",
      subcommands = {BranchCreate.class, BranchDelete.class})
  public static final class Branch {}

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a branch.")
  static final class BranchCreate implements Callable<Integer> {
    @Mixin ClientOptions options;
    @Mixin TypeOption type;
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "OWNER/NAME") String id;
    @Parameters(index = "1", paramLabel = "BRANCH") String branch;
    @Option(names = "--from", description = "Start from this revision (default: the default branch)") String from;

    @Override
    public Integer call() throws Exception {
      options.client().createBranch(type.checked(), RepoId.parse(id), branch, from);
      spec.commandLine().getOut().println("Created branch " + branch);
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a branch.")
  static final class BranchDelete implements Callable<Integer> {
    @Mixin ClientOptions options;
    @Mixin TypeOption type;
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "OWNER/NAME") String id;
    @Parameters(index = "1", paramLabel = "BRANCH") String branch;

    @Override
    public Integer call() throws Exception {
      options.client().deleteBranch(type.checked(), RepoId.parse(id), branch);
      spec.commandLine().getOut().println("Deleted branch " + branch);
      return 0;
    }
  }

  @Command(name = "tag", mixinStandardHelpOptions = true, description = "Create or delete a tag.",
      subcommands = {TagCreate.class, TagDelete.class})
  public static final class Tag {}

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Tag a revision.")
  static final class TagCreate implements Callable<Integer> {
    @Mixin ClientOptions options;
    @Mixin TypeOption type;
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "OWNER/NAME") String id;
    @Parameters(index = "1", paramLabel = "TAG") String tag;
    @Option(names = "--revision", description = "The revision to tag (default: main)") String revision;
    @Option(names = {"-m", "--message"}, description = "An annotation") String message;

    @Override
    public Integer call() throws Exception {
      options.client().createTag(type.checked(), RepoId.parse(id), tag, revision, message);
      spec.commandLine().getOut().println("Created tag " + tag);
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a tag.")
  static final class TagDelete implements Callable<Integer> {
    @Mixin ClientOptions options;
    @Mixin TypeOption type;
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "OWNER/NAME") String id;
    @Parameters(index = "1", paramLabel = "TAG") String tag;

    @Override
    public Integer call() throws Exception {
      options.client().deleteTag(type.checked(), RepoId.parse(id), tag);
      spec.commandLine().getOut().println("Deleted tag " + tag);
      return 0;
    }
  }
}
