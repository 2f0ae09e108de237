//! Conversations: each user's row per conversation (`conversations` table):
//! last message, unread count, read positions, cleared point, deletion.

use super::writer::SqliteTx;
use crate::store::tx::ConversationTx;
use crate::store::{ConversationTouch, ReadMarks, StoreError};
use confab_proto::conversation::{
    ConversationGroup, ConversationSettings, ConversationState, RemindType,
};
use confab_proto::message::ConversationType;
use confab_proto::{ConversationId, UserId};
use rusqlite::{params, Connection, OptionalExtension as _};

/// The settings of a row of `conversation_settings`.
fn settings_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ConversationSettings> {
    let remind: String = r.get(2)?;
    let marks = r.get::<_, i64>(4)? as u64;
    Ok(ConversationSettings {
        conversation_id: ConversationId::from(r.get::<_, String>(0)?.as_str()),
        pin_time: r.get(1)?,
        message_remind_type: match remind.as_str() {
            "AcceptNotNotify" => RemindType::AcceptNotNotify,
            "Discard" => RemindType::Discard,
            _ => RemindType::AcceptAndNotify,
        },
        custom_data: r.get(3)?,
        mark_list: (0..64).map(|bit| 1u64 << bit).filter(|m| marks & m != 0).collect(),
    })
}

const SETTINGS_COLUMNS: &str =
    "conversation_id, pin_time, remind_type, custom_data, marks FROM conversation_settings";

/// `owner`'s settings that differ from the defaults.
pub(super) fn all_settings(
    conn: &Connection,
    owner: &UserId,
) -> Result<Vec<ConversationSettings>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SETTINGS_COLUMNS} WHERE owner = ?1 ORDER BY conversation_id"
    ))?;
    let rows = stmt.query_map([owner.as_str()], settings_from_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// `owner`'s conversation groups in the order made, each with its
/// conversations in the order added.
pub(super) fn groups(
    conn: &Connection,
    owner: &UserId,
) -> Result<Vec<ConversationGroup>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT name FROM conversation_groups WHERE owner = ?1 ORDER BY rowid")?;
    let names = stmt.query_map([owner.as_str()], |r| r.get::<_, String>(0))?;
    let mut out: Vec<ConversationGroup> = names
        .map(|n| n.map(|name| ConversationGroup { name, conversation_id_list: Vec::new() }))
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT name, conversation_id FROM conversation_group_members WHERE owner = ?1 ORDER BY rowid",
    )?;
    let rows =
        stmt.query_map([owner.as_str()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (name, conversation) = row?;
        if let Some(group) = out.iter_mut().find(|g| g.name == name) {
            group.conversation_id_list.push(ConversationId::from(conversation.as_str()));
        }
    }
    Ok(out)
}

impl ConversationTx for SqliteTx<'_> {
    fn touch_conversation(&mut self, touch: &ConversationTouch<'_>) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO conversations
                     (owner, conversation_id, conversation_type, conv_key, last_message,
                      unread_count, last_sequence, update_time, deleted)
                 VALUES (?1, ?2, 'C2C', ?3, ?4, ?5, ?6, ?7, 0)
                 ON CONFLICT (owner, conversation_id) DO UPDATE SET
                     last_message = COALESCE(excluded.last_message, conversations.last_message),
                     unread_count = conversations.unread_count + excluded.unread_count,
                     last_sequence = MAX(conversations.last_sequence, excluded.last_sequence),
                     update_time = excluded.update_time,
                     deleted = 0",
            )?
            .execute(params![
                touch.owner.as_str(),
                touch.conversation_id.as_str(),
                touch.conv_key,
                touch.last_message.map(|row| row.0),
                touch.unread_increment,
                touch.sequence,
                touch.time,
            ])?;
        Ok(())
    }

    fn read_marks(
        &mut self,
        owner: &UserId,
        conversation_id: &ConversationId,
    ) -> Result<Option<ReadMarks>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT last_sequence, read_sequence, unread_count FROM conversations
                 WHERE owner = ?1 AND conversation_id = ?2",
                params![owner.as_str(), conversation_id.as_str()],
                |r| {
                    Ok(ReadMarks {
                        last_sequence: r.get(0)?,
                        read_sequence: r.get(1)?,
                        unread_count: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    fn mark_read(
        &mut self,
        owner: &UserId,
        conversation_id: &ConversationId,
        read_sequence: u64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE conversations SET read_sequence = ?3, unread_count = 0
             WHERE owner = ?1 AND conversation_id = ?2",
            params![owner.as_str(), conversation_id.as_str(), read_sequence],
        )?;
        Ok(())
    }

    fn raise_peer_read(
        &mut self,
        owner: &UserId,
        conversation_id: &ConversationId,
        sequence: u64,
    ) -> Result<bool, StoreError> {
        let updated = self.conn.execute(
            "UPDATE conversations SET peer_read_sequence = MAX(peer_read_sequence, ?3)
             WHERE owner = ?1 AND conversation_id = ?2",
            params![owner.as_str(), conversation_id.as_str(), sequence],
        )?;
        Ok(updated == 1)
    }

    fn delete_conversation(
        &mut self,
        owner: &UserId,
        conversation_id: &ConversationId,
        clear_history: bool,
    ) -> Result<(), StoreError> {
        let sql = if clear_history {
            "UPDATE conversations
             SET deleted = 1, cleared_sequence = last_sequence, unread_count = 0,
                 last_message = NULL
             WHERE owner = ?1 AND conversation_id = ?2"
        } else {
            "UPDATE conversations SET deleted = 1 WHERE owner = ?1 AND conversation_id = ?2"
        };
        self.conn
            .prepare_cached(sql)?
            .execute(params![owner.as_str(), conversation_id.as_str()])?;
        Ok(())
    }

    fn clear_conversation(
        &mut self,
        owner: &UserId,
        conversation_id: &ConversationId,
    ) -> Result<Option<u64>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "UPDATE conversations
                 SET cleared_sequence = last_sequence, unread_count = 0, last_message = NULL
                 WHERE owner = ?1 AND conversation_id = ?2 AND deleted = 0
                 RETURNING cleared_sequence",
            )?
            .query_row(params![owner.as_str(), conversation_id.as_str()], |r| r.get(0))
            .optional()?)
    }

    fn unread_conversations(&mut self, owner: &UserId) -> Result<Vec<ConversationId>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT conversation_id FROM conversations
             WHERE owner = ?1 AND deleted = 0
               AND (unread_count > 0 OR read_sequence < last_sequence)
             ORDER BY conversation_id",
        )?;
        let rows = stmt.query_map([owner.as_str()], |r| r.get::<_, String>(0))?;
        let mut ids = Vec::new();
        for row in rows {
            ids.push(ConversationId(row?));
        }
        Ok(ids)
    }

    fn conversation_settings(
        &mut self,
        owner: &UserId,
        conversation_id: &ConversationId,
    ) -> Result<ConversationSettings, StoreError> {
        let found = self
            .conn
            .prepare_cached(&format!(
                "SELECT {SETTINGS_COLUMNS} WHERE owner = ?1 AND conversation_id = ?2"
            ))?
            .query_row(params![owner.as_str(), conversation_id.as_str()], settings_from_row)
            .optional()?;
        Ok(found.unwrap_or_else(|| ConversationSettings::new(conversation_id.clone())))
    }

    fn save_conversation_settings(
        &mut self,
        owner: &UserId,
        settings: &ConversationSettings,
    ) -> Result<(), StoreError> {
        if settings.is_default() {
            self.conn
                .prepare_cached(
                    "DELETE FROM conversation_settings WHERE owner = ?1 AND conversation_id = ?2",
                )?
                .execute(params![owner.as_str(), settings.conversation_id.as_str()])?;
            return Ok(());
        }
        let marks = settings.mark_list.iter().fold(0u64, |all, m| all | m) as i64;
        self.conn
            .prepare_cached(
                "INSERT INTO conversation_settings
                     (owner, conversation_id, pin_time, remind_type, custom_data, marks)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (owner, conversation_id) DO UPDATE SET pin_time = excluded.pin_time,
                     remind_type = excluded.remind_type, custom_data = excluded.custom_data,
                     marks = excluded.marks",
            )?
            .execute(params![
                owner.as_str(),
                settings.conversation_id.as_str(),
                settings.pin_time,
                settings.message_remind_type.as_str(),
                settings.custom_data,
                marks
            ])?;
        Ok(())
    }

    fn conversation_group(
        &mut self,
        owner: &UserId,
        name: &str,
    ) -> Result<Option<ConversationGroup>, StoreError> {
        Ok(groups(self.conn, owner)?.into_iter().find(|g| g.name == name))
    }

    fn conversation_group_count(&mut self, owner: &UserId) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM conversation_groups WHERE owner = ?1")?
            .query_row([owner.as_str()], |r| r.get(0))?)
    }

    fn conversation_group_create(
        &mut self,
        owner: &UserId,
        name: &str,
    ) -> Result<bool, StoreError> {
        let inserted = self
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO conversation_groups (owner, name) VALUES (?1, ?2)",
            )?
            .execute(params![owner.as_str(), name])?;
        Ok(inserted == 1)
    }

    fn conversation_group_delete(
        &mut self,
        owner: &UserId,
        name: &str,
    ) -> Result<bool, StoreError> {
        self.conn
            .prepare_cached(
                "DELETE FROM conversation_group_members WHERE owner = ?1 AND name = ?2",
            )?
            .execute(params![owner.as_str(), name])?;
        let deleted = self
            .conn
            .prepare_cached("DELETE FROM conversation_groups WHERE owner = ?1 AND name = ?2")?
            .execute(params![owner.as_str(), name])?;
        Ok(deleted == 1)
    }

    fn conversation_group_rename(
        &mut self,
        owner: &UserId,
        old: &str,
        new: &str,
    ) -> Result<(), StoreError> {
        // The members follow by the foreign key's ON UPDATE CASCADE.
        self.conn
            .prepare_cached(
                "UPDATE conversation_groups SET name = ?3 WHERE owner = ?1 AND name = ?2",
            )?
            .execute(params![owner.as_str(), old, new])?;
        Ok(())
    }

    fn conversation_group_member(
        &mut self,
        owner: &UserId,
        name: &str,
        conversation_id: &ConversationId,
        member: bool,
    ) -> Result<bool, StoreError> {
        let sql = if member {
            "INSERT OR IGNORE INTO conversation_group_members (owner, name, conversation_id)
             VALUES (?1, ?2, ?3)"
        } else {
            "DELETE FROM conversation_group_members
             WHERE owner = ?1 AND name = ?2 AND conversation_id = ?3"
        };
        let changed = self.conn.prepare_cached(sql)?.execute(params![
            owner.as_str(),
            name,
            conversation_id.as_str()
        ])?;
        Ok(changed == 1)
    }
}

/// The user's conversations that are not deleted, newest activity first.
pub(super) fn list(conn: &Connection, user: &UserId) -> Result<Vec<ConversationState>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.conversation_id, c.conversation_type, m.message, c.unread_count,
                c.read_sequence, c.peer_read_sequence, c.cleared_sequence, c.last_sequence,
                c.update_time
         FROM conversations c LEFT JOIN messages m ON m.id = c.last_message
         WHERE c.owner = ?1 AND c.deleted = 0
         ORDER BY c.update_time DESC, c.conversation_id",
    )?;
    let rows = stmt.query_map([user.as_str()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            [r.get::<_, u64>(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?],
            r.get::<_, i64>(8)?,
        ))
    })?;
    let mut list = Vec::new();
    for row in rows {
        let (id, kind, last, [unread, read, peer_read, cleared, last_seq], update_time) = row?;
        let conversation_type: ConversationType =
            serde_json::from_value(serde_json::Value::String(kind))?;
        let last_message = last.map(|m| serde_json::from_str(&m)).transpose()?;
        list.push(ConversationState {
            conversation_id: ConversationId(id),
            conversation_type,
            last_message,
            unread_count: unread,
            read_sequence: read,
            peer_read_sequence: peer_read,
            cleared_sequence: cleared,
            last_sequence: last_seq,
            update_time,
        });
    }
    Ok(list)
}
