-- Confab SDK local store, version 4: bodies of merger messages stored in
-- the file service (too big for the 12 KB message body).

-- The messageList of a merger message, by its downloadKey (the file ID:
-- SHA-256 of the uploaded JSON, so one body serves every message naming
-- it, forwarded copies included). Written by the sender when its upload
-- finished and by a receiver's downloadMergerMessage; messages read from
-- the store get their empty messageList filled from here.
CREATE TABLE merger_bodies (
    download_key TEXT PRIMARY KEY,
    -- JSON array of SimplifiedMessage.
    body         TEXT NOT NULL
) STRICT;
