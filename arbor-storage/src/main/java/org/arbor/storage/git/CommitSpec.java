package org.arbor.storage.git;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.arbor.core.GitHash;

/**
 * Everything needed to write one commit and move a ref to it.
 *
 * @param ref the full ref to move, e.g. {@code refs/heads/main}
 * @param parent the commit whose tree the changes apply to, and the new commit's parent; empty
 *     for a root commit
 * @param createRef true if {@code ref} must not exist yet; otherwise it must point at
 *     {@code parent} (compare-and-swap)
 */
public record CommitSpec(
    String ref, Optional<GitHash> parent, boolean createRef, List<TreeChange> changes,
    String authorName, String authorEmail, String message, Instant when) {}
