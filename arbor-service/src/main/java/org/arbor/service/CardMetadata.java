package org.arbor.service;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.arbor.formats.card.CardException;
import org.arbor.formats.card.ModelCard;
import org.arbor.formats.card.ModelCardReader;

/**
 * What a repository's README says about it: the card data, and the tags the Hub derives from it
 * (the card's own tags, its library, licence, datasets, base models and languages).
 */
record CardMetadata(Map<String, Object> cardData, List<String> tags, String pipelineTag, String libraryName) {
  static final CardMetadata EMPTY = new CardMetadata(Map.of(), List.of(), null, null);

  /** Reads a README; one whose front matter cannot be parsed contributes nothing. */
  static CardMetadata of(byte[] readme) {
    ModelCard card;
    try {
      card = ModelCardReader.read(readme);
    } catch (CardException e) {
      return EMPTY;
    }
    Set<String> tags = new LinkedHashSet<>(card.strings("tags"));
    card.string("library_name").ifPresent(tags::add);
    for (String license : card.strings("license")) {
      tags.add("license:" + license);
    }
    for (String dataset : card.strings("datasets")) {
      tags.add("dataset:" + dataset);
    }
    List<String> bases = card.strings("base_model");
    // The relation to the base model(s): as the card states it, or a merge when it names several.
    String relation = card.string("base_model_relation").orElse(bases.size() > 1 ? "merge" : null);
    for (String base : bases) {
      tags.add("base_model:" + base);
      if (relation != null) {
        tags.add("base_model:" + relation + ":" + base);
      }
    }
    tags.addAll(card.strings("language"));
    return new CardMetadata(card.metadata(), new ArrayList<>(tags),
        card.string("pipeline_tag").orElse(null), card.string("library_name").orElse(null));
  }
}
