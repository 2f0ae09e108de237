-- 0011: my own settings of conversations (docs/protocol.md, "Conversation
-- settings"), from getConversationList and conversationSettingsUpdated:
-- pin time (0 unpinned), remind type, custom data, marks (JSON array).
-- A conversation whose settings are all defaults has no row.
CREATE TABLE conversation_settings (
    conversation_id TEXT    PRIMARY KEY,
    pin_time        INTEGER NOT NULL,
    remind_type     TEXT    NOT NULL,
    custom_data     TEXT    NOT NULL,
    marks           TEXT    NOT NULL
) STRICT;
