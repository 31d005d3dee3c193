-- Packages: a curator's selection of approved assets for one destination
-- profile, the bundles exported from it and the submissions made with them.
CREATE TABLE packages (
  id         TEXT PRIMARY KEY,                     -- ULID
  profile    TEXT NOT NULL,                        -- profile id, e.g. happyvietnam-2025
  name_vi    TEXT NOT NULL,
  name_en    TEXT NOT NULL DEFAULT '',
  org_id     INTEGER NOT NULL REFERENCES organisations(id),  -- who packs it (Source-Organization)
  created_by INTEGER REFERENCES users(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE package_assets (
  package_id TEXT NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
  asset_id   TEXT NOT NULL REFERENCES assets(id),
  position   INTEGER NOT NULL,                     -- order in the bundle (sequence numbers)
  added_by   INTEGER REFERENCES users(id),
  added_at   TEXT NOT NULL,
  PRIMARY KEY (package_id, asset_id)
);
CREATE INDEX package_assets_asset ON package_assets (asset_id);

CREATE TABLE exports (
  package_id  TEXT NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
  n           INTEGER NOT NULL,                    -- 1, 2, … per package
  format      TEXT NOT NULL CHECK (format IN ('zip', 'bagit')),
  status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  profile     TEXT NOT NULL,
  profile_version TEXT NOT NULL,
  destination TEXT NOT NULL,
  storage_key TEXT NOT NULL DEFAULT '',            -- exports/<package>/<n>.zip once done
  byte_size   INTEGER NOT NULL DEFAULT 0,
  sha256      TEXT NOT NULL DEFAULT '',
  files       INTEGER NOT NULL DEFAULT 0,
  assets      TEXT NOT NULL DEFAULT '[]',           -- JSON list of the asset ids in the bundle
  acknowledged TEXT NOT NULL DEFAULT '[]',          -- JSON list of "asset/rule" warnings the curator accepted
  error       TEXT NOT NULL DEFAULT '',
  created_by  INTEGER REFERENCES users(id),
  created_at  TEXT NOT NULL,
  finished_at TEXT,
  PRIMARY KEY (package_id, n)
);

CREATE TABLE submissions (
  id           INTEGER PRIMARY KEY,
  package_id   TEXT NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
  export_n     INTEGER NOT NULL,
  destination  TEXT NOT NULL,
  reference    TEXT NOT NULL DEFAULT '',          -- the destination's receipt or entry number
  submitted_on TEXT NOT NULL,                     -- YYYY-MM-DD in the province's zone
  note         TEXT NOT NULL DEFAULT '',
  created_by   INTEGER REFERENCES users(id),
  created_at   TEXT NOT NULL,
  FOREIGN KEY (package_id, export_n) REFERENCES exports(package_id, n)
);
