package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.TestHub.json;
import static org.arbor.app.TestHub.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.arbor.app.GitCli.Result;
import org.arbor.core.Sha256;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stock {@code git} and {@code git-lfs} against a hub: clone, fetch, push, LFS both ways, private
 * repositories, refused pushes, and history shared with the API.
 */
class GitClientIT {
  @TempDir static Path data;
  @TempDir static Path home;
  @TempDir Path work;
  static TestHub hub;
  static GitCli git;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start(data);
    git = GitCli.configured(home);
  }

  @AfterAll
  static void stop() throws Exception {
    hub.close();
  }

  @Test
  void clone_fetch_and_shallow_clone_see_api_commits() throws Exception {
    hub.createRepo("cloned");
    String first = hub.commit("cloned", Map.of("config.json", "{}", "dir/a.txt", "a"));
    assertThat(downloads("cloned")).isZero();
    run(work, "git", "clone", url("cloned", null), "full").assertOk();
    assertThat(Files.readString(work.resolve("full/dir/a.txt"))).isEqualTo("a");
    assertThat(downloads("cloned")).as("a clone counts as a download").isEqualTo(1);
    assertThat(run(work.resolve("full"), "git", "rev-parse", "HEAD").out().strip()).isEqualTo(first);

    String second = hub.commit("cloned", Map.of("b.txt", "b"));
    run(work.resolve("full"), "git", "pull", "-q").assertOk();
    assertThat(run(work.resolve("full"), "git", "rev-parse", "HEAD").out().strip()).isEqualTo(second);

    run(work, "git", "clone", "--depth", "1", url("cloned", null) + ".git", "shallow").assertOk();
    assertThat(run(work.resolve("shallow"), "git", "rev-list", "--count", "HEAD").out().strip()).isEqualTo("1");
    assertThat(downloads("cloned")).as("the same anonymous caller, the same day").isEqualTo(1);
  }

  private static long downloads(String name) throws Exception {
    return json(hub.get("/api/models/admin/" + name, null)).get("downloads").asLong();
  }

  @Test
  void push_branches_tags_deletions_and_force_pushes() throws Exception {
    hub.createRepo("pushed");
    Path repo = cloneAs("pushed", ADMIN_TOKEN);
    write(repo, "model.txt", "v1");
    run(repo, "git", "add", ".").assertOk();
    run(repo, "git", "commit", "-qm", "first push").assertOk();
    run(repo, "git", "push", "-q", "origin", "main").assertOk();
    String head = run(repo, "git", "rev-parse", "HEAD").out().strip();
    JsonNode info = json(hub.get("/api/models/admin/pushed", null));
    assertThat(info.get("sha").asText()).isEqualTo(head);
    assertThat(text(hub.get("/admin/pushed/resolve/main/model.txt", null))).isEqualTo("v1");

    run(repo, "git", "checkout", "-qb", "feature/x").assertOk();
    write(repo, "feature.txt", "f");
    run(repo, "git", "add", ".").assertOk();
    run(repo, "git", "commit", "-qm", "feature").assertOk();
    run(repo, "git", "push", "-q", "origin", "feature/x").assertOk();
    run(repo, "git", "tag", "v1.0").assertOk();
    run(repo, "git", "push", "-q", "origin", "v1.0").assertOk();
    JsonNode refs = json(hub.get("/api/models/admin/pushed/refs", null));
    assertThat(refs.get("branches").findValuesAsText("name")).contains("main", "feature/x");
    assertThat(refs.get("tags").findValuesAsText("name")).containsExactly("v1.0");
    assertThat(text(hub.get("/admin/pushed/resolve/feature%2Fx/feature.txt", null))).isEqualTo("f");

    run(repo, "git", "commit", "-q", "--amend", "-m", "feature, rewritten").assertOk();
    run(repo, "git", "push", "-q", "--force", "origin", "feature/x").assertOk();
    assertThat(json(hub.get("/api/models/admin/pushed/commits/feature%2Fx", null)).get(0).get("title").asText())
        .isEqualTo("feature, rewritten");

    run(repo, "git", "push", "-q", "origin", "--delete", "v1.0", "feature/x").assertOk();
    refs = json(hub.get("/api/models/admin/pushed/refs", null));
    assertThat(refs.get("branches").findValuesAsText("name")).containsExactly("main");
    assertThat(refs.get("tags")).isEmpty();

    Result deleteMain = run(repo, "git", "push", "origin", "--delete", "main");
    assertThat(deleteMain.code()).isNotZero();
    assertThat(deleteMain.out()).contains("default branch cannot be deleted");
  }

  @Test
  void lfs_push_clone_pull_and_fetch_all_round_trip() throws Exception {
    hub.createRepo("weights");
    Path repo = cloneAs("weights", ADMIN_TOKEN);
    run(repo, "git", "lfs", "track", "*.bin").assertOk();
    byte[] weights = random(3_000_000, 7);
    Files.write(repo.resolve("model.bin"), weights);
    run(repo, "git", "add", ".").assertOk();
    run(repo, "git", "commit", "-qm", "weights").assertOk();
    Result push = run(repo, "git", "push", "origin", "main");
    push.assertOk();
    assertThat(push.out()).doesNotContainIgnoringCase("locking api").doesNotContainIgnoringCase("warning");

    String oid = Sha256.digest(weights).hex();
    JsonNode entry = json(hub.postJson("/api/models/admin/weights/paths-info/main", null, Map.of("paths", List.of("model.bin")))).get(0);
    assertThat(entry.get("lfs").get("oid").asText()).isEqualTo(oid);
    assertThat(hub.get("/admin/weights/resolve/main/model.bin", null).body()).isEqualTo(weights);

    run(work, "git", "clone", "-q", url("weights", null), "other").assertOk();
    assertThat(Files.readAllBytes(work.resolve("other/model.bin"))).isEqualTo(weights);

    Path pointersOnly = work.resolve("pointers");
    ProcessBuilder skip = command(work, "git", "clone", "-q", url("weights", null), "pointers");
    skip.environment().put("GIT_LFS_SKIP_SMUDGE", "1");
    finish(skip).assertOk();
    assertThat(Files.readString(pointersOnly.resolve("model.bin"))).startsWith("version https://git-lfs.github.com/spec/v1");
    run(pointersOnly, "git", "lfs", "fetch", "--all").assertOk();
    run(pointersOnly, "git", "lfs", "pull").assertOk();
    assertThat(Files.readAllBytes(pointersOnly.resolve("model.bin"))).isEqualTo(weights);
    run(repo, "git", "lfs", "push", "--all", "origin").assertOk();
  }

  @Test
  void lfs_locks_round_trip() throws Exception {
    hub.createRepo("locked");
    Path repo = cloneAs("locked", ADMIN_TOKEN);
    run(repo, "git", "lfs", "track", "*.bin").assertOk();
    Files.write(repo.resolve("a.bin"), random(1000, 1));
    run(repo, "git", "add", ".").assertOk();
    run(repo, "git", "commit", "-qm", "a").assertOk();
    run(repo, "git", "push", "-q", "origin", "main").assertOk();
    run(repo, "git", "lfs", "lock", "a.bin").assertOk();
    assertThat(run(repo, "git", "lfs", "locks").out()).contains("a.bin").contains("admin");
    run(repo, "git", "lfs", "unlock", "a.bin").assertOk();
    assertThat(run(repo, "git", "lfs", "locks").out()).doesNotContain("a.bin");
  }

  @Test
  void private_repos_ask_for_credentials_and_hide_from_others() throws Exception {
    hub.createRepo("private-git");
    hub.commit("private-git", Map.of("s.txt", "secret"));
    hub.send(hub.request("/api/models/admin/private-git/settings", ADMIN_TOKEN).header("Content-Type", "application/json")
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"private\":true}")).build());

    HttpResponse<byte[]> anonymous = hub.get("/admin/private-git/info/refs?service=git-upload-pack", null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(TestHub.header(anonymous, "WWW-Authenticate")).startsWith("Basic");

    Result noCredentials = run(work, "git", "clone", url("private-git", null), "anon");
    assertThat(noCredentials.code()).isNotZero();
    Result bob = run(work, "git", "clone", url("private-git", hub.bobToken), "bob");
    assertThat(bob.code()).isNotZero();
    assertThat(bob.out()).containsIgnoringCase("not found");
    run(work, "git", "clone", "-q", url("private-git", ADMIN_TOKEN), "owner").assertOk();
    assertThat(Files.readString(work.resolve("owner/s.txt"))).isEqualTo("secret");
  }

  @Test
  void push_needs_write_access() throws Exception {
    hub.createRepo("readonly");
    Path repo = cloneAs("readonly", hub.readToken);
    write(repo, "x.txt", "x");
    run(repo, "git", "add", ".").assertOk();
    run(repo, "git", "commit", "-qm", "x").assertOk();
    Result push = run(repo, "git", "push", "origin", "main");
    assertThat(push.code()).isNotZero();
    assertThat(push.out()).contains("403");
  }

  @Test
  void refused_pushes_say_why_and_change_nothing() throws Exception {
    hub.createRepo("refused");
    String before = json(hub.get("/api/models/admin/refused", null)).get("sha").asText();
    Path repo = cloneAs("refused", ADMIN_TOKEN);

    Files.write(repo.resolve("huge.dat"), random(11 * 1024 * 1024, 3));
    run(repo, "git", "add", "huge.dat").assertOk();
    run(repo, "git", "commit", "-qm", "too big").assertOk();
    Result big = run(repo, "git", "push", "origin", "main");
    assertThat(big.code()).isNotZero();
    assertThat(big.out()).contains("git lfs track");
    run(repo, "git", "reset", "-q", "--hard", "HEAD~1").assertOk();

    String pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" + "b".repeat(64) + "\nsize 12\n";
    ProcessBuilder add = command(repo, "git", "-c", "filter.lfs.clean=cat", "-c", "filter.lfs.required=false", "add", "x.safetensors");
    Files.writeString(repo.resolve("x.safetensors"), pointer);
    finish(add).assertOk();
    run(repo, "git", "commit", "-qm", "dangling pointer").assertOk();
    ProcessBuilder push = command(repo, "git", "push", "origin", "main");
    push.environment().put("GIT_LFS_SKIP_PUSH", "1");
    Result dangling = finish(push);
    assertThat(dangling.code()).isNotZero();
    assertThat(dangling.out()).contains("never uploaded");
    run(repo, "git", "reset", "-q", "--hard", "HEAD~1").assertOk();

    write(repo, "a\\b.txt", "backslash");
    run(repo, "git", "add", ".").assertOk();
    run(repo, "git", "commit", "-qm", "bad path").assertOk();
    Result badPath = run(repo, "git", "push", "origin", "main");
    assertThat(badPath.code()).isNotZero();
    assertThat(badPath.out()).contains("Invalid path");

    assertThat(json(hub.get("/api/models/admin/refused", null)).get("sha").asText()).isEqualTo(before);
  }

  @Test
  void api_commits_and_pushes_interleave_on_one_history() throws Exception {
    hub.createRepo("mixed");
    String api1 = hub.commit("mixed", Map.of("one.txt", "1"));
    Path repo = cloneAs("mixed", ADMIN_TOKEN);
    Path stale = cloneAs("mixed", ADMIN_TOKEN, "stale");
    write(repo, "two.txt", "2");
    run(repo, "git", "add", ".").assertOk();
    run(repo, "git", "commit", "-qm", "two by git").assertOk();
    run(repo, "git", "push", "-q", "origin", "main").assertOk();
    String pushed = run(repo, "git", "rev-parse", "HEAD").out().strip();

    HttpResponse<byte[]> late = hub.post("/api/models/admin/mixed/commit/main", ADMIN_TOKEN, "application/x-ndjson",
        "{\"key\":\"header\",\"value\":{\"summary\":\"late\",\"parentCommit\":\"" + api1 + "\"}}\n"
            + "{\"key\":\"file\",\"value\":{\"path\":\"late.txt\",\"content\":\"bGF0ZQ==\"}}\n");
    assertThat(late.statusCode()).isEqualTo(412);
    String api3 = hub.commit("mixed", Map.of("three.txt", "3"));

    write(stale, "four.txt", "4");
    run(stale, "git", "add", ".").assertOk();
    run(stale, "git", "commit", "-qm", "four from a stale clone").assertOk();
    Result rejected = run(stale, "git", "push", "origin", "main");
    assertThat(rejected.code()).isNotZero();
    assertThat(rejected.out()).containsAnyOf("non-fast-forward", "fetch first", "rejected");

    run(repo, "git", "pull", "-q").assertOk();
    List<String> log = List.of(run(repo, "git", "log", "--format=%H", "main").out().strip().split("\n"));
    assertThat(log.subList(0, 3)).containsExactly(api3, pushed, api1);
    List<String> apiLog = json(hub.get("/api/models/admin/mixed/commits/main", null)).findValuesAsText("id");
    assertThat(apiLog.subList(0, 3)).containsExactly(api3, pushed, api1);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private Path cloneAs(String name, String token) throws Exception {
    return cloneAs(name, token, "clone-" + name);
  }

  private Path cloneAs(String name, String token, String dir) throws Exception {
    run(work, "git", "clone", "-q", url(name, token), dir).assertOk();
    return work.resolve(dir);
  }

  private static String url(String name, String token) {
    String base = hub.url.replace("http://", "http://" + (token == null ? "" : "user:" + token + "@"));
    return base + "/admin/" + name;
  }

  private static void write(Path dir, String name, String content) throws IOException {
    Files.writeString(dir.resolve(name), content);
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static Result run(Path dir, String... args) throws Exception {
    return git.run(dir, args);
  }

  private static ProcessBuilder command(Path dir, String... args) {
    return git.command(dir, args);
  }

  private static Result finish(ProcessBuilder builder) throws Exception {
    return GitCli.finish(builder);
  }
}
