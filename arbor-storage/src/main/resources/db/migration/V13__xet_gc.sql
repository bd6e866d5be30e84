-- Xet garbage collection (issue 10). A xorb or file is collected only when nothing needs it and
-- it has not been touched for the grace period: a xorb is touched when it is uploaded, when a dedup
-- answer hands it to a client (which may cache that answer and reference its chunks later) and when
-- a shard uses it; a file when it is registered and when a commit names it. A collector's DELETE
-- re-checks "untouched since" on the row, so a concurrent touch wins.
ALTER TABLE xet_xorbs ADD COLUMN touched_at BIGINT;
UPDATE xet_xorbs SET touched_at = created_at;
ALTER TABLE xet_files ADD COLUMN touched_at BIGINT;
UPDATE xet_files SET touched_at = created_at;
CREATE INDEX xet_file_terms_by_xorb ON xet_file_terms (xorb_hash);
CREATE INDEX xet_xorbs_by_blob ON xet_xorbs (blob_sha256);
