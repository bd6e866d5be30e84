package org.arbor.search;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.apache.lucene.analysis.pattern.PatternTokenizer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.facet.FacetsConfig;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.util.BytesRef;

/**
 * The fields of a repository's document and how each is analysed. Bump {@link #VERSION} whenever
 * a field or an analyser changes: an index written under another version is rebuilt at start.
 */
final class IndexSchema {
  static final String VERSION = "2";

  static final String ID = "id";                 // internal id: the update/delete key, stored
  static final String TYPE = "type";
  static final String KEY = "key";               // lower-case owner/name: exact and prefix matches, stored
  static final String KEY_SORT = "key_sort";     // the same as doc values: tie-break and keyset cursor
  static final String NAME = "name";             // lower-case name alone
  static final String OWNER = "owner";
  static final String ID_GRAMS = "id_grams";     // trigrams of the key, positioned: substring as a phrase
  static final String ID_PAIRS = "id_pairs";     // bigrams of the key: two-letter substrings
  static final String ID_WORDS = "id_words";     // the key's words: prefix and typo-tolerant matches
  static final String TEXT = "text";             // card prose and tags, English-analysed
  static final String TAG = "tag";
  static final String PIPELINE = "pipeline_tag";
  static final String LIBRARY = "library";
  static final String LICENSE = "license";
  static final String LANGUAGE = "language";
  static final String FORMAT = "format";
  static final String SIZE = "size";
  static final String GATED = "gated";
  static final String VISIBLE = "visible";       // "public", or "ns:<key>" per reader of a private repo

  static final String DOWNLOADS = "downloads";
  static final String DOWNLOADS_ALL_TIME = "downloads_all_time";
  static final String LIKES = "likes";
  static final String TRENDING = "trending";
  static final String CREATED = "created";
  static final String MODIFIED = "modified";
  static final String PARAMETERS = "parameters";

  static final String PUBLIC = "public";

  /** Facet dimensions, in the order pages show them. */
  static final List<String> FACETS = List.of(PIPELINE, LIBRARY, LICENSE, LANGUAGE, SIZE, FORMAT);

  /** Id matches score by tier, not by length or frequency: no norms, and positions only for phrases. */
  private static final FieldType POSITIONS_NO_NORMS = tokenized(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
  private static final FieldType DOCS_NO_NORMS = tokenized(IndexOptions.DOCS);
  /** Card text is ranked by BM25 (frequencies and length norms) but never searched as a phrase. */
  private static final FieldType FREQS = new FieldType();

  static {
    FREQS.setTokenized(true);
    FREQS.setIndexOptions(IndexOptions.DOCS_AND_FREQS);
    FREQS.freeze();
  }

  private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

  private IndexSchema() {}

  private static FieldType tokenized(IndexOptions options) {
    FieldType type = new FieldType();
    type.setTokenized(true);
    type.setOmitNorms(true);
    type.setIndexOptions(options);
    type.freeze();
    return type;
  }

  static FacetsConfig facetsConfig() {
    FacetsConfig config = new FacetsConfig();
    for (String dim : List.of(TYPE, LICENSE, LANGUAGE, FORMAT)) {
      config.setMultiValued(dim, true);
    }
    return config;
  }

  static Analyzer analyzer() {
    return new PerFieldAnalyzerWrapper(new StandardAnalyzer(), Map.of(
        ID_GRAMS, grams(3),
        ID_PAIRS, grams(2),
        ID_WORDS, words(),
        TEXT, cardText()));
  }

  /**
   * Card prose: standard words, lower case, English stop words dropped and plurals folded
   * ({@code models} finds {@code model}). Lighter than Porter stemming, which halved the
   * indexing rate for little gain on model cards.
   */
  static Analyzer cardText() {
    return new Analyzer() {
      @Override
      protected TokenStreamComponents createComponents(String field) {
        Tokenizer tokenizer = new StandardTokenizer();
        TokenStream stream = new LowerCaseFilter(tokenizer);
        stream = new StopFilter(stream, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
        return new TokenStreamComponents(tokenizer, new EnglishMinimalStemFilter(stream));
      }
    };
  }

  /** Lower-case words of an id: {@code Meta-Llama/Llama-3.1-8B} → meta, llama, llama, 3, 1, 8b. */
  static Analyzer words() {
    return new Analyzer() {
      @Override
      protected TokenStreamComponents createComponents(String field) {
        Tokenizer tokenizer = new PatternTokenizer(NON_WORD, -1);
        return new TokenStreamComponents(tokenizer, new LowerCaseFilter(tokenizer));
      }
    };
  }

  /** Every n-gram of the (already lower-case) key, one position apart, so a phrase of grams is a substring. */
  static Analyzer grams(int n) {
    return new Analyzer() {
      @Override
      protected TokenStreamComponents createComponents(String field) {
        return new TokenStreamComponents(new NGramTokenizer(n, n));
      }
    };
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /** The parameter-size bucket a count falls in, or null when unknown. */
  static String sizeBucket(long parameters) {
    if (parameters < 0) {
      return null;
    }
    double b = parameters / 1e9;
    if (b < 1) {
      return "<1B";
    } else if (b < 3) {
      return "1B-3B";
    } else if (b < 8) {
      return "3B-8B";
    } else if (b < 15) {
      return "8B-15B";
    } else if (b < 35) {
      return "15B-35B";
    } else if (b < 75) {
      return "35B-75B";
    }
    return ">75B";
  }

  static Document toDocument(RepoDocument repo, FacetsConfig config) throws java.io.IOException {
    Document doc = new Document();
    String key = lower(repo.fullName());
    doc.add(new StringField(ID, repo.id(), Field.Store.YES));
    doc.add(new StringField(TYPE, repo.type(), Field.Store.NO));
    doc.add(new SortedSetDocValuesFacetField(TYPE, repo.type()));
    doc.add(new StringField(KEY, key, Field.Store.YES));
    doc.add(new SortedDocValuesField(KEY_SORT, new BytesRef(key)));
    doc.add(new StringField(NAME, lower(repo.name()), Field.Store.NO));
    doc.add(new StringField(OWNER, lower(repo.owner()), Field.Store.NO));
    doc.add(new Field(ID_GRAMS, key, POSITIONS_NO_NORMS));
    doc.add(new Field(ID_PAIRS, key, DOCS_NO_NORMS));
    doc.add(new Field(ID_WORDS, key, DOCS_NO_NORMS));
    doc.add(new Field(TEXT, repo.cardText() + "\n" + String.join(" ", repo.tags()), FREQS));

    Set<String> tags = new LinkedHashSet<>(repo.tags());
    if (repo.pipelineTag() != null) {
      tags.add(repo.pipelineTag());
      keyword(doc, PIPELINE, repo.pipelineTag());
    }
    for (String tag : tags) {
      doc.add(new StringField(TAG, tag, Field.Store.NO));
    }
    if (repo.libraryName() != null) {
      keyword(doc, LIBRARY, repo.libraryName());
    }
    new LinkedHashSet<>(repo.licenses()).forEach(v -> keyword(doc, LICENSE, v));
    new LinkedHashSet<>(repo.languages()).forEach(v -> keyword(doc, LANGUAGE, v));
    new LinkedHashSet<>(repo.formats()).forEach(v -> keyword(doc, FORMAT, v));
    String size = sizeBucket(repo.parameters());
    if (size != null) {
      keyword(doc, SIZE, size);
    }
    doc.add(new StringField(GATED, repo.gated() == null ? "false" : repo.gated(), Field.Store.NO));
    if (repo.isPrivate()) {
      for (String reader : new LinkedHashSet<>(repo.readers())) {
        doc.add(new StringField(VISIBLE, "ns:" + lower(reader), Field.Store.NO));
      }
    } else {
      doc.add(new StringField(VISIBLE, PUBLIC, Field.Store.NO));
    }
    doc.add(new NumericDocValuesField(DOWNLOADS, repo.downloads()));
    doc.add(new NumericDocValuesField(DOWNLOADS_ALL_TIME, repo.downloadsAllTime()));
    doc.add(new NumericDocValuesField(LIKES, repo.likes()));
    doc.add(new NumericDocValuesField(TRENDING, repo.trendingScore()));
    doc.add(new NumericDocValuesField(CREATED, repo.createdAt().toEpochMilli()));
    doc.add(new NumericDocValuesField(MODIFIED, repo.lastModified().toEpochMilli()));
    doc.add(new NumericDocValuesField(PARAMETERS, repo.parameters()));
    return config.build(doc);
  }

  /** A filterable keyword that is also a facet value. Empty values are skipped: facets refuse them. */
  private static void keyword(Document doc, String field, String value) {
    if (value == null || value.isEmpty()) {
      return;
    }
    doc.add(new StringField(field, value, Field.Store.NO));
    doc.add(new SortedSetDocValuesFacetField(field, value));
  }
}
