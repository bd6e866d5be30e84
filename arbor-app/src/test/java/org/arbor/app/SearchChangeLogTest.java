package org.arbor.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes share one database (and, here, one folder of repositories and blobs, as a shared
 * mount would): each keeps its own search index, which follows the change log the other writes.
 */
class SearchChangeLogTest {
  @TempDir Path first;
  @TempDir Path second;

  @Test
  void each_node_index_follows_the_other_node_changes_and_catches_up_after_a_restart() throws Exception {
    try (TestHub a = TestHub.start(first)) {
      Files.createSymbolicLink(second.resolve("repos"), first.resolve("repos"));
      Files.createSymbolicLink(second.resolve("blobs"), first.resolve("blobs"));
      Map<String, String> shared = Map.of("database-url", "jdbc:sqlite:" + first.resolve("arbor.db"));
      try (TestHub b = TestHub.reopen(second, shared)) {
        a.createRepo("wombat-one");
        a.commit("wombat-one", Map.of("README.md", "---\nlicense: mit\n---\nAbout wombats.\n"));
        assertThat(eventually(() -> SearchContractTest.ids(b, "/api/models?search=wombats"), "admin/wombat-one"))
            .containsExactly("admin/wombat-one");
        assertThat(eventually(() -> SearchContractTest.ids(b, "/api/models?filter=license:mit"), "admin/wombat-one"))
            .containsExactly("admin/wombat-one");

        b.createRepo("wombat-two");
        assertThat(eventually(() -> SearchContractTest.ids(a, "/api/models?search=wombat"), "admin/wombat-one", "admin/wombat-two"))
            .containsExactlyInAnyOrder("admin/wombat-one", "admin/wombat-two");

        assertThat(a.send(a.request("/api/repos/delete", TestHub.ADMIN_TOKEN).header("Content-Type", "application/json")
            .method("DELETE", java.net.http.HttpRequest.BodyPublishers.ofString(
                "{\"type\":\"model\",\"name\":\"wombat-one\",\"organization\":\"admin\"}")).build()).statusCode())
            .isEqualTo(200);
        assertThat(eventually(() -> SearchContractTest.ids(b, "/api/models?search=wombat"), "admin/wombat-two"))
            .containsExactly("admin/wombat-two");
      }

      // While the second node is down, the first changes things; the second catches up on start.
      a.createRepo("wombat-three");
      a.commit("wombat-two", Map.of("README.md", "About hairy-nosed wombats.\n"));
      try (TestHub b = TestHub.reopen(second, shared)) {
        assertThat(eventually(() -> SearchContractTest.ids(b, "/api/models?search=wombat"), "admin/wombat-two", "admin/wombat-three"))
            .containsExactlyInAnyOrder("admin/wombat-two", "admin/wombat-three");
        assertThat(eventually(() -> SearchContractTest.ids(b, "/api/models?search=hairy-nosed"), "admin/wombat-two"))
            .containsExactly("admin/wombat-two");
      }
    }
  }

  /** The search's answer once it holds exactly {@code expected} (in any order), or its last after ten seconds. */
  private static List<String> eventually(Callable<List<String>> search, String... expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<String> last = search.call();
    while (!Set.copyOf(last).equals(Set.of(expected)) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      last = search.call();
    }
    return last;
  }
}
