package org.arbor.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.arbor.core.ErrorCode;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.storage.db.AccessRequestRows;
import org.arbor.storage.db.RepoRow;
import org.arbor.storage.db.UserRow;
import org.arbor.storage.db.UserRows;

/**
 * Gated repositories, as the Hub runs them: metadata stays public, content (resolve, raw, LFS,
 * git fetch) needs an accepted access request. Requests are accepted at once under {@code auto}
 * gating and by the repository's writers under {@code manual}.
 */
public final class Gating {
  public static final Set<String> STATUSES = Set.of("pending", "accepted", "rejected");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Access access;
  private final AccessRequestRows requests;
  private final UserRows users;
  private final AuditLog audit;
  private final Clock clock;

  public Gating(Access access, AccessRequestRows requests, UserRows users, AuditLog audit, Clock clock) {
    this.access = access;
    this.requests = requests;
    this.users = users;
    this.audit = audit;
    this.clock = clock;
  }

  /** An access request as the owner's lists show it. */
  public record Request(String user, String fullname, String email, String status, java.time.Instant timestamp,
      Map<String, Object> fields) {}

  /** Throws GatedRepo unless the caller may read the content of this repository. */
  void checkContent(Caller caller, Repo repo) {
    RepoRow row = repo.row();
    if (row.gated() == null || row.gated().equals("false") || access.canWriteDirectly(caller, row)
        || caller.admin() || access.isMemberOrOwner(caller, row.namespace())) {
      return;
    }
    String kind = repo.type().singular();
    if (caller.isAnonymous()) {
      throw new HubException(ErrorCode.GATED_REPO_UNAUTHENTICATED, "Access to " + kind + " " + repo.id()
          + " is restricted. You must have access to it and be authenticated to access it. Please log in.");
    }
    String status = requests.status(row.id(), caller.userId()).orElse(null);
    if ("accepted".equals(status)) {
      return;
    }
    String page = "/" + repo.type().urlPrefix() + repo.id();
    String message = switch (status == null ? "none" : status) {
      case "pending" -> "Your request to access " + kind + " " + repo.id() + " is awaiting a review from the repo authors.";
      case "rejected" -> "Your request to access " + kind + " " + repo.id() + " has been rejected by the repo's authors.";
      default -> "Access to " + kind + " " + repo.id() + " is restricted and you are not in the authorized list. "
          + "Visit " + page + " to ask for access.";
    };
    throw new HubException(ErrorCode.GATED_REPO, message);
  }

  /** What a visitor sees before asking: the card's gating prompt and form fields, and their request's status. */
  public record Form(String kind, String repoId, String gated, String heading, String prompt, String button,
      Map<String, Object> fields, String status) {}

  /** The access form of a gated repository, from its card's {@code extra_gated_*} keys. */
  public Form form(Caller caller, RepoType type, RepoId id) throws IOException {
    Repo repo = access.readable(caller, type, id);
    String gated = repo.row().gated();
    if (gated == null || gated.equals("false")) {
      throw HubException.badRequest(id + " is not gated; its files are open to everyone who can see it");
    }
    Map<String, Object> card = repo.git().resolve(repo.git().defaultBranch())
        .map(head -> {
          try {
            return RepoHeads.card(repo.git(), head).cardData();
          } catch (IOException e) {
            return Map.<String, Object>of();
          }
        }).orElse(Map.of());
    @SuppressWarnings("unchecked")
    Map<String, Object> fields = card.get("extra_gated_fields") instanceof Map<?, ?> m
        ? (Map<String, Object>) m : Map.of();
    String status = caller.isAnonymous() ? null : requests.status(repo.row().id(), caller.userId()).orElse(null);
    return new Form(type.singular(), repo.id().toString(), gated, string(card, "extra_gated_heading"),
        string(card, "extra_gated_prompt"), string(card, "extra_gated_button_content"), fields, status);
  }

  private static String string(Map<String, Object> card, String key) {
    return card.get(key) instanceof String s ? s : null;
  }

  /** A user asks for access, with the answers to the card's form; returns the request's status. */
  public String ask(Caller caller, RepoType type, RepoId id, Map<String, Object> fields) throws IOException {
    Repo repo = access.readable(caller, type, id);
    if (caller.isAnonymous()) {
      throw HubException.unauthorized("Log in to ask for access to " + id);
    }
    String gated = repo.row().gated();
    if (gated == null || gated.equals("false")) {
      throw HubException.badRequest(id + " is not gated; its files are open to everyone who can see it");
    }
    String current = requests.status(repo.row().id(), caller.userId()).orElse(null);
    if ("accepted".equals(current)) {
      return current;
    }
    String status = gated.equals("auto") ? "accepted" : "pending";
    requests.put(repo.row().id(), caller.userId(), status, fields == null || fields.isEmpty() ? null
        : JSON.writeValueAsString(fields), null, clock.instant());
    audit.record(caller, "access.requested", type.singular() + ":" + repo.id(), status);
    return status;
  }

  /** The requests of a repository with a status; for its writers. */
  public Page<Request> list(Caller caller, RepoType type, RepoId id, String status, int offset, int limit)
      throws IOException {
    Repo repo = access.writable(caller, type, id);
    if (!STATUSES.contains(status)) {
      throw HubException.badRequest("status must be pending, accepted or rejected");
    }
    List<AccessRequestRows.Request> rows = requests.list(repo.row().id(), status, offset, limit);
    List<Request> items = new java.util.ArrayList<>();
    for (AccessRequestRows.Request r : rows.subList(0, Math.min(limit, rows.size()))) {
      @SuppressWarnings("unchecked")
      Map<String, Object> fields = r.fields() == null ? null : JSON.readValue(r.fields(), Map.class);
      items.add(new Request(r.userName(), r.fullname() == null ? r.userName() : r.fullname(), r.email(), r.status(),
          r.updatedAt(), fields));
    }
    return new Page<>(items, rows.size() > limit, -1);
  }

  /** Accepts, rejects or resets a user's request; for the repository's writers. */
  public void handle(Caller caller, RepoType type, RepoId id, String user, String status, String reason)
      throws IOException {
    Repo repo = access.writable(caller, type, id);
    if (status == null || !STATUSES.contains(status)) {
      throw HubException.badRequest("status must be pending, accepted or rejected");
    }
    if (reason != null && reason.length() > 200) {
      throw HubException.badRequest("rejectionReason is limited to 200 characters");
    }
    UserRow target = user(user);
    if (requests.status(repo.row().id(), target.id()).isEmpty()) {
      throw HubException.entryNotFound(user + " has not asked for access to " + id);
    }
    requests.put(repo.row().id(), target.id(), status, null, "rejected".equals(status) ? reason : null, clock.instant());
    audit.record(caller, "access.handled", type.singular() + ":" + repo.id(), user + " " + status);
  }

  /** Gives a user access without a request; for the repository's writers. */
  public void grant(Caller caller, RepoType type, RepoId id, String user) throws IOException {
    Repo repo = access.writable(caller, type, id);
    String gated = repo.row().gated();
    if (gated == null || gated.equals("false")) {
      throw HubException.badRequest(id + " is not gated");
    }
    UserRow target = user(user);
    if ("accepted".equals(requests.status(repo.row().id(), target.id()).orElse(null))) {
      throw HubException.badRequest(user + " already has access to " + id);
    }
    requests.put(repo.row().id(), target.id(), "accepted", null, null, clock.instant());
    audit.record(caller, "access.granted", type.singular() + ":" + repo.id(), user);
  }

  /** {@code auth-check}: may the caller read the content (or, with {@code write}, write)? Throws if not. */
  public void authCheck(Caller caller, RepoType type, RepoId id, boolean write) throws IOException {
    Repo repo = write ? access.writable(caller, type, id) : access.readable(caller, type, id);
    if (!write) {
      checkContent(caller, repo);
    }
  }

  private UserRow user(String name) {
    return users.findByName(name == null ? "" : name)
        .orElseThrow(() -> HubException.entryNotFound("No user named " + name));
  }
}
