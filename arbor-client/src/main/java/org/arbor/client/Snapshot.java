package org.arbor.client;

import java.util.List;

/** The files of a repository at one commit. */
public record Snapshot(String repoType, String repoId, String commit, List<RemoteFile> files) {
  public Snapshot {
    files = List.copyOf(files);
  }
}
