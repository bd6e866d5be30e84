package org.arbor.service;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.arbor.core.GitHash;
import org.arbor.core.HubException;
import org.arbor.core.LfsPointer;
import org.arbor.core.RepoId;
import org.arbor.core.RepoPath;
import org.arbor.core.RepoType;
import org.arbor.storage.blob.BlobStore;
import org.arbor.storage.db.LfsRows;
import org.arbor.storage.db.RepoRows;
import org.arbor.storage.git.GitEntry;
import org.arbor.storage.git.GitRepo;
import org.arbor.storage.git.GitRepos;
import org.eclipse.jgit.lib.Repository;

/**
 * What stock git clients may do: which repository a clone or push reaches, whether a push is
 * acceptable, and what follows it. A push is held to the rules of an API commit (valid paths,
 * small regular files, LFS objects actually uploaded), and updates the same rows afterwards, so
 * a pushed repository is indistinguishable from an uploaded one.
 */
public final class GitTransport {
  private final Access access;
  private final GitRepos git;
  private final BlobStore blobs;
  private final LfsRows lfs;
  private final RepoHeads heads;
  private final Analysis analysis;
  private final Scans scans;
  private final ScanPolicy policy;
  private final Gating gating;

  public GitTransport(Access access, GitRepos git, BlobStore blobs, LfsRows lfs, RepoRows rows, Analysis analysis,
      Scans scans, ScanPolicy policy, Gating gating, RepoEvents events) {
    this.access = access;
    this.git = git;
    this.blobs = blobs;
    this.lfs = lfs;
    this.heads = new RepoHeads(rows, events);
    this.analysis = analysis;
    this.scans = scans;
    this.policy = policy;
    this.gating = gating;
  }

  /** A repository opened for git's smart-HTTP protocol: the JGit edge serves it and closes it once. */
  public record Opened(RepoType type, RepoId id, String repoId, Repository repository) {}

  /**
   * Opens a repository for fetching ({@code write} false) or pushing. Throws RepoNotFound for a
   * caller who may not see it, and 401/403 for one who may not push.
   */
  public Opened open(Caller caller, RepoType type, RepoId id, boolean write) throws IOException {
    Repo repo = write ? access.writable(caller, type, id) : access.readable(caller, type, id);
    if (!write) {
      gating.checkContent(caller, repo); // a clone carries the content, so gating applies
      if (policy.blocks(repo.row())) {
        checkNothingBlocked(repo);
      }
    }
    Repository repository = git.repository(repo.row().storageKey());
    repository.incrementOpen(); // balanced by the close of the JGit edge
    return new Opened(type, repo.id(), repo.row().id(), repository);
  }

  /** One ref a push wants to move. {@code oldId}/{@code newId} are null for a creation/deletion. */
  public record RefChange(String ref, GitHash oldId, GitHash newId) {}

  /**
   * Every reason to refuse this push; empty means it may land. Checked: only branches and tags
   * are pushed, the default branch is not deleted, and every file the pushed commits bring is a
   * valid path, either small or an LFS pointer to an object uploaded to this repository.
   */
  public List<String> checkPush(Opened target, List<RefChange> changes) throws IOException {
    List<String> problems = new ArrayList<>();
    GitRepo repo = git.open(storageKey(target));
    String defaultRef = GitRepo.HEADS + repo.defaultBranch();
    List<GitHash> tips = new ArrayList<>();
    for (RefChange change : changes) {
      if (!change.ref().startsWith(GitRepo.HEADS) && !change.ref().startsWith(GitRepo.TAGS)) {
        problems.add(change.ref() + ": only branches (refs/heads/*) and tags (refs/tags/*) can be pushed");
      }
      if (change.newId() == null) {
        if (change.ref().equals(defaultRef)) {
          problems.add(change.ref() + ": the default branch cannot be deleted");
        }
      } else {
        tips.add(change.newId());
      }
    }
    if (tips.isEmpty()) {
      return problems;
    }
    boolean block = policy.blocks(access.row(target.repoId()));
    for (GitEntry file : repo.introducedFiles(tips)) {
      Optional<String> problem = checkFile(target, file);
      if (problem.isEmpty() && block) {
        Scans.Result scan = scans.scan(repo, file);
        if (scan.blocksUnderPolicy()) {
          problem = Optional.of(ScanPolicy.blocked(file.path(), scan).getMessage());
        }
      }
      problem.ifPresent(problems::add);
      if (problems.size() >= 20) {
        problems.add("... and possibly more; fix these first");
        break;
      }
    }
    return problems;
  }

  /** After a push landed: the same row updates as an API commit. */
  public void afterPush(Opened target, List<RefChange> applied) throws IOException {
    GitRepo repo = git.open(storageKey(target));
    String defaultRef = GitRepo.HEADS + repo.defaultBranch();
    if (applied.stream().anyMatch(c -> c.ref().equals(defaultRef))) {
      heads.refreshAfterWrite(new Repo(access.row(target.repoId()), target.type(), target.id(), repo));
    }
    for (RefChange change : applied) {
      if (change.newId() != null) {
        analysis.enqueue(target.repoId(), change.newId());
      }
    }
  }

  /**
   * Under a block policy a clone or fetch would hand out every file of every branch and tag, so it
   * is refused while any of them holds a file the scanner judged unsafe or could not read.
   */
  private void checkNothingBlocked(Repo repo) throws IOException {
    GitRepo g = repo.git();
    java.util.Set<GitHash> tips = new java.util.LinkedHashSet<>();
    for (String prefix : List.of(GitRepo.HEADS, GitRepo.TAGS)) {
      g.refs(prefix).forEach(r -> tips.add(r.target()));
    }
    for (GitHash tip : tips) {
      for (GitEntry file : g.files(tip)) {
        Scans.Result scan = scans.scan(g, file);
        if (scan.blocksUnderPolicy()) {
          throw new HubException(org.arbor.core.ErrorCode.UNSAFE_FILE, "Blocked by this repository's scan policy: "
              + file.path() + " (at " + tip.hex().substring(0, 10) + ") was judged " + scan.verdict()
              + "; remove it from every branch and tag, or fetch single files through the API");
        }
      }
    }
  }

  private Optional<String> checkFile(Opened target, GitEntry file) throws IOException {
    try {
      RepoPath.of(file.path());
    } catch (HubException e) {
      return Optional.of(e.getMessage());
    }
    if (file.lfs().isPresent()) {
      LfsPointer pointer = file.lfs().get();
      if (blobs.stat(pointer.oid()).isEmpty() || !lfs.isLinked(target.repoId(), pointer.oid().hex())) {
        return Optional.of(file.path() + ": its LFS object " + pointer.oid()
            + " was never uploaded to this repository (is git-lfs installed? run `git lfs push --all origin`)");
      }
      return Optional.empty();
    }
    if (file.size() > Commits.MAX_REGULAR_FILE_BYTES) {
      return Optional.of(file.path() + ": " + (file.size() / (1024 * 1024)) + " MiB is over the "
          + Commits.MAX_REGULAR_FILE_BYTES / (1024 * 1024) + " MiB limit for regular files; "
          + "store it with LFS: `git lfs track \"" + file.path() + "\"`, then amend the commit");
    }
    return Optional.empty();
  }

  private String storageKey(Opened target) {
    return access.row(target.repoId()).storageKey();
  }
}
