-- 0004: files named inside a merger body. A merger message over 12 KB
-- carries only its body's file ID (downloadKey); the files its merged
-- messages name (images, nested merger bodies, ...) are recorded here when
-- the body is uploaded (the uploader must hold a grant for each), and a
-- grant of the body extends to them, so its receivers may open them.

CREATE TABLE file_refs (
    file_id TEXT NOT NULL REFERENCES files (id),
    ref_id  TEXT NOT NULL REFERENCES files (id),
    PRIMARY KEY (file_id, ref_id)
) WITHOUT ROWID;
