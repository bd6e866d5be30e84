package org.arbor.server.api;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.service.Accounts;
import org.arbor.service.Gating;
import org.arbor.service.IssuedToken;
import org.arbor.service.Likes;
import org.arbor.service.RepoInfo;
import org.arbor.service.Repos;
import org.arbor.service.Sessions;
import org.arbor.server.web.Frame;
import org.arbor.server.web.Templates;

/**
 * The pages that change things, for a signed-in user: access tokens, a new repository, and a
 * repository's settings (visibility, gating and its requests, move, delete). Every form carries
 * the session's CSRF token; a post without it changes nothing.
 */
final class AccountPagesHandler {
  private final WebHandler web;
  private final Accounts accounts;
  private final Repos repos;
  private final Gating gating;
  private final Likes likes;

  AccountPagesHandler(WebHandler web, Accounts accounts, Repos repos, Gating gating, Likes likes) {
    this.likes = likes;
    this.web = web;
    this.accounts = accounts;
    this.repos = repos;
    this.gating = gating;
  }

  /** A signed-in page's work: the session, and the page's frame. */
  @FunctionalInterface
  interface SignedIn {
    void run(Sessions.Current session, Frame frame) throws IOException;
  }

  void tokens(Exchange ex) throws IOException {
    signedIn(ex, "Access tokens", (s, frame) -> {
      IssuedToken issued = null;
      if (ex.method().equals("POST")) {
        Map<String, List<String>> form = checkedForm(ex, s);
        String revoke = WebHandler.field(form, "revoke");
        if (revoke != null) {
          accounts.revokeToken(s.caller(), revoke);
        } else {
          issued = accounts.issueToken(s.caller(), WebHandler.field(form, "name"),
              "read".equals(WebHandler.field(form, "role")) ? Accounts.READ : Accounts.WRITE, null);
        }
      }
      Map<String, Object> p = new HashMap<>();
      p.put("frame", frame);
      p.put("tokens", accounts.tokens(s.caller()));
      p.put("issued", issued);
      PagesHandler.send(ex, 200, Templates.render("tokens.jte", p));
    });
  }

  void newRepo(Exchange ex) throws IOException {
    signedIn(ex, "New repository", (s, frame) -> {
      String message = null;
      if (ex.method().equals("POST")) {
        Map<String, List<String>> form = checkedForm(ex, s);
        RepoType type = "dataset".equals(WebHandler.field(form, "type")) ? RepoType.DATASET : RepoType.MODEL;
        try {
          RepoId id = RepoId.parse(WebHandler.field(form, "owner") + "/" + WebHandler.field(form, "name"));
          String licence = WebHandler.field(form, "license");
          RepoInfo info = repos.create(s.caller(), type, id, "private".equals(WebHandler.field(form, "visibility")),
              licence == null || licence.isBlank() ? null : licence, List.of());
          WebHandler.redirect(ex, "/" + type.urlPrefix() + info.id());
          return;
        } catch (HubException e) {
          message = e.getMessage();
        }
      }
      Map<String, Object> p = new HashMap<>();
      p.put("frame", frame);
      p.put("owners", owners(s));
      p.put("message", message);
      PagesHandler.send(ex, message == null ? 200 : 400, Templates.render("new.jte", p));
    });
  }

  void settings(Exchange ex, RepoType type, RepoId id) throws IOException {
    signedIn(ex, id + " settings", (s, frame) -> {
      String message = null;
      if (ex.method().equals("POST")) {
        Map<String, List<String>> form = checkedForm(ex, s);
        String action = String.valueOf(WebHandler.field(form, "action"));
        try {
          switch (action) {
            case "visibility" -> repos.updateSettings(s.caller(), type, id,
                "private".equals(WebHandler.field(form, "visibility")), null, null);
            case "gating" -> repos.updateSettings(s.caller(), type, id, null, WebHandler.field(form, "gated"), null);
            case "request" -> gating.handle(s.caller(), type, id, WebHandler.field(form, "user"),
                WebHandler.field(form, "status"), null);
            case "move" -> {
              RepoId to = RepoId.parse(WebHandler.field(form, "to"));
              repos.move(s.caller(), type, id, to);
              WebHandler.redirect(ex, "/" + type.urlPrefix() + to + "/settings");
              return;
            }
            case "delete" -> {
              if (!id.toString().equals(WebHandler.field(form, "confirm"))) {
                throw HubException.badRequest("Type " + id + " to confirm the deletion");
              }
              repos.delete(s.caller(), type, id);
              WebHandler.redirect(ex, "/");
              return;
            }
            default -> throw HubException.badRequest("Unknown settings action");
          }
          WebHandler.redirect(ex, "/" + type.urlPrefix() + id + "/settings");
          return;
        } catch (HubException e) {
          if (e.code().httpStatus() != 400 && e.code().httpStatus() != 409) {
            throw e;
          }
          message = e.getMessage();
        }
      }
      repos.checkAdministrable(s.caller(), type, id);
      RepoInfo info = repos.info(s.caller(), type, id, Optional.empty(), false);
      Map<String, Object> p = new HashMap<>();
      p.put("frame", frame);
      p.put("info", info);
      p.put("requests", "false".equals(info.gated()) ? List.of()
          : gating.list(s.caller(), type, id, "pending", 0, 100).items());
      p.put("message", message);
      PagesHandler.send(ex, message == null ? 200 : 400, Templates.render("settings.jte", p));
    });
  }

  /** {@code POST /{id}/like} from the repository page: like or unlike ({@code action}), then back to it. */
  void like(Exchange ex, RepoType type, RepoId id) throws IOException {
    signedIn(ex, id.toString(), (s, frame) -> {
      Map<String, List<String>> form = checkedForm(ex, s);
      if ("unlike".equals(WebHandler.field(form, "action"))) {
        likes.unlike(s.caller(), type, id);
      } else {
        likes.like(s.caller(), type, id);
      }
      WebHandler.redirect(ex, "/" + type.urlPrefix() + id);
    });
  }

  private List<String> owners(Sessions.Current s) {
    List<String> owners = new java.util.ArrayList<>();
    owners.add(s.caller().name());
    for (String[] org : accounts.organisations(s.caller())) {
      owners.add(org[0]);
    }
    return owners;
  }

  /** The posted form, refused (403, nothing changed) unless it carries the session's CSRF token. */
  private static Map<String, List<String>> checkedForm(Exchange ex, Sessions.Current s) throws IOException {
    Map<String, List<String>> form = ex.readForm();
    if (!WebHandler.csrfMatches(s, form)) {
      throw HubException.forbidden("This form did not come from Arbor's own page; reload it and try again.");
    }
    return form;
  }

  private void signedIn(Exchange ex, String title, SignedIn work) throws IOException {
    Optional<Sessions.Current> session = web.session(ex);
    if (session.isEmpty()) {
      WebHandler.redirect(ex, "/login");
      return;
    }
    Sessions.Current s = session.get();
    Frame frame = new Frame(title, s.caller().name(), s.csrf(), "", null);
    try {
      work.run(s, frame);
    } catch (HubException e) {
      int status = e.code().httpStatus();
      PagesHandler.send(ex, status, Templates.render("error.jte", Map.of("frame", frame, "status", status,
          "message", e.getMessage())));
    }
  }
}
