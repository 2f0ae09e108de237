-- Confab SDK local store, version 1: one database per account.

-- Key/value facts about this store: instance ID, inbox cursor.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Conversations from this user's side. A deleted conversation is kept
-- hidden (visible = 0) so its read positions and history bookkeeping
-- survive until a new message brings it back.
CREATE TABLE conversations (
    conversation_id    TEXT PRIMARY KEY,
    conv_type          TEXT NOT NULL,
    visible            INTEGER NOT NULL DEFAULT 1,
    unread_count       INTEGER NOT NULL DEFAULT 0,
    read_sequence      INTEGER NOT NULL DEFAULT 0,
    peer_read_sequence INTEGER NOT NULL DEFAULT 0,
    -- Highest message sequence known to exist.
    last_sequence      INTEGER NOT NULL DEFAULT 0,
    -- messages.key of lastMessage.
    last_message_key   INTEGER,
    -- Milliseconds since the epoch of the last activity, for sorting.
    update_time        INTEGER NOT NULL DEFAULT 0,
    -- The local store holds every visible message with a sequence in
    -- [range_lo, range_hi] (empty when range_lo = range_hi + 1); NULL when
    -- nothing is known. range_complete: nothing older exists.
    range_lo           INTEGER,
    range_hi           INTEGER,
    range_complete     INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Messages, keyed locally; `id` is the server ID once acknowledged, the
-- local ID before. (sender, random) is the server's dedup key.
CREATE TABLE messages (
    key               INTEGER PRIMARY KEY AUTOINCREMENT,
    id                TEXT NOT NULL UNIQUE,
    local_id          TEXT UNIQUE,
    conversation_id   TEXT NOT NULL,
    conv_type         TEXT NOT NULL,
    sender            TEXT NOT NULL,
    receiver          TEXT NOT NULL,
    random            INTEGER NOT NULL,
    sequence          INTEGER NOT NULL DEFAULT 0,
    time              INTEGER NOT NULL,
    status            TEXT NOT NULL,
    element           TEXT NOT NULL,
    priority          TEXT NOT NULL,
    cloud_custom_data TEXT NOT NULL DEFAULT '',
    nick              TEXT NOT NULL DEFAULT '',
    avatar            TEXT NOT NULL DEFAULT '',
    need_read_receipt INTEGER NOT NULL DEFAULT 0,
    excluded_unread   INTEGER NOT NULL DEFAULT 0,
    excluded_last     INTEGER NOT NULL DEFAULT 0,
    -- 1 once the message was applied from the inbox (announced, counted).
    via_inbox         INTEGER NOT NULL DEFAULT 0,
    UNIQUE (sender, random)
) STRICT;
CREATE INDEX messages_by_conversation ON messages (conversation_id, sequence);

-- Profiles: mine and other users' as far as known.
CREATE TABLE profiles (
    user_id TEXT PRIMARY KEY,
    profile TEXT NOT NULL
) STRICT;

-- Messages waiting to be sent, in order.
CREATE TABLE outbox (
    position     INTEGER PRIMARY KEY AUTOINCREMENT,
    message_key  INTEGER NOT NULL UNIQUE REFERENCES messages (key),
    control_info TEXT
) STRICT;
