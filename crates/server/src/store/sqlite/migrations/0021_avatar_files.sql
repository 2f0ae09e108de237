-- 0021: the file of this server each user's profile avatar names. While it
-- is someone's avatar, every signed-in user may download it, and garbage
-- collection keeps it (services/files.rs).
CREATE TABLE avatar_files (
    user_id TEXT PRIMARY KEY,
    file_id TEXT NOT NULL
) STRICT;
CREATE INDEX avatar_files_by_file ON avatar_files (file_id);
