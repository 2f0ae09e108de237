-- The PostgreSQL schema: the same tables, columns and keys as the SQLite
-- backend's migrations 0001..0021 end with. Every integer is BIGINT (i64 in
-- Rust). SQLite's implicit rowid order becomes an explicit `ord` identity
-- column where reads depend on the order rows were made in. Sequences are
-- not PostgreSQL sequences: the writers take them gap-free under the
-- cluster's write lock (see writer.rs).

CREATE TABLE users (
    user_id            TEXT   PRIMARY KEY,
    -- argon2id PHC string; NULL for users who only ever logged in with a minted UserSig.
    password_hash      TEXT,
    created_at         BIGINT NOT NULL,
    session_generation BIGINT NOT NULL DEFAULT 0,
    sigs_valid_from    BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE profiles (
    user_id TEXT PRIMARY KEY REFERENCES users (user_id),
    -- confab_proto::profile::Profile as JSON.
    profile TEXT NOT NULL
);

CREATE TABLE messages (
    -- Global row number (what inboxes, timelines and conversations refer to).
    id         BIGINT PRIMARY KEY,
    -- The message's ID (TIM `message.ID`).
    message_id TEXT   NOT NULL UNIQUE,
    -- Conversation key shared by both sides, e.g. "c2c:alice<NUL>bob".
    conv_key   TEXT   NOT NULL,
    sequence   BIGINT NOT NULL,
    sender     TEXT   NOT NULL REFERENCES users (user_id),
    random     BIGINT NOT NULL,
    time       BIGINT NOT NULL,
    -- confab_proto::message::WireMessage as JSON.
    message    TEXT   NOT NULL,
    UNIQUE (conv_key, sequence)
);
CREATE INDEX messages_by_time ON messages (conv_key, time, sequence);

CREATE TABLE conversations (
    owner              TEXT   NOT NULL REFERENCES users (user_id),
    conversation_id    TEXT   NOT NULL,
    conversation_type  TEXT   NOT NULL,
    conv_key           TEXT   NOT NULL,
    -- The message shown as lastMessage (NULL: none).
    last_message       BIGINT REFERENCES messages (id),
    unread_count       BIGINT NOT NULL DEFAULT 0,
    read_sequence      BIGINT NOT NULL DEFAULT 0,
    peer_read_sequence BIGINT NOT NULL DEFAULT 0,
    cleared_sequence   BIGINT NOT NULL DEFAULT 0,
    last_sequence      BIGINT NOT NULL DEFAULT 0,
    update_time        BIGINT NOT NULL DEFAULT 0,
    deleted            BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (owner, conversation_id)
);

CREATE TABLE inbox (
    owner       TEXT   NOT NULL REFERENCES users (user_id),
    seq         BIGINT NOT NULL,
    -- `message` events refer to the stored message; every other event is
    -- confab_proto::inbox::InboxEvent as JSON. Exactly one is set.
    message_row BIGINT REFERENCES messages (id),
    event       TEXT,
    PRIMARY KEY (owner, seq),
    CHECK ((message_row IS NULL) <> (event IS NULL))
);

CREATE TABLE files (
    -- Lowercase hex SHA-256 of the content.
    id             TEXT   PRIMARY KEY,
    size           BIGINT NOT NULL,
    -- image | video | audio | file | merger, as first uploaded.
    kind           TEXT   NOT NULL,
    -- Sniffed from the content, e.g. image/png.
    content_type   TEXT   NOT NULL,
    -- Seconds since the epoch.
    created_at     BIGINT NOT NULL,
    last_upload_at BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE file_grants (
    file_id TEXT NOT NULL REFERENCES files (id),
    user_id TEXT NOT NULL,
    PRIMARY KEY (file_id, user_id)
);

CREATE TABLE hidden_messages (
    owner      TEXT   NOT NULL REFERENCES users (user_id),
    message_id BIGINT NOT NULL REFERENCES messages (id),
    PRIMARY KEY (owner, message_id)
);

CREATE TABLE file_refs (
    file_id TEXT NOT NULL REFERENCES files (id),
    ref_id  TEXT NOT NULL REFERENCES files (id),
    PRIMARY KEY (file_id, ref_id)
);

CREATE TABLE file_uploaders (
    file_id TEXT NOT NULL REFERENCES files (id),
    user_id TEXT NOT NULL,
    PRIMARY KEY (file_id, user_id)
);
CREATE INDEX file_uploaders_by_user ON file_uploaders (user_id);

CREATE TABLE message_files (
    file_id     TEXT   NOT NULL,
    message_row BIGINT NOT NULL REFERENCES messages (id),
    PRIMARY KEY (file_id, message_row)
);

CREATE TABLE revoked_user_sigs (
    user_id   TEXT   NOT NULL REFERENCES users (user_id),
    serial    TEXT   NOT NULL,
    expire_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, serial)
);
CREATE INDEX revoked_user_sigs_expiry ON revoked_user_sigs (expire_at);

CREATE TABLE timelines (
    group_id    TEXT   NOT NULL,
    seq         BIGINT NOT NULL,
    message_row BIGINT REFERENCES messages (id),
    event       TEXT,
    PRIMARY KEY (group_id, seq),
    CHECK ((message_row IS NULL) <> (event IS NULL))
);

CREATE TABLE groups (
    group_id   TEXT   PRIMARY KEY,
    profile    TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE group_members (
    group_id         TEXT   NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
    user_id          TEXT   NOT NULL REFERENCES users (user_id),
    -- 'Owner', 'Admin', 'Member', 'Custom'.
    role             TEXT   NOT NULL,
    join_time        BIGINT NOT NULL,
    -- The group's message sequence and timeline head when the member joined.
    join_sequence    BIGINT NOT NULL,
    join_timeline    BIGINT NOT NULL,
    name_card        TEXT   NOT NULL DEFAULT '',
    mute_until       BIGINT NOT NULL DEFAULT 0,
    read_sequence    BIGINT NOT NULL DEFAULT 0,
    -- [{key, value}] as JSON.
    custom           TEXT   NOT NULL DEFAULT '[]',
    cleared_sequence BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_by_user ON group_members (user_id, group_id);

CREATE TABLE group_applications (
    group_id  TEXT   NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
    applicant TEXT   NOT NULL REFERENCES users (user_id),
    note      TEXT   NOT NULL DEFAULT '',
    time      BIGINT NOT NULL,
    PRIMARY KEY (group_id, applicant)
);

CREATE TABLE group_attributes (
    group_id TEXT NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (group_id, key)
);

CREATE TABLE group_counters (
    group_id TEXT   NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
    key      TEXT   NOT NULL,
    value    BIGINT NOT NULL,
    PRIMARY KEY (group_id, key)
);

CREATE TABLE blacklist (
    owner    TEXT   NOT NULL REFERENCES users (user_id),
    blocked  TEXT   NOT NULL REFERENCES users (user_id),
    added_at BIGINT NOT NULL,
    ord      BIGINT GENERATED BY DEFAULT AS IDENTITY,
    PRIMARY KEY (owner, blocked)
);
CREATE INDEX blacklist_by_blocked ON blacklist (blocked, owner);

CREATE TABLE friends (
    owner    TEXT   NOT NULL REFERENCES users (user_id),
    friend   TEXT   NOT NULL REFERENCES users (user_id),
    remark   TEXT   NOT NULL,
    source   TEXT   NOT NULL,
    wording  TEXT   NOT NULL,
    custom   TEXT   NOT NULL,
    added_at BIGINT NOT NULL,
    ord      BIGINT GENERATED BY DEFAULT AS IDENTITY,
    PRIMARY KEY (owner, friend)
);
CREATE INDEX friends_by_friend ON friends (friend, owner);

CREATE TABLE friend_requests (
    requester  TEXT   NOT NULL REFERENCES users (user_id),
    target     TEXT   NOT NULL REFERENCES users (user_id),
    source     TEXT   NOT NULL,
    wording    TEXT   NOT NULL,
    both_ways  BIGINT NOT NULL,
    remark     TEXT   NOT NULL,
    group_name TEXT   NOT NULL,
    made_at    BIGINT NOT NULL,
    unread     BIGINT NOT NULL,
    ord        BIGINT GENERATED BY DEFAULT AS IDENTITY,
    PRIMARY KEY (requester, target)
);
CREATE INDEX friend_requests_by_target ON friend_requests (target, requester);

CREATE TABLE friend_groups (
    owner TEXT   NOT NULL REFERENCES users (user_id),
    name  TEXT   NOT NULL,
    ord   BIGINT GENERATED BY DEFAULT AS IDENTITY,
    PRIMARY KEY (owner, name)
);

CREATE TABLE friend_group_members (
    owner  TEXT   NOT NULL,
    name   TEXT   NOT NULL,
    friend TEXT   NOT NULL,
    ord    BIGINT GENERATED BY DEFAULT AS IDENTITY,
    PRIMARY KEY (owner, name, friend),
    FOREIGN KEY (owner, name) REFERENCES friend_groups (owner, name)
        ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX friend_group_members_by_friend ON friend_group_members (owner, friend);

CREATE TABLE custom_status (
    user_id TEXT PRIMARY KEY REFERENCES users (user_id),
    status  TEXT NOT NULL
);

CREATE TABLE conversation_settings (
    owner           TEXT   NOT NULL REFERENCES users (user_id),
    conversation_id TEXT   NOT NULL,
    pin_time        BIGINT NOT NULL,
    remind_type     TEXT   NOT NULL,
    custom_data     TEXT   NOT NULL,
    marks           BIGINT NOT NULL,
    PRIMARY KEY (owner, conversation_id)
);

CREATE TABLE conversation_groups (
    owner TEXT   NOT NULL REFERENCES users (user_id),
    name  TEXT   NOT NULL,
    ord   BIGINT GENERATED BY DEFAULT AS IDENTITY,
    PRIMARY KEY (owner, name)
);

CREATE TABLE conversation_group_members (
    owner           TEXT   NOT NULL,
    name            TEXT   NOT NULL,
    conversation_id TEXT   NOT NULL,
    ord             BIGINT GENERATED BY DEFAULT AS IDENTITY,
    PRIMARY KEY (owner, name, conversation_id),
    FOREIGN KEY (owner, name) REFERENCES conversation_groups (owner, name)
        ON UPDATE CASCADE ON DELETE CASCADE
);

CREATE TABLE read_receipts (
    message BIGINT NOT NULL REFERENCES messages (id),
    reader  TEXT   NOT NULL,
    time    BIGINT NOT NULL,
    PRIMARY KEY (message, reader)
);

CREATE TABLE message_extensions (
    message BIGINT NOT NULL REFERENCES messages (id),
    key     TEXT   NOT NULL,
    value   TEXT   NOT NULL,
    seq     BIGINT NOT NULL,
    PRIMARY KEY (message, key)
);

CREATE TABLE message_extension_heads (
    message BIGINT PRIMARY KEY REFERENCES messages (id),
    seq     BIGINT NOT NULL
);

CREATE TABLE topics (
    topic_id   TEXT   NOT NULL UNIQUE,
    group_id   TEXT   NOT NULL,
    profile    TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    ord        BIGINT GENERATED BY DEFAULT AS IDENTITY
);
CREATE INDEX topics_by_group ON topics (group_id);

CREATE TABLE topic_members (
    topic_id      TEXT   NOT NULL,
    user_id       TEXT   NOT NULL,
    join_sequence BIGINT NOT NULL DEFAULT 0,
    join_timeline BIGINT NOT NULL DEFAULT 0,
    read_sequence BIGINT NOT NULL DEFAULT 0,
    mute_until    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (topic_id, user_id)
);
CREATE INDEX topic_members_by_user ON topic_members (user_id);

CREATE TABLE avatar_files (
    user_id TEXT PRIMARY KEY,
    file_id TEXT NOT NULL
);
CREATE INDEX avatar_files_by_file ON avatar_files (file_id);
