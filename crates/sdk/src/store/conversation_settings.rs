//! My own settings of conversations as this device knows them
//! (`conversation_settings`): pin, remind type, custom data and marks, and
//! my conversation groups (`conversation_groups`,
//! `conversation_group_members`), from `getConversationList` and my
//! inbox's `conversationSettingsUpdated` and conversation group events.
//! The conversation rows read them when they are listed.

use super::{Result, Store};
use confab_proto::conversation::{ConversationGroup, ConversationSettings, RemindType};
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

/// My conversation groups in the order made, each with its conversations.
pub(super) fn groups_in(conn: &Connection) -> Result<Vec<ConversationGroup>> {
    let mut stmt = conn.prepare_cached("SELECT name FROM conversation_groups ORDER BY position")?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out: Vec<ConversationGroup> = names
        .map(|n| n.map(|name| ConversationGroup { name, conversation_id_list: Vec::new() }))
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT name, conversation_id FROM conversation_group_members ORDER BY position",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (name, conversation) = row?;
        if let Some(group) = out.iter_mut().find(|g| g.name == name) {
            group.conversation_id_list.push(conversation.as_str().into());
        }
    }
    Ok(out)
}

/// The names of the groups each conversation is in, in the groups' order.
pub(super) fn group_names_by_conversation(
    conn: &Connection,
) -> Result<std::collections::HashMap<String, Vec<String>>> {
    let mut out: std::collections::HashMap<String, Vec<String>> = Default::default();
    for group in groups_in(conn)? {
        for conversation in group.conversation_id_list {
            out.entry(conversation.as_str().to_owned()).or_default().push(group.name.clone());
        }
    }
    Ok(out)
}

/// What a conversation group event changed.
#[derive(Debug, Default)]
pub(super) struct GroupChange {
    /// The list of group names changed (made, deleted, renamed).
    pub(super) list: bool,
    /// The group whose conversations changed (an existing one), by name.
    pub(super) members_of: Option<String>,
    /// Conversations whose `conversationGroupList` changed.
    pub(super) conversations: Vec<String>,
}

/// Keeps a group as the server has it (made if new).
pub(super) fn upsert_group(conn: &Connection, group: &ConversationGroup) -> Result<GroupChange> {
    let before = groups_in(conn)?.into_iter().find(|g| g.name == group.name);
    let mut change = GroupChange::default();
    let old: Vec<String> = match &before {
        Some(g) if g == group => return Ok(change),
        Some(g) => {
            change.members_of = Some(group.name.clone());
            g.conversation_id_list.iter().map(|c| c.as_str().to_owned()).collect()
        }
        None => {
            change.list = true;
            conn.prepare_cached("INSERT INTO conversation_groups (name) VALUES (?1)")?
                .execute([group.name.as_str()])?;
            Vec::new()
        }
    };
    conn.prepare_cached("DELETE FROM conversation_group_members WHERE name = ?1")?
        .execute([group.name.as_str()])?;
    for conversation in &group.conversation_id_list {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO conversation_group_members (name, conversation_id) VALUES (?1, ?2)",
        )?
        .execute([group.name.as_str(), conversation.as_str()])?;
    }
    let new: Vec<String> =
        group.conversation_id_list.iter().map(|c| c.as_str().to_owned()).collect();
    let mut touched: Vec<String> = old
        .iter()
        .filter(|c| !new.contains(c))
        .chain(new.iter().filter(|c| !old.contains(c)))
        .cloned()
        .collect();
    touched.dedup();
    change.conversations = touched;
    Ok(change)
}

/// Deletes a group; the conversations it held.
pub(super) fn delete_group(conn: &Connection, name: &str) -> Result<Option<Vec<String>>> {
    let Some(group) = groups_in(conn)?.into_iter().find(|g| g.name == name) else {
        return Ok(None);
    };
    conn.prepare_cached("DELETE FROM conversation_group_members WHERE name = ?1")?
        .execute([name])?;
    conn.prepare_cached("DELETE FROM conversation_groups WHERE name = ?1")?.execute([name])?;
    Ok(Some(group.conversation_id_list.iter().map(|c| c.as_str().to_owned()).collect()))
}

/// Renames a group in its place; the conversations it holds.
pub(super) fn rename_group(conn: &Connection, old: &str, new: &str) -> Result<Option<Vec<String>>> {
    if old == new {
        return Ok(None);
    }
    let Some(group) = groups_in(conn)?.into_iter().find(|g| g.name == old) else {
        return Ok(None);
    };
    // A stale group under the new name (the server refuses taken names) goes.
    delete_group(conn, new)?;
    conn.prepare_cached("UPDATE conversation_groups SET name = ?2 WHERE name = ?1")?
        .execute([old, new])?;
    conn.prepare_cached("UPDATE conversation_group_members SET name = ?2 WHERE name = ?1")?
        .execute([old, new])?;
    Ok(Some(group.conversation_id_list.iter().map(|c| c.as_str().to_owned()).collect()))
}

impl Store {
    /// My conversation groups as this device knows them.
    pub(crate) fn conversation_groups(&self) -> Result<Vec<ConversationGroup>> {
        groups_in(&self.lock())
    }

    /// Replaces my conversation groups with the server's (a fresh store's
    /// bootstrap).
    pub(crate) fn replace_conversation_groups(&self, all: &[ConversationGroup]) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM conversation_group_members", [])?;
        tx.execute("DELETE FROM conversation_groups", [])?;
        for group in all {
            upsert_group(&tx, group)?;
        }
        tx.commit()?;
        Ok(())
    }

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
