-- 0017: the full-text index of messages (store/search.rs). Contentless:
-- the text lives in `messages`; rowid = messages.key. What goes in is
-- `confab_search_text(element)` (CJK runs as bigrams); prefixes of 1 and
-- 2 characters are indexed for prefix queries ("m*", "你*").
CREATE VIRTUAL TABLE message_search USING fts5(
    words,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2'
);

INSERT INTO message_search (rowid, words)
SELECT key, t FROM (SELECT key, confab_search_text(element) AS t FROM messages)
WHERE t IS NOT NULL;

CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search (rowid, words)
    SELECT new.key, t FROM (SELECT confab_search_text(new.element) AS t) WHERE t IS NOT NULL;
END;

CREATE TRIGGER message_search_update AFTER UPDATE OF element ON messages
WHEN old.element IS NOT new.element BEGIN
    DELETE FROM message_search WHERE rowid = old.key;
    INSERT INTO message_search (rowid, words)
    SELECT new.key, t FROM (SELECT confab_search_text(new.element) AS t) WHERE t IS NOT NULL;
END;

CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_search WHERE rowid = old.key;
END;
