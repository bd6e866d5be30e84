package org.arbor.service;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.arbor.core.GitHash;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.storage.git.FileDiff;
import org.arbor.storage.git.GitCommit;

/** One commit as its page shows it: what it says, what it changed, and how its weights moved. */
public final class History {
  static final int MAX_FILES = 300;
  static final int MAX_PATCH_BYTES = 512 * 1024;

  private final Access access;
  private final Weights weights;

  public History(Access access, Weights weights) {
    this.access = access;
    this.weights = weights;
  }

  /**
   * A commit, its file changes ({@link #MAX_FILES} at most; text hunks for files up to 512 KiB)
   * and, when it touched weight files and has a parent, the tensor-level diff.
   */
  public record CommitDetail(CommitSummary commit, List<GitHash> parents, List<FileDiff> files,
      Optional<Weights.Diff> tensors) {}

  public CommitDetail commit(Caller caller, RepoType type, RepoId id, String sha) throws IOException {
    Repo repo = access.readable(caller, type, id);
    GitHash hash = repo.git().resolve(sha).orElseThrow(() -> HubException.revisionNotFound(sha));
    GitCommit c = repo.git().commit(hash);
    List<FileDiff> files = repo.git().diff(hash, MAX_FILES, MAX_PATCH_BYTES);
    Optional<Weights.Diff> tensors = Optional.empty();
    if (!c.parents().isEmpty() && files.stream().anyMatch(f -> WeightInspector.isCandidate(f.path()))) {
      tensors = Optional.of(weights.diff(caller, type, id, c.parents().getFirst().hex(), hash.hex()));
    }
    return new CommitDetail(RepoFiles.summary(c), c.parents(), files, tensors);
  }
}
