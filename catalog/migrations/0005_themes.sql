-- Themes of assets: confirmed by a person, or suggested from the asset's text
-- until someone confirms them.
CREATE TABLE asset_themes (
  asset_id  TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  theme     TEXT NOT NULL,               -- "tourism", or a sub-theme "tourism/eco"
  confirmed INTEGER NOT NULL DEFAULT 0,  -- 0: suggested from the text
  set_by    INTEGER REFERENCES users(id),
  set_at    TEXT NOT NULL,
  PRIMARY KEY (asset_id, theme)
);
CREATE INDEX asset_themes_theme ON asset_themes (theme, confirmed);
