-- Confab SDK local store, version 7: the groups this account is a member
-- of (TIM's group list), kept from the inbox's `groupJoined` / `groupLeft`
-- events and the answers of the group operations.

-- One row per group joined: its profile as last seen (TIM `Group`, JSON,
-- with `selfInfo`). A group left is deleted together with its timeline
-- cursor; its conversation and history stay, as in TIM.
CREATE TABLE groups (
    group_id TEXT PRIMARY KEY,
    profile TEXT NOT NULL
) STRICT;
