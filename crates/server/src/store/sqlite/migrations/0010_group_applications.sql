-- 0010: pending join requests of NeedPermission groups (see
-- docs/protocol.md, "Join requests"). One row per (group, applicant) while
-- the request waits; the first owner or admin to handle it deletes it, as
-- does the applicant joining any other way or the group being dismissed.

CREATE TABLE group_applications (
    group_id  TEXT    NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
    applicant TEXT    NOT NULL REFERENCES users (user_id),
    note      TEXT    NOT NULL DEFAULT '',
    time      INTEGER NOT NULL,
    PRIMARY KEY (group_id, applicant)
) WITHOUT ROWID;
