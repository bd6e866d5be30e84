-- The change log other nodes' search indexes follow (issue 11). One row per reported change; the
-- sequence orders them. AUTOINCREMENT: SQLite never reuses a number, even after pruning. Rows
-- older than a week are pruned; an index that fell further behind is rebuilt.
CREATE TABLE repo_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  repo_id TEXT,
  kind TEXT NOT NULL,
  node TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX repo_changes_by_time ON repo_changes (at);
