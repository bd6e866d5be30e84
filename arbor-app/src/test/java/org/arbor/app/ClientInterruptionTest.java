package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code arbor upload} and {@code arbor download} killed midway (SIGKILL, as a crash or a closed
 * laptop would), then run again: nothing half-done is visible, and the second run moves only what
 * the first did not. The hub cuts objects into 1 MiB parts; {@code --limit-rate} slows the first
 * run down enough to kill it halfway.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientInterruptionTest {
  private static final int MIB = 1 << 20;
  @TempDir static Path data;
  @TempDir static Path home;
  static TestHub hub;
  static byte[] big;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start(data, Map.of("lfs-part-size", "1MiB"));
    big = new byte[24 * MIB + 321];
    new Random(5).nextBytes(big);
  }

  @AfterAll
  static void stop() throws Exception {
    hub.close();
  }

  @Test
  @Order(1)
  void an_upload_killed_midway_resumes_from_the_parts_the_hub_kept() throws Exception {
    Path folder = home.resolve("folder");
    Files.createDirectories(folder);
    Files.write(folder.resolve("model.safetensors"), big);
    Files.writeString(folder.resolve("config.json"), "{\"model_type\":\"llama\"}\n");

    Process first = start("upload", "admin/interrupted", folder.toString(), "--limit-rate", "8MB", "--workers", "2");
    waitFor(() -> partsHeld() >= 6, first);
    first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    int held = partsHeld();

    assertThat(hub.get("/admin/interrupted/resolve/main/model.safetensors", ADMIN_TOKEN).statusCode())
        .as("nothing of a killed upload is visible").isEqualTo(404);

    Run second = run("upload", "admin/interrupted", folder.toString());
    assertThat(second.code()).as(second.err()).isZero();
    assertThat(second.err()).contains("resuming model.safetensors: ").contains("kept by the hub from an earlier run");
    long sent = bytes(second.err(), "([\\d.]+ [kMG]?B) sent");
    long remaining = big.length - (long) held * MIB;
    assertThat(sent).as("the second run sends only the parts the hub lacks (%d of 25 held)", held)
        .isLessThanOrEqualTo(remaining + 20_000).isGreaterThan(0);
    assertThat(partsHeld()).as("the parts are joined and gone").isZero();
    assertThat(hub.get("/admin/interrupted/resolve/main/model.safetensors", ADMIN_TOKEN).body()).isEqualTo(big);
  }

  @Test
  @Order(2)
  void a_download_killed_midway_resumes_and_verifies() throws Exception {
    Path dir = home.resolve("download");
    Path partial = dir.resolve("model.safetensors.incomplete");

    Process first = start("download", "admin/interrupted", "--local-dir", dir.toString(), "--limit-rate", "8MB");
    waitFor(() -> size(partial) >= 6 * MIB, first);
    first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    long kept = size(partial);
    assertThat(Files.exists(dir.resolve("model.safetensors"))).as("only verified files appear").isFalse();

    Run second = run("download", "admin/interrupted", "--local-dir", dir.toString());
    assertThat(second.code()).as(second.err()).isZero();
    assertThat(second.err()).contains("resuming model.safetensors: ");
    long received = bytes(second.err(), "already here, ([\\d.]+ [kMG]?B) received");
    assertThat(received).isLessThanOrEqualTo(big.length - kept + 20_000);
    assertThat(Files.readAllBytes(dir.resolve("model.safetensors"))).isEqualTo(big);
    assertThat(Files.exists(partial)).isFalse();
  }

  @Test
  @Order(3)
  void a_download_in_several_ranges_killed_midway_resumes_each_range() throws Exception {
    Path dir = home.resolve("ranged");
    Path partial = dir.resolve("model.safetensors.incomplete");

    Process first = start("download", "admin/interrupted", "--local-dir", dir.toString(), "--streams", "3",
        "--limit-rate", "8MB");
    waitFor(() -> size(partial) + size(dir.resolve("model.safetensors.incomplete.1"))
        + size(dir.resolve("model.safetensors.incomplete.2")) >= 6 * MIB, first);
    first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    assertThat(Files.exists(dir.resolve("model.safetensors.incomplete.2"))).as("ranges go to files of their own").isTrue();
    assertThat(Files.exists(dir.resolve("model.safetensors"))).isFalse();

    Run second = run("download", "admin/interrupted", "--local-dir", dir.toString(), "--streams", "3");
    assertThat(second.code()).as(second.err()).isZero();
    assertThat(second.err()).contains("resuming model.safetensors: ");
    assertThat(Files.readAllBytes(dir.resolve("model.safetensors"))).isEqualTo(big);
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("model.safetensors", "config.json", ".gitattributes");
    }
  }

  @Test
  @Order(4)
  void a_ranged_download_killed_midway_can_be_finished_by_one_stream() throws Exception {
    Path dir = home.resolve("ranged-then-single");
    Process first = start("download", "admin/interrupted", "--local-dir", dir.toString(), "--streams", "3",
        "--limit-rate", "8MB");
    waitFor(() -> size(dir.resolve("model.safetensors.incomplete.1")) >= MIB, first);
    first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

    Run second = run("download", "admin/interrupted", "--local-dir", dir.toString());
    assertThat(second.code()).as(second.err()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("model.safetensors"))).isEqualTo(big);
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).as("no range files left behind")
          .containsExactlyInAnyOrder("model.safetensors", "config.json", ".gitattributes");
    }
  }

  @Test
  @Order(5)
  void a_rate_limit_or_stream_count_out_of_bounds_is_a_usage_error() throws Exception {
    Run bad = run("download", "admin/interrupted", "--limit-rate", "fast");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--limit-rate").contains("fast");
    Run streams = run("download", "admin/interrupted", "--streams", "99");
    assertThat(streams.code()).isEqualTo(2);
    assertThat(streams.err()).contains("--streams must be 1 to 16");
  }

  // ---- helpers --------------------------------------------------------------------------------

  record Run(int code, String out, String err) {}

  private static Process start(String... args) throws Exception {
    return withHub(args).redirectOutput(Files.createTempFile(home, "out", ".txt").toFile())
        .redirectError(Files.createTempFile(home, "err", ".txt").toFile()).start();
  }

  private static Run run(String... args) throws Exception {
    Path out = Files.createTempFile(home, "out", ".txt");
    Path err = Files.createTempFile(home, "err", ".txt");
    Process p = withHub(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** The command against the test hub, as admin, with its own config folder and cache. */
  private static ProcessBuilder withHub(String... args) {
    List<String> command = new ArrayList<>(Arrays.asList(args));
    command.addAll(List.of("--endpoint", hub.url, "--token", ADMIN_TOKEN));
    ProcessBuilder pb = ArborProcess.builder(command.toArray(String[]::new));
    pb.environment().put("XDG_CONFIG_HOME", home.resolve("config").toString());
    pb.environment().put("HF_HUB_CACHE", home.resolve("cache").toString());
    return pb;
  }

  private static void waitFor(BooleanSupplier condition, Process process) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertThat(process.isAlive()).as("the transfer ended before it could be interrupted").isTrue();
      assertThat(System.nanoTime()).as("waited a minute for the transfer to get halfway").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /**
   * Whole parts the hub holds for uploads not yet completed. The hub renames marker files while we
   * look, so a listing that trips over one is simply taken again.
   */
  private static int partsHeld() {
    for (int attempt = 0; ; attempt++) {
      try (Stream<Path> files = Files.walk(data.resolve("blobs/parts"))) {
        return (int) files.filter(p -> p.getFileName().toString().matches("\\d{5}\\.part")).count();
      } catch (java.io.IOException | java.io.UncheckedIOException e) {
        if (attempt == 20) {
          throw new AssertionError("could not list the hub's parts", e);
        }
      }
    }
  }

  private static long size(Path p) {
    try {
      return Files.exists(p) ? Files.size(p) : 0;
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  /** A size the command printed, such as {@code 18.87 MB}, in bytes (to the printed precision). */
  private static long bytes(String output, String regex) {
    Matcher m = Pattern.compile(regex).matcher(output);
    assertThat(m.find()).as("%s in:%n%s", regex, output).isTrue();
    String[] parts = m.group(1).split(" ");
    double value = Double.parseDouble(parts[0]);
    long unit = switch (parts[1]) {
      case "kB" -> 1_000L;
      case "MB" -> 1_000_000L;
      case "GB" -> 1_000_000_000L;
      default -> 1L;
    };
    return (long) (value * unit);
  }
}
