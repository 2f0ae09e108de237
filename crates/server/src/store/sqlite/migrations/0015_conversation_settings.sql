-- 0015: each user's own settings of a conversation (docs/protocol.md,
-- "Conversation settings"): pin time (ms, 0 unpinned), remind type, custom
-- data, marks (a bit set; TIM's marks are powers of two up to 2^63, kept
-- as the same 64 bits in a signed integer). A conversation with every
-- setting at its default has no row.

CREATE TABLE conversation_settings (
    owner           TEXT    NOT NULL REFERENCES users (user_id),
    conversation_id TEXT    NOT NULL,
    pin_time        INTEGER NOT NULL,
    remind_type     TEXT    NOT NULL,
    custom_data     TEXT    NOT NULL,
    marks           INTEGER NOT NULL,
    PRIMARY KEY (owner, conversation_id)
) WITHOUT ROWID;
