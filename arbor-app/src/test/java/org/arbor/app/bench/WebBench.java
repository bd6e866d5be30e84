package org.arbor.app.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.arbor.app.HubApp;
import org.arbor.app.HubConfig;
import org.arbor.search.RepoDocument;
import org.arbor.search.bench.SyntheticRepos;
import org.arbor.storage.db.Database;

/**
 * The page benchmark (issue: web). Seeds N synthetic repositories straight into the database
 * (rows and tags, as commits would leave them), starts the hub (which builds its index from
 * them), commits one repository of 10,000 files with a long card through the API, then times
 * the repository page and the search page from a client on loopback and checks every page's
 * JavaScript weight.
 *
 * <p>Usage: {@code WebBench [repos=100000]}.
 */
public final class WebBench {
  private static final String TOKEN = "hf_" + "B".repeat(34);
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private WebBench() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Path data = Files.createTempDirectory("arbor-web-bench");
    Map<String, String> flags = new HashMap<>(Map.of("port", "0", "host", "127.0.0.1", "admin-token", TOKEN));
    HubConfig config = HubConfig.load(data, Map.of(), flags);
    long started = System.nanoTime();
    seed(config, count);
    System.out.printf("seeded %,d repositories in %.1f s%n", count, (System.nanoTime() - started) / 1e9);
    started = System.nanoTime();
    try (HubApp hub = HubApp.start(config)) {
      String base = "http://127.0.0.1:" + hub.port();
      get(base + "/models");   // the first listing waits for the index rebuilt from the rows
      System.out.printf("hub started and indexed in %.1f s%n", (System.nanoTime() - started) / 1e9);
      bigRepo(base);
      hub.drainAnalysis();
      long t0 = System.nanoTime();
      get(base + "/admin/big-model");
      System.out.printf("repo page, first visit after its commit       %.1f ms (renders the card, summarises 10,000 scans)%n",
          (System.nanoTime() - t0) / 1e6);

      measure("repo page (10,000 files, ~200 KB card)", 200, i -> base + "/admin/big-model", 50);
      measure("repo files page (10,000 files)", 100, i -> base + "/admin/big-model/tree/main", 0);
      SplittableRandom r = new SplittableRandom(3);
      List<String> searches = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        String family = SyntheticRepos.family(r);
        searches.add(switch (i % 4) {
          case 0 -> base + "/models?search=" + enc(family);
          case 1 -> base + "/models?search=" + enc(family) + "&filter=" + enc("license:apache-2.0");
          case 2 -> base + "/models?sort=downloads&filter=" + enc("language:en");
          default -> base + "/models";
        });
      }
      measure("search page (" + String.format("%,d", count) + " repos, facets)", searches.size(), searches::get, 80);
      for (String page : List.of("/", "/models", "/admin/big-model", "/admin/big-model/tree/main", "/login")) {
        String html = get(base + page);
        System.out.printf("javascript on %-28s %d bytes (goal <= 100 KB)%n", page, scriptBytes(html));
      }
    } finally {
      try (var paths = Files.walk(data)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Rows and tags as commits leave them, in one transaction per 5,000 repositories. */
  private static void seed(HubConfig config, int count) throws Exception {
    try (Database db = Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword())) {
      var jdbi = db.jdbi();
      for (int from = 0; from < count; from += 5000) {
        int start = from;
        jdbi.useTransaction(h -> {
          var repos = h.prepareBatch("""
              INSERT INTO repos (id, type, namespace, name, namespace_key, repo_key, private, gated, created_at,
                                 last_modified, card_data, pipeline_tag, library_name, downloads, likes,
                                 trending_score, downloads_all_time)
              VALUES (:id, :type, :ns, :name, :nsKey, :key, :private, :gated, :created, :modified, '{}', :pipeline,
                      :library, :downloads, :likes, :trending, :all)""");
          var tags = h.prepareBatch("INSERT INTO repo_tags (repo_id, tag) VALUES (:id, :tag)");
          for (int i = start; i < Math.min(count, start + 5000); i++) {
            RepoDocument d = SyntheticRepos.repo(i, 5);
            String id = String.format("%024x", i);
            repos.bind("id", id).bind("type", d.type()).bind("ns", d.owner()).bind("name", d.name())
                .bind("nsKey", d.owner().toLowerCase()).bind("key", d.fullName().toLowerCase())
                .bind("private", d.isPrivate()).bind("gated", d.gated()).bind("created", d.createdAt().toEpochMilli())
                .bind("modified", d.lastModified().toEpochMilli()).bind("pipeline", d.pipelineTag())
                .bind("library", d.libraryName()).bind("downloads", d.downloads()).bind("likes", d.likes())
                .bind("trending", d.trendingScore()).bind("all", d.downloadsAllTime()).add();
            for (String tag : new java.util.LinkedHashSet<>(d.tags())) {
              tags.bind("id", id).bind("tag", tag).add();
            }
          }
          repos.execute();
          tags.execute();
        });
      }
    }
  }

  /** admin/big-model: 10,000 small files in 100 folders and a ~200 KB card, in one API commit. */
  private static void bigRepo(String base) throws Exception {
    send(HttpRequest.newBuilder(URI.create(base + "/api/repos/create")).header("Authorization", "Bearer " + TOKEN)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"big-model\",\"organization\":\"admin\"}")).build());
    StringBuilder card = new StringBuilder("---\nlicense: apache-2.0\npipeline_tag: text-generation\n---\n# Big model\n");
    for (int section = 0; card.length() < 200_000; section++) {
      card.append("\n## Section ").append(section).append("\n\nSome prose about training, evaluation and $x_i^2$ "
          + "limits. ".repeat(20)).append("\n\n| metric | value |\n|---|---|\n| acc | 0.").append(section)
          .append(" |\n\n```python\nprint('hello')\n```\n");
    }
    StringBuilder ndjson = new StringBuilder("{\"key\":\"header\",\"value\":{\"summary\":\"10k files\"}}\n");
    ndjson.append(file("README.md", card.toString()));
    for (int i = 0; i < 10_000; i++) {
      ndjson.append(file("data/part-" + (i % 100) + "/file-" + i + ".txt", "row " + i + "\n"));
    }
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/api/models/admin/big-model/commit/main"))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString())).build());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("commit failed: " + r.body());
    }
  }

  private static String file(String path, String content) {
    return "{\"key\":\"file\",\"value\":{\"path\":\"" + path + "\",\"encoding\":\"base64\",\"content\":\""
        + Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8)) + "\"}}\n";
  }

  private static void measure(String what, int n, java.util.function.IntFunction<String> url, int goalMs)
      throws Exception {
    for (int i = 0; i < Math.min(n, 30); i++) {
      get(url.apply(i));   // warm-up
    }
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      get(url.apply(i));
      nanos[i] = System.nanoTime() - t0;
    }
    Arrays.sort(nanos);
    System.out.printf("%-44s p50 %.1f ms · p95 %.1f ms · max %.1f ms%s%n", what, nanos[n / 2] / 1e6,
        nanos[(int) (n * 0.95)] / 1e6, nanos[n - 1] / 1e6, goalMs > 0 ? " (goal p95 < " + goalMs + " ms)" : "");
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url + " answered " + r.statusCode());
    }
    return r.body();
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static int scriptBytes(String html) {
    int total = 0;
    for (int at = html.indexOf("<script"); at >= 0; at = html.indexOf("<script", at + 7)) {
      int end = html.indexOf("</script>", at);
      total += end < 0 ? html.length() - at : end - at;
    }
    return total;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
