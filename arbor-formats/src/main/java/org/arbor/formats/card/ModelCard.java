package org.arbor.formats.card;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model or dataset card: the README.md of a repository, split into its YAML front matter
 * (the metadata the Hub calls {@code cardData}) and the markdown body.
 */
public record ModelCard(Map<String, Object> metadata, String body) {
  public ModelCard {
    metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** A string-valued field such as {@code license} or {@code pipeline_tag}. */
  public Optional<String> string(String key) {
    return metadata.get(key) instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
  }

  /** A field that may be one string or a list of strings, such as {@code tags} or {@code language}. */
  public List<String> strings(String key) {
    Object value = metadata.get(key);
    if (value instanceof String s) {
      return s.isBlank() ? List.of() : List.of(s);
    }
    if (value instanceof List<?> list) {
      return list.stream().filter(String.class::isInstance).map(String.class::cast).filter(s -> !s.isBlank()).toList();
    }
    return List.of();
  }
}
