-- A repository's own unsafe-file policy ('warn' or 'block'); NULL follows the instance's.
ALTER TABLE repos ADD COLUMN scan_policy VARCHAR(8);
