package org.arbor.storage.db;

import java.time.Instant;
import java.util.List;

/**
 * A repository's settings and the metadata derived from its head (card, tags), kept so that
 * listings need not open git. {@code storageKey} names its git storage and never changes.
 */
public record RepoRow(
    String id, String type, String namespace, String name, boolean isPrivate, String gated,
    Instant createdAt, Instant lastModified, String headSha, String cardData,
    String pipelineTag, String libraryName, long downloads, long downloadsAllTime, long likes, long trendingScore, List<String> tags,
    String scanPolicy) {

  public String storageKey() {
    return id;
  }

  public String fullName() {
    return namespace + "/" + name;
  }
}
