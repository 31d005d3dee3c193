-- Subtitle tracks: one per asset and language, stored as normalised SRT
-- (UTF-8, NFC), with the check report of its last version.
CREATE TABLE subtitle_tracks (
  asset_id    TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  lang        TEXT NOT NULL,
  source      TEXT NOT NULL,               -- the uploaded file's name, or "embedded stream N"
  encoding    TEXT NOT NULL,               -- as detected: UTF-8, UTF-16LE, windows-1258 …
  storage_key TEXT NOT NULL,
  cues        INTEGER NOT NULL,
  errors      INTEGER NOT NULL,
  warnings    INTEGER NOT NULL,
  report      TEXT NOT NULL DEFAULT '[]',  -- JSON findings
  set_by      INTEGER REFERENCES users(id),
  set_at      TEXT NOT NULL,
  PRIMARY KEY (asset_id, lang)
);
