-- 0019: message extensions (docs/protocol.md, "Message extensions"): each
-- key of a message with its value and version, and each message's version
-- counter (never reused, so a write made from a deleted key's version is
-- told apart from one made from a new key's).

CREATE TABLE message_extensions (
    message INTEGER NOT NULL REFERENCES messages (id),
    key     TEXT    NOT NULL,
    value   TEXT    NOT NULL,
    seq     INTEGER NOT NULL,
    PRIMARY KEY (message, key)
) WITHOUT ROWID;

CREATE TABLE message_extension_heads (
    message INTEGER PRIMARY KEY REFERENCES messages (id),
    seq     INTEGER NOT NULL
);
