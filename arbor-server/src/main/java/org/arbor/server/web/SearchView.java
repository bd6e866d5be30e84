package org.arbor.server.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.arbor.search.FacetCount;
import org.arbor.service.RepoInfo;

/**
 * The search page's state and the links it offers: each facet value toggles its filter, each
 * sort keeps the filters, the next page keeps everything and adds the cursor.
 */
public record SearchView(String path, String search, List<String> filters, String sort, List<RepoInfo> results,
    long total, Map<String, List<FacetCount>> facets, String nextCursor) {

  /** Facet dimensions as a reader names them. */
  public static final Map<String, String> FACET_NAMES = Map.of("pipeline_tag", "Tasks", "library", "Libraries",
      "license", "Licences", "language", "Languages", "size", "Parameters", "format", "Formats");

  /** Sort keys offered, with labels. */
  public static final List<String[]> SORTS = List.of(new String[] {"", "Best match / recently updated"},
      new String[] {"trendingScore", "Trending"}, new String[] {"downloads", "Most downloads"},
      new String[] {"likes", "Most likes"}, new String[] {"lastModified", "Recently updated"},
      new String[] {"createdAt", "Recently created"}, new String[] {"num_parameters", "Most parameters"});

  public SearchView {
    filters = List.copyOf(filters);
  }

  public static String filterOf(String dimension, String value) {
    return dimension + ":" + value;
  }

  public boolean selected(String filter) {
    return filters.contains(filter);
  }

  /** This page with {@code filter} added, or removed if it was there (and from the first page). */
  public String toggle(String filter) {
    List<String> next = new ArrayList<>(filters);
    if (!next.remove(filter)) {
      next.add(filter);
    }
    return url(search, next, sort, null);
  }

  public String nextUrl() {
    return nextCursor == null ? null : url(search, filters, sort, nextCursor);
  }

  public String facetName(String dimension) {
    return FACET_NAMES.getOrDefault(dimension, dimension);
  }

  private String url(String text, List<String> withFilters, String order, String cursor) {
    StringBuilder url = new StringBuilder(path);
    char sep = '?';
    if (text != null && !text.isBlank()) {
      url.append(sep).append("search=").append(encode(text));
      sep = '&';
    }
    for (String f : withFilters) {
      url.append(sep).append("filter=").append(encode(f));
      sep = '&';
    }
    if (order != null && !order.isBlank()) {
      url.append(sep).append("sort=").append(encode(order));
      sep = '&';
    }
    if (cursor != null) {
      url.append(sep).append("cursor=").append(encode(cursor));
    }
    return url.toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
