package org.arbor.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.arbor.core.GitHash;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;

/**
 * What {@code model_info}/{@code dataset_info} show of a repository at a revision. In listings
 * {@code sha} may be null, {@code siblings} empty and {@code weights} null.
 */
public record RepoInfo(
    String internalId, RepoId id, RepoType type, GitHash sha, Instant lastModified, Instant createdAt,
    boolean isPrivate, String gated, long downloads, long downloadsAllTime, long likes, long trendingScore, List<String> tags,
    String pipelineTag,
    String libraryName, Map<String, Object> cardData, List<Sibling> siblings, Weights.WeightsInfo weights) {}
