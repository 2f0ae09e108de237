-- 0008: a message's ID is made by its sender's client ("<from>-<clientTime>-<random>",
-- see docs/protocol.md, "Message IDs"), so it is stored in its own column, unique,
-- and is the key a resend is recognised by. The old UNIQUE (sender, random) goes:
-- a client that repeats a `random` in another second sends a new message.
--
-- SQLite cannot drop a table constraint, so the table is rebuilt (the migration
-- runner turns foreign keys off around a migration and checks them before it
-- commits). IDs of earlier messages ("<row>-<time>-<random>") are kept as they were.

CREATE TABLE messages_new (
    -- Global row number (what inboxes, timelines and conversations refer to).
    id         INTEGER PRIMARY KEY,
    -- The message's ID (TIM `message.ID`).
    message_id TEXT    NOT NULL UNIQUE,
    -- Conversation key shared by both sides, e.g. "c2c:alice<NUL>bob".
    conv_key   TEXT    NOT NULL,
    sequence   INTEGER NOT NULL,
    sender     TEXT    NOT NULL REFERENCES users (user_id),
    random     INTEGER NOT NULL,
    time       INTEGER NOT NULL,
    -- confab_proto::message::WireMessage as JSON.
    message    TEXT    NOT NULL,
    UNIQUE (conv_key, sequence)
);

INSERT INTO messages_new (id, message_id, conv_key, sequence, sender, random, time, message)
    SELECT id, json_extract(message, '$.ID'), conv_key, sequence, sender, random, time, message
    FROM messages;

DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;

CREATE INDEX messages_by_time ON messages (conv_key, time, sequence);
