package org.arbor.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code arbor fit REPO --memory 16GiB}: will this model run in that much memory, variant by variant? */
@Command(name = "fit", mixinStandardHelpOptions = true,
    description = "Estimate the memory to run a model repo's weight variants (weights + KV cache + overhead).")
final class FitCommand implements Callable<Integer> {
  @Parameters(paramLabel = "REPO", description = "namespace/name of a model repo")
  String repo;

  @Option(names = "--memory", required = true, description = "Memory available, e.g. 16GiB, 24GB")
  String memory;

  @Option(names = "--context", description = "Context length in tokens (default: the model's maximum)")
  Long context;

  @Option(names = "--revision", description = "Revision (default: the default branch)")
  String revision = "HEAD";

  @Option(names = "--endpoint", description = "The hub (default: $HF_ENDPOINT, else http://localhost:8080)")
  String endpoint;

  @Option(names = "--token", description = "Token for a private repo (default: $HF_TOKEN)")
  String token;

  @Override
  public Integer call() throws Exception {
    String base = endpoint != null ? endpoint
        : System.getenv().getOrDefault("HF_ENDPOINT", "http://localhost:8080");
    String url = base.replaceAll("/+$", "") + "/api/models/" + repo + "/fit?memory=" + enc(memory)
        + "&revision=" + enc(revision) + (context != null ? "&context=" + context : "");
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
    String t = token != null ? token : System.getenv("HF_TOKEN");
    if (t != null && !t.isEmpty()) {
      request.header("Authorization", "Bearer " + t);
    }
    HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body = new ObjectMapper().readTree(response.body());
    if (response.statusCode() != 200) {
      System.err.println("arbor fit: " + body.path("error").asText(response.body()));
      return 1;
    }
    System.out.printf("%s at %s, context %,d tokens, in %s:%n", repo, body.get("commit").asText().substring(0, 10),
        body.get("context").asLong(), memory);
    boolean any = false;
    for (JsonNode v : body.get("variants")) {
      boolean fits = v.get("fits").asBoolean();
      any |= fits;
      System.out.printf("  %-40s %8s  (weights %s + KV cache %s + overhead %s)  %s%n", v.get("variant").asText(),
          gib(v.get("totalBytes").asLong()), gib(v.get("weightsBytes").asLong()), gib(v.get("kvCacheBytes").asLong()),
          gib(v.get("overheadBytes").asLong()), fits ? "fits" : "does not fit");
    }
    System.out.println("  " + body.get("formula").asText());
    return any ? 0 : 3;
  }

  private static String gib(long bytes) {
    return String.format("%.2f GiB", bytes / (1024.0 * 1024 * 1024));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
