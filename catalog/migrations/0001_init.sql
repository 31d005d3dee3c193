-- Organisations, users and API tokens.
CREATE TABLE organisations (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);

CREATE TABLE users (
  id         INTEGER PRIMARY KEY,
  org_id     INTEGER NOT NULL REFERENCES organisations(id),
  name       TEXT NOT NULL,
  role       TEXT NOT NULL CHECK (role IN ('contributor', 'curator', 'admin')),
  created_at TEXT NOT NULL,
  disabled   INTEGER NOT NULL DEFAULT 0,
  UNIQUE (org_id, name)
);

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  prefix       TEXT NOT NULL,            -- first characters, shown to admins
  hash         TEXT NOT NULL UNIQUE,     -- SHA-256 of the whole token, hex
  created_at   TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at   TEXT
);

-- Assets and their files (the original, later renditions).
CREATE TABLE assets (
  id               TEXT PRIMARY KEY,     -- ULID: sorts by creation time
  kind             TEXT NOT NULL CHECK (kind IN ('photo', 'clip', 'trailer')),
  status           TEXT NOT NULL,
  org_id           INTEGER NOT NULL REFERENCES organisations(id),
  uploader_id      INTEGER REFERENCES users(id),
  file_name        TEXT NOT NULL,        -- sanitized
  raw_file_name    TEXT NOT NULL,        -- as uploaded, for display
  format           TEXT NOT NULL,
  mime             TEXT NOT NULL,
  byte_size        INTEGER NOT NULL,
  sha256           TEXT NOT NULL UNIQUE,
  width            INTEGER NOT NULL DEFAULT 0,
  height           INTEGER NOT NULL DEFAULT 0,
  orientation      INTEGER NOT NULL DEFAULT 0,
  captured_at      TEXT,
  camera_make      TEXT NOT NULL DEFAULT '',
  camera_model     TEXT NOT NULL DEFAULT '',
  gps_lat          REAL,
  gps_lon          REAL,
  gps_alt          REAL,
  duration_ms      INTEGER NOT NULL DEFAULT 0,
  video_codec      TEXT NOT NULL DEFAULT '',
  audio_codec      TEXT NOT NULL DEFAULT '',
  frame_rate       REAL NOT NULL DEFAULT 0,
  rotation         INTEGER NOT NULL DEFAULT 0,
  has_audio        INTEGER NOT NULL DEFAULT 0,
  subtitle_streams INTEGER NOT NULL DEFAULT 0,
  warnings         TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
);
CREATE INDEX assets_org ON assets (org_id, id);

CREATE TABLE asset_files (
  id          INTEGER PRIMARY KEY,
  asset_id    TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  role        TEXT NOT NULL CHECK (role IN ('original', 'rendition')),
  name        TEXT NOT NULL,
  storage_key TEXT NOT NULL,
  mime        TEXT NOT NULL,
  byte_size   INTEGER NOT NULL,
  sha256      TEXT NOT NULL DEFAULT '',
  width       INTEGER NOT NULL DEFAULT 0,
  height      INTEGER NOT NULL DEFAULT 0,
  created_at  TEXT NOT NULL,
  UNIQUE (asset_id, name)
);
CREATE INDEX asset_files_key ON asset_files (storage_key);

-- Durable jobs (filled by the transcode stage).
CREATE TABLE jobs (
  id           INTEGER PRIMARY KEY,
  asset_id     TEXT REFERENCES assets(id) ON DELETE CASCADE,
  type         TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 5,
  run_after    TEXT NOT NULL,
  lease_owner  TEXT NOT NULL DEFAULT '',
  lease_until  TEXT,
  last_error   TEXT NOT NULL DEFAULT '',
  payload      TEXT NOT NULL DEFAULT '{}',
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
CREATE INDEX jobs_ready ON jobs (state, run_after);

-- Who did what, when.
CREATE TABLE audit_log (
  id           INTEGER PRIMARY KEY,
  at           TEXT NOT NULL,
  actor_id     INTEGER REFERENCES users(id),
  org_id       INTEGER REFERENCES organisations(id),
  action       TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  subject_id   TEXT NOT NULL,
  detail       TEXT NOT NULL DEFAULT '{}'  -- JSON
);
CREATE INDEX audit_subject ON audit_log (subject_type, subject_id);
