-- Xet storage (issue 10). Xorbs are kept whole in the blob store (by the SHA-256 of their bytes);
-- their chunks are indexed here, every one of them, which also serves global dedup queries.
-- A file is a list of terms (chunk ranges of xorbs); its SHA-256, once verified by rebuilding
-- the bytes, ties it to the LFS object a commit names. Hashes are in Xet string form.
CREATE TABLE xet_xorbs (
  xorb_hash     CHAR(64)  PRIMARY KEY,
  blob_sha256   CHAR(64)  NOT NULL,
  stored_len    BIGINT    NOT NULL,
  num_chunks    INTEGER   NOT NULL,
  unpacked_len  BIGINT    NOT NULL,
  created_at    BIGINT    NOT NULL
);

CREATE TABLE xet_chunks (
  xorb_hash     CHAR(64)  NOT NULL REFERENCES xet_xorbs(xorb_hash) ON DELETE CASCADE,
  idx           INTEGER   NOT NULL,
  chunk_hash    CHAR(64)  NOT NULL,
  byte_start    BIGINT    NOT NULL,
  byte_end      BIGINT    NOT NULL,
  unpacked_len  INTEGER   NOT NULL,
  PRIMARY KEY (xorb_hash, idx)
);
CREATE INDEX xet_chunks_by_hash ON xet_chunks (chunk_hash);

CREATE TABLE xet_files (
  file_hash     CHAR(64)  PRIMARY KEY,
  size          BIGINT    NOT NULL,
  sha256        CHAR(64),
  created_at    BIGINT    NOT NULL
);
CREATE INDEX xet_files_by_sha256 ON xet_files (sha256);

CREATE TABLE xet_file_terms (
  file_hash       CHAR(64)  NOT NULL REFERENCES xet_files(file_hash) ON DELETE CASCADE,
  idx             INTEGER   NOT NULL,
  xorb_hash       CHAR(64)  NOT NULL REFERENCES xet_xorbs(xorb_hash),
  chunk_start     INTEGER   NOT NULL,
  chunk_end       INTEGER   NOT NULL,
  unpacked_bytes  BIGINT    NOT NULL,
  PRIMARY KEY (file_hash, idx)
);

-- Which repositories may read a file through Xet: set when a shard is registered under a
-- repository's write token, and when a commit names the file's SHA-256.
CREATE TABLE repo_xet_files (
  repo_id     VARCHAR(24)  NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  file_hash   CHAR(64)     NOT NULL REFERENCES xet_files(file_hash),
  created_at  BIGINT       NOT NULL,
  PRIMARY KEY (repo_id, file_hash)
);
