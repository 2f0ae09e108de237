//! Community topics on PostgreSQL: each topic's profile document (`topics`)
//! and each member's record in it (`topic_members`). A topic's messages
//! and timeline live in the group tables, keyed by the topic ID. Nothing
//! here decides who may do what.

use super::group_key;
use super::inbox::log_head;
use super::writer::PgTx;
use super::{to_i64, to_u64, Cx};
use crate::store::counters::CounterKey;
use crate::store::tx::TopicTx;
use crate::store::{StoreError, TopicMemberRecord};
use confab_proto::topic::TopicProfile;
use confab_proto::{GroupId, UserId};
use tokio_postgres::Row;

const MEMBER_SQL: &str = "SELECT join_sequence, join_timeline, read_sequence, mute_until
     FROM topic_members WHERE topic_id = $1 AND user_id = $2";

/// A member's record from the four columns of a row starting at `at`.
fn member_from_row(r: &Row, at: usize) -> Result<TopicMemberRecord, StoreError> {
    Ok(TopicMemberRecord {
        join_sequence: to_u64(r.try_get(at)?)?,
        join_timeline: to_u64(r.try_get(at + 1)?)?,
        read_sequence: to_u64(r.try_get(at + 2)?)?,
        mute_until: r.try_get(at + 3)?,
    })
}

/// A topic as stored (its next message sequence not filled in), and its
/// community.
fn load(cx: &mut Cx<'_>, topic_id: &str) -> Result<Option<(GroupId, TopicProfile)>, StoreError> {
    let row =
        cx.query_opt("SELECT group_id, profile FROM topics WHERE topic_id = $1", &[&topic_id])?;
    row.map(|r| {
        let group: String = r.try_get(0)?;
        let json: String = r.try_get(1)?;
        Ok((GroupId::new(group), serde_json::from_str(&json)?))
    })
    .transpose()
}

/// A group's topics as stored, in the order made.
fn list(cx: &mut Cx<'_>, group: &GroupId) -> Result<Vec<TopicProfile>, StoreError> {
    let rows = cx
        .query("SELECT profile FROM topics WHERE group_id = $1 ORDER BY ord", &[&group.as_str()])?;
    rows.iter().map(|r| Ok(serde_json::from_str(&r.try_get::<_, String>(0)?)?)).collect()
}

/// The topic's next message sequence from what is committed.
fn with_next_seq(cx: &mut Cx<'_>, mut topic: TopicProfile) -> Result<TopicProfile, StoreError> {
    let head = log_head(cx, super::group::MESSAGE_HEAD_SQL, &group_key(&topic.topic_id))?;
    topic.next_message_seq = head + 1;
    Ok(topic)
}

/// A topic with its next message sequence, and its community.
pub(super) fn topic(
    cx: &mut Cx<'_>,
    topic_id: &str,
) -> Result<Option<(GroupId, TopicProfile)>, StoreError> {
    load(cx, topic_id)?.map(|(g, t)| Ok((g, with_next_seq(cx, t)?))).transpose()
}

/// A group's topics with their next message sequences, in the order made.
pub(super) fn topics(cx: &mut Cx<'_>, group: &GroupId) -> Result<Vec<TopicProfile>, StoreError> {
    list(cx, group)?.into_iter().map(|t| with_next_seq(cx, t)).collect()
}

/// `user`'s record in a topic (defaults when none is stored).
pub(super) fn member(
    cx: &mut Cx<'_>,
    topic_id: &str,
    user: &UserId,
) -> Result<TopicMemberRecord, StoreError> {
    cx.query_opt(MEMBER_SQL, &[&topic_id, &user.as_str()])?
        .map_or(Ok(TopicMemberRecord::default()), |r| member_from_row(&r, 0))
}

/// `user`'s stored topic records, by topic ID.
pub(super) fn members_of(
    cx: &mut Cx<'_>,
    user: &UserId,
) -> Result<Vec<(String, TopicMemberRecord)>, StoreError> {
    let rows = cx.query(
        "SELECT topic_id, join_sequence, join_timeline, read_sequence, mute_until
         FROM topic_members WHERE user_id = $1",
        &[&user.as_str()],
    )?;
    rows.iter().map(|r| Ok((r.try_get(0)?, member_from_row(r, 1)?))).collect()
}

impl TopicTx for PgTx<'_> {
    fn insert_topic(
        &mut self,
        group: &GroupId,
        topic: &TopicProfile,
        now_secs: i64,
    ) -> Result<bool, StoreError> {
        let inserted = self.cx.execute(
            "INSERT INTO topics (topic_id, group_id, profile, created_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (topic_id) DO NOTHING",
            &[&topic.topic_id, &group.as_str(), &serde_json::to_string(topic)?, &now_secs],
        )?;
        Ok(inserted == 1)
    }

    fn load_topic(
        &mut self,
        topic_id: &str,
    ) -> Result<Option<(GroupId, TopicProfile)>, StoreError> {
        load(&mut self.cx, topic_id)
    }

    fn save_topic(&mut self, topic: &TopicProfile) -> Result<(), StoreError> {
        self.cx.execute(
            "UPDATE topics SET profile = $2 WHERE topic_id = $1",
            &[&topic.topic_id, &serde_json::to_string(topic)?],
        )?;
        Ok(())
    }

    fn delete_topic(&mut self, topic_id: &str) -> Result<(), StoreError> {
        self.cx.execute("DELETE FROM topic_members WHERE topic_id = $1", &[&topic_id])?;
        self.cx.execute("DELETE FROM topics WHERE topic_id = $1", &[&topic_id])?;
        Ok(())
    }

    fn topics_of(&mut self, group: &GroupId) -> Result<Vec<TopicProfile>, StoreError> {
        let cx = &mut self.cx;
        let mut out = list(cx, group)?;
        for topic in &mut out {
            let key = crate::store::group_key(&topic.topic_id);
            let head = self.state.counters.peek(&CounterKey::Conversation(key.clone()), || {
                log_head(cx, super::group::MESSAGE_HEAD_SQL, &super::db_key(&key))
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
        member(&mut self.cx, topic_id, user)
    }

    fn save_topic_member(
        &mut self,
        topic_id: &str,
        user: &UserId,
        record: &TopicMemberRecord,
    ) -> Result<(), StoreError> {
        self.cx.execute(
            "INSERT INTO topic_members
               (topic_id, user_id, join_sequence, join_timeline, read_sequence, mute_until)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (topic_id, user_id) DO UPDATE SET
               join_sequence = excluded.join_sequence, join_timeline = excluded.join_timeline,
               read_sequence = excluded.read_sequence, mute_until = excluded.mute_until",
            &[
                &topic_id,
                &user.as_str(),
                &to_i64(record.join_sequence)?,
                &to_i64(record.join_timeline)?,
                &to_i64(record.read_sequence)?,
                &record.mute_until,
            ],
        )?;
        Ok(())
    }

    fn delete_topic_members(&mut self, group: &GroupId, user: &UserId) -> Result<(), StoreError> {
        self.cx.execute(
            "DELETE FROM topic_members WHERE user_id = $2
               AND topic_id IN (SELECT topic_id FROM topics WHERE group_id = $1)",
            &[&group.as_str(), &user.as_str()],
        )?;
        Ok(())
    }
}
