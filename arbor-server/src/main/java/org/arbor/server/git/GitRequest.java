package org.arbor.server.git;

import java.util.Optional;
import org.arbor.core.RepoType;

/**
 * A request of git's smart-HTTP protocol, recognised from its path:
 * {@code /[datasets/]ns/name[.git]/info/refs?service=…}, {@code …/git-upload-pack} or
 * {@code …/git-receive-pack}.
 */
record GitRequest(RepoType type, String namespace, String name, boolean push) {
  private static final String[] ENDINGS = {"/info/refs", "/git-upload-pack", "/git-receive-pack"};

  static Optional<GitRequest> parse(String path, String query) {
    String ending = null;
    for (String e : ENDINGS) {
      if (path.endsWith(e)) {
        ending = e;
      }
    }
    if (ending == null) {
      return Optional.empty();
    }
    String[] parts = path.substring(1, path.length() - ending.length()).split("/");
    RepoType type = RepoType.MODEL;
    int i = 0;
    if (parts.length == 3 && (parts[0].equals("datasets") || parts[0].equals("spaces"))) {
      type = parts[0].equals("datasets") ? RepoType.DATASET : RepoType.SPACE;
      i = 1;
    }
    if (parts.length - i != 2) {
      return Optional.empty();
    }
    String name = parts[i + 1].endsWith(".git") ? parts[i + 1].substring(0, parts[i + 1].length() - 4) : parts[i + 1];
    boolean push = ending.equals("/git-receive-pack")
        || (ending.equals("/info/refs") && query != null && query.contains("service=git-receive-pack"));
    return Optional.of(new GitRequest(type, parts[i], name, push));
  }
}
