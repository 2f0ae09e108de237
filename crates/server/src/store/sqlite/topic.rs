//! Community topics on SQLite: each topic's profile document (`topics`)
//! and each member's record in it (`topic_members`). A topic's messages
//! and timeline live in the group tables, keyed by the topic ID. Nothing
//! here decides who may do what.

use super::inbox::log_head;
use super::writer::SqliteTx;
use crate::store::counters::CounterKey;
use crate::store::tx::TopicTx;
use crate::store::{group_key, StoreError, TopicMemberRecord};
use confab_proto::topic::TopicProfile;
use confab_proto::{GroupId, UserId};
use rusqlite::{params, Connection, OptionalExtension as _};

const MEMBER_SQL: &str = "SELECT join_sequence, join_timeline, read_sequence, mute_until
     FROM topic_members WHERE topic_id = ?1 AND user_id = ?2";

fn member_from_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<TopicMemberRecord> {
    Ok(TopicMemberRecord {
        join_sequence: r.get(at)?,
        join_timeline: r.get(at + 1)?,
        read_sequence: r.get(at + 2)?,
        mute_until: r.get(at + 3)?,
    })
}

fn load(conn: &Connection, topic_id: &str) -> Result<Option<(GroupId, TopicProfile)>, StoreError> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT group_id, profile FROM topics WHERE topic_id = ?1")?
        .query_row([topic_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(group, json)| Ok((GroupId::new(group), serde_json::from_str(&json)?))).transpose()
}

fn list(conn: &Connection, group: &GroupId) -> Result<Vec<TopicProfile>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT profile FROM topics WHERE group_id = ?1 ORDER BY rowid")?;
    let rows: Vec<String> =
        stmt.query_map([group.as_str()], |r| r.get(0))?.collect::<Result<_, _>>()?;
    rows.iter().map(|json| Ok(serde_json::from_str(json)?)).collect()
}

/// The topic's next message sequence from what is committed.
fn with_next_seq(conn: &Connection, mut topic: TopicProfile) -> Result<TopicProfile, StoreError> {
    let head = log_head(conn, super::group::MESSAGE_HEAD_SQL, &group_key(&topic.topic_id))?;
    topic.next_message_seq = head + 1;
    Ok(topic)
}

/// A topic with its next message sequence, and its community.
pub(super) fn topic(
    conn: &Connection,
    topic_id: &str,
) -> Result<Option<(GroupId, TopicProfile)>, StoreError> {
    load(conn, topic_id)?.map(|(g, t)| Ok((g, with_next_seq(conn, t)?))).transpose()
}

/// A group's topics with their next message sequences, in the order made.
pub(super) fn topics(conn: &Connection, group: &GroupId) -> Result<Vec<TopicProfile>, StoreError> {
    list(conn, group)?.into_iter().map(|t| with_next_seq(conn, t)).collect()
}

/// `user`'s record in a topic (defaults when none is stored).
pub(super) fn member(
    conn: &Connection,
    topic_id: &str,
    user: &UserId,
) -> Result<TopicMemberRecord, StoreError> {
    Ok(conn
        .prepare_cached(MEMBER_SQL)?
        .query_row([topic_id, user.as_str()], |r| member_from_row(r, 0))
        .optional()?
        .unwrap_or_default())
}

/// `user`'s stored topic records, by topic ID.
pub(super) fn members_of(
    conn: &Connection,
    user: &UserId,
) -> Result<Vec<(String, TopicMemberRecord)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT topic_id, join_sequence, join_timeline, read_sequence, mute_until
         FROM topic_members WHERE user_id = ?1",
    )?;
    let rows = stmt.query_map([user.as_str()], |r| Ok((r.get(0)?, member_from_row(r, 1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl TopicTx for SqliteTx<'_> {
    fn insert_topic(
        &mut self,
        group: &GroupId,
        topic: &TopicProfile,
        now_secs: i64,
    ) -> Result<bool, StoreError> {
        let inserted = self
            .conn
            .prepare_cached(
                "INSERT INTO topics (topic_id, group_id, profile, created_at)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (topic_id) DO NOTHING",
            )?
            .execute(params![
                topic.topic_id,
                group.as_str(),
                serde_json::to_string(topic)?,
                now_secs
            ])?;
        Ok(inserted == 1)
    }

    fn load_topic(
        &mut self,
        topic_id: &str,
    ) -> Result<Option<(GroupId, TopicProfile)>, StoreError> {
        load(self.conn, topic_id)
    }

    fn save_topic(&mut self, topic: &TopicProfile) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE topics SET profile = ?2 WHERE topic_id = ?1")?
            .execute(params![topic.topic_id, serde_json::to_string(topic)?])?;
        Ok(())
    }

    fn delete_topic(&mut self, topic_id: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("DELETE FROM topic_members WHERE topic_id = ?1")?
            .execute([topic_id])?;
        self.conn.prepare_cached("DELETE FROM topics WHERE topic_id = ?1")?.execute([topic_id])?;
        Ok(())
    }

    fn topics_of(&mut self, group: &GroupId) -> Result<Vec<TopicProfile>, StoreError> {
        let conn = self.conn;
        let mut out = list(conn, group)?;
        for topic in &mut out {
            let key = group_key(&topic.topic_id);
            let head = self.state.counters.peek(&CounterKey::Conversation(key.clone()), || {
                log_head(conn, super::group::MESSAGE_HEAD_SQL, &key)
            })?;
            topic.next_message_seq = head + 1;
        }
        Ok(out)
    }

    fn load_topic_member(
        &mut self,
        topic_id: &str,
        user: &UserId,
    ) -> Result<TopicMemberRecord, StoreError> {
        member(self.conn, topic_id, user)
    }

    fn save_topic_member(
        &mut self,
        topic_id: &str,
        user: &UserId,
        record: &TopicMemberRecord,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO topic_members
                   (topic_id, user_id, join_sequence, join_timeline, read_sequence, mute_until)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (topic_id, user_id) DO UPDATE SET
                   join_sequence = excluded.join_sequence, join_timeline = excluded.join_timeline,
                   read_sequence = excluded.read_sequence, mute_until = excluded.mute_until",
            )?
            .execute(params![
                topic_id,
                user.as_str(),
                record.join_sequence,
                record.join_timeline,
                record.read_sequence,
                record.mute_until
            ])?;
        Ok(())
    }

    fn delete_topic_members(&mut self, group: &GroupId, user: &UserId) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "DELETE FROM topic_members WHERE user_id = ?2
                   AND topic_id IN (SELECT topic_id FROM topics WHERE group_id = ?1)",
            )?
            .execute([group.as_str(), user.as_str()])?;
        Ok(())
    }
}
