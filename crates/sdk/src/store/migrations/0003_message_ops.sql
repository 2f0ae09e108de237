-- Confab SDK local store, version 3 (0002 belongs to file messages):
-- message operations. Revoked and modified state as the server reported it,
-- and "deleted for me" (hidden from history on this account).
ALTER TABLE messages ADD COLUMN is_revoked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN version    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN is_deleted INTEGER NOT NULL DEFAULT 0;
