package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.TestHub.json;
import static org.arbor.app.WeightsContractTest.safetensors;
import static org.arbor.app.WeightsContractTest.tensor;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing and search through the index over HTTP: ranking, filters, facets, visibility, cursors, freshness. */
class SearchContractTest {
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");

  @TempDir static Path data;
  static TestHub hub;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start(data);
    model("llama-3-8b", "license: llama3\nlanguage: [en]\npipeline_tag: text-generation\nlibrary_name: transformers\n",
        "A large language model for chat.");
    model("llama-3-8b-gguf", "license: llama3\nbase_model: admin/llama-3-8b\nbase_model_relation: quantized\n"
        + "library_name: gguf\npipeline_tag: text-generation\n", "Quantized weights.");
    model("bert-fr", "license: mit\nlanguage:\n- fr\npipeline_tag: fill-mask\nlibrary_name: transformers\n",
        "Un modèle pour le français qui connaît la photosynthesis.");
    model("tiny-mit", "license: mit\nlanguage: [en, de]\n", "Tiny.");
    model("secret-llama", "license: secret-licence\n", "Private work.");
    settings("secret-llama", "{\"private\":true}");
    for (int i = 0; i < 23; i++) {
      hub.createRepo("filler-" + i);
    }
    hub.commitLfs("tiny-mit", "model.safetensors", safetensors(Map.of("w", tensor("F32", 2, 3))));
    hub.app.drainAnalysis();
  }

  @AfterAll
  static void stop() throws Exception {
    hub.close();
  }

  @Test
  void an_exact_id_ranks_first_and_typos_still_find_it() throws Exception {
    assertThat(ids("/api/models?search=admin/llama-3-8b", null)).first().isEqualTo("admin/llama-3-8b");
    assertThat(ids("/api/models?search=llama-3-8b", null)).startsWith("admin/llama-3-8b", "admin/llama-3-8b-gguf");
    assertThat(ids("/api/models?search=llamma", null)).containsExactlyInAnyOrder("admin/llama-3-8b",
        "admin/llama-3-8b-gguf");
    assertThat(ids("/api/models?search=photosynthesis", null)).containsExactly("admin/bert-fr");
    assertThat(ids("/api/models?search=ler-1", null)).as("a substring of the id")
        .containsExactlyInAnyOrder("admin/filler-1", "admin/filler-10", "admin/filler-11", "admin/filler-12",
            "admin/filler-13", "admin/filler-14", "admin/filler-15", "admin/filler-16", "admin/filler-17",
            "admin/filler-18", "admin/filler-19");
  }

  @Test
  void prefixed_filters_combine() throws Exception {
    assertThat(ids("/api/models?filter=license:mit&filter=language:fr", null)).containsExactly("admin/bert-fr");
    assertThat(ids("/api/models?filter=library:gguf", null)).containsExactly("admin/llama-3-8b-gguf");
    assertThat(ids("/api/models?filter=base_model:quantized:admin/llama-3-8b", null))
        .containsExactly("admin/llama-3-8b-gguf");
    assertThat(ids("/api/models?pipeline_tag=text-generation&search=gguf", null))
        .containsExactly("admin/llama-3-8b-gguf");
    assertThat(ids("/api/models?filter=license:llama3&author=nobody", null)).isEmpty();
    assertThat(ids("/api/models?filter=format:safetensors&filter=size:%3C1B", null)).containsExactly("admin/tiny-mit");
  }

  @Test
  void private_repositories_stay_out_of_outsiders_results_and_counts() throws Exception {
    assertThat(ids("/api/models?search=llama", null)).doesNotContain("admin/secret-llama");
    assertThat(ids("/api/models?search=llama", hub.bobToken)).doesNotContain("admin/secret-llama");
    assertThat(ids("/api/models?search=llama", ADMIN_TOKEN)).contains("admin/secret-llama");
    assertThat(ids("/api/models?filter=license:secret-licence", null)).isEmpty();

    assertThat(facetValues(facets("", null).get("license"))).doesNotContainKey("secret-licence");
    assertThat(facetValues(facets("", hub.bobToken).get("license"))).doesNotContainKey("secret-licence");
    assertThat(facetValues(facets("", ADMIN_TOKEN).get("license"))).containsEntry("secret-licence", 1L);
  }

  @Test
  void facet_counts_agree_with_the_filters_they_stand_for() throws Exception {
    JsonNode facets = facets("", null);
    assertThat(facets.fieldNames()).toIterable()
        .containsExactly("pipeline_tag", "library", "license", "language", "size", "format");
    assertThat(facetValues(facets.get("license"))).containsEntry("mit", 2L).containsEntry("llama3", 2L);
    assertThat(facetValues(facets.get("language"))).containsEntry("en", 2L).containsEntry("fr", 1L);
    assertThat(facetValues(facets.get("format"))).containsEntry("safetensors", 1L);
    int checked = 0;
    for (String dim : List.of("pipeline_tag", "library", "license", "language", "size", "format")) {
      for (JsonNode value : facets.get(dim)) {
        String filter = URLEncoder.encode(dim + ":" + value.get("value").asText(), StandardCharsets.UTF_8);
        HttpResponse<byte[]> r = hub.get("/api/models?limit=1&filter=" + filter, null);
        assertThat(TestHub.header(r, "X-Total-Count")).as(filter).isEqualTo(value.get("count").asText());
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(9);
    assertThat(facetValues(facets("?search=llama", null).get("license"))).containsOnlyKeys("llama3");
  }

  @Test
  void link_pages_visit_every_repository_once_in_order() throws Exception {
    List<String> oneGo = ids("/api/models?sort=id&limit=1000", null);
    List<String> paged = new ArrayList<>();
    String next = hub.url + "/api/models?sort=id&limit=4";
    int pages = 0;
    while (next != null) {
      HttpResponse<byte[]> r = hub.send(HttpRequest.newBuilder(URI.create(next)).GET().build());
      assertThat(r.statusCode()).isEqualTo(200);
      json(r).forEach(m -> paged.add(m.get("id").asText()));
      Matcher link = NEXT.matcher(String.valueOf(TestHub.header(r, "Link")));
      next = link.find() ? link.group(1) : null;
      pages++;
    }
    assertThat(oneGo).hasSizeGreaterThanOrEqualTo(27).isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER);
    assertThat(paged).isEqualTo(oneGo);
    assertThat(pages).isEqualTo((oneGo.size() + 3) / 4);
  }

  @Test
  void a_forged_cursor_is_a_clear_400() throws Exception {
    HttpResponse<byte[]> r = hub.get("/api/models?sort=likes&cursor=bm90LWEtY3Vyc29y", null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(TestHub.header(r, "X-Error-Message")).contains("cursor");
    assertThat(json(r).get("error").asText()).contains("cursor");
  }

  @Test
  void a_commit_is_searchable_as_soon_as_it_lands() throws Exception {
    hub.createRepo("fresh-one");
    hub.commit("fresh-one", Map.of("README.md", "---\nlicense: apache-2.0\n---\nMentions xylophonic things.\n"));
    assertThat(ids("/api/models?search=xylophonic", null)).containsExactly("admin/fresh-one");
    settings("fresh-one", "{\"private\":true}");
    assertThat(ids("/api/models?search=xylophonic", null)).isEmpty();
    assertThat(facetValues(facets("", null).get("license"))).doesNotContainKey("apache-2.0");
    settings("fresh-one", "{\"private\":false}");
    assertThat(ids("/api/models?search=xylophonic", null)).containsExactly("admin/fresh-one");
  }

  @Test
  void likes_reorder_a_listing_sorted_by_likes() throws Exception {
    assertThat(hub.postJson("/api/models/admin/filler-7/like", hub.bobToken, Map.of()).statusCode()).isEqualTo(200);
    assertThat(ids("/api/models?sort=likes&limit=1", null)).containsExactly("admin/filler-7");
    JsonNode one = json(hub.get("/api/models?search=filler-7&expand=likes&expand=downloadsAllTime", null)).get(0);
    assertThat(one.get("likes").asLong()).isEqualTo(1);
    assertThat(one.has("downloadsAllTime")).isTrue();
  }

  private static void model(String name, String metadata, String body) throws Exception {
    hub.createRepo(name);
    hub.commit(name, Map.of("README.md", "---\n" + metadata + "---\n" + body + "\n"));
  }

  private static void settings(String name, String body) throws Exception {
    HttpResponse<byte[]> r = hub.send(hub.request("/api/models/admin/" + name + "/settings", ADMIN_TOKEN)
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  static List<String> ids(String path, String token) throws Exception {
    return ids(hub, path, token);
  }

  static List<String> ids(TestHub on, String path) throws Exception {
    return ids(on, path, null);
  }

  static List<String> ids(TestHub on, String path, String token) throws Exception {
    HttpResponse<byte[]> r = on.get(path, token);
    assertThat(r.statusCode()).as(TestHub.text(r)).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    json(r).forEach(m -> ids.add(m.get("id").asText()));
    return ids;
  }

  private static JsonNode facets(String query, String token) throws Exception {
    HttpResponse<byte[]> r = hub.get("/api/facets/models" + query, token);
    assertThat(r.statusCode()).as(TestHub.text(r)).isEqualTo(200);
    return json(r);
  }

  private static Map<String, Long> facetValues(JsonNode values) {
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    values.forEach(v -> out.put(v.get("value").asText(), v.get("count").asLong()));
    return out;
  }
}
