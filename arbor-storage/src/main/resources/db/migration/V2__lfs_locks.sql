-- File locks of the git-lfs locking API: one lock per path per repository.
CREATE TABLE lfs_locks (
  id          VARCHAR(24)   PRIMARY KEY,
  repo_id     VARCHAR(24)   NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  path        VARCHAR(1024) NOT NULL,
  owner_id    VARCHAR(24)   NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  owner_name  VARCHAR(96)   NOT NULL,
  locked_at   BIGINT        NOT NULL,
  CONSTRAINT lfs_locks_unique_path UNIQUE (repo_id, path)
);
