-- 0007: group timelines (see docs/protocol.md, "Group timelines").
--
-- A group's messages are stored once in `messages` (conversation key
-- "group:<groupID>", sequence = the group's own), and each event of the
-- group (a message, a revoke, a modification, a tip) is appended once to
-- the group's timeline, never to each member's inbox. Like `inbox`, a
-- `message` entry refers to the stored message instead of copying it.

CREATE TABLE timelines (
    group_id    TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    message_row INTEGER REFERENCES messages (id),
    event       TEXT,
    PRIMARY KEY (group_id, seq),
    CHECK ((message_row IS NULL) <> (event IS NULL))
) WITHOUT ROWID;
