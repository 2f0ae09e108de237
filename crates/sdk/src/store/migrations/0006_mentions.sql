-- Confab SDK local store, version 6: a message's @-mentions (`atUserList`,
-- a JSON array) and its sender's group name card (`nameCard`), kept as the
-- server or the sender made them.
ALTER TABLE messages ADD COLUMN at_user_list TEXT NOT NULL DEFAULT '[]';
ALTER TABLE messages ADD COLUMN name_card    TEXT NOT NULL DEFAULT '';
