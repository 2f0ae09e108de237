-- 0005: upload quotas and garbage collection of stored files.
--
-- `file_uploaders` says who uploaded each content (charged to their upload
-- quota); `message_files` says which stored messages name each file, so a
-- file that no message names can be collected once `last_upload_at` is
-- older than the grace period (its message may still be on its way).

CREATE TABLE file_uploaders (
    file_id TEXT NOT NULL REFERENCES files (id),
    user_id TEXT NOT NULL,
    PRIMARY KEY (file_id, user_id)
) WITHOUT ROWID;

CREATE INDEX file_uploaders_by_user ON file_uploaders (user_id);

CREATE TABLE message_files (
    file_id     TEXT    NOT NULL,
    message_row INTEGER NOT NULL REFERENCES messages (id),
    PRIMARY KEY (file_id, message_row)
) WITHOUT ROWID;

-- Seconds since the epoch of the latest upload of this content.
ALTER TABLE files ADD COLUMN last_upload_at INTEGER NOT NULL DEFAULT 0;
UPDATE files SET last_upload_at = created_at;

-- Files named by messages stored before this migration: any string of a
-- message's JSON that is a stored file's ID or a `/files/<id>` URL.
INSERT OR IGNORE INTO message_files (file_id, message_row)
SELECT f.id, m.id
FROM messages m, json_tree(m.message) j, files f
WHERE j.type = 'text'
  AND f.id = CASE WHEN instr(j.atom, '/files/') > 0
                  THEN substr(j.atom, instr(j.atom, '/files/') + 7, 64)
                  ELSE j.atom END;

-- Uploaders of files stored before this migration are unknown: those files
-- are charged to nobody's quota (the store's budget still counts them).
