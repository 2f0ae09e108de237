-- 0018: read receipts (docs/protocol.md, "Read receipts"): who reported
-- reading which message that asked for them, once per message and reader.

CREATE TABLE read_receipts (
    message INTEGER NOT NULL REFERENCES messages (id),
    reader  TEXT    NOT NULL,
    time    INTEGER NOT NULL,
    PRIMARY KEY (message, reader)
) WITHOUT ROWID;
