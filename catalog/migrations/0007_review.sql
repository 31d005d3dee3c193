-- Review of assets: the last decision's note, who made it and when, and a
-- flag that keeps an asset out of every export. The status column gains the
-- values approved, rejected, changes_requested and archived.
ALTER TABLE assets ADD COLUMN review_note TEXT NOT NULL DEFAULT '';
ALTER TABLE assets ADD COLUMN reviewed_by INTEGER REFERENCES users(id);
ALTER TABLE assets ADD COLUMN reviewed_at TEXT;
ALTER TABLE assets ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0;
CREATE INDEX assets_status ON assets (status, id);
