//! Conversations: the list with each one's last message and peer profile,
//! unread counts and read marks, and deleting conversations.

use super::messages::{RawMessage, MESSAGE_COLUMNS, MESSAGE_COLUMN_COUNT};
use super::{enum_str, parse_enum, sql_u64, u64_sql, Result, Store};
use crate::model::{Conversation, LastMessage};
use confab_proto::constants::types;
use confab_proto::message::ConversationType;
use confab_proto::profile::Profile;
use confab_proto::UserId;
use rusqlite::{params, OptionalExtension};

const SYSTEM_CONVERSATION: &str = "@TIM#SYSTEM";

/// Creates the conversation (visible) unless it exists.
pub(super) fn ensure_conversation(
    tx: &rusqlite::Connection,
    conversation_id: &str,
    conv_type: ConversationType,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO conversations (conversation_id, conv_type, visible)
        VALUES (?1, ?2, 1)",
    )?
    .execute(params![conversation_id, enum_str(&conv_type)?])?;
    Ok(())
}

impl Store {
    /// Visible conversations, most recent first; with `ids`, only those.
    pub(crate) fn conversations(&self, ids: Option<&[String]>) -> Result<Vec<Conversation>> {
        let conn = self.lock();
        self.conversations_in(&conn, ids)
    }

    /// One visible conversation.
    pub(crate) fn conversation(&self, id: &str) -> Result<Option<Conversation>> {
        self.conversation_in(&self.lock(), id)
    }

    /// One visible conversation, read through `conn`.
    pub(super) fn conversation_in(
        &self,
        conn: &rusqlite::Connection,
        id: &str,
    ) -> Result<Option<Conversation>> {
        Ok(self.conversations_in(conn, Some(&[id.to_owned()]))?.into_iter().next())
    }

    /// Visible conversations read through `conn` (see
    /// [`Store::conversations`]).
    pub(super) fn conversations_in(
        &self,
        conn: &rusqlite::Connection,
        ids: Option<&[String]>,
    ) -> Result<Vec<Conversation>> {
        // One pass over the conversations with their last message and peer
        // profile joined in: the list is what a cold start waits for.
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS}, c.conversation_id, c.conv_type, c.unread_count,
                    m.key IS NOT NULL, p.profile, g.profile,
                    s.pin_time, s.remind_type, s.custom_data, s.marks
             FROM conversations c
             LEFT JOIN conversation_settings s ON s.conversation_id = c.conversation_id
             LEFT JOIN messages m ON m.key = c.last_message_key
             LEFT JOIN profiles p
                    ON c.conv_type = 'C2C' AND p.user_id = substr(c.conversation_id, 4)
             LEFT JOIN groups g
                    ON c.conv_type = 'GROUP' AND g.group_id = substr(c.conversation_id, 6)
             WHERE c.visible = 1
             ORDER BY COALESCE(s.pin_time, 0) DESC, c.update_time DESC, c.conversation_id"
        );
        let wanted: Option<std::collections::HashSet<&str>> =
            ids.map(|ids| ids.iter().map(String::as_str).collect());
        let mut group_names = super::conversation_settings::group_names_by_conversation(conn)?;
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let id: String = row.get(MESSAGE_COLUMN_COUNT)?;
            if wanted.as_ref().is_some_and(|w| !w.contains(id.as_str())) {
                continue;
            }
            // Topics are listed inside their community (`getTopicList`).
            if wanted.is_none() && super::topics::is_topic_conversation(&id) {
                continue;
            }
            let conv_type: String = row.get(MESSAGE_COLUMN_COUNT + 1)?;
            let unread: i64 = row.get(MESSAGE_COLUMN_COUNT + 2)?;
            let last_message = if row.get::<_, bool>(MESSAGE_COLUMN_COUNT + 3)? {
                Some(LastMessage::of(&RawMessage::from_row(row)?.into_message(&self.me)?))
            } else {
                None
            };
            let profile: Option<String> = row.get(MESSAGE_COLUMN_COUNT + 4)?;
            let user_profile = match id.strip_prefix(confab_proto::constants::types::CONV_C2C) {
                Some(peer) => Some(match profile {
                    Some(json) => serde_json::from_str(&json)?,
                    None => Profile::empty(UserId::new(peer)),
                }),
                None => None,
            };
            let mut conversation = Conversation::new(
                id,
                parse_enum(&conv_type)?,
                u64_sql(unread),
                last_message,
                user_profile,
            );
            // A group's conversation carries the group as last seen (null
            // once the group was left).
            let group: Option<String> = row.get(MESSAGE_COLUMN_COUNT + 5)?;
            conversation.group_profile = group.as_deref().map(serde_json::from_str).transpose()?;
            conversation.conversation_group_list =
                group_names.remove(&conversation.conversation_id).unwrap_or_default();
            if let Some(pin_time) = row.get::<_, Option<i64>>(MESSAGE_COLUMN_COUNT + 6)? {
                conversation.is_pinned = pin_time > 0;
                conversation.message_remind_type = row.get(MESSAGE_COLUMN_COUNT + 7)?;
                conversation.custom_data = row.get(MESSAGE_COLUMN_COUNT + 8)?;
                let marks: String = row.get(MESSAGE_COLUMN_COUNT + 9)?;
                conversation.mark_list = serde_json::from_str(&marks)?;
            }
            if conversation.unread_count > 0 {
                if let Some(group_id) = conversation.conversation_id.strip_prefix(types::CONV_GROUP)
                {
                    conversation.group_at_info_list =
                        self.unread_mentions(conn, &conversation.conversation_id, group_id)?;
                }
            }
            out.push(conversation);
        }
        Ok(out)
    }

    /// `groupAtInfoList` of a group conversation: its unread messages from
    /// others that @-mention this user or everyone, each `{from, groupID,
    /// messageSequence, atType}` with `atType` `CONV_AT_ME` (1),
    /// `CONV_AT_ALL` (2) or both (3), oldest first (checklist 112). Reading
    /// the conversation clears them, as it moves the read sequence.
    fn unread_mentions(
        &self,
        conn: &rusqlite::Connection,
        conversation_id: &str,
        group_id: &str,
    ) -> Result<Vec<serde_json::Value>> {
        let mut stmt = conn.prepare_cached(
            "SELECT m.sender, m.sequence, m.at_user_list FROM messages m
               JOIN conversations c ON c.conversation_id = m.conversation_id
             WHERE m.conversation_id = ?1 AND m.sequence > c.read_sequence
               AND m.sender != ?2 AND m.at_user_list != '[]'
               AND m.is_revoked = 0 AND m.is_deleted = 0
             ORDER BY m.sequence",
        )?;
        let rows: Vec<(String, i64, String)> = stmt
            .query_map(params![conversation_id, self.me], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for (from, sequence, at) in rows {
            let at: Vec<String> = serde_json::from_str(&at)?;
            let me = at.contains(&self.me);
            let all = at.iter().any(|u| u == types::MSG_AT_ALL);
            let at_type = match (me, all) {
                (true, true) => types::CONV_AT_ALL_AT_ME,
                (true, false) => types::CONV_AT_ME,
                (false, true) => types::CONV_AT_ALL,
                (false, false) => continue,
            };
            out.push(serde_json::json!({
                "from": from,
                "groupID": group_id,
                "messageSequence": sequence,
                "atType": at_type,
            }));
        }
        Ok(out)
    }

    /// Sum of unread counts over visible conversations (system excluded),
    /// leaving out muted ones (remind type not AcceptAndNotify); a
    /// conversation marked unread (`CONV_MARK_TYPE_UNREAD`) with nothing
    /// unread counts as one (checklist 420–424).
    pub(crate) fn total_unread(&self) -> Result<u64> {
        let total: i64 = self
            .lock()
            .prepare_cached(
                "SELECT COALESCE(SUM(CASE WHEN c.unread_count > 0 THEN c.unread_count
                        WHEN EXISTS (SELECT 1 FROM json_each(s.marks) WHERE value = 2) THEN 1
                        ELSE 0 END), 0)
                 FROM conversations c
                 LEFT JOIN conversation_settings s ON s.conversation_id = c.conversation_id
                 WHERE c.visible = 1 AND c.conversation_id != ?1
                   AND instr(c.conversation_id, '@TOPIC#') = 0
                   AND COALESCE(s.remind_type, 'AcceptAndNotify') = 'AcceptAndNotify'",
            )?
            .query_row(params![SYSTEM_CONVERSATION], |r| r.get(0))?;
        Ok(u64_sql(total))
    }

    /// Marks a conversation read up to `read_sequence`; true when its
    /// unread count changed.
    pub(crate) fn mark_read(&self, conversation_id: &str, read_sequence: u64) -> Result<bool> {
        mark_read_in(&self.lock(), &self.me, conversation_id, read_sequence)
    }

    /// Removes conversations from the list; with `clear`, also their
    /// messages (except those still waiting in the outbox).
    /// The highest message sequence known here of a conversation; `None`
    /// when this store has no such conversation.
    pub(crate) fn last_sequence(&self, conversation_id: &str) -> Result<Option<u64>> {
        let conn = self.lock();
        let last: Option<i64> = conn
            .prepare_cached("SELECT last_sequence FROM conversations WHERE conversation_id = ?1")?
            .query_row(params![conversation_id], |r| r.get(0))
            .optional()?;
        Ok(last.map(u64_sql))
    }

    /// Clears the history of a conversation up to `cleared`
    /// (`clearHistoryMessage`); true when that changed it.
    pub(crate) fn clear_history(&self, conversation_id: &str, cleared: u64) -> Result<bool> {
        let conn = self.lock();
        clear_history_in(&conn, &self.me, conversation_id, cleared)
    }

    pub(crate) fn delete_conversations(&self, ids: &[String], clear: bool) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        for id in ids {
            tx.prepare_cached(
                "UPDATE conversations SET visible = 0, unread_count = 0, last_message_key = NULL
                 WHERE conversation_id = ?1",
            )?
            .execute(params![id])?;
            if clear {
                tx.prepare_cached(
                    "DELETE FROM messages WHERE conversation_id = ?1
                       AND key NOT IN (SELECT message_key FROM outbox)",
                )?
                .execute(params![id])?;
                tx.prepare_cached(
                    "UPDATE conversations
                       SET range_lo = last_sequence + 1, range_hi = last_sequence,
                       range_complete = 1 WHERE conversation_id = ?1",
                )?
                .execute(params![id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

/// Clears this store's history of a conversation up to `cleared` (kept
/// as its cleared point): those messages go (except ones still waiting to
/// be sent), the last message becomes the newest one left, and the unread
/// count what `me` received after the clear. True when the conversation is
/// here and this changed it.
pub(super) fn clear_history_in(
    conn: &rusqlite::Connection,
    me: &str,
    conversation_id: &str,
    cleared: u64,
) -> Result<bool> {
    let old: Option<i64> = conn
        .prepare_cached("SELECT cleared_sequence FROM conversations WHERE conversation_id = ?1")?
        .query_row(params![conversation_id], |r| r.get(0))
        .optional()?;
    let cleared = sql_u64(cleared);
    if old.is_none_or(|old| old >= cleared) {
        return Ok(false);
    }
    conn.prepare_cached(
        "DELETE FROM messages WHERE conversation_id = ?1 AND sequence <= ?2
           AND key NOT IN (SELECT message_key FROM outbox)",
    )?
    .execute(params![conversation_id, cleared])?;
    conn.prepare_cached(
        "UPDATE conversations SET cleared_sequence = ?2,
           last_message_key = (SELECT key FROM messages
               WHERE conversation_id = ?1 AND excluded_last = 0
               ORDER BY sequence DESC, key DESC LIMIT 1),
           unread_count = (SELECT COUNT(*) FROM messages
               WHERE conversation_id = ?1 AND sender != ?3 AND excluded_unread = 0
                 AND sequence > MAX(?2, conversations.read_sequence)),
           range_lo = CASE WHEN range_lo IS NULL OR range_lo <= ?2 + 1 THEN ?2 + 1
                           ELSE range_lo END,
           range_hi = CASE WHEN range_lo IS NULL OR range_hi < ?2 THEN ?2 ELSE range_hi END,
           range_complete = CASE WHEN range_lo IS NULL OR range_lo <= ?2 + 1 THEN 1
                                 ELSE range_complete END
         WHERE conversation_id = ?1",
    )?
    .execute(params![conversation_id, cleared, me])?;
    Ok(true)
}

/// The point up to which the conversation's history was cleared here (0:
/// never, or no such conversation).
pub(super) fn cleared_sequence_of(
    conn: &rusqlite::Connection,
    conversation_id: &str,
) -> Result<u64> {
    let cleared: Option<i64> = conn
        .prepare_cached("SELECT cleared_sequence FROM conversations WHERE conversation_id = ?1")?
        .query_row(params![conversation_id], |r| r.get(0))
        .optional()?;
    Ok(cleared.map_or(0, u64_sql))
}

/// Marks a conversation read up to `read_sequence` through `conn`: the
/// unread count becomes what `me` received after it; true when it changed.
pub(super) fn mark_read_in(
    conn: &rusqlite::Connection,
    me: &str,
    conversation_id: &str,
    read_sequence: u64,
) -> Result<bool> {
    let row: Option<(i64, i64, i64)> = conn
        .prepare_cached(
            "SELECT unread_count, read_sequence, last_sequence FROM conversations
             WHERE conversation_id = ?1",
        )?
        .query_row(params![conversation_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((unread, old_read, last)) = row else { return Ok(false) };
    let read = sql_u64(read_sequence).max(old_read);
    let new_unread: i64 = if read >= last {
        0
    } else {
        conn.prepare_cached(
            "SELECT COUNT(*) FROM messages WHERE conversation_id = ?1 AND sender != ?2
               AND sequence > ?3 AND excluded_unread = 0",
        )?
        .query_row(params![conversation_id, me, read], |r| r.get(0))?
    };
    let new_unread = new_unread.min(unread);
    conn.prepare_cached(
        "UPDATE conversations SET read_sequence = ?2, unread_count = ?3 WHERE conversation_id = ?1",
    )?
    .execute(params![conversation_id, read, new_unread])?;
    Ok(new_unread != unread)
}
