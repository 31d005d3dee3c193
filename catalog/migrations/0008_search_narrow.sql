-- Search reads only the narrow rows: the dates, the upright shape, the
-- languages with a reviewed title and caption, and the subtitle languages
-- are copied onto asset_search_docs by triggers, so that date filters and
-- orders, orientation, incomplete and subtitle filters never read the wide
-- asset rows or count other tables row by row. A generation counter, bumped
-- whenever a narrow row changes or an organisation is renamed, tells the
-- search code when its cached facets are stale.
ALTER TABLE asset_search_docs ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
ALTER TABLE asset_search_docs ADD COLUMN captured_at TEXT;
ALTER TABLE asset_search_docs ADD COLUMN shape TEXT NOT NULL DEFAULT '';     -- landscape, portrait, square or '' (no size)
ALTER TABLE asset_search_docs ADD COLUMN complete TEXT NOT NULL DEFAULT '';  -- languages with title and caption reviewed, each followed by a space
ALTER TABLE asset_search_docs ADD COLUMN subs TEXT NOT NULL DEFAULT '';      -- subtitle languages, each followed by a space

CREATE TABLE search_generation (n INTEGER NOT NULL);
INSERT INTO search_generation (n) VALUES (0);

-- The upright shape: EXIF orientations 5–8 and video rotations of ±90°
-- swap width and height.
CREATE VIEW asset_search_shape AS
SELECT id, CASE WHEN width = height THEN (CASE WHEN width > 0 THEN 'square' ELSE '' END)
  WHEN (width > height) <> (orientation BETWEEN 5 AND 8 OR abs(rotation) % 180 = 90) THEN 'landscape'
  ELSE 'portrait' END AS shape
FROM assets;

CREATE TRIGGER asset_search_docs_fill AFTER INSERT ON asset_search_docs BEGIN
  UPDATE asset_search_docs SET
    created_at = coalesce((SELECT created_at FROM assets WHERE id = new.asset_id), ''),
    captured_at = (SELECT captured_at FROM assets WHERE id = new.asset_id),
    shape = coalesce((SELECT shape FROM asset_search_shape WHERE id = new.asset_id), ''),
    complete = coalesce((SELECT group_concat(lang || ' ', '') FROM (SELECT lang FROM asset_texts WHERE asset_id = new.asset_id
      AND field IN ('title', 'caption') AND state = 'reviewed' GROUP BY lang HAVING count(*) = 2 ORDER BY lang)), ''),
    subs = coalesce((SELECT group_concat(lang || ' ', '') FROM (SELECT lang FROM subtitle_tracks WHERE asset_id = new.asset_id ORDER BY lang)), '')
  WHERE docid = new.docid;
END;

CREATE TRIGGER asset_search_dates_changed AFTER UPDATE OF created_at, captured_at, width, height, orientation, rotation ON assets BEGIN
  UPDATE asset_search_docs SET created_at = new.created_at, captured_at = new.captured_at,
    shape = (SELECT shape FROM asset_search_shape WHERE id = new.id)
  WHERE asset_id = new.id;
END;

CREATE TRIGGER asset_search_complete_added AFTER INSERT ON asset_texts WHEN new.field IN ('title', 'caption') BEGIN
  UPDATE asset_search_docs SET complete = coalesce((SELECT group_concat(lang || ' ', '') FROM (SELECT lang FROM asset_texts WHERE asset_id = new.asset_id
      AND field IN ('title', 'caption') AND state = 'reviewed' GROUP BY lang HAVING count(*) = 2 ORDER BY lang)), '')
  WHERE asset_id = new.asset_id;
END;
CREATE TRIGGER asset_search_complete_changed AFTER UPDATE ON asset_texts WHEN new.field IN ('title', 'caption') OR old.field IN ('title', 'caption') BEGIN
  UPDATE asset_search_docs SET complete = coalesce((SELECT group_concat(lang || ' ', '') FROM (SELECT lang FROM asset_texts WHERE asset_id = docs.asset_id
      AND field IN ('title', 'caption') AND state = 'reviewed' GROUP BY lang HAVING count(*) = 2 ORDER BY lang)), '')
  FROM (SELECT new.asset_id AS asset_id UNION SELECT old.asset_id) AS docs
  WHERE asset_search_docs.asset_id = docs.asset_id;
END;
CREATE TRIGGER asset_search_complete_removed AFTER DELETE ON asset_texts WHEN old.field IN ('title', 'caption') BEGIN
  UPDATE asset_search_docs SET complete = coalesce((SELECT group_concat(lang || ' ', '') FROM (SELECT lang FROM asset_texts WHERE asset_id = old.asset_id
      AND field IN ('title', 'caption') AND state = 'reviewed' GROUP BY lang HAVING count(*) = 2 ORDER BY lang)), '')
  WHERE asset_id = old.asset_id;
END;

CREATE TRIGGER asset_search_subs_added AFTER INSERT ON subtitle_tracks BEGIN
  UPDATE asset_search_docs SET subs = coalesce((SELECT group_concat(lang || ' ', '') FROM (SELECT lang FROM subtitle_tracks WHERE asset_id = new.asset_id ORDER BY lang)), '')
  WHERE asset_id = new.asset_id;
END;
CREATE TRIGGER asset_search_subs_changed AFTER UPDATE OF asset_id, lang ON subtitle_tracks BEGIN
  UPDATE asset_search_docs SET subs = coalesce((SELECT group_concat(lang || ' ', '') FROM (SELECT lang FROM subtitle_tracks WHERE asset_id = docs.asset_id ORDER BY lang)), '')
  FROM (SELECT new.asset_id AS asset_id UNION SELECT old.asset_id) AS docs
  WHERE asset_search_docs.asset_id = docs.asset_id;
END;
CREATE TRIGGER asset_search_subs_removed AFTER DELETE ON subtitle_tracks BEGIN
  UPDATE asset_search_docs SET subs = coalesce((SELECT group_concat(lang || ' ', '') FROM (SELECT lang FROM subtitle_tracks WHERE asset_id = old.asset_id ORDER BY lang)), '')
  WHERE asset_id = old.asset_id;
END;

CREATE TRIGGER search_generation_doc_added AFTER INSERT ON asset_search_docs BEGIN
  UPDATE search_generation SET n = n + 1;
END;
CREATE TRIGGER search_generation_doc_changed AFTER UPDATE ON asset_search_docs BEGIN
  UPDATE search_generation SET n = n + 1;
END;
CREATE TRIGGER search_generation_doc_removed AFTER DELETE ON asset_search_docs BEGIN
  UPDATE search_generation SET n = n + 1;
END;
CREATE TRIGGER search_generation_hash_changed AFTER UPDATE OF sha256 ON assets BEGIN
  UPDATE search_generation SET n = n + 1;
END;
CREATE TRIGGER search_generation_org_changed AFTER UPDATE ON organisations BEGIN
  UPDATE search_generation SET n = n + 1;
END;
CREATE TRIGGER search_generation_org_removed AFTER DELETE ON organisations BEGIN
  UPDATE search_generation SET n = n + 1;
END;

-- Text written without reindexing marks the document stale once: a
-- document already stale is left alone (no row write, no generation bump),
-- which matters when many texts of one asset are written together.
DROP TRIGGER asset_search_text_added;
DROP TRIGGER asset_search_text_changed;
DROP TRIGGER asset_search_text_removed;
CREATE TRIGGER asset_search_text_added AFTER INSERT ON asset_texts BEGIN
  UPDATE asset_search_docs SET indexed = 0 WHERE asset_id = new.asset_id AND indexed <> 0;
END;
CREATE TRIGGER asset_search_text_changed AFTER UPDATE OF value ON asset_texts BEGIN
  UPDATE asset_search_docs SET indexed = 0 WHERE asset_id = new.asset_id AND indexed <> 0;
END;
CREATE TRIGGER asset_search_text_removed AFTER DELETE ON asset_texts BEGIN
  UPDATE asset_search_docs SET indexed = 0 WHERE asset_id = old.asset_id AND indexed <> 0;
END;

-- Existing rows.
UPDATE asset_search_docs SET
  created_at = coalesce((SELECT created_at FROM assets WHERE id = asset_search_docs.asset_id), ''),
  captured_at = (SELECT captured_at FROM assets WHERE id = asset_search_docs.asset_id),
  shape = coalesce((SELECT shape FROM asset_search_shape WHERE id = asset_search_docs.asset_id), ''),
  complete = coalesce((SELECT group_concat(lang || ' ', '') FROM (SELECT lang FROM asset_texts WHERE asset_id = asset_search_docs.asset_id
    AND field IN ('title', 'caption') AND state = 'reviewed' GROUP BY lang HAVING count(*) = 2 ORDER BY lang)), ''),
  subs = coalesce((SELECT group_concat(lang || ' ', '') FROM (SELECT lang FROM subtitle_tracks WHERE asset_id = asset_search_docs.asset_id ORDER BY lang)), '');

CREATE INDEX asset_search_docs_created ON asset_search_docs (created_at, asset_id);
-- Facets are counted from this index alone, whatever the filters.
DROP INDEX asset_search_docs_facets;
CREATE INDEX asset_search_docs_filters ON asset_search_docs (kind, status, org_id, themes, shape, complete, subs, created_at, captured_at);
CREATE INDEX asset_search_docs_captured ON asset_search_docs (coalesce(captured_at, ''), asset_id);
