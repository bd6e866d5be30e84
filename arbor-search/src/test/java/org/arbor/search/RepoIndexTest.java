package org.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepoIndexTest {
  private static final SearchRequest.Viewer ANONYMOUS = SearchRequest.Viewer.ANONYMOUS;

  private RepoIndex index;

  @BeforeEach
  void open() throws IOException {
    index = RepoIndex.inMemory();
  }

  @AfterEach
  void close() throws IOException {
    index.close();
  }

  private void put(Repos... repos) throws IOException {
    for (Repos r : repos) {
      index.put(r.build());
    }
    index.refresh();
  }

  private static SearchRequest query(String text, String... filters) {
    return new SearchRequest("model", text, null, null, List.of(filters),
        SearchRequest.Sort.fromWire(null, text != null), ANONYMOUS, null, 100);
  }

  private List<String> ids(SearchRequest request) throws IOException {
    return index.search(request).ids().stream().map(id -> id.substring(id.indexOf(':') + 1)).toList();
  }

  @Test
  void anExactIdComesFirstThenTheExactNameThenPrefixesThenSubstrings() throws IOException {
    put(Repos.model("big/bert-large").downloads(1_000_000),
        Repos.model("acme/bert").downloads(3),
        Repos.model("other/bert").downloads(50),
        Repos.model("x/distilbert-base").downloads(500_000),
        Repos.model("y/roberta").downloads(900_000),
        Repos.model("z/gpt2").downloads(10_000_000));

    assertThat(ids(query("acme/bert"))).first().isEqualTo("acme/bert");
    assertThat(ids(query("bert")))
        .containsExactly("other/bert", "acme/bert", "big/bert-large", "y/roberta", "x/distilbert-base");
    assertThat(ids(query("BERT"))).isEqualTo(ids(query("bert")));
  }

  @Test
  void substringsAreExactAndCaseInsensitive() throws IOException {
    put(Repos.model("big/bert-large"), Repos.model("x/bert-small"), Repos.model("Meta/Llama-3.1-8B"),
        Repos.model("q/largebert"));

    assertThat(ids(query("ert-la"))).containsExactly("big/bert-large");
    assertThat(ids(query("a-3.1-8"))).containsExactly("Meta/Llama-3.1-8B");
    assertThat(ids(query("ta/ll"))).containsExactly("Meta/Llama-3.1-8B");
    assertThat(ids(query("8b"))).containsExactly("Meta/Llama-3.1-8B");
    assertThat(ids(query("q"))).containsExactly("q/largebert");
  }

  @Test
  void wordsMatchByPrefixAndWithinATypo() throws IOException {
    put(Repos.model("mistralai/Mistral-7B-Instruct").downloads(10),
        Repos.model("meta/llama-3-8b").downloads(20),
        Repos.model("other/qwen2-vision").downloads(30));

    assertThat(ids(query("instr"))).containsExactly("mistralai/Mistral-7B-Instruct");
    assertThat(ids(query("mistrall"))).containsExactly("mistralai/Mistral-7B-Instruct");
    assertThat(ids(query("lama"))).containsExactly("meta/llama-3-8b");
    assertThat(ids(query("visoin qwen2"))).containsExactly("other/qwen2-vision");
    assertThat(ids(query("xyzzy"))).isEmpty();
  }

  @Test
  void cardsAreSearchedButRankBelowIdMatches() throws IOException {
    put(Repos.model("lab/leaf-model").card("Detects photosynthesis in leaf images.").downloads(1),
        Repos.model("lab/photosynthesis-tiny").downloads(0),
        Repos.model("lab/other").card("Nothing to see."));

    assertThat(ids(query("photosynthesis"))).containsExactly("lab/photosynthesis-tiny", "lab/leaf-model");
    assertThat(ids(query("photosynthesis leaf"))).containsExactly("lab/leaf-model");
  }

  @Test
  void filtersCombineWithTextAndWithEachOther() throws IOException {
    put(Repos.model("a/fr-mit").license("mit").language("fr").library("transformers").pipeline("translation"),
        Repos.model("a/en-mit").license("mit").language("en").library("transformers").pipeline("translation"),
        Repos.model("b/fr-apache").license("apache-2.0").language("fr").library("gguf").tags("base_model:a/fr-mit"),
        Repos.dataset("a/fr-data").license("mit").language("fr"),
        Repos.model("c/gated-auto").gated("auto"), Repos.model("c/gated-manual").gated("manual"));

    assertThat(ids(query(null, "license:mit"))).containsExactlyInAnyOrder("a/fr-mit", "a/en-mit");
    assertThat(ids(query(null, "license:mit", "language:fr"))).containsExactly("a/fr-mit");
    assertThat(ids(query(null, "fr", "library:transformers"))).containsExactly("a/fr-mit");
    assertThat(ids(query(null, "base_model:a/fr-mit"))).containsExactly("b/fr-apache");
    assertThat(ids(query("fr", "license:apache-2.0"))).containsExactly("b/fr-apache");
    assertThat(ids(query(null, "translation"))).containsExactlyInAnyOrder("a/fr-mit", "a/en-mit");
    assertThat(ids(query(null, "gated:true"))).containsExactlyInAnyOrder("c/gated-auto", "c/gated-manual");
    assertThat(ids(query(null, "gated:manual"))).containsExactly("c/gated-manual");
    assertThat(ids(query(null, "gated:false"))).hasSize(3).doesNotContain("c/gated-auto", "c/gated-manual");
    SearchRequest byAuthorAndTask = new SearchRequest("model", null, "A", "translation", List.of(),
        SearchRequest.Sort.ID, ANONYMOUS, null, 10);
    assertThat(ids(byAuthorAndTask)).containsExactly("a/en-mit", "a/fr-mit");
    SearchRequest datasets = new SearchRequest("dataset", null, null, null, List.of("language:fr"),
        SearchRequest.Sort.ID, ANONYMOUS, null, 10);
    assertThat(ids(datasets)).containsExactly("a/fr-data");
  }

  @Test
  void privateRepositoriesAreSeenOnlyByTheirReadersInResultsAndFacets() throws IOException {
    put(Repos.model("alice/secret-bert").license("secret-licence").privateTo("alice", "team"),
        Repos.model("bob/open-bert").license("mit"));
    SearchRequest anonymous = query("bert");
    SearchRequest alice = withViewer(anonymous, new SearchRequest.Viewer(false, Set.of("Alice")));
    SearchRequest teamMember = withViewer(anonymous, new SearchRequest.Viewer(false, Set.of("carol", "team")));
    SearchRequest admin = withViewer(anonymous, SearchRequest.Viewer.ADMIN);

    assertThat(ids(anonymous)).containsExactly("bob/open-bert");
    assertThat(ids(query("secret"))).isEmpty();
    assertThat(ids(alice)).containsExactlyInAnyOrder("bob/open-bert", "alice/secret-bert");
    assertThat(ids(teamMember)).containsExactlyInAnyOrder("bob/open-bert", "alice/secret-bert");
    assertThat(ids(admin)).hasSize(2);
    assertThat(index.facets(anonymous, 10).get("license")).containsExactly(new FacetCount("mit", 1));
    assertThat(index.facets(alice, 10).get("license"))
        .containsExactlyInAnyOrder(new FacetCount("mit", 1), new FacetCount("secret-licence", 1));
  }

  @Test
  void facetCountsAgreeWithTheFiltersTheyStandFor() throws IOException {
    List<Repos> repos = new ArrayList<>();
    String[] licenses = {"mit", "apache-2.0", "llama3"};
    String[] tasks = {"text-generation", "text-classification"};
    String[] formats = {"safetensors", "gguf", "onnx"};
    for (int i = 0; i < 60; i++) {
      Repos r = Repos.model("org" + i % 4 + "/model-" + i).license(licenses[i % 3]).pipeline(tasks[i % 2])
          .library(i % 5 == 0 ? "gguf" : "transformers").language(i % 2 == 0 ? "en" : "fr")
          .format(formats[i % 3]).parameters((long) (i * 2.1e9));
      if (i % 7 == 0) {
        r.language("de").format("safetensors");
      }
      repos.add(r);
    }
    put(repos.toArray(Repos[]::new));

    SearchRequest all = query(null);
    Map<String, List<FacetCount>> facets = index.facets(all, 20);
    assertThat(facets.keySet()).containsExactly("pipeline_tag", "library", "license", "language", "size", "format");
    long checked = 0;
    for (Map.Entry<String, List<FacetCount>> dim : facets.entrySet()) {
      assertThat(dim.getValue()).as(dim.getKey()).isNotEmpty();
      for (FacetCount value : dim.getValue()) {
        String filter = (dim.getKey().equals("pipeline_tag") ? "pipeline_tag" : dim.getKey()) + ":" + value.value();
        assertThat(index.search(query(null, filter)).totalHits()).as(filter).isEqualTo(value.count());
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(15);
    assertThat(facets.get("language")).contains(new FacetCount("de", 9));
    // Facets follow the query: within license:mit, every repository counted is MIT.
    assertThat(index.facets(query(null, "license:mit"), 20).get("license")).containsExactly(new FacetCount("mit", 20));
  }

  @Test
  void cursorPagesVisitEveryMatchOnceAndSurviveInsertionsElsewhere() throws IOException {
    for (int i = 0; i < 57; i++) {
      index.put(Repos.model("org/m" + i).downloads(i % 9).build());   // many ties, broken by id
    }
    index.refresh();
    SearchRequest first = new SearchRequest("model", null, null, null, List.of(), SearchRequest.Sort.DOWNLOADS,
        ANONYMOUS, null, 10);
    List<String> oneGo = index.search(new SearchRequest("model", null, null, null, List.of(),
        SearchRequest.Sort.DOWNLOADS, ANONYMOUS, null, 100)).ids();

    List<String> paged = new ArrayList<>();
    SearchRequest request = first;
    int pages = 0;
    while (true) {
      SearchPage page = index.search(request);
      paged.addAll(page.ids());
      pages++;
      if (pages == 2) {   // a newcomer sorts before the cursor: it must not shift later pages
        index.put(Repos.model("org/newcomer").downloads(100).build());
        index.refresh();
      }
      if (page.nextCursor() == null) {
        break;
      }
      request = request.after(page.nextCursor());
    }
    assertThat(pages).isEqualTo(6);
    assertThat(paged).isEqualTo(oneGo);
  }

  @Test
  void everySortOrdersAndPagesConsistently() throws IOException {
    for (int i = 0; i < 25; i++) {
      index.put(Repos.model("o/r" + i).downloads(i % 4).likes(i % 3).trending(i % 5).parameters(i % 6 * 1_000_000L)
          .modified(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i % 7)).card("shared words").build());
    }
    index.refresh();
    for (SearchRequest.Sort sort : SearchRequest.Sort.values()) {
      String text = sort == SearchRequest.Sort.RELEVANCE ? "shared" : null;
      SearchRequest base = new SearchRequest("model", text, null, null, List.of(), sort, ANONYMOUS, null, 100);
      List<String> oneGo = index.search(base).ids();
      List<String> paged = new ArrayList<>();
      SearchRequest request = new SearchRequest("model", text, null, null, List.of(), sort, ANONYMOUS, null, 4);
      for (SearchPage page = index.search(request); ; page = index.search(request)) {
        paged.addAll(page.ids());
        if (page.nextCursor() == null) {
          break;
        }
        request = request.after(page.nextCursor());
      }
      assertThat(oneGo).as(sort.name()).hasSize(25);
      assertThat(paged).as(sort.name()).isEqualTo(oneGo);
    }
  }

  @Test
  void aForeignOrTamperedCursorIsRefused() throws IOException {
    for (int i = 0; i < 3; i++) {
      index.put(Repos.model("o/r" + i).build());
    }
    index.refresh();
    SearchRequest byLikes = new SearchRequest("model", null, null, null, List.of(), SearchRequest.Sort.LIKES,
        ANONYMOUS, null, 1);
    String cursor = index.search(byLikes).nextCursor();

    SearchRequest byId = new SearchRequest("model", null, null, null, List.of(), SearchRequest.Sort.ID,
        ANONYMOUS, cursor, 1);
    assertThatThrownBy(() -> index.search(byId)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("another listing order");
    assertThatThrownBy(() -> index.search(byLikes.after("%%%"))).isInstanceOf(IllegalArgumentException.class);
    String forged = java.util.Base64.getUrlEncoder().encodeToString("likes\nsx\nl1".getBytes());
    assertThatThrownBy(() -> index.search(byLikes.after(forged))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void countersUpdateInPlaceAndDeletesDisappear() throws IOException {
    put(Repos.model("o/a").downloads(10), Repos.model("o/b").downloads(5));
    SearchRequest byDownloads = new SearchRequest("model", null, null, null, List.of(), SearchRequest.Sort.DOWNLOADS,
        ANONYMOUS, null, 10);
    assertThat(ids(byDownloads)).containsExactly("o/a", "o/b");

    index.updateCounters("model:o/b", 50, 70, 1, 2);
    index.refresh();
    assertThat(ids(byDownloads)).containsExactly("o/b", "o/a");

    index.delete("model:o/b");
    index.refresh();
    assertThat(ids(byDownloads)).containsExactly("o/a");
    assertThat(index.count()).isEqualTo(1);
  }

  @Test
  void aRebuildReplacesEverything() throws IOException {
    put(Repos.model("old/one"), Repos.model("old/two"));
    List<RepoDocument> fresh = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      fresh.add(Repos.model("new/m" + i).build());
    }
    assertThat(index.rebuild(fresh.iterator(), 2)).isEqualTo(500);
    assertThat(index.count()).isEqualTo(500);
    assertThat(ids(query("old"))).isEmpty();
  }

  @Test
  void anIndexClosedCleanlyIsTrustedOnTheNextStart(@TempDir Path dir) throws IOException {
    try (RepoIndex fresh = RepoIndex.open(dir)) {
      assertThat(fresh.needsRebuild()).isTrue();
      fresh.put(Repos.model("o/kept").build());
    }
    try (RepoIndex reopened = RepoIndex.open(dir)) {
      assertThat(reopened.needsRebuild()).isFalse();
      assertThat(reopened.count()).isEqualTo(1);
      assertThatThrownBy(() -> RepoIndex.open(dir)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("in use");
    }
  }

  private static SearchRequest withViewer(SearchRequest r, SearchRequest.Viewer viewer) {
    return new SearchRequest(r.type(), r.text(), r.author(), r.pipelineTag(), r.filters(), r.sort(), viewer,
        r.cursor(), r.limit());
  }
}
