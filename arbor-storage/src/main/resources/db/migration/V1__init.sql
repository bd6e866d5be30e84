-- Arbor's first schema. It runs unchanged on SQLite and PostgreSQL: ids are application-made
-- strings, times are epoch milliseconds, JSON is stored as TEXT.

CREATE TABLE users (
  id          VARCHAR(24)  PRIMARY KEY,
  name        VARCHAR(96)  NOT NULL,
  name_key    VARCHAR(96)  NOT NULL UNIQUE,
  fullname    VARCHAR(256),
  email       VARCHAR(256),
  is_admin    BOOLEAN      NOT NULL DEFAULT FALSE,
  created_at  BIGINT       NOT NULL
);

CREATE TABLE tokens (
  id           VARCHAR(24)  PRIMARY KEY,
  user_id      VARCHAR(24)  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name         VARCHAR(128) NOT NULL,
  role         VARCHAR(16)  NOT NULL,
  token_hash   VARCHAR(64)  NOT NULL UNIQUE,
  created_at   BIGINT       NOT NULL,
  last_used_at BIGINT
);
CREATE INDEX tokens_user ON tokens(user_id);

CREATE TABLE repos (
  id             VARCHAR(24)  PRIMARY KEY,
  type           VARCHAR(16)  NOT NULL,
  namespace      VARCHAR(96)  NOT NULL,
  name           VARCHAR(96)  NOT NULL,
  namespace_key  VARCHAR(96)  NOT NULL,
  repo_key       VARCHAR(200) NOT NULL,
  private        BOOLEAN      NOT NULL DEFAULT FALSE,
  gated          VARCHAR(16)  NOT NULL DEFAULT 'false',
  created_at     BIGINT       NOT NULL,
  last_modified  BIGINT       NOT NULL,
  head_sha       VARCHAR(40),
  card_data      TEXT,
  pipeline_tag   VARCHAR(128),
  library_name   VARCHAR(128),
  downloads      BIGINT       NOT NULL DEFAULT 0,
  likes          BIGINT       NOT NULL DEFAULT 0,
  CONSTRAINT repos_unique_id UNIQUE (type, repo_key)
);
CREATE INDEX repos_namespace ON repos(namespace_key);
CREATE INDEX repos_last_modified ON repos(last_modified);

CREATE TABLE repo_tags (
  repo_id  VARCHAR(24)  NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  tag      VARCHAR(256) NOT NULL,
  PRIMARY KEY (repo_id, tag)
);
CREATE INDEX repo_tags_tag ON repo_tags(tag);

-- LFS objects known to the blob store, and which repositories may reference each one.
CREATE TABLE lfs_objects (
  oid         VARCHAR(64)  PRIMARY KEY,
  size        BIGINT       NOT NULL,
  created_at  BIGINT       NOT NULL
);

CREATE TABLE repo_lfs_objects (
  repo_id     VARCHAR(24)  NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  oid         VARCHAR(64)  NOT NULL REFERENCES lfs_objects(oid),
  created_at  BIGINT       NOT NULL,
  PRIMARY KEY (repo_id, oid)
);
CREATE INDEX repo_lfs_objects_oid ON repo_lfs_objects(oid);

-- Server-wide secrets shared by every node, such as the key that signs upload URLs.
CREATE TABLE server_secrets (
  name        VARCHAR(64)  PRIMARY KEY,
  value       VARCHAR(256) NOT NULL,
  created_at  BIGINT       NOT NULL
);
