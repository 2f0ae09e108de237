-- 0009: my blacklist (docs/protocol.md, "Blacklist"), in the order added;
-- kept from the server's answers and my inbox's blacklist events.
CREATE TABLE blacklist (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id  TEXT    NOT NULL UNIQUE
) STRICT;
