package org.arbor.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code arbor search QUERY [--filter license:mit] …}: the hub's search, one repository per line. */
@Command(name = "search", mixinStandardHelpOptions = true, description = "Search a hub's models or datasets.")
public final class SearchCommand implements Callable<Integer> {
  @Mixin ClientOptions options;
  @Mixin RepoCommands.TypeOption type;
  @Spec CommandSpec spec;
  @Parameters(arity = "0..1", paramLabel = "QUERY", description = "Text: ids first, typos tolerated, cards too") String query;
  @Option(names = "--filter", description = "A tag or license:, language:, library:, dataset:, base_model:, "
      + "size:, format: filter; all must match") List<String> filters;
  @Option(names = "--author", description = "Only this user's or organisation's") String author;
  @Option(names = "--sort", description = "downloads, likes, trendingScore, lastModified, createdAt, id") String sort;
  @Option(names = "--limit", defaultValue = "20", description = "At most this many (default: 20)") int limit;

  @Override
  public Integer call() throws Exception {
    List<JsonNode> found = options.client().listRepos(type.checked(), author, query,
        filters == null ? List.of() : filters, sort, limit);
    for (JsonNode repo : found) {
      spec.commandLine().getOut().printf("%-50s %s  ⬇ %d  ♥ %d%n", repo.path("id").asText(),
          repo.path("pipeline_tag").asText(""), repo.path("downloads").asLong(), repo.path("likes").asLong());
    }
    if (found.isEmpty()) {
      spec.commandLine().getErr().println("Nothing found");
    }
    return 0;
  }
}
