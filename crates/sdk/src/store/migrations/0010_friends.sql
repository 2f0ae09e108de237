-- 0010: my friends, friend requests and friend groups (docs/protocol.md,
-- "Friends"), kept from the server's answers and my inbox's friend events.
-- Friends' profiles live in `profiles`. `meta.relations_read` is set once
-- the lists were read whole (a store from before this version reads them
-- at its next login).

CREATE TABLE friends (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id  TEXT    NOT NULL UNIQUE,
    remark   TEXT    NOT NULL,
    source   TEXT    NOT NULL,
    wording  TEXT    NOT NULL,
    -- My Tag_SNS_Custom_* fields for them, a JSON array of {key, value}.
    custom   TEXT    NOT NULL
) STRICT;

-- Requests to me (Pendency_Type_ComeIn) and by me (Pendency_Type_SendOut),
-- each as the wire's FriendApplication (JSON).
CREATE TABLE friend_applications (
    user_id     TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    time        INTEGER NOT NULL,
    application TEXT    NOT NULL,
    unread      INTEGER NOT NULL,
    PRIMARY KEY (user_id, type)
) STRICT;

CREATE TABLE friend_groups (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    name     TEXT    NOT NULL UNIQUE
) STRICT;

CREATE TABLE friend_group_members (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    name     TEXT    NOT NULL,
    user_id  TEXT    NOT NULL,
    UNIQUE (name, user_id)
) STRICT;
