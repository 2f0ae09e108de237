-- 0011: group attributes and group counters (see docs/protocol.md,
-- "Group attributes and counters"): one row per key of a group, for every
-- kind (an AVChatRoom's too: the group is stored, only its members are
-- not). Forgotten with the group.

CREATE TABLE group_attributes (
    group_id TEXT NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (group_id, key)
) WITHOUT ROWID;

CREATE TABLE group_counters (
    group_id TEXT    NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
    key      TEXT    NOT NULL,
    value    INTEGER NOT NULL,
    PRIMARY KEY (group_id, key)
) WITHOUT ROWID;
