package org.arbor.storage.git;

import java.time.Instant;
import java.util.List;
import org.arbor.core.GitHash;

/** A commit as the API shows it. {@code title} is the first line of the message. */
public record GitCommit(
    GitHash id, String title, String message, String authorName, String authorEmail, Instant date,
    List<GitHash> parents) {}
