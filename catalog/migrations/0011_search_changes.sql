-- Search is served from an in-memory copy of the narrow rows and the text
-- index, one per open catalogue (catalog/searchmem.go). Other processes
-- (quangba worker) write to the same file, so the copy cannot learn of
-- changes from in-process calls alone: every change to a narrow row (which
-- a reindex also touches) records the document here, with an ever-growing
-- sequence number, in the writing transaction. A search whose generation
-- moved applies the documents changed since the sequence it last read.
-- Each document appears once (its latest change), so the table holds at
-- most one row per document ever indexed.
CREATE TABLE search_changes (
  seq   INTEGER PRIMARY KEY AUTOINCREMENT,
  docid INTEGER NOT NULL UNIQUE
);

-- Delete then insert rather than INSERT OR REPLACE: an outer statement's
-- conflict clause (INSERT OR IGNORE …) would override the trigger's and
-- keep the old sequence number.
CREATE TRIGGER search_changes_doc_added AFTER INSERT ON asset_search_docs BEGIN
  DELETE FROM search_changes WHERE docid = new.docid;
  INSERT INTO search_changes (docid) VALUES (new.docid);
END;
CREATE TRIGGER search_changes_doc_changed AFTER UPDATE ON asset_search_docs BEGIN
  DELETE FROM search_changes WHERE docid IN (old.docid, new.docid);
  INSERT INTO search_changes (docid) VALUES (old.docid);
  INSERT INTO search_changes (docid) SELECT new.docid WHERE new.docid <> old.docid;
END;
CREATE TRIGGER search_changes_doc_removed AFTER DELETE ON asset_search_docs BEGIN
  DELETE FROM search_changes WHERE docid = old.docid;
  INSERT INTO search_changes (docid) VALUES (old.docid);
END;
