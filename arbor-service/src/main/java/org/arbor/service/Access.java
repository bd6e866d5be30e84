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
  private final RepoRows repos;
  private final GitRepos git;

  public Access(RepoRows repos, GitRepos git) {
    this.repos = repos;
    this.git = git;
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

  /** The row of a repository already authorised, by its internal id. */
  RepoRow row(String repoId) {
    return repos.findById(repoId).orElseThrow(() -> HubException.repoNotFound(true));
  }

  boolean canRead(Caller caller, RepoRow row) {
    return !row.isPrivate() || caller.admin() || ownsNamespace(caller, row.namespace());
  }

  void checkWrite(Caller caller, RepoRow row) {
    if (caller.isAnonymous()) {
      throw HubException.unauthorized("You must be authenticated to write to " + row.fullName());
    }
    if (!caller.canWrite()) {
      throw HubException.forbidden("You don't have the rights to write to " + row.fullName()
          + ": this token is read-only. Use a write token.");
    }
    if (!caller.admin() && !ownsNamespace(caller, row.namespace())) {
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
    if (!caller.admin() && !ownsNamespace(caller, namespace)) {
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
