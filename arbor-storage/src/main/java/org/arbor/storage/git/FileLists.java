package org.arbor.storage.git;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recently listed file trees, by repository and commit. A commit's tree never changes, so a page
 * that lists a 10,000-file revision twice (its info, then its scan summary) or a visitor who
 * reloads it pays for one walk. Bounded by the number of entries held, least recently used out.
 */
final class FileLists {
  static final int MIN_ENTRIES = 1000;    // smaller trees are cheap to walk again
  static final int MAX_ENTRIES = 300_000;

  private static final Map<String, List<GitEntry>> LISTS = new LinkedHashMap<>(64, 0.75f, true);
  private static long held;

  private FileLists() {}

  static synchronized List<GitEntry> get(String repo, String commit) {
    return LISTS.get(repo + "@" + commit);
  }

  static synchronized void put(String repo, String commit, List<GitEntry> files) {
    if (files.size() < MIN_ENTRIES || files.size() > MAX_ENTRIES) {
      return;
    }
    List<GitEntry> previous = LISTS.put(repo + "@" + commit, List.copyOf(files));
    held += files.size() - (previous == null ? 0 : previous.size());
    for (Iterator<List<GitEntry>> eldest = LISTS.values().iterator(); held > MAX_ENTRIES && eldest.hasNext(); ) {
      held -= eldest.next().size();
      eldest.remove();
    }
  }
}
