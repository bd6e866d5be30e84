package org.arbor.search;

import java.util.List;

/**
 * One page of a search: the repositories' internal ids in order, and the cursor of the next page
 * (null on the last one). {@code totalHits} counts every match the viewer may see.
 */
public record SearchPage(List<String> ids, String nextCursor, long totalHits) {
  public SearchPage {
    ids = List.copyOf(ids);
  }
}
