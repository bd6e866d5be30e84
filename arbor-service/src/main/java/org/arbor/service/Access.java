package org.arbor.service;

import java.io.IOException;
import java.util.Locale;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.storage.db.RepoRow;
import org.arbor.storage.db.RepoRows;
import org.arbor.storage.git.GitRepos;

/**
 * Who may read and write which repository. A repository the caller may not read does not exist
 * for them: the answer is the same as for a missing one, so private names are never leaked.
 */
public final class Access {
  /** Organisation roles that may write (commit, push, create repositories). */
  static final java.util.Set<String> WRITE_ROLES = java.util.Set.of("admin", "write");

  private final RepoRows repos;
  private final GitRepos git;
  private final org.arbor.storage.db.OrgRows orgs;

  public Access(RepoRows repos, GitRepos git, org.arbor.storage.db.OrgRows orgs) {
    this.repos = repos;
    this.git = git;
    this.orgs = orgs;
  }

  /** The repository, if the caller may read it; otherwise RepoNotFound. */
  Repo readable(Caller caller, RepoType type, RepoId id) throws IOException {
    checkSupported(type);
    RepoRow row = repos.find(type.singular(), id.namespace(), id.name())
        .filter(r -> canRead(caller, r))
        .orElseThrow(() -> HubException.repoNotFound(!caller.isAnonymous()));
    return new Repo(row, type, new RepoId(row.namespace(), row.name()), git.open(row.storageKey()));
  }

  /** The repository, if the caller may write to it; 404 if they cannot see it, 403 if they only can read. */
  Repo writable(Caller caller, RepoType type, RepoId id) throws IOException {
    Repo repo = readable(caller, type, id);
    checkWrite(caller, repo.row());
    return repo;
  }

  /**
   * The repository, if the caller may propose changes to it: writers, and an organisation's
   * contributors, who may only open pull requests.
   */
  Repo contributable(Caller caller, RepoType type, RepoId id) throws IOException {
    Repo repo = readable(caller, type, id);
    if (!"contributor".equals(orgRole(caller, repo.row().namespace()))) {
      checkWrite(caller, repo.row());
    } else if (!caller.canWrite()) {
      throw HubException.forbidden("You don't have the rights to write to " + repo.row().fullName()
          + ": this token is read-only. Use a write token.");
    }
    return repo;
  }

  /** True if the caller may write directly, not only propose. */
  boolean canWriteDirectly(Caller caller, RepoRow row) {
    try {
      checkWrite(caller, row);
      return true;
    } catch (HubException e) {
      return false;
    }
  }

  /** The repository, if the caller may change its settings, rename or delete it: owner, org admin, site admin. */
  Repo administrable(Caller caller, RepoType type, RepoId id) throws IOException {
    Repo repo = writable(caller, type, id);
    if (!caller.admin() && !ownsNamespace(caller, repo.row().namespace())
        && !"admin".equals(orgRole(caller, repo.row().namespace()))) {
      throw HubException.forbidden("Only an admin of " + repo.row().namespace() + " can change, move or delete "
          + repo.row().fullName());
    }
    return repo;
  }

  /** The row of a repository already authorised, by its internal id. */
  RepoRow row(String repoId) {
    return repos.findById(repoId).orElseThrow(() -> HubException.repoNotFound(true));
  }

  boolean canRead(Caller caller, RepoRow row) {
    if (!row.isPrivate()) {
      return true;
    }
    if (caller.scopeExcludes(row.namespace(), row.fullName())) {
      return false;
    }
    return caller.admin() || ownsNamespace(caller, row.namespace()) || orgRole(caller, row.namespace()) != null;
  }

  /** True if the caller owns the namespace or belongs to the organisation of that name. */
  boolean isMemberOrOwner(Caller caller, String namespace) {
    return ownsNamespace(caller, namespace) || orgRole(caller, namespace) != null;
  }

  private static boolean isWriter(String role) {
    return role != null && WRITE_ROLES.contains(role);
  }

  /** The caller's role in the organisation {@code namespace}, or null (not a member, or not an org). */
  String orgRole(Caller caller, String namespace) {
    return caller.isAnonymous() ? null : orgs.role(namespace, caller.userId()).orElse(null);
  }

  void checkWrite(Caller caller, RepoRow row) {
    if (caller.isAnonymous()) {
      throw HubException.unauthorized("You must be authenticated to write to " + row.fullName());
    }
    if (!caller.canWrite()) {
      throw HubException.forbidden("You don't have the rights to write to " + row.fullName()
          + ": this token is read-only. Use a write token.");
    }
    if (caller.scopeExcludes(row.namespace(), row.fullName())) {
      throw HubException.forbidden("This token is limited to other repositories than " + row.fullName());
    }
    if (!caller.admin() && !ownsNamespace(caller, row.namespace())
        && !isWriter(orgRole(caller, row.namespace()))) {
      throw HubException.forbidden("You don't have the rights to write to " + row.fullName());
    }
  }

  /** Checks that the caller may create repositories in {@code namespace}. */
  void checkCanCreateIn(Caller caller, String namespace) {
    if (caller.isAnonymous()) {
      throw HubException.unauthorized("You must be authenticated to create a repository");
    }
    if (!caller.canWrite()) {
      throw HubException.forbidden("You don't have the rights to create a repository: this token is read-only");
    }
    if (caller.scopeExcludes(namespace, namespace + "/")) {
      throw HubException.forbidden("This token is limited to other namespaces than " + namespace);
    }
    if (!caller.admin() && !ownsNamespace(caller, namespace) && !isWriter(orgRole(caller, namespace))) {
      throw HubException.forbidden("You don't have the rights to create a repository under " + namespace);
    }
  }

  static void checkSupported(RepoType type) {
    if (type == RepoType.SPACE) {
      throw HubException.notImplemented(
          "Spaces are not supported by Arbor: it hosts model and dataset repositories");
    }
  }

  private static boolean ownsNamespace(Caller caller, String namespace) {
    return !caller.isAnonymous() && caller.namespaceKey().equals(namespace.toLowerCase(Locale.ROOT));
  }
}
