package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.TestHub.text;
import static org.arbor.app.WeightsContractTest.safetensors;
import static org.arbor.app.WeightsContractTest.tensor;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The browsing pages as HTML: content, escaping, sanitised cards, privacy, links between them. */
class WebPagesTest {
  static final String XSS_CARD = """
      ---
      license: mit
      language: [en]
      pipeline_tag: text-classification
      ---
      # Tiny classifier <script>window.__xss = 1</script>

      <img src="x" onerror="window.__xss = 2"> <a href="javascript:window.__xss = 3">click</a>

      | metric | value |
      |---|---|
      | f1 | 0.93 |

      Loss is $\\mathcal{L} = -\\sum_i y_i \\log p_i$.
      """;

  @TempDir static Path data;
  static TestHub hub;
  static String pamSession;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start(data);
    hub.createRepo("tiny-classifier");
    hub.commit("tiny-classifier", Map.of("README.md", XSS_CARD, "src/<img src=x onerror=alert(1)>.py", "print('hi')\nx = 1\n"));
    hub.commitLfs("tiny-classifier", "model.safetensors", safetensors(Map.of("w", tensor("F32", 4, 4))));
    hub.app.drainAnalysis();
    assertThat(hub.postJson("/api/admin/users", ADMIN_TOKEN, Map.of("name", "pam", "password", "correct horse"))
        .statusCode()).isEqualTo(200);
    String pamToken = hub.app.accounts().createToken("pam", "t", org.arbor.service.Accounts.WRITE).token();
    assertThat(hub.postJson("/api/repos/create", pamToken, Map.of("name", "secret-notes", "private", true))
        .statusCode()).isEqualTo(200);
    pamSession = WebSignInTest.signIn(hub, "pam", "correct horse");
  }

  @AfterAll
  static void stop() throws Exception {
    hub.close();
  }

  @Test
  void the_home_page_lists_models_inside_accessible_landmarks_and_ships_no_script() throws Exception {
    Document home = page("/", null, 200);
    assertThat(home.select("header nav[aria-label] a[href=/models]")).hasSize(1);
    assertThat(home.select("main#main a[href=/admin/tiny-classifier]")).isNotEmpty();
    assertThat(home.select("footer")).hasSize(1);
    assertThat(home.select("form[role=search] input[type=search]")).hasSize(1);
    assertThat(home.select("script")).isEmpty();
    assertThat(home.select("html").attr("lang")).isEqualTo("en");
  }

  @Test
  void search_filters_by_facet_links_and_sorts() throws Exception {
    Document results = page("/models?search=tiny", null, 200);
    assertThat(results.select("ul.cards a.id")).extracting(Element::text).containsExactly("admin/tiny-classifier");
    Element mit = results.select("nav.facets a").stream().filter(a -> a.text().equals("mit")).findFirst().orElseThrow();
    assertThat(mit.attr("aria-pressed")).isEqualTo("false");
    Document filtered = page(mit.attr("href"), null, 200);
    assertThat(filtered.select("ul.cards a.id")).extracting(Element::text).containsExactly("admin/tiny-classifier");
    assertThat(filtered.select("nav.facets a[aria-pressed=true]")).extracting(Element::text).contains("mit");
    assertThat(page("/models?search=tiny&filter=license:apache-2.0", null, 200).select("ul.cards")).isEmpty();
    assertThat(page("/models?sort=likes", null, 200).select("select#sort option[selected]").attr("value"))
        .isEqualTo("likes");
    assertThat(page("/models?search=secret", null, 200).select("ul.cards a.id")).isEmpty();
    assertThat(page("/models?search=secret", pamSession, 200).select("ul.cards a.id")).extracting(Element::text)
        .containsExactly("pam/secret-notes");
  }

  @Test
  void the_repo_page_renders_a_sanitised_card_and_the_facts_beside_it() throws Exception {
    HttpResponse<byte[]> r = WebSignInTest.get(hub, "/admin/tiny-classifier", null);
    assertThat(TestHub.header(r, "Content-Security-Policy")).contains("script-src 'none'");
    Document repo = Jsoup.parse(text(r));
    Element card = repo.selectFirst("article.card");
    assertThat(card.select("table td")).extracting(Element::text).containsExactly("f1", "0.93");
    assertThat(card.select("span.math").text()).isEqualTo("$\\mathcal{L} = -\\sum_i y_i \\log p_i$");
    assertThat(repo.select("script")).isEmpty();
    assertThat(repo.getAllElements().stream().flatMap(e -> e.attributes().asList().stream())
        .filter(a -> a.getKey().startsWith("on") || a.getValue().contains("javascript:"))).isEmpty();
    Element aside = repo.selectFirst("aside");
    assertThat(aside.text()).contains("mit", "MIT License", "16 params", "F32", "safetensors");
    assertThat(aside.select("pre code").text()).contains("snapshot_download(\"admin/tiny-classifier\"")
        .contains("git clone " + hub.url + "/admin/tiny-classifier");
  }

  @Test
  void files_a_file_the_history_and_a_commit_link_together() throws Exception {
    Document tree = page("/admin/tiny-classifier/tree/main", null, 200);
    assertThat(tree.select("td a")).extracting(Element::text).contains("src/", "model.safetensors", "README.md");
    Element weights = tree.select("tr").stream().filter(tr -> tr.text().contains("model.safetensors")).findFirst()
        .orElseThrow();
    assertThat(weights.text()).contains("LFS");

    Document folder = page("/admin/tiny-classifier/tree/main/src", null, 200);
    Element odd = folder.selectFirst("td a");
    assertThat(odd.text()).isEqualTo("<img src=x onerror=alert(1)>.py");   // a file name is text, never markup
    assertThat(folder.select("main img")).isEmpty();
    Document blob = page(odd.attr("href"), null, 200);
    assertThat(blob.select("pre.lines span.line")).extracting(Element::text).containsExactly("print('hi')", "x = 1");
    assertThat(blob.select("a:contains(raw)").attr("href")).startsWith("/admin/tiny-classifier/raw/main/src/");

    Document history = page("/admin/tiny-classifier/commits/main", null, 200);
    Element first = history.select("table.list tbody a").last();
    Document commit = page(first.attr("href"), null, 200);
    assertThat(commit.select("section.diff p a.mono")).extracting(Element::text).contains(".gitattributes");

    Document withCard = page(history.select("table.list tbody a").get(1).attr("href"), null, 200);
    assertThat(withCard.select("section.diff span.add")).extracting(Element::text)
        .contains("+# Tiny classifier <script>window.__xss = 1</script>");
    assertThat(withCard.select("script")).isEmpty();

    Document lfsCommit = page(history.select("table.list tbody a").first().attr("href"), null, 200);
    assertThat(lfsCommit.text()).contains("Binary, LFS-stored or large file");
  }

  @Test
  void private_repositories_show_only_to_their_readers_and_missing_things_are_clear() throws Exception {
    assertThat(page("/pam/secret-notes", null, 401).text()).contains("Sign in");
    assertThat(page("/pam/secret-notes", pamSession, 200).select("h1").text()).contains("pam/secret-notes", "private");
    assertThat(page("/admin/tiny-classifier/blob/main/nope.txt", null, 404).select("h1").text()).isEqualTo("Not found");
    assertThat(page("/admin/tiny-classifier/commit/0123456", null, 404).select("h1").text()).isEqualTo("Not found");
  }

  @Test
  void weights_are_inspected_on_the_file_page_and_fit_is_estimated_on_the_repo_page() throws Exception {
    Document file = page("/admin/tiny-classifier/blob/main/model.safetensors", null, 200);
    assertThat(file.select("#insp").text()).contains("safetensors");
    assertThat(file.select("section table.list tbody tr").last().select("td")).extracting(Element::text)
        .containsExactly("w", "F32", "[4, 4]");
    Document fit = page("/admin/tiny-classifier?memory=1", null, 200);
    assertThat(fit.select("aside table.list td")).extracting(Element::text).contains("yes");
    assertThat(page("/admin/tiny-classifier?memory=lots", null, 400).text()).contains("number of gigabytes");
  }

  @Test
  void a_signed_in_visitor_likes_and_unlikes_from_the_repo_page() throws Exception {
    Document repo = page("/admin/tiny-classifier", pamSession, 200);
    Element like = repo.selectFirst("form[action=/admin/tiny-classifier/like]");
    assertThat(like.select("button").attr("aria-pressed")).isEqualTo("false");
    String csrf = like.select("input[name=csrf]").val();
    assertThat(WebSignInTest.post(hub, "/admin/tiny-classifier/like", pamSession, Map.of("csrf", csrf, "action", "like"))
        .statusCode()).isEqualTo(303);
    assertThat(TestHub.json(hub.get("/api/models/admin/tiny-classifier", null)).get("likes").asLong()).isEqualTo(1);
    assertThat(page("/admin/tiny-classifier", pamSession, 200).select("form[action$=/like] button").attr("aria-pressed"))
        .isEqualTo("true");
    assertThat(WebSignInTest.post(hub, "/admin/tiny-classifier/like", pamSession, Map.of("csrf", "x", "action", "unlike"))
        .statusCode()).isEqualTo(403);
    assertThat(WebSignInTest.post(hub, "/admin/tiny-classifier/like", pamSession,
        Map.of("csrf", csrf, "action", "unlike")).statusCode()).isEqualTo(303);
    assertThat(TestHub.json(hub.get("/api/models/admin/tiny-classifier", null)).get("likes").asLong()).isZero();
    assertThat(page("/admin/tiny-classifier", null, 200).select("form[action$=/like]")).isEmpty();
  }

  @Test
  void users_and_organisations_have_pages_listing_what_the_visitor_may_see() throws Exception {
    Document admin = page("/admin", null, 200);
    assertThat(admin.select("ul.cards a.id")).extracting(Element::text).contains("admin/tiny-classifier");
    assertThat(page("/pam", null, 200).select("ul.cards a.id")).isEmpty();
    assertThat(page("/pam", pamSession, 200).select("ul.cards a.id")).extracting(Element::text)
        .contains("pam/secret-notes");
    assertThat(page("/nobody-here", null, 404).select("h1").text()).isEqualTo("Not found");
  }

  @Test
  void tokens_are_created_shown_once_and_revoked_from_the_settings_page() throws Exception {
    assertThat(WebSignInTest.get(hub, "/settings/tokens", null).statusCode()).isEqualTo(303);
    Document tokens = page("/settings/tokens", pamSession, 200);
    String csrf = tokens.select("form input[name=csrf]").first().val();
    assertThat(WebSignInTest.post(hub, "/settings/tokens", pamSession, Map.of("csrf", "forged", "name", "x"))
        .statusCode()).isEqualTo(403);
    HttpResponse<byte[]> created = WebSignInTest.post(hub, "/settings/tokens", pamSession,
        Map.of("csrf", csrf, "name", "laptop", "role", "read"));
    assertThat(created.statusCode()).isEqualTo(200);
    Document shown = Jsoup.parse(text(created));
    String token = shown.select("#token-value").text();
    assertThat(token).matches("hf_[A-Za-z0-9]{34}");
    assertThat(hub.get("/api/whoami-v2", token).statusCode()).isEqualTo(200);
    assertThat(page("/settings/tokens", pamSession, 200).select("#token-value")).as("shown only once").isEmpty();

    String id = shown.select("input[name=revoke]").stream()
        .filter(i -> i.closest("tr").text().contains("laptop")).findFirst().orElseThrow().val();
    assertThat(WebSignInTest.post(hub, "/settings/tokens", pamSession, Map.of("csrf", csrf, "revoke", id))
        .statusCode()).isEqualTo(200);
    assertThat(hub.get("/api/whoami-v2", token).statusCode()).isEqualTo(401);
  }

  @Test
  void a_repository_is_created_configured_and_deleted_from_its_pages() throws Exception {
    String csrf = page("/new", pamSession, 200).select("input[name=csrf]").val();
    HttpResponse<byte[]> made = WebSignInTest.post(hub, "/new", pamSession, Map.of("csrf", csrf, "type", "model",
        "owner", "pam", "name", "from-the-web", "license", "mit", "visibility", "private"));
    assertThat(made.statusCode()).isEqualTo(303);
    assertThat(TestHub.header(made, "Location")).isEqualTo("/pam/from-the-web");
    assertThat(hub.get("/api/models/pam/from-the-web", null).statusCode()).isEqualTo(401);
    assertThat(page("/pam/from-the-web", pamSession, 200).select("aside").text()).contains("MIT License");

    assertThat(page("/admin/tiny-classifier/settings", pamSession, 403).select("h1").text()).isEqualTo("Not allowed");
    Document settings = page("/pam/from-the-web/settings", pamSession, 200);
    assertThat(settings.select("input[name=visibility][value=private]").hasAttr("checked")).isTrue();
    assertThat(WebSignInTest.post(hub, "/pam/from-the-web/settings", pamSession,
        Map.of("csrf", csrf, "action", "visibility", "visibility", "public")).statusCode()).isEqualTo(303);
    assertThat(hub.get("/api/models/pam/from-the-web", null).statusCode()).isEqualTo(200);

    HttpResponse<byte[]> wrong = WebSignInTest.post(hub, "/pam/from-the-web/settings", pamSession,
        Map.of("csrf", csrf, "action", "delete", "confirm", "pam/other"));
    assertThat(wrong.statusCode()).isEqualTo(400);
    assertThat(text(wrong)).contains("Type pam/from-the-web to confirm");
    assertThat(WebSignInTest.post(hub, "/pam/from-the-web/settings", pamSession,
        Map.of("csrf", csrf, "action", "delete", "confirm", "pam/from-the-web")).statusCode()).isEqualTo(303);
    assertThat(hub.get("/api/models/pam/from-the-web", null).statusCode()).isEqualTo(401);
  }

  private static Document page(String path, String cookie, int status) throws Exception {
    HttpResponse<byte[]> r = WebSignInTest.get(hub, path, cookie);
    assertThat(r.statusCode()).as(path + ": " + text(r)).isEqualTo(status);
    assertThat(TestHub.header(r, "Content-Type")).startsWith("text/html");
    return Jsoup.parse(text(r), hub.url);
  }
}
