package org.arbor.search;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.facet.FacetResult;
import org.apache.lucene.facet.FacetsCollector;
import org.apache.lucene.facet.FacetsCollectorManager;
import org.apache.lucene.facet.FacetsConfig;
import org.apache.lucene.facet.LabelAndValue;
import org.apache.lucene.facet.sortedset.DefaultSortedSetDocValuesReaderState;
import org.apache.lucene.facet.Facets;
import org.apache.lucene.facet.sortedset.ConcurrentSortedSetDocValuesFacetCounts;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesReaderState;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LiveIndexWriterConfig;
import org.apache.lucene.index.MergePolicy;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;

/**
 * The search index of repositories: one Lucene document per repository, derived from the
 * database and git and rebuildable from them at any time (so losing it loses nothing).
 *
 * <p>Writes ({@link #put}, {@link #updateCounters}, {@link #delete}) become visible to searches
 * at the next {@link #refresh}. The index remembers whether it was closed cleanly and which
 * schema wrote it; {@link #needsRebuild} says when its content cannot be trusted.
 */
public final class RepoIndex implements Closeable {
  private static final String SCHEMA_KEY = "arbor.schema";
  private static final String CLEAN_KEY = "arbor.clean";
  private static final String CHANGES_KEY = "arbor.changes";
  private static final String COMMITTED_KEY = "arbor.committed";

  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final FacetsConfig facetsConfig = IndexSchema.facetsConfig();
  private final boolean needsRebuild;
  private final long committedAt;
  private volatile long changeCursor;
  private final Object facetStateLock = new Object();
  /** Counts facets of several segments at once: a count over a million repositories is per-segment work. */
  private final ExecutorService facetPool = Executors.newFixedThreadPool(
      Math.max(1, Runtime.getRuntime().availableProcessors()),
      Thread.ofPlatform().name("facet-count-", 0).daemon().factory());
  private volatile FacetState facetState;

  private record FacetState(IndexReader reader, SortedSetDocValuesReaderState state) {}

  private RepoIndex(Directory directory) throws IOException {
    this.directory = directory;
    boolean exists = DirectoryReader.indexExists(directory);
    Map<String, String> previous = exists ? SegmentInfos.readLatestCommit(directory).getUserData() : Map.of();
    boolean sameSchema = IndexSchema.VERSION.equals(previous.get(SCHEMA_KEY));
    this.needsRebuild = !exists || !sameSchema || !"true".equals(previous.get(CLEAN_KEY));
    this.changeCursor = number(previous.get(CHANGES_KEY), -1);
    this.committedAt = number(previous.get(COMMITTED_KEY), 0);
    IndexWriterConfig config = new IndexWriterConfig(IndexSchema.analyzer())
        .setOpenMode(sameSchema ? IndexWriterConfig.OpenMode.CREATE_OR_APPEND : IndexWriterConfig.OpenMode.CREATE)
        .setRAMBufferSizeMB(256);   // fewer, larger flushes: fewer merges during a rebuild
    try {
      this.writer = new IndexWriter(directory, config);
    } catch (LockObtainFailedException e) {
      directory.close();
      throw new IllegalStateException("The search index is in use by another Arbor process; stop it first", e);
    }
    // From here until a clean close, a crash leaves changes the index may have missed.
    commitWith(false);
    this.searchers = new SearcherManager(writer, new SearcherFactory());
  }

  /** Opens (or creates) the index in {@code dir}. */
  public static RepoIndex open(Path dir) throws IOException {
    return new RepoIndex(FSDirectory.open(dir));
  }

  /** An index in memory, for tests and benchmarks. */
  public static RepoIndex inMemory() throws IOException {
    return new RepoIndex(new ByteBuffersDirectory());
  }

  /** True when the index is new, was written by another schema, or was not closed cleanly. */
  public boolean needsRebuild() {
    return needsRebuild;
  }

  /** Adds or replaces a repository's document. */
  public void put(RepoDocument repo) throws IOException {
    writer.updateDocument(new Term(IndexSchema.ID, repo.id()), IndexSchema.toDocument(repo, facetsConfig));
  }

  /** Updates the popularity numbers of a repository in place, without re-reading anything else. */
  public void updateCounters(String id, long downloads, long downloadsAllTime, long likes, long trendingScore)
      throws IOException {
    writer.updateDocValues(new Term(IndexSchema.ID, id),
        new NumericDocValuesField(IndexSchema.DOWNLOADS, downloads),
        new NumericDocValuesField(IndexSchema.DOWNLOADS_ALL_TIME, downloadsAllTime),
        new NumericDocValuesField(IndexSchema.LIKES, likes),
        new NumericDocValuesField(IndexSchema.TRENDING, trendingScore));
  }

  public void delete(String id) throws IOException {
    writer.deleteDocuments(new Term(IndexSchema.ID, id));
  }

  /**
   * Replaces the whole content with {@code repos}, indexed on {@code threads} threads. Searches
   * keep seeing the old content until the new one is complete and committed.
   *
   * @return how many documents were indexed
   */
  public long rebuild(Iterator<RepoDocument> repos, int threads) throws IOException {
    // A bulk load: no merging while adding (merges would compete with indexing for the cores)
    // and no compound files; the usual policy takes over, merging in the background, after.
    LiveIndexWriterConfig config = writer.getConfig();
    MergePolicy merges = config.getMergePolicy();
    config.setMergePolicy(NoMergePolicy.INSTANCE);
    config.setUseCompoundFile(false);
    long count;
    try {
      writer.deleteAll();
      count = addAll(repos, threads);
      commitWith(false);
    } finally {
      config.setMergePolicy(merges);
      config.setUseCompoundFile(true);
    }
    refresh();
    writer.maybeMerge();
    return count;
  }

  private long addAll(Iterator<RepoDocument> repos, int threads) throws IOException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Long>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        parts.add(pool.submit(() -> {
          long n = 0;
          while (true) {
            RepoDocument next;
            synchronized (repos) {
              if (!repos.hasNext()) {
                return n;
              }
              next = repos.next();
            }
            Document doc = IndexSchema.toDocument(next, facetsConfig);
            writer.addDocument(doc);
            n++;
          }
        }));
      }
      long total = 0;
      for (Future<Long> part : parts) {
        total += part.get();
      }
      return total;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while rebuilding the search index", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("could not rebuild the search index", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The position in the hub's change log up to which this index holds every change, as last set
   * by {@link #followedChangesTo} and committed; -1 when unknown (a new index, or one written
   * before the log existed).
   */
  public long changeCursor() {
    return changeCursor;
  }

  /** When the index was last committed before this process opened it (epoch millis, 0 if never). */
  public long previouslyCommittedAt() {
    return committedAt;
  }

  /** Records that every change up to {@code seq} is in the index; stored with the next commit. */
  public void followedChangesTo(long seq) {
    changeCursor = seq;
  }

  /** Makes every write so far visible to searches. */
  public void refresh() throws IOException {
    searchers.maybeRefreshBlocking();
  }

  /** Makes every write so far durable (the index is still marked as open). */
  public void commit() throws IOException {
    commitWith(false);
  }

  /** How many repositories the index holds. */
  public long count() throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      return searcher.getIndexReader().numDocs();
    } finally {
      searchers.release(searcher);
    }
  }

  /**
   * One page of the repositories that match, in the request's order, starting after its cursor.
   *
   * @throws IllegalArgumentException when the cursor is malformed or from another order
   */
  public SearchPage search(SearchRequest request) throws IOException {
    SearchRequest.Sort order = request.sort() == SearchRequest.Sort.RELEVANCE && !request.hasText()
        ? SearchRequest.Sort.LAST_MODIFIED : request.sort();
    Sort sort = sortOf(order);
    FieldDoc after = request.cursor() == null || request.cursor().isEmpty()
        ? null : PageCursor.decode(request.cursor(), order, kinds(order));
    IndexSearcher searcher = searchers.acquire();
    try {
      TopFieldDocs top = searcher.search(QueryBuilder.build(request),
          new TopFieldCollectorManager(sort, request.limit() + 1, after, Integer.MAX_VALUE));
      ScoreDoc[] hits = top.scoreDocs;
      int shown = Math.min(hits.length, request.limit());
      List<String> ids = new ArrayList<>(shown);
      var stored = searcher.storedFields();
      for (int i = 0; i < shown; i++) {
        ids.add(stored.document(hits[i].doc, Set.of(IndexSchema.ID)).get(IndexSchema.ID));
      }
      String next = hits.length > request.limit() ? PageCursor.encode(order, hits[shown - 1]) : null;
      return new SearchPage(ids, next, top.totalHits.value());
    } finally {
      searchers.release(searcher);
    }
  }

  /**
   * Facet counts over everything the request matches (its cursor and limit ignored): for each
   * dimension (pipeline_tag, library, license, language, size, format) its {@code top} most
   * frequent values. Only repositories the viewer may see are counted.
   */
  public Map<String, List<FacetCount>> facets(SearchRequest request, int top) throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      Map<String, List<FacetCount>> out = new LinkedHashMap<>();
      IndexSchema.FACETS.forEach(dim -> out.put(dim, List.of()));
      SortedSetDocValuesReaderState state = facetState(searcher.getIndexReader());
      if (state == null) {
        return out;
      }
      FacetsCollector hits = searcher.search(QueryBuilder.build(request), new FacetsCollectorManager());
      Facets counts;
      try {
        counts = new ConcurrentSortedSetDocValuesFacetCounts(state, hits, facetPool);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while counting facets", e);
      }
      for (String dim : IndexSchema.FACETS) {
        FacetResult result = topChildren(counts, top, dim);
        if (result != null) {
          List<FacetCount> values = new ArrayList<>();
          for (LabelAndValue lv : result.labelValues) {
            values.add(new FacetCount(lv.label, lv.value.longValue()));
          }
          out.put(dim, values);
        }
      }
      return out;
    } finally {
      searchers.release(searcher);
    }
  }

  private static FacetResult topChildren(Facets counts, int top, String dim)
      throws IOException {
    try {
      return counts.getTopChildren(top, dim);
    } catch (IllegalArgumentException e) {
      return null;   // no document has this dimension yet
    }
  }

  /** The ordinal map of facet values for this reader; built once per refresh, on first use. */
  private SortedSetDocValuesReaderState facetState(IndexReader reader) throws IOException {
    FacetState current = facetState;
    if (current != null && current.reader == reader) {
      return current.state;
    }
    synchronized (facetStateLock) {
      current = facetState;
      if (current != null && current.reader == reader) {
        return current.state;
      }
      SortedSetDocValuesReaderState state;
      try {
        state = new DefaultSortedSetDocValuesReaderState(reader, facetsConfig);
      } catch (IllegalArgumentException e) {
        state = null;   // an empty index has no facet field at all
      }
      facetState = new FacetState(reader, state);
      return state;
    }
  }

  private static Sort sortOf(SearchRequest.Sort order) {
    SortField byKey = new SortField(IndexSchema.KEY_SORT, SortField.Type.STRING);
    return switch (order) {
      case ID -> new Sort(byKey);
      case RELEVANCE -> new Sort(SortField.FIELD_SCORE,
          new SortField(IndexSchema.DOWNLOADS, SortField.Type.LONG, true), byKey);
      default -> new Sort(new SortField(order.field, SortField.Type.LONG, true), byKey);
    };
  }

  private static String kinds(SearchRequest.Sort order) {
    return switch (order) {
      case ID -> "s";
      case RELEVANCE -> "fls";
      default -> "ls";
    };
  }

  private void commitWith(boolean clean) throws IOException {
    writer.setLiveCommitData(Map.of(SCHEMA_KEY, IndexSchema.VERSION, CLEAN_KEY, Boolean.toString(clean),
        CHANGES_KEY, Long.toString(changeCursor), COMMITTED_KEY, Long.toString(System.currentTimeMillis())).entrySet());
    writer.commit();
  }

  private static long number(String text, long otherwise) {
    try {
      return text == null ? otherwise : Long.parseLong(text);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  /** Commits everything and marks the index clean, so the next start trusts it. */
  @Override
  public void close() throws IOException {
    try {
      facetPool.shutdownNow();
      searchers.close();
      commitWith(true);
      writer.close();
    } finally {
      directory.close();
    }
  }
}
