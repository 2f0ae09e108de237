-- 0017: the full-text index of messages (store/search.rs). rowid =
-- messages.key. `words` is `confab_search_text(element)` (CJK runs as
-- bigrams); `conv` one token naming the conversation
-- (`confab_search_conv`), so a search in one conversation is an indexed
-- AND; `ord` (time << 24 | key's low 24 bits: newest first, one per row)
-- and `conversation_id` are kept beside the index (contentless_unindexed),
-- so grouping and ordering never read `messages`. Prefixes of 1 and 2
-- characters are indexed for prefix queries ("m*", "你*"). Revoked and
-- deleted messages leave the index.
CREATE VIRTUAL TABLE message_search USING fts5(
    words,
    conv,
    ord UNINDEXED,
    conversation_id UNINDEXED,
    content = '',
    contentless_delete = 1,
    contentless_unindexed = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2'
);

INSERT INTO message_search (rowid, words, conv, ord, conversation_id)
SELECT key, t, confab_search_conv(conversation_id), (time << 24) | (key & 16777215),
       conversation_id
FROM (SELECT key, conversation_id, time, confab_search_text(element) AS t FROM messages
      WHERE is_revoked = 0 AND is_deleted = 0)
WHERE t IS NOT NULL;

CREATE TRIGGER message_search_insert AFTER INSERT ON messages
WHEN new.is_revoked = 0 AND new.is_deleted = 0 BEGIN
    INSERT INTO message_search (rowid, words, conv, ord, conversation_id)
    SELECT new.key, t, confab_search_conv(new.conversation_id),
           (new.time << 24) | (new.key & 16777215), new.conversation_id
    FROM (SELECT confab_search_text(new.element) AS t) WHERE t IS NOT NULL;
END;

CREATE TRIGGER message_search_update
AFTER UPDATE OF element, time, is_revoked, is_deleted ON messages
WHEN old.element IS NOT new.element OR old.time IS NOT new.time
  OR old.is_revoked IS NOT new.is_revoked OR old.is_deleted IS NOT new.is_deleted BEGIN
    DELETE FROM message_search WHERE rowid = old.key;
    INSERT INTO message_search (rowid, words, conv, ord, conversation_id)
    SELECT new.key, t, confab_search_conv(new.conversation_id),
           (new.time << 24) | (new.key & 16777215), new.conversation_id
    FROM (SELECT confab_search_text(new.element) AS t)
    WHERE t IS NOT NULL AND new.is_revoked = 0 AND new.is_deleted = 0;
END;

CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_search WHERE rowid = old.key;
END;
