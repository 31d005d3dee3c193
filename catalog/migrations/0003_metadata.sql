-- Bilingual descriptive metadata: one row per field and language, with its
-- review state; plain (language-free) fields on the asset; and the
-- translation memory of reviewed pairs.
CREATE TABLE asset_texts (
  asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  field    TEXT NOT NULL,                 -- title, caption, keywords, alt_text, copyright, usage_terms, sublocation, city, province, country
  lang     TEXT NOT NULL,                 -- vi, en, …
  value    TEXT NOT NULL,                 -- NFC; keywords: a JSON array of strings
  state    TEXT NOT NULL CHECK (state IN ('draft', 'reviewed')),  -- no row = empty
  origin   TEXT NOT NULL DEFAULT '',      -- file, edit, memory, glossary
  set_by   INTEGER REFERENCES users(id),
  set_at   TEXT NOT NULL,
  PRIMARY KEY (asset_id, field, lang)
);

ALTER TABLE assets ADD COLUMN creator TEXT NOT NULL DEFAULT '';
ALTER TABLE assets ADD COLUMN credit TEXT NOT NULL DEFAULT '';
ALTER TABLE assets ADD COLUMN date_created TEXT NOT NULL DEFAULT '';
ALTER TABLE assets ADD COLUMN country_code TEXT NOT NULL DEFAULT '';
ALTER TABLE assets ADD COLUMN source_type TEXT NOT NULL DEFAULT '';

CREATE TABLE translation_memory (
  field      TEXT NOT NULL,
  src_lang   TEXT NOT NULL,
  dst_lang   TEXT NOT NULL,
  src_text   TEXT NOT NULL,
  src_fold   TEXT NOT NULL,               -- vntext.Fold(src_text), for near matches
  dst_text   TEXT NOT NULL,
  uses       INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (field, src_lang, dst_lang, src_text)
);
CREATE INDEX translation_memory_fold ON translation_memory (src_lang, dst_lang, src_fold);
