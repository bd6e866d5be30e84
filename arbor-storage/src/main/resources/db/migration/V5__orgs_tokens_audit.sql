-- Organisations and their members, token scopes and revocation, and the audit log.
CREATE TABLE orgs (
  id          VARCHAR(24)  PRIMARY KEY,
  name        VARCHAR(96)  NOT NULL,
  name_key    VARCHAR(96)  NOT NULL UNIQUE,
  fullname    VARCHAR(256),
  created_at  BIGINT       NOT NULL
);

CREATE TABLE org_members (
  org_id      VARCHAR(24)  NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  user_id     VARCHAR(24)  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role        VARCHAR(16)  NOT NULL,
  created_at  BIGINT       NOT NULL,
  PRIMARY KEY (org_id, user_id)
);
CREATE INDEX org_members_user ON org_members(user_id);

ALTER TABLE tokens ADD COLUMN scope TEXT;
ALTER TABLE tokens ADD COLUMN revoked_at BIGINT;

CREATE TABLE audit_events (
  id          VARCHAR(24)  PRIMARY KEY,
  at          BIGINT       NOT NULL,
  actor       VARCHAR(96),
  action      VARCHAR(64)  NOT NULL,
  target      VARCHAR(300),
  detail      TEXT
);
CREATE INDEX audit_events_at ON audit_events(at);
