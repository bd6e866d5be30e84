package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code arbor} client commands as a user runs them: each a separate process, against a
 * started hub, with its own config folder and cache.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientCliTest {
  @TempDir static Path data;
  @TempDir static Path home;
  static TestHub hub;
  static byte[] weights;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start(data);
    hub.createRepo("cli-model");
    hub.commit("cli-model", Map.of("config.json", "{\"model_type\":\"bert\"}\n", "docs/notes.txt", "hello\n"));
    weights = new byte[6 * 1024 * 1024 + 123];
    new Random(7).nextBytes(weights);
    hub.commitLfs("cli-model", "weights.bin", weights);
  }

  @AfterAll
  static void stop() throws Exception {
    hub.close();
  }

  record Run(int code, String out, String err) {}

  private static Run arbor(String... args) throws Exception {
    ProcessBuilder pb = ArborProcess.builder(args);
    pb.environment().remove("HF_TOKEN");
    pb.environment().remove("ARBOR_ENDPOINT");
    pb.environment().put("XDG_CONFIG_HOME", home.resolve("config").toString());
    pb.environment().put("HF_HUB_CACHE", home.resolve("cache").toString());
    Path out = Files.createTempFile(home, "out", ".txt");
    Path err = Files.createTempFile(home, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  @Order(1)
  void login_saves_a_private_token_and_whoami_reads_it() throws Exception {
    Run bad = arbor("login", "--token", "hf_" + "x".repeat(34), "--endpoint", hub.url);
    assertThat(bad.code()).isEqualTo(3);
    assertThat(bad.err().strip()).startsWith("arbor: The hub refused the token").doesNotContain("\n");

    Run login = arbor("login", "--token", ADMIN_TOKEN, "--endpoint", hub.url);
    assertThat(login.code()).as(login.err()).isZero();
    assertThat(login.out()).contains("Logged in to " + hub.url + " as admin");
    Path token = home.resolve("config/arbor/token");
    assertThat(Files.readString(token).strip()).isEqualTo(ADMIN_TOKEN);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token.getParent()))).isEqualTo("rwx------");
    assertThat(arbor("whoami").out().strip()).isEqualTo("admin");
  }

  @Test
  @Order(2)
  void repositories_branches_and_tags_are_managed_in_one_command_each() throws Exception {
    Run create = arbor("repo", "create", "admin/made-by-cli", "--private");
    assertThat(create.code()).as(create.err()).isZero();
    assertThat(create.out().strip()).isEqualTo(hub.url + "/admin/made-by-cli");
    assertThat(hub.get("/api/models/admin/made-by-cli", null).statusCode()).isEqualTo(401);
    assertThat(arbor("repo", "list", "--author", "admin").out()).contains("admin/made-by-cli (private)");
    assertThat(arbor("repo", "settings", "admin/made-by-cli", "--public").code()).isZero();
    assertThat(hub.get("/api/models/admin/made-by-cli", null).statusCode()).isEqualTo(200);
    assertThat(arbor("repo", "create", "admin/made-by-cli").code()).isEqualTo(5);
    assertThat(arbor("repo", "create", "admin/d-by-cli", "--type", "dataset").code()).isZero();
    assertThat(arbor("repo", "list", "--type", "dataset").out()).contains("admin/d-by-cli");
    assertThat(arbor("repo", "list", "--type", "space").code()).isEqualTo(2);

    assertThat(arbor("branch", "create", "admin/made-by-cli", "dev").code()).isZero();
    assertThat(arbor("tag", "create", "admin/made-by-cli", "v1", "-m", "first").code()).isZero();
    var refs = TestHub.json(hub.get("/api/models/admin/made-by-cli/refs", ADMIN_TOKEN));
    assertThat(refs.get("branches").findValuesAsText("name")).contains("dev");
    assertThat(refs.get("tags").findValuesAsText("name")).contains("v1");
    assertThat(arbor("tag", "delete", "admin/made-by-cli", "v1").code()).isZero();
    assertThat(arbor("branch", "delete", "admin/made-by-cli", "dev").code()).isZero();
    assertThat(arbor("repo", "delete", "admin/made-by-cli").code()).as("needs --yes without a terminal").isEqualTo(5);
    assertThat(arbor("repo", "delete", "admin/made-by-cli", "--yes").code()).isZero();
    Run missing = arbor("repo", "delete", "admin/made-by-cli", "--yes");
    assertThat(missing.code()).isEqualTo(4);
    assertThat(missing.err().strip()).startsWith("arbor: Not found").doesNotContain("\n");
  }

  @Test
  @Order(3)
  void download_verifies_every_file_and_a_second_run_fetches_nothing() throws Exception {
    Path dir = home.resolve("local");
    Run first = arbor("download", "admin/cli-model", "--local-dir", dir.toString());
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out().strip()).isEqualTo(dir.toString());
    assertThat(Files.readAllBytes(dir.resolve("weights.bin"))).isEqualTo(weights);
    assertThat(Files.readString(dir.resolve("docs/notes.txt"))).isEqualTo("hello\n");
    assertThat(first.err()).contains("4 fetched, 0 already here");
    Run again = arbor("download", "admin/cli-model", "--local-dir", dir.toString());
    assertThat(again.err()).contains("0 fetched, 4 already here");

    Run search = arbor("search", "cli-mod", "--author", "admin");
    assertThat(search.code()).isZero();
    assertThat(search.out()).contains("admin/cli-model");
    assertThat(arbor("search", "cli", "--filter", "license:nothing-like-this").err()).contains("Nothing found");

    Run some = arbor("download", "admin/cli-model", "--local-dir", home.resolve("some").toString(), "--include", "*.json");
    assertThat(some.err()).contains("1 fetched");
    assertThat(Files.exists(home.resolve("some/weights.bin"))).isFalse();
  }

  @Test
  @Order(4)
  void an_interrupted_download_resumes_and_a_corrupt_partial_file_is_fetched_again() throws Exception {
    Path resumed = home.resolve("resumed");
    Files.createDirectories(resumed);
    int half = weights.length / 2;
    Files.write(resumed.resolve("weights.bin.incomplete"), Arrays.copyOf(weights, half));   // as a killed run leaves it
    Run run = arbor("download", "admin/cli-model", "weights.bin", "--local-dir", resumed.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.err()).contains("resuming weights.bin: ").contains("resumed");
    assertThat(Files.readAllBytes(resumed.resolve("weights.bin"))).isEqualTo(weights);
    assertThat(Files.exists(resumed.resolve("weights.bin.incomplete"))).isFalse();

    Path corrupt = home.resolve("corrupt");
    Files.createDirectories(corrupt);
    byte[] garbage = new byte[half];
    Arrays.fill(garbage, (byte) 7);
    Files.write(corrupt.resolve("weights.bin.incomplete"), garbage);
    Run fixed = arbor("download", "admin/cli-model", "weights.bin", "--local-dir", corrupt.toString());
    assertThat(fixed.code()).as(fixed.err()).isZero();
    assertThat(Files.readAllBytes(corrupt.resolve("weights.bin"))).isEqualTo(weights);

    Files.write(corrupt.resolve("weights.bin"), "tampered".getBytes(StandardCharsets.UTF_8));
    assertThat(arbor("download", "admin/cli-model", "--local-dir", corrupt.toString()).err())
        .contains("fetched weights.bin");
    assertThat(Files.readAllBytes(corrupt.resolve("weights.bin"))).isEqualTo(weights);
  }

  @Test
  @Order(5)
  void the_cache_layout_is_the_one_huggingface_hub_reads() throws Exception {
    Run run = arbor("download", "admin/cli-model");
    assertThat(run.code()).as(run.err()).isZero();
    Path snapshot = Path.of(run.out().strip());
    Path repo = home.resolve("cache/models--admin--cli-model");
    String commit = TestHub.json(hub.get("/api/models/admin/cli-model", null)).get("sha").asText();
    assertThat(snapshot).isEqualTo(repo.resolve("snapshots").resolve(commit));
    assertThat(Files.readString(repo.resolve("refs/main")).strip()).isEqualTo(commit);
    Path link = snapshot.resolve("weights.bin");
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(link.toRealPath()).isEqualTo(repo.resolve("blobs").resolve(org.arbor.core.Sha256.digest(weights).hex())
        .toRealPath());
    assertThat(Files.readAllBytes(link)).isEqualTo(weights);
  }

  @Test
  @Order(6)
  void a_folder_uploads_and_a_second_run_sends_no_large_file_again() throws Exception {
    Path folder = home.resolve("to-upload");
    Files.createDirectories(folder.resolve("sub"));
    Files.writeString(folder.resolve("config.json"), "{\"model_type\":\"llama\"}\n");
    Files.writeString(folder.resolve("sub/readme.txt"), "notes\n");
    byte[] big = new byte[3 * 1024 * 1024];
    new Random(11).nextBytes(big);
    Files.write(folder.resolve("model.safetensors"), big);
    Run up = arbor("upload", "admin/uploaded", folder.toString(), "-m", "First upload");
    assertThat(up.code()).as(up.err()).isZero();
    assertThat(up.err()).contains("created admin/uploaded").contains("3 files in 1 commit(s); 1 large files sent");
    var info = TestHub.json(hub.get("/api/models/admin/uploaded?blobs=true", null));
    assertThat(info.get("siblings").findValuesAsText("rfilename"))
        .contains("config.json", "sub/readme.txt", "model.safetensors");
    Run again = arbor("upload", "admin/uploaded", folder.toString());
    assertThat(again.err()).contains("0 large files sent").contains("1 already on the hub");

    Path back = home.resolve("round-trip");
    assertThat(arbor("download", "admin/uploaded", "--local-dir", back.toString()).code()).isZero();
    assertThat(Files.readAllBytes(back.resolve("model.safetensors"))).isEqualTo(big);
    assertThat(Files.readString(back.resolve("sub/readme.txt"))).isEqualTo("notes\n");
  }

  @Test
  @Order(7)
  void failures_say_so_in_one_line_with_their_exit_code() throws Exception {
    Run missing = arbor("download", "admin/no-such-model", "--local-dir", home.resolve("x").toString());
    assertThat(missing.code()).isEqualTo(4);
    assertThat(missing.err().strip()).startsWith("arbor: Not found").doesNotContain("\n");
    Run offline = arbor("whoami", "--endpoint", "http://127.0.0.1:9");
    assertThat(offline.code()).isEqualTo(6);
    assertThat(offline.err().strip()).contains("Could not reach http://127.0.0.1:9").contains("after 4 attempts");
    assertThat(arbor("logout").out()).contains("Logged out");
    assertThat(arbor("whoami").code()).isEqualTo(3);
  }
}
