-- Confab SDK local store, version 16: the topics of the communities this
-- account is in (TIM `Topic` profiles as the server keeps them). A topic's
-- timeline is followed like a group's (its cursor is in group_cursors,
-- keyed by the topic ID) and its conversation is `GROUP<topicID>`.

CREATE TABLE topics (
    topic_id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL,
    profile  TEXT NOT NULL
) STRICT;
CREATE INDEX topics_by_group ON topics (group_id);

-- The communities whose whole topic list this store knows (from their
-- `groupJoined`, or one `getTopicList` after a fresh start); from then on
-- their timelines bring every topic change.
CREATE TABLE topic_lists (
    group_id TEXT PRIMARY KEY
) STRICT;
