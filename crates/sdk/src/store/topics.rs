//! The topics of the communities this account is in: each topic's profile
//! as the server keeps it, and following its timeline (a cursor in
//! `group_cursors`, keyed by the topic ID) from where the account's part
//! of it starts. A topic's conversation (`GROUP<topicID>`) is an ordinary
//! conversation row here, left out of the conversation list and the total
//! unread count (TIM shows topics inside their community); [`Topic`] joins
//! the two.

use super::{sql_u64, Result, Store};
use crate::model::{Conversation, Topic};
use confab_proto::constants::types;
use confab_proto::group::{GroupProfile, GroupType};
use confab_proto::topic::{JoinedTopic, TopicProfile, TOPIC_MARK};
use rusqlite::{params, OptionalExtension as _};

/// Whether a conversation ID is a topic's.
pub(crate) fn is_topic_conversation(conversation_id: &str) -> bool {
    conversation_id.starts_with(types::CONV_GROUP) && conversation_id.contains(TOPIC_MARK)
}

/// Stores a topic's profile (the stored `selfInfo` stays when it comes
/// without one) and, with `follow`, follows its timeline after that
/// sequence (a cursor already further on stays). True when it changed.
pub(super) fn put_topic(
    conn: &rusqlite::Connection,
    group_id: &str,
    profile: &TopicProfile,
    follow: Option<u64>,
) -> Result<bool> {
    let stored = topic_in(conn, &profile.topic_id)?;
    let mut profile = profile.clone();
    if profile.self_info.is_none() {
        profile.self_info = stored.as_ref().and_then(|(_, t)| t.self_info.clone());
    }
    if let Some(after) = follow {
        conn.prepare_cached(
            "INSERT INTO group_cursors (group_id, sequence) VALUES (?1, ?2)
             ON CONFLICT (group_id) DO UPDATE SET sequence = MAX(sequence, excluded.sequence)",
        )?
        .execute(params![profile.topic_id, sql_u64(after)])?;
    }
    if stored.as_ref().map(|(_, t)| t) == Some(&profile) {
        return Ok(false);
    }
    conn.prepare_cached(
        "INSERT INTO topics (topic_id, group_id, profile) VALUES (?1, ?2, ?3)
         ON CONFLICT (topic_id) DO UPDATE SET profile = excluded.profile",
    )?
    .execute(params![profile.topic_id, group_id, serde_json::to_string(&profile)?])?;
    Ok(true)
}

/// A stored topic with its community.
pub(super) fn topic_in(
    conn: &rusqlite::Connection,
    topic_id: &str,
) -> Result<Option<(String, TopicProfile)>> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT group_id, profile FROM topics WHERE topic_id = ?1")?
        .query_row([topic_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.map(|(g, json)| serde_json::from_str(&json).map(|t| (g, t))).transpose()?)
}

/// The stored topics of a community, in the order the server listed them.
fn topics_of(conn: &rusqlite::Connection, group_id: &str) -> Result<Vec<TopicProfile>> {
    let mut stmt =
        conn.prepare_cached("SELECT profile FROM topics WHERE group_id = ?1 ORDER BY rowid")?;
    let rows: Vec<String> =
        stmt.query_map([group_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows.iter().map(|j| serde_json::from_str(j)).collect::<serde_json::Result<_>>()?)
}

/// Forgets topics and stops following them (their conversations and
/// history stay, as a left group's do); the IDs that were stored.
pub(super) fn remove_topics(
    conn: &rusqlite::Connection,
    topic_ids: &[String],
) -> Result<Vec<String>> {
    let mut removed = Vec::new();
    for id in topic_ids {
        conn.prepare_cached("DELETE FROM group_cursors WHERE group_id = ?1")?.execute([id])?;
        if conn.prepare_cached("DELETE FROM topics WHERE topic_id = ?1")?.execute([id])? > 0 {
            removed.push(id.clone());
        }
    }
    Ok(removed)
}

/// Forgets every topic of a community (left, dismissed) and that its list
/// was known.
pub(super) fn remove_community_topics(conn: &rusqlite::Connection, group_id: &str) -> Result<()> {
    let ids: Vec<String> = topics_of(conn, group_id)?.into_iter().map(|t| t.topic_id).collect();
    remove_topics(conn, &ids)?;
    conn.prepare_cached("DELETE FROM topic_lists WHERE group_id = ?1")?.execute([group_id])?;
    Ok(())
}

/// `groupJoined` of a community with topics: its topics, each followed
/// from the member's join point, and its list known from now on.
pub(super) fn join_topics(
    conn: &rusqlite::Connection,
    group: &GroupProfile,
    topics: &[JoinedTopic],
) -> Result<()> {
    if group.group_type != GroupType::Community || !group.is_support_topic {
        return Ok(());
    }
    for joined in topics {
        put_topic(conn, group.group_id.as_str(), &joined.topic, Some(joined.after))?;
    }
    conn.prepare_cached("INSERT OR IGNORE INTO topic_lists (group_id) VALUES (?1)")?
        .execute([group.group_id.as_str()])?;
    Ok(())
}

impl Store {
    /// The communities with topics this account is in whose topic list
    /// this store does not know yet (a fresh store's).
    pub(crate) fn communities_without_topic_list(&self) -> Result<Vec<String>> {
        let conn = self.lock();
        let groups = super::groups::groups_in(&conn)?;
        let mut out = Vec::new();
        for g in groups {
            if g.group_type != GroupType::Community || !g.is_support_topic {
                continue;
            }
            let known: bool = conn
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM topic_lists WHERE group_id = ?1)")?
                .query_row([g.group_id.as_str()], |r| r.get(0))?;
            if !known {
                out.push(g.group_id.0);
            }
        }
        Ok(out)
    }

    /// Keeps a community's topics as the server listed them. With `whole`
    /// (the full list), topics not listed are forgotten and the list is
    /// known from now on; with `follow`, topics not yet followed are
    /// followed from the account's start (the server raises a cursor of 0
    /// to it), their conversations taking the read mark the server has.
    pub(crate) fn store_topics(
        &self,
        group_id: &str,
        topics: &[TopicProfile],
        whole: bool,
        follow: bool,
    ) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        if whole {
            let listed: Vec<&str> = topics.iter().map(|t| t.topic_id.as_str()).collect();
            let gone: Vec<String> = topics_of(&tx, group_id)?
                .into_iter()
                .map(|t| t.topic_id)
                .filter(|id| !listed.contains(&id.as_str()))
                .collect();
            remove_topics(&tx, &gone)?;
        }
        for topic in topics {
            let followed = super::sync_state::group_cursor_of(&tx, &topic.topic_id)?.is_some();
            put_topic(&tx, group_id, topic, (follow && !followed).then_some(0))?;
            if follow && !followed {
                let conversation_id = format!("{}{}", types::CONV_GROUP, topic.topic_id);
                super::conversations::ensure_conversation(
                    &tx,
                    &conversation_id,
                    confab_proto::message::ConversationType::Group,
                )?;
                let read = topic.self_info.as_ref().map_or(0, |s| s.read_sequence);
                tx.prepare_cached(
                    "UPDATE conversations SET read_sequence = MAX(read_sequence, ?2)
                     WHERE conversation_id = ?1",
                )?
                .execute(params![conversation_id, sql_u64(read)])?;
            }
        }
        if whole {
            tx.prepare_cached("INSERT OR IGNORE INTO topic_lists (group_id) VALUES (?1)")?
                .execute([group_id])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The stored topics of a community (or the listed ones that are
    /// stored), with what this store knows of their conversations.
    pub(crate) fn topics(&self, group_id: &str, only: Option<&[String]>) -> Result<Vec<Topic>> {
        let conn = self.lock();
        let mut profiles = topics_of(&conn, group_id)?;
        if let Some(only) = only {
            profiles.retain(|t| only.contains(&t.topic_id));
        }
        self.with_conversations(&conn, &profiles)
    }

    /// The stored topic `topic_id` as a [`Topic`], with its community.
    pub(crate) fn topic(&self, topic_id: &str) -> Result<Option<(String, Topic)>> {
        let conn = self.lock();
        let Some((group, profile)) = topic_in(&conn, topic_id)? else { return Ok(None) };
        let topic = self.with_conversations(&conn, std::slice::from_ref(&profile))?.pop();
        Ok(topic.map(|t| (group, t)))
    }

    /// The [`Topic`]s of these conversations (topic ones that are stored),
    /// with their communities.
    pub(crate) fn topics_of_conversations(
        &self,
        conversations: &[Conversation],
    ) -> Result<Vec<(String, Topic)>> {
        let conn = self.lock();
        let mut out = Vec::new();
        for c in conversations {
            let Some(topic_id) = c.conversation_id.strip_prefix(types::CONV_GROUP) else {
                continue;
            };
            if let Some((group, profile)) = topic_in(&conn, topic_id)? {
                out.push((group, Topic::of(&profile, Some(c))));
            }
        }
        Ok(out)
    }

    fn with_conversations(
        &self,
        conn: &rusqlite::Connection,
        profiles: &[TopicProfile],
    ) -> Result<Vec<Topic>> {
        let ids: Vec<String> =
            profiles.iter().map(|t| format!("{}{}", types::CONV_GROUP, t.topic_id)).collect();
        let conversations = self.conversations_in(conn, Some(&ids))?;
        Ok(profiles
            .iter()
            .zip(&ids)
            .map(|(p, id)| Topic::of(p, conversations.iter().find(|c| &c.conversation_id == id)))
            .collect())
    }
}
