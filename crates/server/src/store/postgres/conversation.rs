//! Conversations on PostgreSQL: each user's row per conversation
//! (`conversations` table): last message, unread count, read positions,
//! cleared point, deletion; the user's conversation settings and groups.

use super::writer::PgTx;
use super::{to_i64, to_u64, Cx};
use crate::store::tx::ConversationTx;
use crate::store::{ConversationTouch, ReadMarks, StoreError};
use confab_proto::conversation::{
    ConversationGroup, ConversationSettings, ConversationState, RemindType,
};
use confab_proto::message::ConversationType;
use confab_proto::{ConversationId, UserId};
use tokio_postgres::Row;

/// The settings of a row of `conversation_settings`.
fn settings_from_row(r: &Row) -> Result<ConversationSettings, StoreError> {
    let remind: String = r.try_get(2)?;
    let marks = r.try_get::<_, i64>(4)? as u64;
    Ok(ConversationSettings {
        conversation_id: ConversationId::from(r.try_get::<_, String>(0)?.as_str()),
        pin_time: r.try_get(1)?,
        message_remind_type: match remind.as_str() {
            "AcceptNotNotify" => RemindType::AcceptNotNotify,
            "Discard" => RemindType::Discard,
            _ => RemindType::AcceptAndNotify,
        },
        custom_data: r.try_get(3)?,
        mark_list: (0..64).map(|bit| 1u64 << bit).filter(|m| marks & m != 0).collect(),
    })
}

const SETTINGS_COLUMNS: &str =
    "conversation_id, pin_time, remind_type, custom_data, marks FROM conversation_settings";

/// `owner`'s settings that differ from the defaults.
pub(super) fn all_settings(
    cx: &mut Cx<'_>,
    owner: &UserId,
) -> Result<Vec<ConversationSettings>, StoreError> {
    let rows = cx.query(
        &format!(
            "SELECT {SETTINGS_COLUMNS} WHERE owner = $1 ORDER BY conversation_id COLLATE \"C\""
        ),
        &[&owner.as_str()],
    )?;
    rows.iter().map(settings_from_row).collect()
}

/// `owner`'s conversation groups in the order made, each with its
/// conversations in the order added.
pub(super) fn groups(
    cx: &mut Cx<'_>,
    owner: &UserId,
) -> Result<Vec<ConversationGroup>, StoreError> {
    let names = cx.query(
        "SELECT name FROM conversation_groups WHERE owner = $1 ORDER BY ord",
        &[&owner.as_str()],
    )?;
    let mut out = Vec::new();
    for r in names {
        out.push(ConversationGroup { name: r.try_get(0)?, conversation_id_list: Vec::new() });
    }
    let rows = cx.query(
        "SELECT name, conversation_id FROM conversation_group_members WHERE owner = $1
         ORDER BY ord",
        &[&owner.as_str()],
    )?;
    for row in rows {
        let name: String = row.try_get(0)?;
        let conversation: String = row.try_get(1)?;
        if let Some(group) = out.iter_mut().find(|g| g.name == name) {
            group.conversation_id_list.push(ConversationId::from(conversation.as_str()));
        }
    }
    Ok(out)
}

impl ConversationTx for PgTx<'_> {
    fn touch_conversation(&mut self, touch: &ConversationTouch<'_>) -> Result<(), StoreError> {
        self.cx.write(
            "INSERT INTO conversations
                 (owner, conversation_id, conversation_type, conv_key, last_message,
                  unread_count, last_sequence, update_time, deleted)
             VALUES ($1, $2, 'C2C', $3, $4, $5, $6, $7, 0)
             ON CONFLICT (owner, conversation_id) DO UPDATE SET
                 last_message = COALESCE(excluded.last_message, conversations.last_message),
                 unread_count = conversations.unread_count + excluded.unread_count,
                 last_sequence = GREATEST(conversations.last_sequence, excluded.last_sequence),
                 update_time = excluded.update_time,
                 deleted = 0",
            vec![
                Box::new(touch.owner.as_str().to_owned()),
                Box::new(touch.conversation_id.as_str().to_owned()),
                Box::new(super::db_key(touch.conv_key)),
                Box::new(touch.last_message.map(|row| row.0)),
                Box::new(to_i64(touch.unread_increment)?),
                Box::new(to_i64(touch.sequence)?),
                Box::new(touch.time),
            ],
        )?;
        Ok(())
    }

    fn read_marks(
        &mut self,
        owner: &UserId,
        conversation_id: &ConversationId,
    ) -> Result<Option<ReadMarks>, StoreError> {
        let found = self.cx.query_opt(
            "SELECT last_sequence, read_sequence, unread_count FROM conversations
             WHERE owner = $1 AND conversation_id = $2",
            &[&owner.as_str(), &conversation_id.as_str()],
        )?;
        let Some(r) = found else { return Ok(None) };
        Ok(Some(ReadMarks {
            last_sequence: to_u64(r.try_get(0)?)?,
            read_sequence: to_u64(r.try_get(1)?)?,
            unread_count: to_u64(r.try_get(2)?)?,
        }))
    }

    fn mark_read(
        &mut self,
        owner: &UserId,
        conversation_id: &ConversationId,
        read_sequence: u64,
    ) -> Result<(), StoreError> {
        self.cx.execute(
            "UPDATE conversations SET read_sequence = $3, unread_count = 0
             WHERE owner = $1 AND conversation_id = $2",
            &[&owner.as_str(), &conversation_id.as_str(), &to_i64(read_sequence)?],
        )?;
        Ok(())
    }

    fn raise_peer_read(
        &mut self,
        owner: &UserId,
        conversation_id: &ConversationId,
        sequence: u64,
    ) -> Result<bool, StoreError> {
        let updated = self.cx.execute(
            "UPDATE conversations SET peer_read_sequence = GREATEST(peer_read_sequence, $3::BIGINT)
             WHERE owner = $1 AND conversation_id = $2",
            &[&owner.as_str(), &conversation_id.as_str(), &to_i64(sequence)?],
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
             WHERE owner = $1 AND conversation_id = $2"
        } else {
            "UPDATE conversations SET deleted = 1 WHERE owner = $1 AND conversation_id = $2"
        };
        self.cx.execute(sql, &[&owner.as_str(), &conversation_id.as_str()])?;
        Ok(())
    }

    fn clear_conversation(
        &mut self,
        owner: &UserId,
        conversation_id: &ConversationId,
    ) -> Result<Option<u64>, StoreError> {
        let found = self.cx.query_opt(
            "UPDATE conversations
             SET cleared_sequence = last_sequence, unread_count = 0, last_message = NULL
             WHERE owner = $1 AND conversation_id = $2 AND deleted = 0
             RETURNING cleared_sequence",
            &[&owner.as_str(), &conversation_id.as_str()],
        )?;
        found.map(|r| to_u64(r.try_get(0)?)).transpose()
    }

    fn unread_conversations(&mut self, owner: &UserId) -> Result<Vec<ConversationId>, StoreError> {
        let rows = self.cx.query(
            "SELECT conversation_id FROM conversations
             WHERE owner = $1 AND deleted = 0
               AND (unread_count > 0 OR read_sequence < last_sequence)
             ORDER BY conversation_id COLLATE \"C\"",
            &[&owner.as_str()],
        )?;
        let mut ids = Vec::new();
        for row in rows {
            ids.push(ConversationId(row.try_get(0)?));
        }
        Ok(ids)
    }

    fn conversation_settings(
        &mut self,
        owner: &UserId,
        conversation_id: &ConversationId,
    ) -> Result<ConversationSettings, StoreError> {
        let found = self.cx.query_opt(
            &format!("SELECT {SETTINGS_COLUMNS} WHERE owner = $1 AND conversation_id = $2"),
            &[&owner.as_str(), &conversation_id.as_str()],
        )?;
        Ok(match found {
            Some(r) => settings_from_row(&r)?,
            None => ConversationSettings::new(conversation_id.clone()),
        })
    }

    fn save_conversation_settings(
        &mut self,
        owner: &UserId,
        settings: &ConversationSettings,
    ) -> Result<(), StoreError> {
        if settings.is_default() {
            self.cx.execute(
                "DELETE FROM conversation_settings WHERE owner = $1 AND conversation_id = $2",
                &[&owner.as_str(), &settings.conversation_id.as_str()],
            )?;
            return Ok(());
        }
        let marks = settings.mark_list.iter().fold(0u64, |all, m| all | m) as i64;
        self.cx.execute(
            "INSERT INTO conversation_settings
                 (owner, conversation_id, pin_time, remind_type, custom_data, marks)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (owner, conversation_id) DO UPDATE SET pin_time = excluded.pin_time,
                 remind_type = excluded.remind_type, custom_data = excluded.custom_data,
                 marks = excluded.marks",
            &[
                &owner.as_str(),
                &settings.conversation_id.as_str(),
                &settings.pin_time,
                &settings.message_remind_type.as_str(),
                &settings.custom_data,
                &marks,
            ],
        )?;
        Ok(())
    }

    fn conversation_group(
        &mut self,
        owner: &UserId,
        name: &str,
    ) -> Result<Option<ConversationGroup>, StoreError> {
        Ok(groups(&mut self.cx, owner)?.into_iter().find(|g| g.name == name))
    }

    fn conversation_group_count(&mut self, owner: &UserId) -> Result<u64, StoreError> {
        let row = self.cx.query_one(
            "SELECT COUNT(*) FROM conversation_groups WHERE owner = $1",
            &[&owner.as_str()],
        )?;
        to_u64(row.try_get(0)?)
    }

    fn conversation_group_create(
        &mut self,
        owner: &UserId,
        name: &str,
    ) -> Result<bool, StoreError> {
        let inserted = self.cx.execute(
            "INSERT INTO conversation_groups (owner, name) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
            &[&owner.as_str(), &name],
        )?;
        Ok(inserted == 1)
    }

    fn conversation_group_delete(
        &mut self,
        owner: &UserId,
        name: &str,
    ) -> Result<bool, StoreError> {
        self.cx.execute(
            "DELETE FROM conversation_group_members WHERE owner = $1 AND name = $2",
            &[&owner.as_str(), &name],
        )?;
        let deleted = self.cx.execute(
            "DELETE FROM conversation_groups WHERE owner = $1 AND name = $2",
            &[&owner.as_str(), &name],
        )?;
        Ok(deleted == 1)
    }

    fn conversation_group_rename(
        &mut self,
        owner: &UserId,
        old: &str,
        new: &str,
    ) -> Result<(), StoreError> {
        // The members follow by the foreign key's ON UPDATE CASCADE.
        self.cx.execute(
            "UPDATE conversation_groups SET name = $3 WHERE owner = $1 AND name = $2",
            &[&owner.as_str(), &old, &new],
        )?;
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
            "INSERT INTO conversation_group_members (owner, name, conversation_id)
             VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM conversation_group_members
             WHERE owner = $1 AND name = $2 AND conversation_id = $3"
        };
        let changed = self.cx.execute(sql, &[&owner.as_str(), &name, &conversation_id.as_str()])?;
        Ok(changed == 1)
    }
}

/// The user's conversations that are not deleted, newest activity first.
pub(super) fn list(cx: &mut Cx<'_>, user: &UserId) -> Result<Vec<ConversationState>, StoreError> {
    let rows = cx.query(
        "SELECT c.conversation_id, c.conversation_type, m.message, c.unread_count,
                c.read_sequence, c.peer_read_sequence, c.cleared_sequence, c.last_sequence,
                c.update_time
         FROM conversations c LEFT JOIN messages m ON m.id = c.last_message
         WHERE c.owner = $1 AND c.deleted = 0
         ORDER BY c.update_time DESC, c.conversation_id COLLATE \"C\"",
        &[&user.as_str()],
    )?;
    let mut list = Vec::new();
    for r in rows {
        let id: String = r.try_get(0)?;
        let kind: String = r.try_get(1)?;
        let last: Option<String> = r.try_get(2)?;
        let conversation_type: ConversationType =
            serde_json::from_value(serde_json::Value::String(kind))?;
        let last_message = last.map(|m| serde_json::from_str(&m)).transpose()?;
        list.push(ConversationState {
            conversation_id: ConversationId(id),
            conversation_type,
            last_message,
            unread_count: to_u64(r.try_get(3)?)?,
            read_sequence: to_u64(r.try_get(4)?)?,
            peer_read_sequence: to_u64(r.try_get(5)?)?,
            cleared_sequence: to_u64(r.try_get(6)?)?,
            last_sequence: to_u64(r.try_get(7)?)?,
            update_time: r.try_get(8)?,
        });
    }
    Ok(list)
}
