package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.WeightsContractTest.safetensors;
import static org.arbor.app.WeightsContractTest.tensor;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code arbor inspect}, {@code arbor scan} and {@code arbor fit} on a repository of a started hub,
 * each a separate process: weights read from their headers by range requests, files scanned by
 * their bytes, fit estimated, nothing downloaded whole.
 */
class DueDiligenceCliTest {
  @TempDir static Path data;
  @TempDir static Path home;
  static TestHub hub;
  static int weightsSize;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start(data);
    hub.createRepo("dd");
    hub.commit("dd", Map.of("config.json", """
        {"architectures": ["LlamaForCausalLM"], "num_hidden_layers": 4, "hidden_size": 64,
         "num_attention_heads": 8, "num_key_value_heads": 2, "max_position_embeddings": 1024}"""));
    byte[] weights = safetensors(Map.of("model.embed.weight", tensor("F32", 1024, 2048), "lm_head.weight",
        tensor("BF16", 64, 64)));
    weightsSize = weights.length;
    hub.commitLfs("dd", "model.safetensors", weights);
    hub.commitLfs("dd", "extra/evil.pkl", ScanContractTest.EVIL);
    byte[] junk = new byte[300_000];
    new java.util.Random(1).nextBytes(junk);
    hub.commitLfs("dd", "junk.bin", junk); // named like PyTorch weights, but not
    hub.createRepo("clean");
    hub.commitLfs("clean", "state.pkl", ScanContractTest.BENIGN);
  }

  @AfterAll
  static void stop() throws Exception {
    hub.close();
  }

  @Test
  void inspect_reads_a_repositorys_weights_from_their_headers() throws Exception {
    Run run = arbor("inspect", "--repo", "admin/dd");
    assertThat(run.code()).as("a file that is not weights after all is noted, not fatal: " + run.err()).isZero();
    assertThat(run.err()).contains("junk.bin: not a weight file Arbor reads");
    assertThat(run.out()).contains("model.safetensors: safetensors, 2,101,248 parameters")
        .contains("F32      2,097,152").contains("BF16     4,096").contains("model.embed.weight")
        .doesNotContain("config.json").doesNotContain("evil.pkl");
    Matcher read = Pattern.compile("read ([\\d,]+) of ([\\d,]+) bytes").matcher(run.out());
    assertThat(read.find()).isTrue();
    long fetched = Long.parseLong(read.group(1).replace(",", ""));
    assertThat(Long.parseLong(read.group(2).replace(",", ""))).isEqualTo(weightsSize);
    assertThat(fetched).as("a header's window, not the 8 MB file").isLessThanOrEqualTo(64 << 10);

    Run named = arbor("inspect", "--repo", "admin/dd", "model.safetensors", "--json");
    assertThat(named.code()).as(named.err()).isZero();
    assertThat(TestHub.JSON.readTree(named.out()).get("parameters").asLong()).isEqualTo(2_101_248);

    assertThat(arbor("inspect", "--repo", "admin/dd", "junk.bin").code()).as("named, it must parse").isEqualTo(2);
    Run missing = arbor("inspect", "--repo", "admin/dd", "nope.safetensors");
    assertThat(missing.code()).isEqualTo(4);
    assertThat(missing.err().strip()).contains("has no file nope.safetensors").doesNotContain("\n");
    assertThat(arbor("inspect", "--repo", "admin/no-such").code()).isEqualTo(4);
    assertThat(arbor("inspect").code()).isEqualTo(2);
  }

  @Test
  void inspect_of_a_url_sends_the_saved_token_only_to_its_own_hub() throws Exception {
    Path config = home.resolve("token-test");
    Files.createDirectories(config.resolve("arbor"));
    Files.writeString(config.resolve("arbor/token"), ADMIN_TOKEN + "\n");
    Files.writeString(config.resolve("arbor/endpoint"), "http://127.0.0.1:9\n");
    hub.createRepo("private-weights");
    hub.commitLfs("private-weights", "w.safetensors", safetensors(Map.of("w", tensor("F32", 2, 2))));
    hub.send(hub.request("/api/models/admin/private-weights/settings", ADMIN_TOKEN)
        .header("Content-Type", "application/json")
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"private\":true}")).build());
    String url = hub.url + "/admin/private-weights/resolve/main/w.safetensors";

    Run elsewhere = run(config, "inspect", url);
    assertThat(elsewhere.code()).as("the saved token belongs to another hub: not sent").isNotZero();
    assertThat(elsewhere.err()).contains("401");
    Files.writeString(config.resolve("arbor/endpoint"), hub.url + "\n");
    Run own = run(config, "inspect", url);
    assertThat(own.code()).as(own.err()).isZero();
    assertThat(own.out()).contains("w.safetensors: safetensors, 4 parameters");
  }

  @Test
  void scan_judges_every_file_of_a_repository_by_its_bytes() throws Exception {
    Run dirty = arbor("scan", "--repo", "admin/dd");
    assertThat(dirty.code()).as(dirty.err()).isEqualTo(2);
    assertThat(dirty.out()).containsPattern("UNSAFE\\s+extra/evil.pkl").contains("os.system")
        .containsPattern("SAFE\\s+model.safetensors").containsPattern("SAFE\\s+config.json")
        .contains("1 unsafe");

    Run clean = arbor("scan", "--repo", "admin/clean");
    assertThat(clean.code()).as(clean.out() + clean.err()).isZero();
    assertThat(clean.out()).containsPattern("SAFE\\s+state.pkl");
    assertThat(arbor("scan").code()).as("nothing to scan is a usage error").isEqualTo(3);
  }

  @Test
  void fit_says_which_variants_run_in_the_memory_given() throws Exception {
    Run roomy = arbor("fit", "admin/dd", "--memory", "1GiB", "--context", "1024");
    assertThat(roomy.code()).as(roomy.err()).isZero();
    assertThat(roomy.out()).contains("safetensors (as stored)").contains("fits").doesNotContain("does not fit");
    Run tight = arbor("fit", "admin/dd", "--memory", "1MB");
    assertThat(tight.code()).isEqualTo(1);
    assertThat(tight.out()).contains("does not fit");
    Run bad = arbor("fit", "admin/dd", "--memory", "lots");
    assertThat(bad.code()).isEqualTo(5);
    assertThat(bad.err().strip()).contains("Invalid memory size").doesNotContain("\n");
  }

  // ---- helpers --------------------------------------------------------------------------------

  record Run(int code, String out, String err) {}

  private static Run arbor(String... args) throws Exception {
    List<String> withHub = new ArrayList<>(Arrays.asList(args));
    withHub.addAll(List.of("--endpoint", hub.url, "--token", ADMIN_TOKEN));
    return run(home.resolve("config"), withHub.toArray(String[]::new));
  }

  private static Run run(Path config, String... args) throws Exception {
    ProcessBuilder pb = ArborProcess.builder(args);
    pb.environment().remove("HF_TOKEN");
    pb.environment().remove("ARBOR_ENDPOINT");
    pb.environment().put("XDG_CONFIG_HOME", config.toString());
    Path out = Files.createTempFile(home, "out", ".txt");
    Path err = Files.createTempFile(home, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
