-- 0016: each user's conversation groups (folders; docs/protocol.md,
-- "Conversation settings"), in the order made, and the conversations in
-- each, in the order added.

CREATE TABLE conversation_groups (
    owner TEXT NOT NULL REFERENCES users (user_id),
    name  TEXT NOT NULL,
    PRIMARY KEY (owner, name)
);

CREATE TABLE conversation_group_members (
    owner           TEXT NOT NULL,
    name            TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    PRIMARY KEY (owner, name, conversation_id),
    FOREIGN KEY (owner, name) REFERENCES conversation_groups (owner, name)
        ON UPDATE CASCADE ON DELETE CASCADE
);
