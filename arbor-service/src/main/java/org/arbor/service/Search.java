package org.arbor.service;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.arbor.core.HubException;
import org.arbor.core.RepoType;
import org.arbor.search.FacetCount;
import org.arbor.search.SearchPage;
import org.arbor.search.SearchRequest;
import org.arbor.storage.db.OrgRows;
import org.arbor.storage.db.RepoRow;
import org.arbor.storage.db.RepoRows;

/**
 * Listing, search and facet counts of repositories, answered by the search index and shown from
 * the database rows (so what a listing shows is never staler than the rows, and a repository
 * made private since it was indexed is dropped rather than shown).
 */
public final class Search {
  /** How long a search waits for changes reported before it to become searchable. */
  static final Duration FRESHNESS = Duration.ofSeconds(2);
  static final int FACET_VALUES = 30;

  private final SearchIndexer indexer;
  private final Access access;
  private final RepoRows rows;
  private final OrgRows orgs;

  public Search(SearchIndexer indexer, Access access, RepoRows rows, OrgRows orgs) {
    this.indexer = indexer;
    this.access = access;
    this.rows = rows;
    this.orgs = orgs;
  }

  /** What a listing asks for, as the clients send it. {@code sort} is a Hub sort key or null. */
  public record Query(String text, String author, String pipelineTag, List<String> filters, String sort) {
    public Query {
      filters = List.copyOf(filters);
    }
  }

  /** One page of a listing and the cursor of the next (null on the last page). */
  public record Listing(List<RepoInfo> items, String nextCursor, long total) {}

  public Listing list(Caller caller, RepoType type, Query query, String cursor, int limit) throws IOException {
    SearchRequest request = request(caller, type, query, cursor, limit);
    indexer.awaitFresh(FRESHNESS);
    SearchPage page;
    try {
      page = indexer.index().search(request);
    } catch (IllegalArgumentException e) {
      throw HubException.badRequest(e.getMessage());
    }
    Map<String, RepoRow> found = rows.findByIds(page.ids());
    List<RepoInfo> items = new ArrayList<>(page.ids().size());
    for (String id : page.ids()) {
      RepoRow row = found.get(id);
      if (row != null && access.canRead(caller, row)) {
        items.add(Repos.listed(row));
      }
    }
    return new Listing(items, page.nextCursor(), page.totalHits());
  }

  /**
   * For each facet dimension (pipeline_tag, library, license, language, size, format), its most
   * frequent values among the repositories this query matches and the caller may see.
   */
  public Map<String, List<FacetCount>> facets(Caller caller, RepoType type, Query query) throws IOException {
    indexer.awaitFresh(FRESHNESS);
    return indexer.index().facets(request(caller, type, query, null, 1), FACET_VALUES);
  }

  private SearchRequest request(Caller caller, RepoType type, Query query, String cursor, int limit) {
    Access.checkSupported(type);
    boolean hasText = query.text() != null && !query.text().isBlank();
    return new SearchRequest(type.singular(), query.text(), query.author(), query.pipelineTag(), query.filters(),
        SearchRequest.Sort.fromWire(query.sort(), hasText), viewer(caller), cursor, limit);
  }

  /** Whose private repositories the caller may find: their own namespace and their organisations'. */
  private SearchRequest.Viewer viewer(Caller caller) {
    if (caller.admin()) {
      return SearchRequest.Viewer.ADMIN;
    }
    if (caller.isAnonymous()) {
      return SearchRequest.Viewer.ANONYMOUS;
    }
    Set<String> namespaces = new HashSet<>();
    namespaces.add(caller.name());
    for (String[] membership : orgs.membershipsOf(caller.userId())) {
      namespaces.add(membership[0]);
    }
    return new SearchRequest.Viewer(false, namespaces);
  }
}
