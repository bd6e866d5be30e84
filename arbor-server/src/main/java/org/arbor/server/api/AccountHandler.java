package org.arbor.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.arbor.service.Accounts;
import org.arbor.service.Caller;
import org.arbor.service.Account;

/** {@code GET /api/whoami-v2}: who the token belongs to, and what it may do. */
final class AccountHandler {
  private final Accounts accounts;

  AccountHandler(Accounts accounts) {
    this.accounts = accounts;
  }

  void whoami(Exchange ex) throws IOException {
    Caller caller = ex.caller();
    Account user = accounts.whoami(caller);
    ObjectNode body = Json.object()
        .put("type", "user")
        .put("id", user.id())
        .put("name", user.name())
        .put("fullname", user.fullname() == null ? user.name() : user.fullname())
        .put("isPro", false)
        .put("canPay", false)
        .put("emailVerified", user.email() != null)
        .put("avatarUrl", ex.baseUrl() + "/avatars/" + user.name() + ".svg");
    if (user.email() != null) {
      body.put("email", user.email());
    }
    var orgs = body.putArray("orgs");
    for (String[] org : accounts.organisations(caller)) {
      orgs.addObject().put("type", "org").put("name", org[0]).put("fullname", org[1] == null ? org[0] : org[1])
          .put("roleInOrg", org[2]).put("isEnterprise", false);
    }
    ObjectNode token = Json.object()
        .put("displayName", caller.tokenName())
        .put("role", caller.tokenRole())
        .put("createdAt", Json.date(caller.tokenCreatedAt()));
    body.putObject("auth").put("type", "access_token").set("accessToken", token);
    ex.json(body);
  }
}
