-- 0006: what makes a UserSig stop working before its expiry (see
-- docs/protocol.md, "Session keys").
--
-- `session_generation` is embedded in every UserSig the server issues for a
-- password (in `TLS.userbuf`); such a sig logs in only while it names the
-- current generation. Signing out of all devices and changing the password
-- bump it.
--
-- `sigs_valid_from` (seconds) is the floor for UserSigs minted elsewhere
-- (an app backend's, without Confab's userbuf): they log in only when
-- issued at or after it. A bump sets it to the second after the bump, so a
-- sig minted in the very second of the bump is refused too (mint again).
ALTER TABLE users ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN sigs_valid_from INTEGER NOT NULL DEFAULT 0;

-- Password-issued UserSigs retired one by one before their expiry: by a
-- plain logout of the session that used it, and by renewal (the sig it
-- replaced). Rows are dropped once the sig would have expired anyway.
CREATE TABLE revoked_user_sigs (
    user_id   TEXT    NOT NULL REFERENCES users (user_id),
    serial    TEXT    NOT NULL,
    expire_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, serial)
) WITHOUT ROWID;
CREATE INDEX revoked_user_sigs_expiry ON revoked_user_sigs (expire_at);
