package org.arbor.server.api;

import java.io.IOException;
import java.util.Locale;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;

/**
 * Every Hugging Face–compatible endpoint Arbor serves. If a client calls it, it is listed here.
 * Matching is on raw path segments; {@code T} is {@code models|datasets|spaces}, {@code P} the
 * web prefix ({@code ""}, {@code datasets/}, {@code spaces/}).
 */
final class ApiRoutes {
  private final ApiHandlers h;

  ApiRoutes(ApiHandlers handlers) {
    this.h = handlers;
  }

  /** Handles the request if a route matches; false means 404. */
  boolean handle(Exchange ex) throws IOException {
    if (ex.segments() == 0) {
      return on(ex.method(), "GET", () -> h.pages().home(ex));
    }
    if (ex.raw(0).equals("api")) {
      return api(ex);
    }
    if (ex.raw(0).equals("xet")) {
      return h.xet().cas(ex);
    }
    return pages(ex) || web(ex);
  }

  /** The sign-in pages: {@code /login}, {@code /logout}, {@code /join}, {@code /settings/password}. */
  private boolean pages(Exchange ex) throws IOException {
    String method = ex.method();
    String path = ex.segments() == 1 ? ex.raw(0) : ex.segments() == 2 ? ex.raw(0) + "/" + ex.raw(1) : "";
    return switch (path) {
      case "login" -> method.equals("GET") ? run(() -> h.web().loginForm(ex)) : on(method, "POST", () -> h.web().login(ex));
      case "logout" -> on(method, "POST", () -> h.web().logout(ex));
      case "join" -> method.equals("GET") ? run(() -> h.web().joinForm(ex)) : on(method, "POST", () -> h.web().join(ex));
      case "settings/password" -> method.equals("GET")
          ? run(() -> h.web().passwordForm(ex))
          : on(method, "POST", () -> h.web().changePassword(ex));
      case "settings/tokens" -> method.equals("GET") || method.equals("POST") ? run(() -> h.accountPages().tokens(ex))
          : false;
      case "new" -> method.equals("GET") || method.equals("POST") ? run(() -> h.accountPages().newRepo(ex)) : false;
      case "models" -> on(method, "GET", () -> h.pages().search(ex, RepoType.MODEL));
      case "datasets" -> on(method, "GET", () -> h.pages().search(ex, RepoType.DATASET));
      default -> ex.segments() == 1 && !ex.raw(0).equals("api") && on(method, "GET", () -> h.pages().namespace(ex,
          ex.segment(0)));
    };
  }

  private boolean api(Exchange ex) throws IOException {
    String method = ex.method();
    if (ex.segments() < 2) {
      return false;
    }
    switch (ex.raw(1)) {
      case "whoami-v2" -> { return on(method, "GET", () -> h.accounts().whoami(ex)); }
      case "validate-yaml" -> { return on(method, "POST", () -> h.misc().validateYaml(ex)); }
      case "repos" -> { return repos(ex); }
      case "organizations" -> { return organizations(ex); }
      case "settings" -> { return settings(ex); }
      case "users" -> {
        if (ex.segments() == 4 && ex.raw(3).equals("storage")) {
          return on(method, "GET", () -> h.storage().namespace(ex, ex.segment(2)));
        }
        return ex.segments() == 4 && ex.raw(3).equals("likes") && on(method, "GET", () -> h.likes().liked(ex, ex.segment(2)));
      }
      case "admin" -> {
        if (ex.segments() == 3 && ex.raw(2).equals("storage")) {
          return on(method, "GET", () -> h.storage().instance(ex));
        }
        if (ex.segments() == 3 && ex.raw(2).equals("users")) {
          return on(method, "POST", () -> h.orgs().createUser(ex));
        }
        return ex.segments() == 3 && ex.raw(2).equals("audit") && on(method, "GET", () -> h.orgs().audit(ex));
      }
      case "lfs" -> { return lfsTransfer(ex); }
      case "facets" -> {
        RepoType faceted = ex.segments() == 3 ? typeOf(ex.raw(2)) : null;
        return faceted != null && on(method, "GET", () -> h.repos().facets(ex, faceted));
      }
      default -> { }
    }
    RepoType type = typeOf(ex.raw(1));
    if (type == null) {
      return false;
    }
    if (ex.segments() == 2) {
      return on(method, "GET", () -> h.repos().list(ex, type));           // list_models, listModels
    }
    if (ex.segments() < 4) {
      return false;
    }
    RepoId id = RepoId.parse(ex.segment(2) + "/" + ex.segment(3));
    if (ex.segments() == 4) {
      return on(method, "GET", () -> h.repos().info(ex, type, id, null)); // model_info, modelInfo
    }
    String action = ex.raw(4);
    String revision = ex.rest(5);                                         // for routes ending in {rev}
    return switch (action) {
      case "revision" -> on(method, "GET", () -> h.repos().info(ex, type, id, required(revision)));
      case "tree" -> on(method, "GET", () -> h.files().tree(ex, type, id, 5));
      case "paths-info" -> on(method, "POST", () -> h.files().pathsInfo(ex, type, id, required(revision)));
      case "refs" -> on(method, "GET", () -> h.files().refs(ex, type, id));
      case "commits" -> on(method, "GET", () -> h.files().commits(ex, type, id, required(revision)));
      case "branch" -> method.equals("DELETE")
          ? run(() -> h.refs().deleteBranch(ex, type, id, required(revision)))
          : on(method, "POST", () -> h.refs().createBranch(ex, type, id, required(revision)));
      case "tag" -> method.equals("DELETE")
          ? run(() -> h.refs().deleteTag(ex, type, id, required(revision)))
          : on(method, "POST", () -> h.refs().createTag(ex, type, id, required(revision)));
      case "preupload" -> on(method, "POST", () -> h.commits().preupload(ex, type, id, required(revision)));
      case "commit" -> on(method, "POST", () -> h.commits().commit(ex, type, id, required(revision)));
      case "settings" -> on(method, "PUT", () -> h.repos().settings(ex, type, id));
      case "storage" -> on(method, "GET", () -> h.storage().repo(ex, type, id));
      case "xet-read-token", "xet-write-token" -> on(method, "GET", () -> h.xet().token(ex, type, id,
          required(revision), action.equals("xet-write-token")));
      case "weights" -> on(method, "GET", () -> h.weights().file(ex, type, id, 5));
      case "weights-diff" -> on(method, "GET", () -> h.weights().diff(ex, type, id));
      case "fit" -> on(method, "GET", () -> h.weights().fit(ex, type, id));
      case "like" -> method.equals("DELETE")
          ? run(() -> h.likes().unlike(ex, type, id))
          : on(method, "POST", () -> h.likes().like(ex, type, id));
      case "likers" -> on(method, "GET", () -> h.likes().likers(ex, type, id));
      case "lineage" -> on(method, "GET", () -> h.lineage().tree(ex, type, id));
      case "auth-check" -> on(method, "GET", () -> h.gating().authCheck(ex, type, id, revision.equals("write")));
      case "user-access-request" -> switch (revision) {
        case "handle" -> on(method, "POST", () -> h.gating().handle(ex, type, id));
        case "grant" -> on(method, "POST", () -> h.gating().grant(ex, type, id));
        case "pending", "accepted", "rejected" -> on(method, "GET", () -> h.gating().list(ex, type, id, revision));
        default -> false;
      };
      default -> false;
    };
  }

  /** {@code /api/repos/create|delete|move}, and the older {@code /api/repos/T/ns/name/settings}. */
  private boolean repos(Exchange ex) throws IOException {
    if (ex.segments() == 3) {
      return switch (ex.raw(2)) {
        case "create" -> on(ex.method(), "POST", () -> h.repos().create(ex));
        case "delete" -> on(ex.method(), "DELETE", () -> h.repos().delete(ex));
        case "move" -> on(ex.method(), "POST", () -> h.repos().move(ex));
        default -> false;
      };
    }
    if (ex.segments() == 6 && ex.raw(5).equals("settings")) {
      RepoType type = typeOf(ex.raw(2));
      if (type == null) {
        return false;
      }
      RepoId id = RepoId.parse(ex.segment(3) + "/" + ex.segment(4));
      return on(ex.method(), "PUT", () -> h.repos().settings(ex, type, id));
    }
    return false;
  }

  /** {@code /api/organizations/create}, {@code .../{org}/members[/{user}]}, {@code .../{org}/settings|storage}. */
  private boolean organizations(Exchange ex) throws IOException {
    String method = ex.method();
    if (ex.segments() == 3 && ex.raw(2).equals("create")) {
      return on(method, "POST", () -> h.orgs().create(ex));
    }
    if (ex.segments() == 4 && ex.raw(3).equals("settings")) {
      return on(method, "PUT", () -> h.orgs().settings(ex, ex.segment(2)));
    }
    if (ex.segments() == 4 && ex.raw(3).equals("storage")) {
      return on(method, "GET", () -> h.storage().namespace(ex, ex.segment(2)));
    }
    if (ex.segments() >= 4 && ex.raw(3).equals("members")) {
      String org = ex.segment(2);
      if (ex.segments() == 4) {
        return method.equals("GET") ? run(() -> h.orgs().members(ex, org)) : on(method, "POST", () -> h.orgs().putMember(ex, org));
      }
      if (ex.segments() == 5) {
        return on(method, "DELETE", () -> h.orgs().removeMember(ex, org, ex.segment(4)));
      }
    }
    return false;
  }

  /** {@code /api/settings/tokens[/{id}]}: the caller's tokens. */
  private boolean settings(Exchange ex) throws IOException {
    String method = ex.method();
    if (ex.segments() == 3 && ex.raw(2).equals("tokens")) {
      return method.equals("GET") ? run(() -> h.orgs().tokens(ex)) : on(method, "POST", () -> h.orgs().createToken(ex));
    }
    if (ex.segments() == 4 && ex.raw(2).equals("tokens")) {
      return on(method, "DELETE", () -> h.orgs().revokeToken(ex, ex.segment(3)));
    }
    return false;
  }

  /**
   * Signed LFS object URLs: {@code /api/lfs/upload|download|verify/{repoId}/{oid}}, and for multipart
   * uploads {@code /api/lfs/upload/{repoId}/{oid}/part/{n}} and {@code .../complete}.
   */
  private boolean lfsTransfer(Exchange ex) throws IOException {
    if (ex.segments() == 7 && ex.raw(2).equals("upload") && ex.raw(5).equals("part")) {
      return on(ex.method(), "PUT", () -> h.lfs().uploadPart(ex, ex.raw(3), ex.raw(4), ex.raw(6)));
    }
    if (ex.segments() == 6 && ex.raw(2).equals("upload") && ex.raw(5).equals("complete")) {
      return ex.method().equals("GET")
          ? run(() -> h.lfs().completeParts(ex, ex.raw(3), ex.raw(4)))
          : on(ex.method(), "POST", () -> h.lfs().completeParts(ex, ex.raw(3), ex.raw(4)));
    }
    if (ex.segments() != 5) {
      return false;
    }
    return switch (ex.raw(2)) {
      case "upload" -> on(ex.method(), "PUT", () -> h.lfs().upload(ex, ex.raw(3), ex.raw(4)));
      case "verify" -> on(ex.method(), "POST", () -> h.lfs().verify(ex, ex.raw(3), ex.raw(4)));
      case "download" -> ex.method().equals("HEAD")
          ? run(() -> h.lfs().download(ex, ex.raw(3), ex.raw(4)))
          : on(ex.method(), "GET", () -> h.lfs().download(ex, ex.raw(3), ex.raw(4)));
      default -> false;
    };
  }

  /** {@code /P{ns}/{name}/resolve|raw/{rev}/{path}} and {@code /P{ns}/{name}.git/info/lfs/...}. */
  private boolean web(Exchange ex) throws IOException {
    int i = 0;
    RepoType type = RepoType.MODEL;
    if (ex.raw(0).equals("datasets") || ex.raw(0).equals("spaces")) {
      type = ex.raw(0).equals("datasets") ? RepoType.DATASET : RepoType.SPACE;
      i = 1;
    }
    if (ex.segments() == i + 2 && !ex.raw(i + 1).endsWith(".git") && type != RepoType.SPACE) {
      RepoId page = RepoId.parse(ex.segment(i) + "/" + ex.segment(i + 1));
      RepoType pageType = type;
      return on(ex.method(), "GET", () -> h.pages().repo(ex, pageType, page));
    }
    if (ex.segments() < i + 3) {
      return false;
    }
    String name = ex.segment(i + 1);
    boolean dotGit = name.endsWith(".git");
    RepoId id = RepoId.parse(ex.segment(i) + "/" + (dotGit ? name.substring(0, name.length() - 4) : name));
    String action = ex.raw(i + 2);
    RepoType t = type;
    int from = i + 3;
    if ((action.equals("resolve") || action.equals("raw")) && !dotGit && ex.segments() > from) {
      boolean raw = action.equals("raw");
      if (ex.method().equals("HEAD")) {
        return run(() -> h.resolve().serve(ex, t, id, from, raw, false));
      }
      return on(ex.method(), "GET", () -> h.resolve().serve(ex, t, id, from, raw, true));
    }
    if (action.equals("like") && !dotGit && t != RepoType.SPACE && ex.segments() == from
        && ex.method().equals("POST") && ex.header("Authorization") == null) {
      return run(() -> h.accountPages().like(ex, t, id));
    }
    if (action.equals("settings") && !dotGit && t != RepoType.SPACE && ex.segments() == from
        && (ex.method().equals("GET") || ex.method().equals("POST"))) {
      return run(() -> h.accountPages().settings(ex, t, id));
    }
    if (!dotGit && t != RepoType.SPACE && ex.method().equals("GET")) {
      switch (action) {
        case "tree" -> { return run(() -> h.pages().tree(ex, t, id, from)); }
        case "blob" -> { return ex.segments() > from + 1 && run(() -> h.pages().blob(ex, t, id, from)); }
        case "commits" -> { return run(() -> h.pages().commits(ex, t, id, from)); }
        case "commit" -> { return ex.segments() == from + 1 && run(() -> h.pages().commit(ex, t, id, ex.segment(from))); }
        default -> { }
      }
    }
    if (action.equals("ask-access") && ex.segments() == i + 3) {
      if (ex.method().equals("GET")) {
        return run(() -> h.web().askAccessForm(ex, t, id));
      }
      // API clients send a token; the page posts with the session cookie and its CSRF token
      boolean fromPage = ex.header("Authorization") == null;
      return on(ex.method(), "POST", () -> {
        if (fromPage) {
          h.web().askAccess(ex, t, id);
        } else {
          h.gating().ask(ex, t, id);
        }
      });
    }
    if (action.equals("info") && ex.segments() > i + 4 && ex.raw(i + 3).equals("lfs")) {
      return lfsApi(ex, t, id, String.join("/", ex.segmentsFrom(i + 4)));
    }
    return false;
  }

  /** The git-lfs API under {@code .../info/lfs/}: the batch endpoint and the locking API. */
  private boolean lfsApi(Exchange ex, RepoType type, RepoId id, String what) throws IOException {
    String method = ex.method();
    if (what.equals("objects/batch")) {
      return on(method, "POST", () -> h.lfs().batch(ex, type, id));
    }
    if (what.equals("locks")) {
      return method.equals("GET")
          ? run(() -> h.locks().list(ex, type, id))
          : on(method, "POST", () -> h.locks().create(ex, type, id));
    }
    if (what.equals("locks/verify")) {
      return on(method, "POST", () -> h.locks().verify(ex, type, id));
    }
    String[] parts = what.split("/");
    if (parts.length == 3 && parts[0].equals("locks") && parts[2].equals("unlock")) {
      return on(method, "POST", () -> h.locks().unlock(ex, type, id, parts[1]));
    }
    return false;
  }

  private static RepoType typeOf(String plural) {
    return switch (plural) {
      case "models" -> RepoType.MODEL;
      case "datasets" -> RepoType.DATASET;
      case "spaces" -> RepoType.SPACE;
      default -> null;
    };
  }

  private static String required(String revision) {
    if (revision.isEmpty()) {
      throw HubException.badRequest("Missing revision in URL");
    }
    return revision;
  }

  @FunctionalInterface
  private interface Action {
    void run() throws IOException;
  }

  private static boolean on(String method, String expected, Action action) throws IOException {
    if (!method.toUpperCase(Locale.ROOT).equals(expected)) {
      throw new HubException(org.arbor.core.ErrorCode.METHOD_NOT_ALLOWED, "Method " + method + " is not allowed here");
    }
    action.run();
    return true;
  }

  private static boolean run(Action action) throws IOException {
    action.run();
    return true;
  }
}
