-- Transcoding: processing outcome on assets, trailer provenance, job results.
ALTER TABLE assets ADD COLUMN processing_error TEXT NOT NULL DEFAULT '';
ALTER TABLE assets ADD COLUMN loudness_lufs REAL;
ALTER TABLE assets ADD COLUMN true_peak_dbtp REAL;
ALTER TABLE assets ADD COLUMN source_asset_id TEXT REFERENCES assets(id) ON DELETE SET NULL;
ALTER TABLE assets ADD COLUMN cut_start_ms INTEGER;
ALTER TABLE assets ADD COLUMN cut_end_ms INTEGER;

ALTER TABLE jobs ADD COLUMN org_id INTEGER REFERENCES organisations(id);
ALTER TABLE jobs ADD COLUMN actor_id INTEGER REFERENCES users(id);
ALTER TABLE jobs ADD COLUMN result TEXT NOT NULL DEFAULT '{}';
ALTER TABLE jobs ADD COLUMN finished_at TEXT;
CREATE INDEX jobs_asset ON jobs (asset_id, state);
CREATE INDEX jobs_lease ON jobs (state, lease_until);
