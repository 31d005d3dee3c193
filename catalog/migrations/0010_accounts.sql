-- Accounts for people: logins and passwords, browser sessions, failed
-- logins (for throttling) and labels on API tokens. Users created for API
-- tokens only keep login and password_hash NULL.
ALTER TABLE users ADD COLUMN login TEXT;               -- as typed, NFC and trimmed
ALTER TABLE users ADD COLUMN login_key TEXT;           -- lower-case form; unique across organisations
ALTER TABLE users ADD COLUMN password_hash TEXT;       -- argon2id PHC string
ALTER TABLE users ADD COLUMN password_changed_at TEXT;
CREATE UNIQUE INDEX users_login_key ON users (login_key) WHERE login_key IS NOT NULL;

ALTER TABLE api_tokens ADD COLUMN label TEXT NOT NULL DEFAULT '';
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Times in these tables have a fixed width so that text order is time order.
CREATE TABLE sessions (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  hash       TEXT NOT NULL UNIQUE,   -- SHA-256 of the cookie token, hex; the token itself is never stored
  csrf       TEXT NOT NULL,          -- per-session anti-CSRF token
  client_ip  TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,          -- absolute end of life
  last_seen  TEXT NOT NULL           -- refreshed at most once a minute; idle timeout counts from here
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE login_failures (
  id        INTEGER PRIMARY KEY,
  login_key TEXT NOT NULL,           -- normalised login as typed, known or not
  client_ip TEXT NOT NULL,
  at        TEXT NOT NULL
);
CREATE INDEX login_failures_login ON login_failures (login_key, at);
CREATE INDEX login_failures_ip ON login_failures (client_ip, at);
CREATE INDEX login_failures_at ON login_failures (at);
