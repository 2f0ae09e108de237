-- 0014: each user's custom status (setSelfStatus; docs/protocol.md,
-- "Status"). A user without a row has none.

CREATE TABLE custom_status (
    user_id TEXT PRIMARY KEY REFERENCES users (user_id),
    status  TEXT NOT NULL
);
