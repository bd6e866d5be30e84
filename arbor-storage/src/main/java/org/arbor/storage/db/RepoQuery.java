package org.arbor.storage.db;

import java.util.List;

/** Filters and order for a repository listing ({@code GET /api/models?search=…&author=…&filter=…&sort=…}). */
public record RepoQuery(String search, String author, String pipelineTag, List<String> tags, Sort sort) {
  public RepoQuery {
    tags = List.copyOf(tags);
  }

  /** Sort keys the clients send, and the column each orders by (descending, except {@code id}). */
  public enum Sort {
    LAST_MODIFIED("lastModified", "r.last_modified"),
    CREATED_AT("createdAt", "r.created_at"),
    DOWNLOADS("downloads", "r.downloads"),
    LIKES("likes", "r.likes"),
    TRENDING("trendingScore", "r.trending_score"),
    ID("id", "r.repo_key");

    private final String wire;
    private final String column;

    Sort(String wire, String column) {
      this.wire = wire;
      this.column = column;
    }

    String column() {
      return column;
    }

    /** The sort named by a client, or {@link #LAST_MODIFIED} for anything unknown or absent. */
    public static Sort fromWire(String value) {
      for (Sort sort : values()) {
        if (sort.wire.equals(value)) {
          return sort;
        }
      }
      return LAST_MODIFIED;
    }
  }
}
