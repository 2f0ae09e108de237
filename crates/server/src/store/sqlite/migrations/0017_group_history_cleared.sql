-- 0017: the group message sequence up to which a member cleared the
-- group's history (clearHistoryMessage, or deleteConversation with its
-- history; docs/protocol.md, "Clearing history"). The member's history,
-- unread count and last message start after the later of this and joining.

ALTER TABLE group_members ADD COLUMN cleared_sequence INTEGER NOT NULL DEFAULT 0;
