package org.arbor.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code arbor scan}, run in-process on folders of benign and poisoned files. */
class ScanCommandTest {
  /** {@code pickle.dumps({"a": [1, 2, 3], "b": [1.5, "x"]}, protocol=2)}. */
  static final byte[] BENIGN = HexFormat.of().parseHex(
      "80027d71002858010000006171015d7102284b014b024b036558010000006271035d710428473ff8000000000000580100000078710565752e");
  /** A protocol-2 pickle of {@code os.system("echo pwned")} (GLOBAL 'os system', REDUCE). */
  static final byte[] POISONED = HexFormat.of().parseHex(
      "8002" + "63" + hex("os\nsystem\n") + "7100" + "580a000000" + hex("echo pwned") + "7101" + "857102" + "527103" + "2e");

  @TempDir Path dir;

  private record Run(int code, String out, String err) { }

  private static String hex(String s) {
    return HexFormat.of().formatHex(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private Path mixedFolder() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Files.write(repo.resolve("benign.pkl"), BENIGN);
    Files.createDirectories(repo.resolve("sub"));
    Files.write(repo.resolve("sub/model.bin"), POISONED);
    Files.write(repo.resolve("weights.safetensors"), POISONED); // mislabelled: judged by bytes
    Files.writeString(repo.resolve("README.md"), "# A model\n\nNothing to see.\n");
    Files.createDirectories(repo.resolve(".git/objects"));
    Files.write(repo.resolve(".git/objects/evil.pkl"), POISONED); // .git/ is skipped
    return repo;
  }

  @Test
  void mixed_folder_is_unsafe_with_one_line_per_file() throws Exception {
    Run r = run("scan", mixedFolder().toString());

    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.out()).containsPattern("(?m)^SAFE\\s+README\\.md$")
        .containsPattern("(?m)^SAFE\\s+benign\\.pkl$")
        .containsPattern("(?m)^UNSAFE\\s+sub/model\\.bin$")
        .containsPattern("(?m)^UNSAFE\\s+weights\\.safetensors$")
        .contains("os.system")
        .doesNotContain(".git")
        .contains("4 files: 2 safe, 0 suspicious, 2 unsafe, 0 error");
  }

  @Test
  void json_lists_every_file_with_its_findings() throws Exception {
    Run r = run("scan", "--json", mixedFolder().toString());

    assertThat(r.code()).isEqualTo(2);
    JsonNode files = new ObjectMapper().readTree(r.out());
    assertThat(files.isArray()).isTrue();
    assertThat(files).hasSize(4);
    Map<String, JsonNode> byPath = new HashMap<>();
    for (JsonNode f : files) {
      assertThat(f.has("path") && f.has("verdict") && f.get("findings").isArray()).as(f.toString()).isTrue();
      byPath.put(f.get("path").asText(), f);
    }
    assertThat(byPath.keySet()).containsExactlyInAnyOrder("README.md", "benign.pkl", "sub/model.bin", "weights.safetensors");
    assertThat(byPath.get("README.md").get("verdict").asText()).isEqualTo("SAFE");
    assertThat(byPath.get("benign.pkl").get("verdict").asText()).isEqualTo("SAFE");
    assertThat(byPath.get("sub/model.bin").get("verdict").asText()).isEqualTo("UNSAFE");
    JsonNode mislabelled = byPath.get("weights.safetensors");
    assertThat(mislabelled.get("verdict").asText()).isEqualTo("UNSAFE");
    JsonNode dangerous = null;
    for (JsonNode f : mislabelled.get("findings")) {
      assertThat(f.has("severity") && f.has("callable") && f.has("opcode") && f.has("offset")
          && f.has("member") && f.has("message")).as(f.toString()).isTrue();
      if (f.get("severity").asText().equals("DANGEROUS") && f.get("callable").asText().equals("os.system")) {
        dangerous = f;
      }
    }
    assertThat(dangerous).as(mislabelled.toString()).isNotNull();
    assertThat(dangerous.get("offset").isIntegralNumber()).isTrue();
    assertThat(dangerous.get("member").isNull()).isTrue();
  }

  @Test
  void all_safe_folder_exits_zero() throws Exception {
    Path safe = Files.createDirectories(dir.resolve("safe"));
    Files.write(safe.resolve("benign.pkl"), BENIGN);
    Files.writeString(safe.resolve("README.md"), "# fine\n");

    Run r = run("scan", safe.toString());

    assertThat(r.code()).as(r.out()).isEqualTo(0);
    assertThat(r.out()).contains("2 files: 2 safe, 0 suspicious, 0 unsafe, 0 error");
  }

  @Test
  void a_single_file_is_named_by_its_file_name() throws Exception {
    Path f = dir.resolve("evil.pkl");
    Files.write(f, POISONED);

    Run r = run("scan", "--json", f.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(new ObjectMapper().readTree(r.out()).get(0).get("path").asText()).isEqualTo("evil.pkl");
  }

  @Test
  void a_missing_path_is_a_usage_error() {
    Run r = run("scan", dir.resolve("nope").toString());

    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).contains("no such file");
  }

  @Test
  void bad_options_are_usage_errors_not_unsafe() {
    assertThat(run("scan").code()).isEqualTo(3);
    assertThat(run("scan", "--nope", dir.toString()).code()).isEqualTo(3);
  }

  @Test
  void help_says_error_counts_as_unsafe() {
    Run r = run("scan", "--help");

    assertThat(r.code()).isEqualTo(0);
    assertThat(r.out()).contains("ERROR counts as unsafe").contains(".git/");
  }
}
