-- Download counting. A caller counts once per repository per day (download_marks, kept for
-- the current and previous day only); download_days holds the daily totals, and repos.downloads
-- the sum of the last 30 days, as the Hub reports it.
CREATE TABLE download_marks (
  repo_id VARCHAR(24) NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  day     INTEGER     NOT NULL,
  caller  VARCHAR(64) NOT NULL,
  PRIMARY KEY (repo_id, day, caller)
);

CREATE TABLE download_days (
  repo_id   VARCHAR(24) NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  day       INTEGER     NOT NULL,
  downloads BIGINT      NOT NULL,
  PRIMARY KEY (repo_id, day)
);
