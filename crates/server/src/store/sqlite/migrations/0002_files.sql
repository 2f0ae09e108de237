-- 0002: the file service. Files are content-addressed (the ID is the
-- SHA-256 of the bytes, stored under files/<id[0..2]>/<id>); a grant lets a
-- user download one: the uploader's at upload, the sender's and receiver's
-- of every committed message naming the file.

CREATE TABLE files (
    -- Lowercase hex SHA-256 of the content.
    id           TEXT    PRIMARY KEY NOT NULL,
    size         INTEGER NOT NULL,
    -- image | video | audio | file | merger, as first uploaded.
    kind         TEXT    NOT NULL,
    -- Sniffed from the content, e.g. image/png.
    content_type TEXT    NOT NULL,
    -- Seconds since the epoch.
    created_at   INTEGER NOT NULL
);

CREATE TABLE file_grants (
    file_id TEXT NOT NULL REFERENCES files (id),
    user_id TEXT NOT NULL,
    PRIMARY KEY (file_id, user_id)
) WITHOUT ROWID;
