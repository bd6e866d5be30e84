-- Web sign-in: password hashes (Argon2id, encoded with their parameters), browser sessions
-- (only the SHA-256 of the cookie is stored), and failed sign-ins counted per account and address.
ALTER TABLE users ADD COLUMN password_hash VARCHAR(256);

CREATE TABLE sessions (
  id_hash     VARCHAR(64)  PRIMARY KEY,
  user_id     VARCHAR(24)  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf        VARCHAR(64)  NOT NULL,
  created_at  BIGINT       NOT NULL,
  expires_at  BIGINT       NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE signin_failures (
  subject       VARCHAR(200) PRIMARY KEY,
  window_start  BIGINT       NOT NULL,
  failures      INTEGER      NOT NULL
);
