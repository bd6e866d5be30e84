package org.arbor.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.service.Gating;
import org.arbor.service.Page;

/**
 * Gated repositories: asking for access ({@code POST /P{ns}/{name}/ask-access}), the owner's
 * lists and decisions ({@code /api/T/ns/name/user-access-request/…}) and {@code auth-check}.
 */
final class GatingHandler {
  private static final int PAGE = 100;

  private final Gating gating;

  GatingHandler(Gating gating) {
    this.gating = gating;
  }

  /** The answers to the card's form come as JSON or form fields; {@code status} tells the outcome. */
  void ask(Exchange ex, RepoType type, RepoId id) throws IOException {
    Map<String, Object> fields = new LinkedHashMap<>();
    if (ex.hasJsonBody()) {
      JsonNode body = ex.readJson();
      JsonNode source = body.has("fields") ? body.get("fields") : body;
      source.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue().asText()));
    } else {
      ex.readForm().forEach((k, v) -> fields.put(k, v.size() == 1 ? v.get(0) : v));
    }
    String status = gating.ask(ex.caller(), type, id, fields);
    ex.json(Json.object().put("status", status));
  }

  /** {@code GET .../user-access-request/{pending|accepted|rejected}}, paginated with Link. */
  void list(Exchange ex, RepoType type, RepoId id, String status) throws IOException {
    int offset = ex.cursor();
    Page<Gating.Request> page = gating.list(ex.caller(), type, id, status, offset, PAGE);
    ArrayNode out = Json.array();
    for (Gating.Request r : page.items()) {
      ObjectNode item = out.addObject();
      ObjectNode user = item.putObject("user").put("user", r.user()).put("fullname", r.fullname());
      if (r.email() != null) {
        user.put("email", r.email());
      }
      item.put("status", r.status()).put("timestamp", Json.date(r.timestamp()));
      if (r.fields() != null) {
        item.set("fields", Json.MAPPER.valueToTree(r.fields()));
      }
    }
    if (page.hasMore()) {
      ex.header(HfHeaders.LINK, ex.nextLink(offset + PAGE));
    }
    ex.json(out);
  }

  /** {@code POST .../user-access-request/handle} {@code {user, status, rejectionReason?}}. */
  void handle(Exchange ex, RepoType type, RepoId id) throws IOException {
    JsonNode body = ex.readJson();
    gating.handle(ex.caller(), type, id, RepoHandler.text(body, "user"), RepoHandler.text(body, "status"),
        RepoHandler.text(body, "rejectionReason"));
    ex.json(Json.object());
  }

  /** {@code POST .../user-access-request/grant} {@code {user}}. */
  void grant(Exchange ex, RepoType type, RepoId id) throws IOException {
    JsonNode body = ex.readJson();
    gating.grant(ex.caller(), type, id, RepoHandler.text(body, "user"));
    ex.json(Json.object().put("status", "accepted").put("user", RepoHandler.text(body, "user")));
  }

  /** {@code GET .../auth-check[/write]}: 200 if the caller may read the content (or write). */
  void authCheck(Exchange ex, RepoType type, RepoId id, boolean write) throws IOException {
    gating.authCheck(ex.caller(), type, id, write);
    ex.json(Json.object().put("access", write ? "write" : "read"));
  }

}
