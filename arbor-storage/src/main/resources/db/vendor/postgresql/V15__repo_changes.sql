-- The change log other nodes' search indexes follow (issue 11). One row per reported change; the
-- sequence orders them (a sequence may leave gaps and commit out of order: readers allow for it).
-- Rows older than a week are pruned; an index that fell further behind is rebuilt.
CREATE TABLE repo_changes (
  seq BIGSERIAL PRIMARY KEY,
  repo_id TEXT,
  kind TEXT NOT NULL,
  node TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX repo_changes_by_time ON repo_changes (at);
