package org.arbor.storage.git.dfs;

import java.time.Clock;

/** What every repository on object storage shares: the bucket, the tables, the clock. */
record Stores(PackFiles files, GitRepoRows repos, GitRefRows refs, GitPackRows packs, Clock clock) {}
