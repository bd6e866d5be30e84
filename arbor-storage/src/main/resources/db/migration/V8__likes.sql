-- Likes: one per user and repository. repos.likes keeps the count for listing and sorting.
CREATE TABLE repo_likes (
  repo_id    VARCHAR(24) NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  user_id    VARCHAR(24) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at BIGINT      NOT NULL,
  PRIMARY KEY (repo_id, user_id)
);
CREATE INDEX repo_likes_user ON repo_likes(user_id, created_at);
