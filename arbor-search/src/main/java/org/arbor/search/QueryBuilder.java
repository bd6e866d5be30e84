package org.arbor.search;

import static org.arbor.search.IndexSchema.lower;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.WildcardQuery;

/**
 * Turns a {@link SearchRequest} into a Lucene query. Text is scored in tiers so that the order
 * reads as people expect: the exact id, then the exact name, then ids starting with the text,
 * then ids containing it, then ids whose words start with or are one typo away from its words,
 * and last the cards that mention it. Within a tier the more downloaded repository comes first.
 */
final class QueryBuilder {
  static final float EXACT_ID = 1000;
  static final float EXACT_NAME = 400;
  static final float ID_PREFIX = 200;
  static final float NAME_PREFIX = 150;
  static final float SUBSTRING = 100;
  static final float WORD_PREFIX = 30;
  static final float WORD_TYPO = 10;
  static final float CARD = 0.1f;
  private static final int MAX_WORDS = 16;

  private static final Analyzer WORDS = IndexSchema.words();
  private static final Analyzer GRAMS = IndexSchema.grams(3);
  private static final Analyzer CARD_TEXT = IndexSchema.cardText();

  private QueryBuilder() {}

  /** The filters alone: what the viewer may see, of this type, matching every filter. */
  static Query filters(SearchRequest request) {
    BooleanQuery.Builder q = new BooleanQuery.Builder();
    q.add(new TermQuery(new Term(IndexSchema.TYPE, request.type())), Occur.FILTER);
    q.add(visibility(request.viewer()), Occur.FILTER);
    if (present(request.author())) {
      q.add(new TermQuery(new Term(IndexSchema.OWNER, lower(request.author().trim()))), Occur.FILTER);
    }
    if (present(request.pipelineTag())) {
      q.add(new TermQuery(new Term(IndexSchema.PIPELINE, request.pipelineTag().trim())), Occur.FILTER);
    }
    for (String filter : request.filters()) {
      if (present(filter)) {
        q.add(filter(filter.trim()), Occur.FILTER);
      }
    }
    return q.build();
  }

  /** The whole query: filters, plus the scored text when there is some. */
  static Query build(SearchRequest request) {
    Query filters = filters(request);
    if (!request.hasText()) {
      return new ConstantScoreQuery(filters);
    }
    return new BooleanQuery.Builder()
        .add(filters, Occur.FILTER)
        .add(text(request.text()), Occur.MUST)
        .build();
  }

  /** One {@code filter=} value: a prefixed field filter, or a tag. */
  static Query filter(String filter) {
    int colon = filter.indexOf(':');
    if (colon > 0) {
      String prefix = filter.substring(0, colon);
      String value = filter.substring(colon + 1);
      String field = switch (prefix) {
        case "language" -> IndexSchema.LANGUAGE;
        case "library" -> IndexSchema.LIBRARY;
        case "license" -> IndexSchema.LICENSE;
        case "size" -> IndexSchema.SIZE;
        case "format" -> IndexSchema.FORMAT;
        case "pipeline_tag" -> IndexSchema.PIPELINE;
        default -> null;
      };
      if (field != null) {
        return new TermQuery(new Term(field, value));
      }
      if (prefix.equals("gated")) {
        return gated(value);
      }
    }
    return new TermQuery(new Term(IndexSchema.TAG, filter));
  }

  /** {@code gated:true} (any gating), {@code gated:false}, or one mode ({@code gated:auto}, {@code gated:manual}). */
  private static Query gated(String value) {
    if (!value.equals("true")) {
      return new TermQuery(new Term(IndexSchema.GATED, value));
    }
    return new BooleanQuery.Builder()
        .add(new MatchAllDocsQuery(), Occur.FILTER)
        .add(new TermQuery(new Term(IndexSchema.GATED, "false")), Occur.MUST_NOT)
        .build();
  }

  static Query visibility(SearchRequest.Viewer viewer) {
    if (viewer.admin()) {
      return new MatchAllDocsQuery();
    }
    BooleanQuery.Builder q = new BooleanQuery.Builder();
    q.add(new TermQuery(new Term(IndexSchema.VISIBLE, IndexSchema.PUBLIC)), Occur.SHOULD);
    for (String namespace : viewer.namespaces()) {
      q.add(new TermQuery(new Term(IndexSchema.VISIBLE, "ns:" + lower(namespace))), Occur.SHOULD);
    }
    return q.build();
  }

  static Query text(String raw) {
    String s = lower(raw.trim());
    BooleanQuery.Builder q = new BooleanQuery.Builder();
    q.add(tier(new TermQuery(new Term(IndexSchema.KEY, s)), EXACT_ID), Occur.SHOULD);
    q.add(tier(new TermQuery(new Term(IndexSchema.NAME, s)), EXACT_NAME), Occur.SHOULD);
    q.add(tier(new PrefixQuery(new Term(IndexSchema.KEY, s)), ID_PREFIX), Occur.SHOULD);
    q.add(tier(new PrefixQuery(new Term(IndexSchema.NAME, s)), NAME_PREFIX), Occur.SHOULD);
    q.add(tier(substring(s), SUBSTRING), Occur.SHOULD);
    List<String> words = analyze(WORDS, s);
    if (!words.isEmpty()) {
      q.add(tier(allWords(words, false), WORD_PREFIX), Occur.SHOULD);
      Query typos = allWords(words, true);
      if (typos != null) {
        q.add(tier(typos, WORD_TYPO), Occur.SHOULD);
      }
    }
    Query card = card(s);
    if (card != null) {
      q.add(new BoostQuery(card, CARD), Occur.SHOULD);
    }
    return q.build();
  }

  /** Ids containing {@code s}: a phrase of its trigrams (exact), its bigram, or a scan for one letter. */
  static Query substring(String s) {
    if (s.length() >= 3) {
      PhraseQuery.Builder phrase = new PhraseQuery.Builder();
      List<String> grams = analyze(GRAMS, s);
      for (int i = 0; i < grams.size(); i++) {
        phrase.add(new Term(IndexSchema.ID_GRAMS, grams.get(i)), i);
      }
      return phrase.build();
    }
    if (s.length() == 2) {
      return new TermQuery(new Term(IndexSchema.ID_PAIRS, s));
    }
    return new WildcardQuery(new Term(IndexSchema.KEY, "*" + WildcardQuery.WILDCARD_ESCAPE + s + "*"));
  }

  /**
   * Every word of the text must match a word of the id: by prefix, or with {@code typos} within
   * one edit (two for long words). Null when no word is long enough to allow a typo.
   */
  private static Query allWords(List<String> words, boolean typos) {
    BooleanQuery.Builder all = new BooleanQuery.Builder();
    boolean anyTypo = false;
    for (String word : words.subList(0, Math.min(words.size(), MAX_WORDS))) {
      Term term = new Term(IndexSchema.ID_WORDS, word);
      int edits = word.length() >= 8 ? 2 : word.length() >= 4 ? 1 : 0;
      if (typos && edits > 0) {
        all.add(new FuzzyQuery(term, edits, 1), Occur.MUST);
        anyTypo = true;
      } else {
        all.add(new PrefixQuery(term), Occur.MUST);
      }
    }
    return typos && !anyTypo ? null : all.build();
  }

  /** Cards mentioning every word (BM25-scored), or null when the text has no searchable word. */
  private static Query card(String s) {
    List<String> terms = analyze(CARD_TEXT, s);
    if (terms.isEmpty()) {
      return null;
    }
    BooleanQuery.Builder q = new BooleanQuery.Builder();
    for (String term : terms.subList(0, Math.min(terms.size(), MAX_WORDS))) {
      q.add(new TermQuery(new Term(IndexSchema.TEXT, term)), Occur.MUST);
    }
    return q.build();
  }

  private static Query tier(Query q, float boost) {
    return new BoostQuery(new ConstantScoreQuery(q), boost);
  }

  static List<String> analyze(Analyzer analyzer, String text) {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream("f", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(term.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);   // analysing a String in memory does not do I/O
    }
    return out;
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
