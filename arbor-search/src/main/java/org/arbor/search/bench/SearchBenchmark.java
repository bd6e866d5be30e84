package org.arbor.search.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.arbor.search.RepoDocument;
import org.arbor.search.RepoIndex;
import org.arbor.search.SearchPage;
import org.arbor.search.SearchRequest;

/**
 * The search benchmark (issue: discovery). Builds an index of N synthetic repositories on disk,
 * then prints the build rate, text-search and facet latencies (p50/p95/p99 over a mix of
 * realistic queries), the time for an update to become searchable, and the peak heap.
 *
 * <p>Usage: {@code SearchBenchmark [repos=1000000] [dir]}; run it with {@code -Xmx1g} to hold
 * the heap goal.
 */
public final class SearchBenchmark {
  private static final long SEED = 42;

  private SearchBenchmark() {}

  public static void main(String[] args) throws IOException {
    long count = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("arbor-search-bench");
    int threads = Runtime.getRuntime().availableProcessors();
    System.out.printf("repos %,d · %d cores · max heap %d MiB · index in %s%n", count, threads,
        Runtime.getRuntime().maxMemory() >> 20, dir);

    try (RepoIndex index = RepoIndex.open(dir)) {
      long started = System.nanoTime();
      long indexed = index.rebuild(SyntheticRepos.stream(count, SEED), threads);
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("build            %,d repos in %.1f s = %,.0f repos/s (goal >= 20,000) incl. generation, commit%n",
          indexed, seconds, indexed / seconds);
      System.out.printf("index size       %,d MiB%n", size(dir) >> 20);

      SplittableRandom r = new SplittableRandom(7);
      List<SearchRequest> searches = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        searches.add(randomSearch(r, count));
      }
      measure("warm-up", 500, i -> () -> search(index, searches.get(i)), null);
      long[] hits = new long[1];
      measure("text search", searches.size(), i -> () -> {
        hits[0] += search(index, searches.get(i)).totalHits();
        return null;
      }, "p95 goal < 20 ms");
      System.out.printf("                 mean matches per search %,d%n", hits[0] / searches.size());

      List<SearchRequest> facetQueries = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        facetQueries.add(randomFacets(r, count));
      }
      measure("facets warm-up", 50, i -> () -> facets(index, facetQueries.get(i)), null);
      measure("facet counts", facetQueries.size(), i -> () -> facets(index, facetQueries.get(i)),
          "p95 goal < 50 ms (6 dimensions; a third over all visible repos)");

      measure("update visible", 40, i -> () -> {
        RepoDocument changed = SyntheticRepos.repo(count + i, SEED);
        try {
          index.put(changed);
          index.refresh();
          SearchPage page = index.search(new SearchRequest(changed.type(), changed.fullName(), null, null,
              List.of(), SearchRequest.Sort.RELEVANCE, SearchRequest.Viewer.ADMIN, null, 1));
          if (!page.ids().equals(List.of(changed.id()))) {
            throw new IllegalStateException("update not found first: " + page.ids());
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        return null;
      }, "put + refresh + found by id; goal < 1 s");
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf("heap             peak used %,d MiB of %,d MiB max (goal < 1 GiB)%n", peak >> 20,
        Runtime.getRuntime().maxMemory() >> 20);
  }

  /** A query as people type them: a family, an exact id, a prefix, a typo, two words, or prose. */
  static SearchRequest randomSearch(SplittableRandom r, long count) {
    RepoDocument sample = SyntheticRepos.repo(r.nextLong(count), SEED);
    String family = SyntheticRepos.pick(r, SyntheticRepos.FAMILIES);
    String text = switch (r.nextInt(7)) {
      case 0 -> family;
      case 1 -> sample.fullName();
      case 2 -> family.substring(0, Math.min(family.length(), 3 + r.nextInt(3)));
      case 3 -> typo(r, family);
      case 4 -> family + " " + SyntheticRepos.pick(r, new String[] {"instruct", "gguf", "7b", "chat", "base"});
      case 5 -> SyntheticRepos.pick(r, SyntheticRepos.PROSE);
      default -> sample.name().substring(0, Math.min(sample.name().length(), 12));
    };
    List<String> filters = new ArrayList<>();
    if (r.nextInt(3) == 0) {
      filters.add("license:" + SyntheticRepos.pick(r, SyntheticRepos.LICENSES));
    }
    if (r.nextInt(4) == 0) {
      filters.add("language:" + SyntheticRepos.pick(r, SyntheticRepos.LANGUAGES));
    }
    String task = r.nextInt(4) == 0 ? SyntheticRepos.pick(r, SyntheticRepos.TASKS) : null;
    SearchRequest.Sort sort = r.nextInt(3) == 0 ? SearchRequest.Sort.DOWNLOADS : SearchRequest.Sort.RELEVANCE;
    return new SearchRequest("model", text, null, task, filters, sort, viewer(r), null, 20);
  }

  /** Facets of a listing page: over everything, within a text search, or within a filter. */
  static SearchRequest randomFacets(SplittableRandom r, long count) {
    return switch (r.nextInt(3)) {
      case 0 -> new SearchRequest("model", null, null, null, List.of(), SearchRequest.Sort.TRENDING, viewer(r), null, 20);
      case 1 -> randomSearch(r, count);
      default -> new SearchRequest("model", null, null, SyntheticRepos.pick(r, SyntheticRepos.TASKS),
          List.of("license:" + SyntheticRepos.pick(r, SyntheticRepos.LICENSES)), SearchRequest.Sort.DOWNLOADS,
          viewer(r), null, 20);
    };
  }

  private static SearchRequest.Viewer viewer(SplittableRandom r) {
    return r.nextBoolean() ? SearchRequest.Viewer.ANONYMOUS
        : new SearchRequest.Viewer(false, new java.util.HashSet<>(List.of(SyntheticRepos.owner(r), "org" + r.nextInt(200))));
  }

  private static String typo(SplittableRandom r, String word) {
    if (word.length() < 5) {
      return word;
    }
    int at = 1 + r.nextInt(word.length() - 2);
    char[] c = word.toCharArray();
    char t = c[at];
    c[at] = c[at + 1];
    c[at + 1] = t;
    return new String(c);
  }

  private static SearchPage search(RepoIndex index, SearchRequest request) {
    try {
      return index.search(request);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Object facets(RepoIndex index, SearchRequest request) {
    try {
      return index.facets(request, 20);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void measure(String what, int n, java.util.function.IntFunction<Supplier<?>> task, String goal) {
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      Supplier<?> run = task.apply(i);
      long t0 = System.nanoTime();
      run.get();
      nanos[i] = System.nanoTime() - t0;
    }
    if (goal == null) {
      return;
    }
    Arrays.sort(nanos);
    System.out.printf("%-16s n=%d p50 %.2f ms · p95 %.2f ms · p99 %.2f ms · max %.2f ms (%s)%n", what, n,
        nanos[n / 2] / 1e6, nanos[(int) (n * 0.95)] / 1e6, nanos[(int) (n * 0.99)] / 1e6, nanos[n - 1] / 1e6, goal);
  }

  private static long size(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
