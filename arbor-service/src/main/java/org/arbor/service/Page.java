package org.arbor.service;

import java.util.List;

/** One page of a listing, and whether another page follows it. */
public record Page<T>(List<T> items, boolean hasMore, int total) {
  static <T> Page<T> slice(List<T> all, int offset, int limit) {
    int from = Math.min(Math.max(offset, 0), all.size());
    int to = Math.min(from + limit, all.size());
    return new Page<>(List.copyOf(all.subList(from, to)), to < all.size(), all.size());
  }
}
