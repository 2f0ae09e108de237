-- Confab SDK local store, version 5: the client's position on each group
-- timeline (see docs/protocol.md, "Group timelines").

-- One row per group this account is a member of: the last timeline
-- sequence applied. Every `sync` request carries all of them; each answered
-- page is applied in one transaction with moving its group's cursor. Empty
-- until groups exist.
CREATE TABLE group_cursors (
    group_id TEXT PRIMARY KEY,
    sequence INTEGER NOT NULL
) STRICT;
