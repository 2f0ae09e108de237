-- Confab SDK local store, version 2: file messages.

-- File messages whose upload has not finished. The message row exists
-- (status unSend, or fail once cancelled or refused) but has no outbox
-- row until the upload finished and its payload carries the file IDs.
-- `job` is the JSON upload job: kind, source path, the files to upload
-- (original and thumbnails) with their server upload IDs and results.
CREATE TABLE uploads (
    message_key INTEGER PRIMARY KEY REFERENCES messages (key) ON DELETE CASCADE,
    job         TEXT NOT NULL,
    -- 'active': to be uploaded (resumed at login); 'stopped': cancelled or
    -- refused, waiting for resendMessage.
    state       TEXT NOT NULL
) STRICT;
