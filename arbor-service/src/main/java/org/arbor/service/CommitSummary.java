package org.arbor.service;

import java.time.Instant;
import org.arbor.core.GitHash;

/** A commit as listings show it. */
public record CommitSummary(GitHash id, String title, String message, String author, Instant date) {}
