package org.arbor.search;

import java.util.List;
import java.util.Set;

/**
 * One listing or search: the filters the clients send ({@code GET /api/models?search=&author=&filter=…}),
 * an order, who is asking, and where the previous page ended.
 *
 * @param text free text; matched against the id (exact, prefix, substring, typos) and the card
 * @param filters tags that must all be present; {@code language:}, {@code library:}, {@code license:},
 *     {@code size:}, {@code format:}, {@code pipeline_tag:} and {@code gated:} prefixes match those fields,
 *     other prefixes ({@code dataset:}, {@code base_model:}) are tags
 * @param sort the order; {@link Sort#RELEVANCE} is only meaningful with text
 * @param cursor an opaque cursor from a previous {@link SearchPage}, or null for the first page
 */
public record SearchRequest(String type, String text, String author, String pipelineTag, List<String> filters,
    Sort sort, Viewer viewer, String cursor, int limit) {

  public SearchRequest {
    filters = List.copyOf(filters);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
  }

  /** The same request for a later page. */
  public SearchRequest after(String nextCursor) {
    return new SearchRequest(type, text, author, pipelineTag, filters, sort, viewer, nextCursor, limit);
  }

  public boolean hasText() {
    return text != null && !text.isBlank();
  }

  /** Orders a listing can take; all descending except {@link #ID}. Ties are broken by id. */
  public enum Sort {
    RELEVANCE("relevance", null),
    LAST_MODIFIED("lastModified", IndexSchema.MODIFIED),
    CREATED_AT("createdAt", IndexSchema.CREATED),
    DOWNLOADS("downloads", IndexSchema.DOWNLOADS),
    DOWNLOADS_ALL_TIME("downloadsAllTime", IndexSchema.DOWNLOADS_ALL_TIME),
    LIKES("likes", IndexSchema.LIKES),
    TRENDING("trendingScore", IndexSchema.TRENDING),
    PARAMETERS("num_parameters", IndexSchema.PARAMETERS),
    ID("id", null);

    private final String wire;
    final String field;

    Sort(String wire, String field) {
      this.wire = wire;
      this.field = field;
    }

    public String wire() {
      return wire;
    }

    /**
     * The sort a client named; {@code trending} and {@code trending_score} are accepted as the
     * Python client's spellings. Absent or unknown: relevance when there is text, else last modified.
     */
    public static Sort fromWire(String value, boolean hasText) {
      if (value != null) {
        String v = value.equals("trending") || value.equals("trending_score") ? "trendingScore" : value;
        for (Sort sort : values()) {
          if (sort.wire.equals(v)) {
            return sort;
          }
        }
      }
      return hasText ? RELEVANCE : LAST_MODIFIED;
    }
  }

  /**
   * Who is asking: an administrator sees everything; anyone else sees public repositories and the
   * private ones whose readers include one of their namespace keys (their own, their organisations').
   */
  public record Viewer(boolean admin, Set<String> namespaces) {
    public static final Viewer ANONYMOUS = new Viewer(false, Set.of());
    public static final Viewer ADMIN = new Viewer(true, Set.of());

    public Viewer {
      namespaces = Set.copyOf(namespaces);
    }
  }
}
