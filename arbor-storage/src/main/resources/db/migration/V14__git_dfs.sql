-- Git on object storage (issue: git repositories on JGit's DFS layer). Pack files live in the
-- object store under git/<repo_key>/; what is live, and every ref, lives here, so any node can
-- serve any repository. Each write bumps a version of its repository in the same transaction:
-- a node compares them with what it cached, one query per request.
CREATE TABLE git_repos (
  repo_key       VARCHAR(64)  PRIMARY KEY,
  refs_version   BIGINT       NOT NULL,
  packs_version  BIGINT       NOT NULL,
  created_at     BIGINT       NOT NULL
);

-- A ref names an object (object_id; peeled_id is what an annotated tag peels to, once known)
-- or, symbolically, another ref (target), as HEAD does. Moves are compare-and-swap statements.
CREATE TABLE git_refs (
  repo_key   VARCHAR(64)    NOT NULL REFERENCES git_repos(repo_key) ON DELETE CASCADE,
  name       VARCHAR(1024)  NOT NULL,
  object_id  CHAR(40),
  peeled     BOOLEAN        NOT NULL DEFAULT FALSE,
  peeled_id  CHAR(40),
  target     VARCHAR(1024),
  PRIMARY KEY (repo_key, name)
);

-- The live packs. files lists the extensions written with their sizes ("pack:1234 idx:56").
CREATE TABLE git_packs (
  repo_key       VARCHAR(64)   NOT NULL REFERENCES git_repos(repo_key) ON DELETE CASCADE,
  pack_name      VARCHAR(128)  NOT NULL,
  source         VARCHAR(32)   NOT NULL,
  files          VARCHAR(512)  NOT NULL,
  object_count   BIGINT        NOT NULL,
  delta_count    BIGINT        NOT NULL,
  index_version  INTEGER       NOT NULL,
  created_at     BIGINT        NOT NULL,
  PRIMARY KEY (repo_key, pack_name)
);

-- Packs whose files may be deleted once "since" is older than the grace period: packs being
-- written (the row goes when the pack is committed), replaced by compaction, or of a deleted
-- repository. Another node may still be reading a replaced pack, hence the grace.
CREATE TABLE git_pack_garbage (
  repo_key   VARCHAR(64)   NOT NULL,
  pack_name  VARCHAR(128)  NOT NULL,
  since      BIGINT        NOT NULL,
  PRIMARY KEY (repo_key, pack_name)
);
CREATE INDEX git_pack_garbage_since ON git_pack_garbage (since);
