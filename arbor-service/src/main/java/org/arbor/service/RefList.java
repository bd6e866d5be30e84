package org.arbor.service;

import java.util.List;
import org.arbor.core.GitHash;

/** The refs of a repository, grouped as {@code list_repo_refs} shows them. */
public record RefList(List<Entry> branches, List<Entry> tags, List<Entry> converts, List<Entry> pullRequests) {
  /** One ref: short name, full ref name, and the commit it points at. */
  public record Entry(String name, String ref, GitHash targetCommit) {}
}
