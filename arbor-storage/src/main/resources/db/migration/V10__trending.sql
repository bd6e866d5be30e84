-- Trending: downloads of the last 7 days plus 10 per like of the last 7 days, kept on the row
-- so that sort=trendingScore is an index scan like the other sorts.
ALTER TABLE repos ADD COLUMN trending_score BIGINT NOT NULL DEFAULT 0;
CREATE INDEX repos_trending ON repos(trending_score);
