-- 0012: blacklists (see docs/protocol.md, "Blacklist"): one row per user an
-- owner blocked; the rowid keeps the order they were added in.

CREATE TABLE blacklist (
    owner    TEXT    NOT NULL REFERENCES users (user_id),
    blocked  TEXT    NOT NULL REFERENCES users (user_id),
    added_at INTEGER NOT NULL,
    PRIMARY KEY (owner, blocked)
);

-- "Does anyone block this sender?" from the receiver's side of a send.
CREATE INDEX blacklist_by_blocked ON blacklist (blocked, owner);
