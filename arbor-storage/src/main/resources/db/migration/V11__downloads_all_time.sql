-- All-time downloads (the Hub's downloadsAllTime): download_days keeps every day, so this is
-- their sum, kept on the row like the 30-day count so listings can sort by it.
ALTER TABLE repos ADD COLUMN downloads_all_time BIGINT NOT NULL DEFAULT 0;
UPDATE repos SET downloads_all_time = (SELECT COALESCE(SUM(d.downloads), 0) FROM download_days d WHERE d.repo_id = repos.id);
