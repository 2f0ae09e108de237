-- 0013: friends, friend requests and friend groups (docs/protocol.md,
-- "Friends"). Each table's rowid keeps the order rows were made in.

-- One row per user on an owner's friend list (two rows for a two-way
-- friendship). `custom` is the owner's Tag_SNS_Custom_* fields as a JSON
-- array of {key, value}.
CREATE TABLE friends (
    owner    TEXT    NOT NULL REFERENCES users (user_id),
    friend   TEXT    NOT NULL REFERENCES users (user_id),
    remark   TEXT    NOT NULL,
    source   TEXT    NOT NULL,
    wording  TEXT    NOT NULL,
    custom   TEXT    NOT NULL,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (owner, friend)
);

-- "Who has this user?": the B-with-A side of checkFriend, and the owners
-- told when the user's profile changes.
CREATE INDEX friends_by_friend ON friends (friend, owner);

-- A pending request from `requester` to `target`, with what the requester
-- asked for (one- or two-way, their remark and group for the target).
-- `unread`: the target has not marked it read.
CREATE TABLE friend_requests (
    requester  TEXT    NOT NULL REFERENCES users (user_id),
    target     TEXT    NOT NULL REFERENCES users (user_id),
    source     TEXT    NOT NULL,
    wording    TEXT    NOT NULL,
    both_ways  INTEGER NOT NULL,
    remark     TEXT    NOT NULL,
    group_name TEXT    NOT NULL,
    made_at    INTEGER NOT NULL,
    unread     INTEGER NOT NULL,
    PRIMARY KEY (requester, target)
);

CREATE INDEX friend_requests_by_target ON friend_requests (target, requester);

-- An owner's friend groups, and the friends in each.
CREATE TABLE friend_groups (
    owner TEXT NOT NULL REFERENCES users (user_id),
    name  TEXT NOT NULL,
    PRIMARY KEY (owner, name)
);

CREATE TABLE friend_group_members (
    owner  TEXT NOT NULL,
    name   TEXT NOT NULL,
    friend TEXT NOT NULL,
    PRIMARY KEY (owner, name, friend),
    FOREIGN KEY (owner, name) REFERENCES friend_groups (owner, name)
        ON UPDATE CASCADE ON DELETE CASCADE
);

CREATE INDEX friend_group_members_by_friend ON friend_group_members (owner, friend);
