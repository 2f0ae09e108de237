-- 0003: message operations. Revokes and modifications rewrite the stored
-- message JSON in `messages` (`isRevoked`, `version`), so they need no
-- schema; "delete for me" hides a message from one user's history.

CREATE TABLE hidden_messages (
    owner      TEXT    NOT NULL REFERENCES users (user_id),
    message_id INTEGER NOT NULL REFERENCES messages (id),
    PRIMARY KEY (owner, message_id)
) WITHOUT ROWID;

-- Hopping pulls by time within a conversation.
CREATE INDEX messages_by_time ON messages (conv_key, time, sequence);
