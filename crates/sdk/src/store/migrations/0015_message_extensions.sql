-- 0015: message extensions (docs/protocol.md, "Message extensions"):
-- whether a message takes them, and the extensions this instance last
-- learnt of each message with their versions (what a write is made from).
ALTER TABLE messages ADD COLUMN is_support_extension INTEGER NOT NULL DEFAULT 0;

CREATE TABLE message_extensions (
    message_id TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    seq        INTEGER NOT NULL,
    PRIMARY KEY (message_id, key)
) STRICT;
