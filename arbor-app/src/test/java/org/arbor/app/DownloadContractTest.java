package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.TestHub.header;
import static org.arbor.app.TestHub.json;
import static org.arbor.app.TestHub.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What hf_hub_download, downloadFile and transformers.js read from resolve/raw: headers, ranges, revisions. */
class DownloadContractTest {
  @TempDir static Path data;
  static TestHub hub;
  static String commit;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start(data);
    hub.createRepo("dl");
    Map<String, String> files = new LinkedHashMap<>();
    files.put("config.json", "{\"a\":1}");
    files.put("nested/dir/a+b c.txt", "plus and space");
    files.put("empty.txt", "");
    commit = hub.commit("dl", files);
    hub.postJson("/api/models/admin/dl/branch/feature%2Fx", ADMIN_TOKEN, Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    hub.close();
  }

  @Test
  void head_carries_commit_etag_and_length() throws Exception {
    HttpResponse<byte[]> r = hub.head("/admin/dl/resolve/main/config.json", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(header(r, "X-Repo-Commit")).isEqualTo(commit);
    assertThat(header(r, "ETag")).matches("\"[0-9a-f]{40}\"");
    assertThat(header(r, "Content-Length")).isEqualTo("7");
    assertThat(header(r, "Accept-Ranges")).isEqualTo("bytes");
    assertThat(r.body()).isEmpty();
  }

  @Test
  void range_gives_206_with_content_range() throws Exception {
    HttpResponse<byte[]> r = hub.send(hub.request("/admin/dl/resolve/main/config.json", null)
        .header("Range", "bytes=1-3").GET().build());
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(header(r, "Content-Range")).isEqualTo("bytes 1-3/7");
    assertThat(text(r)).isEqualTo("\"a\"");
  }

  @Test
  void open_and_suffix_ranges() throws Exception {
    HttpResponse<byte[]> open = hub.send(hub.request("/admin/dl/resolve/main/config.json", null)
        .header("Range", "bytes=5-").GET().build());
    assertThat(text(open)).isEqualTo("1}");
    HttpResponse<byte[]> suffix = hub.send(hub.request("/admin/dl/resolve/main/config.json", null)
        .header("Range", "bytes=-2").GET().build());
    assertThat(suffix.statusCode()).isEqualTo(206);
    assertThat(header(suffix, "Content-Range")).isEqualTo("bytes 5-6/7");
  }

  @Test
  void range_past_the_end_is_416() throws Exception {
    HttpResponse<byte[]> r = hub.send(hub.request("/admin/dl/resolve/main/config.json", null)
        .header("Range", "bytes=7-").GET().build());
    assertThat(r.statusCode()).isEqualTo(416);
    assertThat(header(r, "Content-Range")).isEqualTo("bytes */7");
  }

  @Test
  void empty_file_probe_is_200_with_content_range() throws Exception {
    HttpResponse<byte[]> r = hub.send(hub.request("/admin/dl/resolve/main/empty.txt", null)
        .header("Range", "bytes=0-0").GET().build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(header(r, "Content-Range")).isEqualTo("bytes */0");
    assertThat(r.body()).isEmpty();
  }

  @Test
  void encoded_path_with_plus_and_space() throws Exception {
    HttpResponse<byte[]> r = hub.get("/admin/dl/resolve/main/nested/dir/a+b%20c.txt", null);
    assertThat(text(r)).isEqualTo("plus and space");
    HttpResponse<byte[]> encodedSlashes = hub.get("/admin/dl/resolve/main/nested%2Fdir%2Fa%2Bb%20c.txt", null);
    assertThat(text(encodedSlashes)).isEqualTo("plus and space");
  }

  @Test
  void revisions_by_branch_with_slash_sha_short_sha_and_head() throws Exception {
    assertThat(hub.get("/admin/dl/resolve/feature%2Fx/config.json", null).statusCode()).isEqualTo(200);
    assertThat(hub.get("/admin/dl/resolve/feature/x/config.json", null).statusCode()).isEqualTo(200);
    assertThat(hub.get("/admin/dl/resolve/" + commit + "/config.json", null).statusCode()).isEqualTo(200);
    assertThat(hub.get("/admin/dl/resolve/" + commit.substring(0, 10) + "/config.json", null).statusCode())
        .isEqualTo(200);
    HttpResponse<byte[]> info = hub.get("/api/models/admin/dl/revision/HEAD", null);
    assertThat(json(info).get("sha").asText()).isEqualTo(commit);
  }

  @Test
  void missing_file_is_EntryNotFound_with_commit() throws Exception {
    HttpResponse<byte[]> r = hub.head("/admin/dl/resolve/main/missing.bin", null);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(header(r, "X-Error-Code")).isEqualTo("EntryNotFound");
    assertThat(header(r, "X-Repo-Commit")).isEqualTo(commit);
  }

  @Test
  void missing_revision_is_RevisionNotFound_and_double_encoding_is_not_decoded_twice() throws Exception {
    HttpResponse<byte[]> r = hub.get("/admin/dl/resolve/nope/config.json", null);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(header(r, "X-Error-Code")).isEqualTo("RevisionNotFound");
    HttpResponse<byte[]> twice = hub.get("/admin/dl/resolve/feature%252Fx/config.json", null);
    assertThat(header(twice, "X-Error-Code")).isEqualTo("RevisionNotFound");
  }

  @Test
  void revspec_syntax_is_not_a_revision() throws Exception {
    HttpResponse<byte[]> r = hub.get("/admin/dl/resolve/main~1/config.json", null);
    assertThat(header(r, "X-Error-Code")).isEqualTo("RevisionNotFound");
  }

  @Test
  void missing_repo_is_401_anonymous_and_404_authenticated() throws Exception {
    HttpResponse<byte[]> anonymous = hub.get("/admin/none/resolve/main/config.json", null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(header(anonymous, "X-Error-Code")).isEqualTo("RepoNotFound");
    HttpResponse<byte[]> authed = hub.get("/admin/none/resolve/main/config.json", ADMIN_TOKEN);
    assertThat(authed.statusCode()).isEqualTo(404);
    assertThat(header(authed, "X-Error-Code")).isEqualTo("RepoNotFound");
    assertThat(header(authed, "Content-Type")).startsWith("application/json");
    assertThat(json(authed).get("error").asText()).isEqualTo("Repository not found");
  }

  @Test
  void downloads_are_never_compressed() throws Exception {
    HttpResponse<byte[]> r = hub.send(hub.request("/admin/dl/resolve/main/config.json", null)
        .header("Accept-Encoding", "gzip").GET().build());
    assertThat(header(r, "Content-Encoding")).isNull();
    assertThat(text(r)).isEqualTo("{\"a\":1}");
  }

  @Test
  void tree_paginates_with_absolute_links_and_dates_end_in_Z() throws Exception {
    HttpResponse<byte[]> first = hub.get("/api/models/admin/dl/tree/main?recursive=true&limit=2&expand=true", null);
    assertThat(json(first)).hasSize(2);
    String link = header(first, "Link");
    assertThat(link).matches("<http://127\\.0\\.0\\.1:\\d+/api/models/admin/dl/tree/main\\?.*cursor=2>; rel=\"next\"");
    assertThat(link).contains("recursive=true").contains("expand=true");
    assertThat(json(first).get(0).get("lastCommit").get("date").asText()).endsWith("Z");
    String next = link.substring(1, link.indexOf('>'));
    HttpResponse<byte[]> second = hub.get(next, null);
    assertThat(json(second).get(0).get("path").asText()).isNotEqualTo(json(first).get(0).get("path").asText());
  }

  @Test
  void paths_info_accepts_form_bodies_and_omits_missing_paths() throws Exception {
    HttpResponse<byte[]> r = hub.post("/api/models/admin/dl/paths-info/main", null,
        "application/x-www-form-urlencoded", "paths=config.json&paths=nope.txt&paths=nested&expand=false");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r)).hasSize(2);
    assertThat(json(r).get(1).get("type").asText()).isEqualTo("directory");
  }

  @Test
  void cors_preflight_and_exposed_headers() throws Exception {
    HttpResponse<byte[]> r = hub.send(hub.request("/admin/dl/resolve/main/config.json", null)
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(header(r, "Access-Control-Allow-Headers")).contains("Range").contains("Authorization");
    HttpResponse<byte[]> get = hub.get("/admin/dl/resolve/main/config.json", null);
    assertThat(header(get, "Access-Control-Expose-Headers")).contains("X-Repo-Commit").contains("Content-Range");
  }
}
