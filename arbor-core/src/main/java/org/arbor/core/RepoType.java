package org.arbor.core;

import java.util.Locale;

/** The kinds of repository the Hub API names, with the spellings each URL family uses. */
public enum RepoType {
  MODEL("model", "models", ""),
  DATASET("dataset", "datasets", "datasets/"),
  SPACE("space", "spaces", "spaces/");

  private final String singular;
  private final String plural;
  private final String urlPrefix;

  RepoType(String singular, String plural, String urlPrefix) {
    this.singular = singular;
    this.plural = plural;
    this.urlPrefix = urlPrefix;
  }

  /** {@code model}, as sent in JSON bodies ({@code "type": "dataset"}). */
  public String singular() {
    return singular;
  }

  /** {@code models}, as in {@code /api/models/...}. */
  public String plural() {
    return plural;
  }

  /** {@code ""} for models, {@code datasets/} for datasets: the prefix of web, git and LFS URLs. */
  public String urlPrefix() {
    return urlPrefix;
  }

  /** Parses the singular JSON spelling; {@code null} or empty means model, as the clients intend. */
  public static RepoType fromSingular(String value) {
    if (value == null || value.isEmpty()) {
      return MODEL;
    }
    for (RepoType type : values()) {
      if (type.singular.equals(value.toLowerCase(Locale.ROOT))) {
        return type;
      }
    }
    throw HubException.badRequest("Invalid repo type: " + value + " (expected model, dataset or space)");
  }

  public static RepoType fromPlural(String value) {
    for (RepoType type : values()) {
      if (type.plural.equals(value)) {
        return type;
      }
    }
    throw HubException.badRequest("Invalid repo type: " + value);
  }
}
