package org.arbor.service;

/** The header line of an NDJSON commit. {@code parentCommit} may be null. */
public record CommitHeader(String summary, String description, String parentCommit) {}
