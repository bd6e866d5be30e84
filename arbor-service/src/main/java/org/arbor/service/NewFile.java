package org.arbor.service;

/** A small file given inline, e.g. in the {@code files} of a repository creation. */
public record NewFile(String path, byte[] content) {}
