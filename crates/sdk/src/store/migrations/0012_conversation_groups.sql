-- 0012: my conversation groups (folders; docs/protocol.md, "Conversation
-- settings"), in the order made, and their conversations, in the order
-- added; from getConversationList and my inbox's conversation group events.
CREATE TABLE conversation_groups (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    name     TEXT    NOT NULL UNIQUE
) STRICT;

CREATE TABLE conversation_group_members (
    position        INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT    NOT NULL,
    conversation_id TEXT    NOT NULL,
    UNIQUE (name, conversation_id)
) STRICT;
