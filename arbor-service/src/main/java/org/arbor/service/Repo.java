package org.arbor.service;

import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.storage.db.RepoRow;
import org.arbor.storage.git.GitRepo;

/** A repository the caller has been allowed to see: its row, its id and its git storage. */
record Repo(RepoRow row, RepoType type, RepoId id, GitRepo git) {}
