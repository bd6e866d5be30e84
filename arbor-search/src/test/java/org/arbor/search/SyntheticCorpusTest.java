package org.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.arbor.search.bench.SyntheticRepos;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A few thousand varied repositories, as a new hub's users would search them. */
class SyntheticCorpusTest {
  private static final int COUNT = 3000;
  private static final Map<String, RepoDocument> BY_ID = new HashMap<>();
  private static RepoIndex index;

  @BeforeAll
  static void build() throws IOException {
    index = RepoIndex.inMemory();
    List<RepoDocument> docs = new ArrayList<>();
    SyntheticRepos.stream(COUNT, 11).forEachRemaining(docs::add);
    docs.forEach(d -> BY_ID.put(d.id(), d));
    assertThat(index.rebuild(docs.iterator(), 2)).isEqualTo(COUNT);
  }

  @AfterAll
  static void close() throws IOException {
    index.close();
  }

  @Test
  void every_sampled_id_is_found_first_by_its_exact_id() throws IOException {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 100; i++) {
      RepoDocument doc = SyntheticRepos.repo(r.nextInt(COUNT), 11);
      SearchRequest request = new SearchRequest(doc.type(), doc.fullName(), null, null, List.of(),
          SearchRequest.Sort.RELEVANCE, SearchRequest.Viewer.ADMIN, null, 5);
      assertThat(index.search(request).ids()).as(doc.fullName()).first().isEqualTo(doc.id());
    }
  }

  @Test
  void anonymous_searches_never_return_a_private_repository() throws IOException {
    SplittableRandom r = new SplittableRandom(2);
    long privateCount = BY_ID.values().stream().filter(RepoDocument::isPrivate).count();
    assertThat(privateCount).isGreaterThan(50);
    int seen = 0;
    for (int i = 0; i < 200; i++) {
      String text = i % 2 == 0 ? SyntheticRepos.family(r) : null;
      for (String type : List.of("model", "dataset")) {
        SearchPage page = index.search(new SearchRequest(type, text, null, null, List.of(),
            SearchRequest.Sort.fromWire(null, text != null), SearchRequest.Viewer.ANONYMOUS, null, 200));
        for (String id : page.ids()) {
          assertThat(BY_ID.get(id).isPrivate()).as(id).isFalse();
          seen++;
        }
      }
    }
    assertThat(seen).isGreaterThan(1000);
    RepoDocument secret = BY_ID.values().stream().filter(RepoDocument::isPrivate).findFirst().orElseThrow();
    SearchRequest asOwner = new SearchRequest(secret.type(), secret.fullName(), null, null, List.of(),
        SearchRequest.Sort.RELEVANCE, new SearchRequest.Viewer(false, Set.of(secret.owner())), null, 1);
    assertThat(index.search(asOwner).ids()).containsExactly(secret.id());
  }

  @Test
  void facets_and_filters_agree_for_every_value() throws IOException {
    SearchRequest all = new SearchRequest("model", null, null, null, List.of(), SearchRequest.Sort.DOWNLOADS,
        SearchRequest.Viewer.ANONYMOUS, null, 1);
    Map<String, List<FacetCount>> facets = index.facets(all, 100);
    int checked = 0;
    for (Map.Entry<String, List<FacetCount>> dim : facets.entrySet()) {
      for (FacetCount value : dim.getValue()) {
        SearchRequest filtered = new SearchRequest("model", null, null, null, List.of(dim.getKey() + ":" + value.value()),
            SearchRequest.Sort.DOWNLOADS, SearchRequest.Viewer.ANONYMOUS, null, 1);
        assertThat(index.search(filtered).totalHits()).as(dim.getKey() + ":" + value.value()).isEqualTo(value.count());
        long expected = BY_ID.values().stream().filter(d -> d.type().equals("model") && !d.isPrivate())
            .filter(d -> carries(d, dim.getKey(), value.value())).count();
        assertThat(value.count()).as("counted from the documents: " + dim.getKey() + ":" + value.value())
            .isEqualTo(expected);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(80);   // every value of six dimensions
  }

  @Test
  void a_filtered_listing_pages_through_every_match_once() throws IOException {
    SearchRequest base = new SearchRequest("model", null, null, null, List.of("license:apache-2.0"),
        SearchRequest.Sort.DOWNLOADS, SearchRequest.Viewer.ANONYMOUS, null, 10_000);
    List<String> oneGo = index.search(base).ids();
    List<String> paged = new ArrayList<>();
    SearchRequest request = new SearchRequest("model", null, null, null, List.of("license:apache-2.0"),
        SearchRequest.Sort.DOWNLOADS, SearchRequest.Viewer.ANONYMOUS, null, 37);
    while (true) {
      SearchPage page = index.search(request);
      paged.addAll(page.ids());
      if (page.nextCursor() == null) {
        break;
      }
      request = request.after(page.nextCursor());
    }
    assertThat(oneGo).hasSizeGreaterThan(300);
    assertThat(paged).isEqualTo(oneGo);
    long[] downloads = oneGo.stream().mapToLong(id -> BY_ID.get(id).downloads()).toArray();
    for (int i = 1; i < downloads.length; i++) {
      assertThat(downloads[i]).isLessThanOrEqualTo(downloads[i - 1]);
    }
  }

  private static boolean carries(RepoDocument d, String dim, String value) {
    return switch (dim) {
      case "pipeline_tag" -> value.equals(d.pipelineTag());
      case "library" -> value.equals(d.libraryName());
      case "license" -> d.licenses().contains(value);
      case "language" -> d.languages().contains(value);
      case "format" -> d.formats().contains(value);
      case "size" -> value.equals(IndexSchema.sizeBucket(d.parameters()));
      default -> throw new IllegalArgumentException(dim);
    };
  }
}
