-- Search: one document per asset (its searchable text twice: exact, i.e.
-- NFC lower-case with diacritics, and folded to ASCII-like letters) in an
-- FTS5 index, and a narrow row per asset with the columns that searches
-- filter and count on, kept in step with assets and asset_themes by
-- triggers. The text itself is written from Go (catalog/searchindex.go),
-- which knows how to fold Vietnamese.
CREATE TABLE asset_search_docs (
  docid      INTEGER PRIMARY KEY,           -- rowid in asset_search
  asset_id   TEXT NOT NULL UNIQUE REFERENCES assets(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL,
  status     TEXT NOT NULL,
  org_id     INTEGER NOT NULL,
  themes     TEXT NOT NULL DEFAULT '',      -- confirmed theme ids, sorted, space-separated
  indexed    INTEGER NOT NULL DEFAULT 0     -- 0: the text in asset_search is missing or stale
);
CREATE INDEX asset_search_docs_stale ON asset_search_docs (docid) WHERE indexed = 0;
CREATE INDEX asset_search_docs_facets ON asset_search_docs (kind, status, org_id, themes);
CREATE INDEX asset_search_docs_org ON asset_search_docs (org_id, kind, status, themes);

CREATE VIRTUAL TABLE asset_search USING fts5 (
  exact, folded,
  content = '', contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 0',
  prefix = '2 3'
);

CREATE INDEX assets_created ON assets (created_at, id);
CREATE INDEX assets_captured ON assets (coalesce(captured_at, ''), id);
CREATE INDEX assets_captured_at ON assets (captured_at);

CREATE TRIGGER asset_search_docs_gone AFTER DELETE ON asset_search_docs BEGIN
  DELETE FROM asset_search WHERE rowid = old.docid;
END;

CREATE TRIGGER asset_search_new AFTER INSERT ON assets BEGIN
  INSERT INTO asset_search_docs (asset_id, kind, status, org_id) VALUES (new.id, new.kind, new.status, new.org_id)
  ON CONFLICT (asset_id) DO UPDATE SET kind = excluded.kind, status = excluded.status, org_id = excluded.org_id;
END;

CREATE TRIGGER asset_search_changed AFTER UPDATE OF kind, status, org_id ON assets BEGIN
  UPDATE asset_search_docs SET kind = new.kind, status = new.status, org_id = new.org_id WHERE asset_id = new.id;
END;

CREATE TRIGGER asset_search_theme_added AFTER INSERT ON asset_themes BEGIN
  UPDATE asset_search_docs SET themes = coalesce((SELECT group_concat(theme, ' ') FROM
    (SELECT theme FROM asset_themes WHERE asset_id = new.asset_id AND confirmed = 1 ORDER BY theme)), '')
  WHERE asset_id = new.asset_id;
END;

CREATE TRIGGER asset_search_theme_changed AFTER UPDATE ON asset_themes BEGIN
  UPDATE asset_search_docs SET themes = coalesce((SELECT group_concat(theme, ' ') FROM
    (SELECT theme FROM asset_themes WHERE asset_id = new.asset_id AND confirmed = 1 ORDER BY theme)), '')
  WHERE asset_id = new.asset_id;
END;

CREATE TRIGGER asset_search_theme_removed AFTER DELETE ON asset_themes BEGIN
  UPDATE asset_search_docs SET themes = coalesce((SELECT group_concat(theme, ' ') FROM
    (SELECT theme FROM asset_themes WHERE asset_id = old.asset_id AND confirmed = 1 ORDER BY theme)), '')
  WHERE asset_id = old.asset_id;
END;

-- Text changed by a path that does not reindex: mark it stale (Open and
-- DB.Reindex catch up).
CREATE TRIGGER asset_search_text_added AFTER INSERT ON asset_texts BEGIN
  UPDATE asset_search_docs SET indexed = 0 WHERE asset_id = new.asset_id;
END;
CREATE TRIGGER asset_search_text_changed AFTER UPDATE OF value ON asset_texts BEGIN
  UPDATE asset_search_docs SET indexed = 0 WHERE asset_id = new.asset_id;
END;
CREATE TRIGGER asset_search_text_removed AFTER DELETE ON asset_texts BEGIN
  UPDATE asset_search_docs SET indexed = 0 WHERE asset_id = old.asset_id;
END;
CREATE TRIGGER asset_search_plain_changed AFTER UPDATE OF creator, credit, raw_file_name ON assets BEGIN
  UPDATE asset_search_docs SET indexed = 0 WHERE asset_id = new.id;
END;

-- Existing assets: their rows here; their text is indexed at Open.
INSERT INTO asset_search_docs (asset_id, kind, status, org_id, themes)
SELECT a.id, a.kind, a.status, a.org_id, coalesce((SELECT group_concat(theme, ' ') FROM
  (SELECT theme FROM asset_themes t WHERE t.asset_id = a.id AND t.confirmed = 1 ORDER BY theme)), '')
FROM assets a;
