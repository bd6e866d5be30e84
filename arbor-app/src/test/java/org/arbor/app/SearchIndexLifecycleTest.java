package org.arbor.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The index is derived: lost, it is rebuilt at start; `arbor admin reindex` rebuilds it on demand. */
class SearchIndexLifecycleTest {
  @TempDir Path data;

  @Test
  void a_lost_index_is_rebuilt_at_start_and_reindex_rebuilds_it_on_demand() throws Exception {
    try (TestHub hub = TestHub.start(data)) {
      hub.createRepo("kept-one");
      hub.commit("kept-one", Map.of("README.md", "---\nlicense: mit\n---\nAbout quokkas.\n"));
      hub.createRepo("kept-two");
    }
    deleteRecursively(data.resolve("index"));

    try (TestHub hub = TestHub.reopen(data)) {
      assertThat(SearchContractTest.ids(hub, "/api/models?search=kept"))
          .containsExactlyInAnyOrder("admin/kept-one", "admin/kept-two");
      assertThat(SearchContractTest.ids(hub, "/api/models?search=quokkas")).containsExactly("admin/kept-one");
      Result busy = reindex();
      assertThat(busy.code()).isEqualTo(1);
      assertThat(busy.err()).contains("in use by another Arbor process");
    }

    Result rebuilt = reindex();
    assertThat(rebuilt.code()).isZero();
    assertThat(rebuilt.err()).contains("indexed 2 repositories");
    try (TestHub hub = TestHub.reopen(data)) {
      assertThat(SearchContractTest.ids(hub, "/api/models?filter=license:mit")).containsExactly("admin/kept-one");
    }
  }

  record Result(int code, String err) {}

  private Result reindex() {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(new Main()).setExecutionExceptionHandler((e, cmd, parsed) -> {
        e.printStackTrace();
        return 2;
      }).execute("admin", "reindex", "--data", data.toString());
      return new Result(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }

  private static void deleteRecursively(Path dir) throws Exception {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
