package org.arbor.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import org.arbor.app.cli.ClientOptions;
import org.arbor.core.RepoId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code arbor fit REPO --memory 16GiB}: will this model run in that much memory, variant by variant? */
@Command(name = "fit", mixinStandardHelpOptions = true,
    description = "Estimate the memory to run a model repo's weight variants (weights + KV cache + overhead), "
        + "from the hub's reading of their headers: nothing is downloaded.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:at least one variant fits", "1:none fits", "2:usage error",
        "3-8:a failure talking to the hub, as for `arbor download`"})
final class FitCommand implements Callable<Integer> {
  @Parameters(paramLabel = "OWNER/NAME", description = "A model repository")
  String repo;

  @Option(names = "--memory", required = true, description = "Memory available, e.g. 16GiB, 24GB")
  String memory;

  @Option(names = "--context", description = "Context length in tokens (default: the model's maximum)")
  Long context;

  @Option(names = "--revision", defaultValue = "main", description = "Branch, tag or commit (default: main)")
  String revision;

  @Mixin ClientOptions options;

  @Override
  public Integer call() throws Exception {
    JsonNode body = options.client().fit(RepoId.parse(repo), memory, revision, context);
    System.out.printf("%s at %s, context %,d tokens, in %s:%n", repo, body.path("commit").asText().substring(0, 10),
        body.path("context").asLong(), memory);
    boolean any = false;
    for (JsonNode v : body.path("variants")) {
      boolean fits = v.path("fits").asBoolean();
      any |= fits;
      System.out.printf("  %-40s %8s  (weights %s + KV cache %s + overhead %s)  %s%n", v.path("variant").asText(),
          gib(v.path("totalBytes").asLong()), gib(v.path("weightsBytes").asLong()),
          gib(v.path("kvCacheBytes").asLong()), gib(v.path("overheadBytes").asLong()),
          fits ? "fits" : "does not fit");
    }
    System.out.println("  " + body.path("formula").asText());
    return any ? 0 : 1;
  }

  private static String gib(long bytes) {
    return String.format("%.2f GiB", bytes / (1024.0 * 1024 * 1024));
  }
}
