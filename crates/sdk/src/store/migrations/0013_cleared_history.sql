-- 0013: the sequence up to which I cleared a conversation's history
-- (clearHistoryMessage, from any of my instances): messages at or below it
-- are gone here and are not taken in again when they arrive late (a group
-- timeline page can trail the inbox event that cleared it).
ALTER TABLE conversations ADD COLUMN cleared_sequence INTEGER NOT NULL DEFAULT 0;
