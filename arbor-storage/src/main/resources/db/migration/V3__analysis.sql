-- Analysis of revisions: a queue of jobs that any node may claim (claim-and-lease), and results
-- keyed by the SHA-256 of the file they describe, so a file seen in many repos is read once.
CREATE TABLE analysis_jobs (
  id           VARCHAR(24)  PRIMARY KEY,
  repo_id      VARCHAR(24)  NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  commit_sha   VARCHAR(40)  NOT NULL,
  state        VARCHAR(16)  NOT NULL,
  attempts     INTEGER      NOT NULL DEFAULT 0,
  lease_until  BIGINT       NOT NULL DEFAULT 0,
  created_at   BIGINT       NOT NULL,
  finished_at  BIGINT,
  error        TEXT,
  CONSTRAINT analysis_jobs_unique UNIQUE (repo_id, commit_sha)
);
CREATE INDEX analysis_jobs_state ON analysis_jobs(state, lease_until);

CREATE TABLE file_inspections (
  sha256      VARCHAR(64)  NOT NULL,
  inspector   VARCHAR(32)  NOT NULL,
  format      VARCHAR(32)  NOT NULL,
  result      TEXT,
  error       TEXT,
  created_at  BIGINT       NOT NULL,
  PRIMARY KEY (sha256, inspector)
);
