-- An organisation's unsafe-file policy (NULL follows the instance's), and access requests to
-- gated repositories.
ALTER TABLE orgs ADD COLUMN scan_policy VARCHAR(8);

CREATE TABLE access_requests (
  repo_id          VARCHAR(24)  NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  user_id          VARCHAR(24)  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  status           VARCHAR(16)  NOT NULL,
  fields           TEXT,
  rejection_reason VARCHAR(200),
  created_at       BIGINT       NOT NULL,
  updated_at       BIGINT       NOT NULL,
  PRIMARY KEY (repo_id, user_id)
);
CREATE INDEX access_requests_status ON access_requests(repo_id, status);
