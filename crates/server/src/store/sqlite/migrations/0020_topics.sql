-- 0020: community topics (docs/protocol.md, "Communities and topics").
-- A topic's messages are stored like a group's (conversation key
-- "group:<topicID>") and its events go on its own timeline (group_id =
-- the topic ID); these tables hold the topics themselves and what is
-- personal to a member in each.

-- One row per topic: its community and its profile (TopicProfile, JSON);
-- the rowid keeps the order they were made in.
CREATE TABLE topics (
    topic_id   TEXT    NOT NULL UNIQUE,
    group_id   TEXT    NOT NULL,
    profile    TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX topics_by_group ON topics (group_id);

-- A member's standing in a topic: where their part of it starts (set when
-- they joined a community that had the topic already; no row: from its
-- start), what they read, their mute there.
CREATE TABLE topic_members (
    topic_id      TEXT    NOT NULL,
    user_id       TEXT    NOT NULL,
    join_sequence INTEGER NOT NULL DEFAULT 0,
    join_timeline INTEGER NOT NULL DEFAULT 0,
    read_sequence INTEGER NOT NULL DEFAULT 0,
    mute_until    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (topic_id, user_id)
) WITHOUT ROWID;
CREATE INDEX topic_members_by_user ON topic_members (user_id);
