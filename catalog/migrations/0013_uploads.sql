-- Outcome of each finished resumable (tus) upload, so the browser can ask
-- for it after the last chunk (api/uploads.go). A row appears when the last
-- byte arrives (status processing) and gets the ingest result; rows older
-- than uploads.keep_results are deleted by the cleanup loop. The partial
-- bytes themselves live in data_dir/uploads, never here.
CREATE TABLE uploads (
  id          TEXT PRIMARY KEY,             -- tus upload id
  user_id     INTEGER NOT NULL,
  file_name   TEXT NOT NULL,
  bytes       INTEGER NOT NULL,             -- the upload's length, so a retried HEAD after the end can answer
  status      TEXT NOT NULL CHECK (status IN ('processing', 'new', 'duplicate', 'refused')),
  asset_id    TEXT NOT NULL DEFAULT '',     -- new or duplicate: the asset (duplicate of another organisation's: '')
  error_code  TEXT NOT NULL DEFAULT '',
  message_vi  TEXT NOT NULL DEFAULT '',
  message_en  TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX uploads_updated ON uploads (updated_at);
