-- Recall's index knows whose each message is: a search looks only at the sender's own messages
-- (an `owner` token, 'o' || hex('channel:sender_id')), instead of ranking everyone's matches and
-- filtering afterwards. Contentless: the text stays in `messages` only.
DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
DROP TABLE messages_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5(
    content,
    owner,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO messages_fts (rowid, content, owner)
    SELECT m.id, m.content, 'o' || hex(c.channel || ':' || c.sender_id)
    FROM messages m JOIN conversations c ON c.id = m.conversation_id;
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content, owner)
        SELECT new.id, new.content, 'o' || hex(c.channel || ':' || c.sender_id)
        FROM conversations c WHERE c.id = new.conversation_id;
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    DELETE FROM messages_fts WHERE rowid = old.id;
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    DELETE FROM messages_fts WHERE rowid = old.id;
    INSERT INTO messages_fts (rowid, content, owner)
        SELECT new.id, new.content, 'o' || hex(c.channel || ':' || c.sender_id)
        FROM conversations c WHERE c.id = new.conversation_id;
END;
