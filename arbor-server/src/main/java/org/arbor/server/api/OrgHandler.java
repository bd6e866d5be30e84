package org.arbor.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.arbor.service.Accounts;
import org.arbor.service.AuditLog;
import org.arbor.service.Orgs;

/**
 * Arbor's account routes beyond the Hub API: organisations and their members
 * ({@code /api/organizations/…}), the caller's tokens ({@code /api/settings/tokens}) and the audit
 * log ({@code /api/admin/audit}).
 */
final class OrgHandler {
  private final Orgs orgs;
  private final Accounts accounts;
  private final AuditLog audit;
  private final org.arbor.service.Sessions sessions;

  OrgHandler(Orgs orgs, Accounts accounts, AuditLog audit, org.arbor.service.Sessions sessions) {
    this.orgs = orgs;
    this.accounts = accounts;
    this.audit = audit;
    this.sessions = sessions;
  }

  /** {@code POST /api/admin/users} {@code {name, password?, admin?}}: site administrators create accounts. */
  void createUser(Exchange ex) throws IOException {
    JsonNode body = ex.readJson();
    String name = RepoHandler.text(body, "name");
    accounts.createUserAs(ex.caller(), name, body.path("admin").asBoolean(false));
    String password = RepoHandler.text(body, "password");
    if (password != null) {
      sessions.setPassword(name, password);
    }
    ex.json(Json.object().put("name", name));
  }

  /** {@code POST /api/organizations/create} {@code {name, fullname?}}. */
  void create(Exchange ex) throws IOException {
    JsonNode body = ex.readJson();
    orgs.create(ex.caller(), RepoHandler.text(body, "name"), RepoHandler.text(body, "fullname"));
    ex.json(Json.object().put("name", RepoHandler.text(body, "name")));
  }

  /** {@code GET /api/organizations/{org}/members}. */
  void members(Exchange ex, String org) throws IOException {
    ArrayNode out = Json.array();
    orgs.members(ex.caller(), org).forEach(m -> out.addObject().put("user", m.user()).put("role", m.role()));
    ex.json(out);
  }

  /** {@code POST /api/organizations/{org}/members} {@code {user, role}}. */
  void putMember(Exchange ex, String org) throws IOException {
    JsonNode body = ex.readJson();
    orgs.putMember(ex.caller(), org, RepoHandler.text(body, "user"), RepoHandler.text(body, "role"));
    ex.json(Json.object());
  }

  /** {@code DELETE /api/organizations/{org}/members/{user}}. */
  void removeMember(Exchange ex, String org, String user) throws IOException {
    orgs.removeMember(ex.caller(), org, user);
    ex.json(Json.object());
  }

  /** {@code PUT /api/organizations/{org}/settings} {@code {scanPolicy}}. */
  void settings(Exchange ex, String org) throws IOException {
    JsonNode body = ex.readJson();
    orgs.setScanPolicy(ex.caller(), org, RepoHandler.text(body, "scanPolicy"));
    ex.json(Json.object());
  }

  /** {@code GET /api/settings/tokens}: the caller's tokens, never their text. */
  void tokens(Exchange ex) throws IOException {
    ArrayNode out = Json.array();
    for (Accounts.TokenInfo t : accounts.tokens(ex.caller())) {
      ObjectNode token = out.addObject().put("id", t.id()).put("name", t.name()).put("role", t.role())
          .put("createdAt", Json.date(t.createdAt()));
      if (t.scope() != null) {
        ArrayNode scope = token.putArray("scope");
        t.scope().forEach(scope::add);
      }
    }
    ex.json(out);
  }

  /** {@code POST /api/settings/tokens} {@code {name, role, scope?}}: the new token, shown once. */
  void createToken(Exchange ex) throws IOException {
    JsonNode body = ex.readJson();
    List<String> scope = null;
    if (body.has("scope") && body.get("scope").isArray()) {
      scope = new ArrayList<>();
      for (JsonNode entry : body.get("scope")) {
        scope.add(entry.asText());
      }
    }
    String role = RepoHandler.text(body, "role");
    var issued = accounts.issueToken(ex.caller(), RepoHandler.text(body, "name"), role == null ? Accounts.READ : role, scope);
    ex.json(Json.object().put("name", issued.name()).put("role", issued.role()).put("token", issued.token()));
  }

  /** {@code DELETE /api/settings/tokens/{id}}. */
  void revokeToken(Exchange ex, String id) throws IOException {
    accounts.revokeToken(ex.caller(), id);
    ex.json(Json.object());
  }

  /** {@code GET /api/admin/audit?action=&limit=&cursor=}, newest first, site admins only. */
  void audit(Exchange ex) throws IOException {
    int limit = ex.intQuery("limit", 100, 1000);
    ArrayNode out = Json.array();
    for (AuditLog.Event e : audit.recent(ex.caller(), ex.query("action"), ex.cursor(), limit == 0 ? 100 : limit)) {
      ObjectNode event = out.addObject().put("at", Json.date(e.at())).put("action", e.action());
      if (e.actor() != null) {
        event.put("actor", e.actor());
      }
      if (e.target() != null) {
        event.put("target", e.target());
      }
      if (e.detail() != null) {
        event.put("detail", e.detail());
      }
    }
    ex.json(out);
  }
}
