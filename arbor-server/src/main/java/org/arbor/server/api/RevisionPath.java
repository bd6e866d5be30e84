package org.arbor.server.api;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.service.RepoFiles;

/**
 * A revision and a path read from URL segments such as {@code /resolve/refs/pr/1/config.json}.
 * An encoded slash in the first segment ({@code refs%2Fpr%2F1}) marks the whole revision; raw
 * slashes are resolved by taking the longest prefix that names an existing ref.
 */
record RevisionPath(String revision, String path) {
  static RevisionPath split(Exchange ex, RepoFiles files, RepoType type, RepoId id, int from) throws IOException {
    if (ex.raw(from).toUpperCase(Locale.ROOT).contains("%2F")) {
      return new RevisionPath(ex.segment(from), ex.rest(from + 1));
    }
    List<String> segments = ex.segmentsFrom(from);
    int n = segments.size() == 1 ? 1 : files.revisionSegments(ex.caller(), type, id, segments);
    return new RevisionPath(String.join("/", segments.subList(0, n)), String.join("/", segments.subList(n, segments.size())));
  }
}
