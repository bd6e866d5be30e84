package org.arbor.service;

import java.util.OptionalInt;
import org.arbor.core.GitHash;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;

/** A commit that landed, and the pull request it opened, if asked to. */
public record CommitResult(RepoType type, RepoId repo, GitHash commit, OptionalInt pullRequest) {}
