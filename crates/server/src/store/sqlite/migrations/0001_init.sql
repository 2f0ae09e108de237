-- 0001: accounts, profiles, C2C messages, per-user conversations, per-user inboxes.

CREATE TABLE users (
    user_id       TEXT    PRIMARY KEY NOT NULL,
    -- argon2id PHC string; NULL for users who only ever logged in with a minted UserSig.
    password_hash TEXT,
    created_at    INTEGER NOT NULL
);

CREATE TABLE profiles (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (user_id),
    -- confab_proto::profile::Profile as JSON.
    profile TEXT NOT NULL
);

CREATE TABLE messages (
    -- Global row number; the first part of the message ID.
    id         INTEGER PRIMARY KEY,
    -- Conversation key shared by both sides, e.g. "c2c:alice<NUL>bob".
    conv_key   TEXT    NOT NULL,
    sequence   INTEGER NOT NULL,
    sender     TEXT    NOT NULL REFERENCES users (user_id),
    random     INTEGER NOT NULL,
    time       INTEGER NOT NULL,
    -- confab_proto::message::WireMessage as JSON.
    message    TEXT    NOT NULL,
    UNIQUE (sender, random),
    UNIQUE (conv_key, sequence)
);

CREATE TABLE conversations (
    owner              TEXT    NOT NULL REFERENCES users (user_id),
    conversation_id    TEXT    NOT NULL,
    conversation_type  TEXT    NOT NULL,
    conv_key           TEXT    NOT NULL,
    -- The message shown as lastMessage (NULL: none).
    last_message       INTEGER REFERENCES messages (id),
    unread_count       INTEGER NOT NULL DEFAULT 0,
    read_sequence      INTEGER NOT NULL DEFAULT 0,
    peer_read_sequence INTEGER NOT NULL DEFAULT 0,
    cleared_sequence   INTEGER NOT NULL DEFAULT 0,
    last_sequence      INTEGER NOT NULL DEFAULT 0,
    update_time        INTEGER NOT NULL DEFAULT 0,
    deleted            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (owner, conversation_id)
) WITHOUT ROWID;

-- No index by activity: every message moves update_time on two rows, and a
-- user's list (read by the primary key's owner prefix) sorts quickly.

CREATE TABLE inbox (
    owner       TEXT    NOT NULL REFERENCES users (user_id),
    seq         INTEGER NOT NULL,
    -- `message` events refer to the stored message instead of copying it
    -- (two inboxes get every message); every other event is
    -- confab_proto::inbox::InboxEvent as JSON. Exactly one is set.
    message_row INTEGER REFERENCES messages (id),
    event       TEXT,
    PRIMARY KEY (owner, seq),
    CHECK ((message_row IS NULL) <> (event IS NULL))
) WITHOUT ROWID;
