package org.arbor.search;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one repository contributes to the search index: derived from its database row, its card
 * and the analysis of its head, and rebuilt from those at any time.
 *
 * @param id the repository's internal id (stable across renames)
 * @param type {@code model} or {@code dataset}
 * @param owner the namespace as written ({@code Meta-Llama})
 * @param name the name as written
 * @param cardText the README's prose, front matter removed; may be empty
 * @param tags the Hub's tags (card tags, library, {@code license:…}, {@code dataset:…}, {@code base_model:…}, languages)
 * @param parameters total parameter count of the weights, or -1 when unknown
 * @param formats weight formats present ({@code safetensors}, {@code gguf}, …)
 * @param readers who may see a private repository (namespace keys); ignored for public ones
 */
public record RepoDocument(
    String id, String type, String owner, String name, String cardText, List<String> tags,
    String pipelineTag, String libraryName, List<String> licenses, List<String> languages, List<String> datasets,
    List<String> baseModels, String baseModelRelation, long parameters, List<String> formats,
    String gated, boolean isPrivate, List<String> readers,
    long downloads, long downloadsAllTime, long likes, long trendingScore, Instant createdAt, Instant lastModified) {

  public RepoDocument {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(name, "name");
    cardText = cardText == null ? "" : cardText;
    tags = List.copyOf(tags);
    licenses = List.copyOf(licenses);
    languages = List.copyOf(languages);
    datasets = List.copyOf(datasets);
    baseModels = List.copyOf(baseModels);
    formats = List.copyOf(formats);
    readers = List.copyOf(readers);
    createdAt = createdAt == null ? Instant.EPOCH : createdAt;
    lastModified = lastModified == null ? createdAt : lastModified;
  }

  /** {@code owner/name} as written. */
  public String fullName() {
    return owner + "/" + name;
  }
}
