-- 0009: groups and their members (see docs/protocol.md, "Groups").
--
-- A group's profile is one JSON document (confab_proto::group::GroupProfile;
-- its member count and next message sequence are computed on read). Members
-- of every kind but AVChatRoom are rows here (an AVChatRoom's members are its
-- online joiners, kept in memory). A member's row holds what is personal to
-- the member in the group, including where they joined the group's message
-- sequence and timeline and how far they read: unread counts are computed
-- from the group's messages and `read_sequence`, never written per message.

CREATE TABLE groups (
    group_id   TEXT    PRIMARY KEY NOT NULL,
    profile    TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE group_members (
    group_id      TEXT    NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
    user_id       TEXT    NOT NULL REFERENCES users (user_id),
    -- 'Owner', 'Admin', 'Member', 'Custom'.
    role          TEXT    NOT NULL,
    join_time     INTEGER NOT NULL,
    -- The group's message sequence and timeline head when the member joined:
    -- the member sees what comes after them.
    join_sequence INTEGER NOT NULL,
    join_timeline INTEGER NOT NULL,
    name_card     TEXT    NOT NULL DEFAULT '',
    mute_until    INTEGER NOT NULL DEFAULT 0,
    read_sequence INTEGER NOT NULL DEFAULT 0,
    -- [{key, value}] as JSON.
    custom        TEXT    NOT NULL DEFAULT '[]',
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;

CREATE INDEX group_members_by_user ON group_members (user_id, group_id);
