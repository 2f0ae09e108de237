//! My own settings of conversations as this device knows them
//! (`conversation_settings`): pin, remind type, custom data and marks,
//! from `getConversationList` and my inbox's `conversationSettingsUpdated`.
//! The conversation rows read them when they are listed.

use super::{Result, Store};
use confab_proto::conversation::{ConversationSettings, RemindType};
use rusqlite::{params, Connection, OptionalExtension as _};
use std::collections::HashSet;

/// Keeps a conversation's settings (all defaults: forgets them); whether
/// they changed.
pub(super) fn apply_settings(conn: &Connection, settings: &ConversationSettings) -> Result<bool> {
    let id = settings.conversation_id.as_str();
    let marks = serde_json::to_string(&settings.mark_list)?;
    let before: Option<(i64, String, String, String)> = conn
        .prepare_cached(
            "SELECT pin_time, remind_type, custom_data, marks FROM conversation_settings
             WHERE conversation_id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let now = (
        settings.pin_time,
        settings.message_remind_type.as_str().to_owned(),
        settings.custom_data.clone(),
        marks,
    );
    if settings.is_default() {
        if before.is_none() {
            return Ok(false);
        }
        conn.prepare_cached("DELETE FROM conversation_settings WHERE conversation_id = ?1")?
            .execute([id])?;
        return Ok(true);
    }
    if before.as_ref() == Some(&now) {
        return Ok(false);
    }
    conn.prepare_cached(
        "INSERT INTO conversation_settings (conversation_id, pin_time, remind_type, custom_data, marks)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (conversation_id) DO UPDATE SET pin_time = excluded.pin_time,
             remind_type = excluded.remind_type, custom_data = excluded.custom_data,
             marks = excluded.marks",
    )?
    .execute(params![id, now.0, now.1, now.2, now.3])?;
    Ok(true)
}

impl Store {
    /// Replaces my settings with the server's (a fresh store's bootstrap).
    pub(crate) fn replace_conversation_settings(&self, all: &[ConversationSettings]) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM conversation_settings", [])?;
        for settings in all {
            apply_settings(&tx, settings)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The conversations whose remind type is Discard: their new messages
    /// are not announced (checklist 414).
    pub(crate) fn discarded_conversations(&self) -> Result<HashSet<String>> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT conversation_id FROM conversation_settings WHERE remind_type = ?1",
        )?;
        let rows = stmt.query_map([RemindType::Discard.as_str()], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<HashSet<_>>>()?)
    }
}
