package org.arbor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.arbor.core.RepoId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's HTTP against two small local servers (the hub, and a "storage" host it redirects
 * to): retries, the hub's error messages, and where the token may travel.
 */
class HubHttpTest {
  private static final String TOKEN = "hf_" + "t".repeat(34);

  private HttpServer hub;
  private HttpServer storage;
  private String hubUrl;
  private String storageUrl;
  /** Path → the Authorization header each request to it carried ("" for none). */
  private final Map<String, List<String>> seen = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws IOException {
    hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    storage = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hubUrl = "http://127.0.0.1:" + hub.getAddress().getPort();
    storageUrl = "http://127.0.0.1:" + storage.getAddress().getPort();
    hub.start();
    storage.start();
  }

  @AfterEach
  void stop() {
    hub.stop(0);
    storage.stop(0);
  }

  private void route(HttpServer server, String path, Handler handler) {
    server.createContext(path, exchange -> {
      seen.computeIfAbsent(exchange.getRequestURI().getPath(), k -> new CopyOnWriteArrayList<>())
          .add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
      try (exchange) {
        handler.handle(exchange);
      }
    });
  }

  @FunctionalInterface
  private interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  @Test
  void a_download_redirected_to_another_host_leaves_the_token_behind() throws Exception {
    route(hub, "/m/resolve/", exchange -> {
      exchange.getResponseHeaders().add("Location", storageUrl + "/objects/abc?sig=1");
      answer(exchange, 302, "");
    });
    route(storage, "/objects/", exchange -> answer(exchange, 200, "the bytes"));
    ByteArrayOutputStream got = new ByteArrayOutputStream();

    new HubClient(hubUrl, TOKEN).download(URI.create(hubUrl + "/m/resolve/main/f.bin"), 0, sink(got));

    assertThat(got.toString(StandardCharsets.UTF_8)).isEqualTo("the bytes");
    assertThat(seen.get("/m/resolve/main/f.bin")).containsExactly("Bearer " + TOKEN);
    assertThat(seen.get("/objects/abc")).containsExactly("null");
  }

  @Test
  void server_errors_are_retried_and_then_succeed() {
    AtomicInteger calls = new AtomicInteger();
    route(hub, "/api/whoami-v2", exchange -> {
      if (calls.incrementAndGet() < 3) {
        answer(exchange, 503, "{\"error\":\"busy\"}");
      } else {
        answer(exchange, 200, "{\"name\":\"alice\"}");
      }
    });

    assertThat(new HubClient(hubUrl, TOKEN, Duration.ofMillis(1)).whoami().path("name").asText()).isEqualTo("alice");
    assertThat(calls.get()).isEqualTo(3);
  }

  @Test
  void failures_carry_the_hubs_message_and_kind() {
    route(hub, "/api/whoami-v2", exchange -> answer(exchange, 401, "{\"error\":\"Invalid credentials in Authorization header\"}"));
    route(hub, "/api/models/a/b/revision/main", exchange -> {
      exchange.getResponseHeaders().add("X-Error-Code", "RepoNotFound");
      exchange.getResponseHeaders().add("X-Error-Message", "Repository not found");
      answer(exchange, 404, "{}");
    });
    HubClient client = new HubClient(hubUrl, TOKEN, Duration.ofMillis(1));

    assertThatThrownBy(client::whoami).isInstanceOf(ClientException.class)
        .hasMessageContaining("refused the token (Invalid credentials in Authorization header)")
        .satisfies(e -> assertThat(((ClientException) e).kind()).isEqualTo(ClientException.Kind.AUTH));
    assertThatThrownBy(() -> client.snapshot("model", RepoId.parse("a/b"), "main"))
        .hasMessageContaining("Repository not found")
        .satisfies(e -> assertThat(((ClientException) e).kind()).isEqualTo(ClientException.Kind.NOT_FOUND));
  }

  @Test
  void a_next_page_on_another_host_does_not_get_the_token() {
    route(hub, "/api/models", exchange -> {
      exchange.getResponseHeaders().add("Link", "<" + storageUrl + "/api/models?cursor=2>; rel=\"next\"");
      answer(exchange, 200, "[{\"id\":\"a/one\"}]");
    });
    route(storage, "/api/models", exchange -> answer(exchange, 200, "[{\"id\":\"b/two\"}]"));

    List<com.fasterxml.jackson.databind.JsonNode> repos = new HubClient(hubUrl, TOKEN).listRepos("model", null, null, 10);

    assertThat(repos).extracting(r -> r.path("id").asText()).containsExactly("a/one", "b/two");
    assertThat(seen.get("/api/models")).containsExactly("Bearer " + TOKEN, "null");
  }

  @Test
  void an_unreachable_hub_is_a_network_failure_after_four_tries() {
    HubClient client = new HubClient("http://127.0.0.1:9", TOKEN, Duration.ofMillis(1));

    assertThatThrownBy(client::whoami).isInstanceOf(ClientException.class)
        .hasMessageContaining("Could not reach http://127.0.0.1:9").hasMessageContaining("after 4 attempts")
        .satisfies(e -> assertThat(((ClientException) e).kind()).isEqualTo(ClientException.Kind.NETWORK));
  }

  private static HubClient.Sink sink(ByteArrayOutputStream into) {
    byte[] buffer = new byte[8192];
    return new HubClient.Sink() {
      @Override
      public void begin(int status) {
        into.reset();
      }

      @Override
      public byte[] buffer() {
        return buffer;
      }

      @Override
      public void accept(byte[] bytes, int length) {
        into.write(bytes, 0, length);
      }
    };
  }
}
