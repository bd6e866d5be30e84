package org.arbor.storage.git.dfs;

/** How often a repository's refs and its pack list have changed: what a node compares with its caches. */
record Versions(long refs, long packs) {}
