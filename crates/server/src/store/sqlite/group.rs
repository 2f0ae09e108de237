//! Groups: one profile document per group (`groups`) and one row per
//! stored member (`group_members`), the group heads from the writer's
//! counters, and the reads members make (their groups, member pages, group
//! conversations with unread counts computed from the group's messages and
//! the member's read sequence, history from the member's join point).
//! Nothing here decides who may do what.

use super::inbox::log_head;
use super::writer::SqliteTx;
use crate::store::counters::CounterKey;
use crate::store::tx::GroupTx;
use crate::store::{group_key, GroupHeads, MemberRecord, StoreError};
use confab_proto::conversation::ConversationState;
use confab_proto::group::{
    GroupApplication, GroupAttributes, GroupCounters, GroupMember, GroupProfile, MemberRole,
    APPLICATION_JOIN,
};
use confab_proto::message::{ConversationType, WireMessage};
use confab_proto::ops::GetMessageListResponse;
use confab_proto::profile::Profile;
use confab_proto::{ConversationId, GroupId, UserId};
use rusqlite::{params, Connection, OptionalExtension as _, Row};
use std::collections::{HashMap, HashSet};

pub(super) const MESSAGE_HEAD_SQL: &str =
    "SELECT COALESCE(MAX(sequence), 0) FROM messages WHERE conv_key = ?1";

const MEMBER_COLUMNS: &str = "user_id, role, join_time, join_sequence, join_timeline, name_card,
     mute_until, read_sequence, custom, cleared_sequence";

fn role_name(role: MemberRole) -> Result<String, StoreError> {
    match serde_json::to_value(role)? {
        serde_json::Value::String(s) => Ok(s),
        other => Err(StoreError::Backend(format!("role serialized as {other}"))),
    }
}

/// A member row (columns in [`MEMBER_COLUMNS`] order, from `at`).
fn member_from_row(row: &Row<'_>, at: usize) -> rusqlite::Result<(String, String, MemberRecord)> {
    Ok((
        row.get::<_, String>(at + 1)?,
        row.get::<_, String>(at + 8)?,
        MemberRecord {
            user_id: UserId::new(row.get::<_, String>(at)?),
            role: MemberRole::Member,
            join_time: row.get(at + 2)?,
            join_sequence: row.get(at + 3)?,
            join_timeline: row.get(at + 4)?,
            name_card: row.get(at + 5)?,
            mute_until: row.get(at + 6)?,
            read_sequence: row.get(at + 7)?,
            custom: Vec::new(),
            cleared_sequence: row.get(at + 9)?,
        },
    ))
}

/// Completes a member read by [`member_from_row`] (its role and fields).
fn finish_member(
    (role, custom, mut record): (String, String, MemberRecord),
) -> Result<MemberRecord, StoreError> {
    record.role = serde_json::from_value(serde_json::Value::String(role))?;
    record.custom = serde_json::from_str(&custom)?;
    Ok(record)
}

fn load_profile_doc(
    conn: &Connection,
    group: &GroupId,
) -> Result<Option<GroupProfile>, StoreError> {
    let json = conn
        .prepare_cached("SELECT profile FROM groups WHERE group_id = ?1")?
        .query_row([group.as_str()], |r| r.get::<_, String>(0))
        .optional()?;
    json.map(|j| serde_json::from_str(&j).map_err(StoreError::from)).transpose()
}

fn count_members(conn: &Connection, group: &GroupId) -> Result<u64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM group_members WHERE group_id = ?1")?
        .query_row([group.as_str()], |r| r.get(0))?)
}

fn load_member(
    conn: &Connection,
    group: &GroupId,
    user: &UserId,
) -> Result<Option<MemberRecord>, StoreError> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT {MEMBER_COLUMNS} FROM group_members WHERE group_id = ?1 AND user_id = ?2"
        ))?
        .query_row([group.as_str(), user.as_str()], |r| member_from_row(r, 0))
        .optional()?;
    found.map(finish_member).transpose()
}

impl GroupTx for SqliteTx<'_> {
    fn insert_group(&mut self, profile: &GroupProfile, now_secs: i64) -> Result<bool, StoreError> {
        let inserted = self
            .conn
            .prepare_cached(
                "INSERT INTO groups (group_id, profile, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (group_id) DO NOTHING",
            )?
            .execute(params![
                profile.group_id.as_str(),
                serde_json::to_string(profile)?,
                now_secs
            ])?;
        Ok(inserted == 1)
    }

    fn load_group(&mut self, group: &GroupId) -> Result<Option<GroupProfile>, StoreError> {
        load_profile_doc(self.conn, group)
    }

    fn save_group(&mut self, profile: &GroupProfile) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE groups SET profile = ?2 WHERE group_id = ?1")?
            .execute(params![profile.group_id.as_str(), serde_json::to_string(profile)?])?;
        Ok(())
    }

    fn delete_group(&mut self, group: &GroupId) -> Result<(), StoreError> {
        for table in ["group_attributes", "group_counters"] {
            self.conn
                .prepare_cached(&format!("DELETE FROM {table} WHERE group_id = ?1"))?
                .execute([group.as_str()])?;
        }
        self.conn
            .prepare_cached("DELETE FROM group_applications WHERE group_id = ?1")?
            .execute([group.as_str()])?;
        self.conn
            .prepare_cached("DELETE FROM group_members WHERE group_id = ?1")?
            .execute([group.as_str()])?;
        self.conn
            .prepare_cached("DELETE FROM groups WHERE group_id = ?1")?
            .execute([group.as_str()])?;
        Ok(())
    }

    fn load_member(
        &mut self,
        group: &GroupId,
        user: &UserId,
    ) -> Result<Option<MemberRecord>, StoreError> {
        load_member(self.conn, group, user)
    }

    fn save_member(&mut self, group: &GroupId, member: &MemberRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO group_members (group_id, user_id, role, join_time, join_sequence,
                     join_timeline, name_card, mute_until, read_sequence, custom, cleared_sequence)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (group_id, user_id) DO UPDATE SET
                     role = excluded.role, join_time = excluded.join_time,
                     join_sequence = excluded.join_sequence, join_timeline = excluded.join_timeline,
                     name_card = excluded.name_card, mute_until = excluded.mute_until,
                     read_sequence = excluded.read_sequence, custom = excluded.custom,
                     cleared_sequence = excluded.cleared_sequence",
            )?
            .execute(params![
                group.as_str(),
                member.user_id.as_str(),
                role_name(member.role)?,
                member.join_time,
                member.join_sequence,
                member.join_timeline,
                member.name_card,
                member.mute_until,
                member.read_sequence,
                serde_json::to_string(&member.custom)?,
                member.cleared_sequence,
            ])?;
        Ok(())
    }

    fn delete_member(&mut self, group: &GroupId, user: &UserId) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("DELETE FROM group_members WHERE group_id = ?1 AND user_id = ?2")?
            .execute([group.as_str(), user.as_str()])?;
        Ok(())
    }

    fn member_count(&mut self, group: &GroupId) -> Result<u64, StoreError> {
        count_members(self.conn, group)
    }

    fn member_ids(&mut self, group: &GroupId) -> Result<Vec<UserId>, StoreError> {
        let mut stmt =
            self.conn.prepare_cached("SELECT user_id FROM group_members WHERE group_id = ?1")?;
        let rows = stmt.query_map([group.as_str()], |r| r.get::<_, String>(0))?;
        let mut ids = Vec::new();
        for row in rows {
            ids.push(UserId::new(row?));
        }
        Ok(ids)
    }

    fn member_groups(&mut self, user: &UserId) -> Result<Vec<GroupId>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT group_id FROM group_members WHERE user_id = ?1 ORDER BY group_id",
        )?;
        let rows = stmt.query_map([user.as_str()], |r| r.get::<_, String>(0))?;
        let mut ids = Vec::new();
        for row in rows {
            ids.push(GroupId::new(row?));
        }
        Ok(ids)
    }

    fn group_heads(&mut self, group: &GroupId) -> Result<GroupHeads, StoreError> {
        let conn = self.conn;
        let key = group_key(group.as_str());
        let message_sequence =
            self.state.counters.peek(&CounterKey::Conversation(key.clone()), || {
                log_head(conn, MESSAGE_HEAD_SQL, &key)
            })?;
        let timeline = self.state.counters.peek(&CounterKey::Timeline(group.0.clone()), || {
            log_head(conn, super::timeline::HEAD_SQL, group.as_str())
        })?;
        Ok(GroupHeads { message_sequence, timeline })
    }

    fn save_application(
        &mut self,
        group: &GroupId,
        applicant: &UserId,
        note: &str,
        time: i64,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO group_applications (group_id, applicant, note, time)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (group_id, applicant) DO UPDATE SET note = ?3, time = ?4",
            )?
            .execute(params![group.as_str(), applicant.as_str(), note, time])?;
        Ok(())
    }

    fn has_application(&mut self, group: &GroupId, applicant: &UserId) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM group_applications WHERE group_id = ?1 AND applicant = ?2",
            )?
            .query_row([group.as_str(), applicant.as_str()], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn delete_application(
        &mut self,
        group: &GroupId,
        applicant: &UserId,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "DELETE FROM group_applications WHERE group_id = ?1 AND applicant = ?2",
            )?
            .execute([group.as_str(), applicant.as_str()])?;
        Ok(())
    }

    fn load_group_attributes(&mut self, group: &GroupId) -> Result<GroupAttributes, StoreError> {
        attributes(self.conn, group)
    }

    fn save_group_attributes(
        &mut self,
        group: &GroupId,
        attributes: &GroupAttributes,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("DELETE FROM group_attributes WHERE group_id = ?1")?
            .execute([group.as_str()])?;
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO group_attributes (group_id, key, value) VALUES (?1, ?2, ?3)",
        )?;
        for (key, value) in attributes {
            insert.execute(params![group.as_str(), key, value])?;
        }
        Ok(())
    }

    fn load_group_counters(&mut self, group: &GroupId) -> Result<GroupCounters, StoreError> {
        counters(self.conn, group)
    }

    fn save_group_counter(
        &mut self,
        group: &GroupId,
        key: &str,
        value: i64,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO group_counters (group_id, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (group_id, key) DO UPDATE SET value = ?3",
            )?
            .execute(params![group.as_str(), key, value])?;
        Ok(())
    }
}

/// The group's profile with its computed counts.
pub(super) fn group(
    conn: &Connection,
    group: &GroupId,
) -> Result<Option<GroupProfile>, StoreError> {
    let Some(mut profile) = load_profile_doc(conn, group)? else { return Ok(None) };
    complete(conn, &mut profile)?;
    Ok(Some(profile))
}

/// Fills a stored profile's member count (stored members; an AVChatRoom's
/// online count is the caller's to set) and next message sequence.
fn complete(conn: &Connection, profile: &mut GroupProfile) -> Result<(), StoreError> {
    profile.member_count = count_members(conn, &profile.group_id)?;
    let head = log_head(conn, MESSAGE_HEAD_SQL, &group_key(profile.group_id.as_str()))?;
    profile.next_message_seq = head + 1;
    Ok(())
}

/// One member's record.
pub(super) fn member(
    conn: &Connection,
    group: &GroupId,
    user: &UserId,
) -> Result<Option<MemberRecord>, StoreError> {
    load_member(conn, group, user)
}

/// A group's attributes.
pub(super) fn attributes(
    conn: &Connection,
    group: &GroupId,
) -> Result<GroupAttributes, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT key, value FROM group_attributes WHERE group_id = ?1")?;
    let rows = stmt.query_map([group.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A group's counters.
pub(super) fn counters(conn: &Connection, group: &GroupId) -> Result<GroupCounters, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT key, value FROM group_counters WHERE group_id = ?1")?;
    let rows = stmt.query_map([group.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Pending join requests of the groups `user` owns or administers.
pub(super) fn applications(
    conn: &Connection,
    user: &UserId,
) -> Result<Vec<GroupApplication>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.group_id, a.applicant, a.note, a.time, g.profile FROM group_applications a
         JOIN group_members m ON m.group_id = a.group_id AND m.user_id = ?1
         JOIN groups g ON g.group_id = a.group_id
         WHERE m.role IN ('Owner', 'Admin') ORDER BY a.time, a.group_id, a.applicant",
    )?;
    let rows = stmt.query_map([user.as_str()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut found = Vec::new();
    for row in rows {
        let (group_id, applicant, note, time, profile) = row?;
        let profile: GroupProfile = serde_json::from_str(&profile)?;
        found.push(GroupApplication {
            applicant: UserId::new(applicant),
            group_id: GroupId::new(group_id),
            group_name: profile.name,
            application_type: APPLICATION_JOIN,
            note,
            time,
            ..Default::default()
        });
    }
    let ids: Vec<UserId> = found.iter().map(|a| a.applicant.clone()).collect();
    let profiles = profiles_of(conn, &ids)?;
    for application in &mut found {
        if let Some(p) = profiles.get(&application.applicant) {
            application.applicant_nick = p.nick.clone();
        }
    }
    Ok(found)
}

/// Every group the user is a stored member of, with the record.
pub(super) fn memberships(
    conn: &Connection,
    user: &UserId,
) -> Result<Vec<(GroupProfile, MemberRecord)>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT g.profile, {MEMBER_COLUMNS} FROM group_members m
         JOIN groups g ON g.group_id = m.group_id WHERE m.user_id = ?1 ORDER BY m.group_id"
    ))?;
    let rows =
        stmt.query_map([user.as_str()], |r| Ok((r.get::<_, String>(0)?, member_from_row(r, 1)?)))?;
    let mut found = Vec::new();
    for row in rows {
        let (profile, member) = row?;
        let mut profile: GroupProfile = serde_json::from_str(&profile)?;
        complete(conn, &mut profile)?;
        found.push((profile, finish_member(member)?));
    }
    Ok(found)
}

fn profiles_of(
    conn: &Connection,
    users: &[UserId],
) -> Result<HashMap<UserId, Profile>, StoreError> {
    Ok(super::profile::load_many(conn, users)?
        .into_iter()
        .map(|p| (p.user_id.clone(), p))
        .collect())
}

fn with_profiles(
    conn: &Connection,
    records: Vec<MemberRecord>,
) -> Result<Vec<GroupMember>, StoreError> {
    let ids: Vec<UserId> = records.iter().map(|r| r.user_id.clone()).collect();
    let profiles = profiles_of(conn, &ids)?;
    Ok(records.iter().map(|r| r.to_member(profiles.get(&r.user_id))).collect())
}

/// A page of members by join time.
pub(super) fn members_page(
    conn: &Connection,
    group: &GroupId,
    offset: u64,
    count: u32,
) -> Result<Vec<GroupMember>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MEMBER_COLUMNS} FROM group_members WHERE group_id = ?1
         ORDER BY join_time, user_id LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = stmt.query_map(params![group.as_str(), count, offset], |r| member_from_row(r, 0))?;
    let mut records = Vec::new();
    for row in rows {
        records.push(finish_member(row?)?);
    }
    with_profiles(conn, records)
}

/// Members after `(join_time, userID)` in join order (see
/// `GroupRead::members_after`).
pub(super) fn members_after(
    conn: &Connection,
    group: &GroupId,
    after: Option<&(i64, UserId)>,
    count: u32,
) -> Result<Vec<GroupMember>, StoreError> {
    let (time, user) = after.map_or((i64::MIN, ""), |(t, u)| (*t, u.as_str()));
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MEMBER_COLUMNS} FROM group_members WHERE group_id = ?1
           AND (join_time > ?2 OR (join_time = ?2 AND user_id > ?3))
         ORDER BY join_time, user_id LIMIT ?4"
    ))?;
    let rows =
        stmt.query_map(params![group.as_str(), time, user, count], |r| member_from_row(r, 0))?;
    let mut records = Vec::new();
    for row in rows {
        records.push(finish_member(row?)?);
    }
    with_profiles(conn, records)
}

/// The given users that are members, in the order asked, each once.
pub(super) fn members_of(
    conn: &Connection,
    group: &GroupId,
    users: &[UserId],
) -> Result<Vec<GroupMember>, StoreError> {
    let mut seen = HashSet::new();
    let mut records = Vec::new();
    for user in users {
        if seen.insert(user) {
            if let Some(record) = load_member(conn, group, user)? {
                records.push(record);
            }
        }
    }
    with_profiles(conn, records)
}

/// The user's group conversations (see `GroupRead::group_conversations`):
/// one per stored membership.
pub(super) fn conversations(
    conn: &Connection,
    user: &UserId,
) -> Result<Vec<ConversationState>, StoreError> {
    let mut list = Vec::new();
    for (profile, member) in memberships(conn, user)? {
        let key = group_key(profile.group_id.as_str());
        let start = member.history_from();
        let from = start.max(member.read_sequence);
        let unread: u64 = conn
            .prepare_cached(
                "SELECT COUNT(*) FROM messages WHERE conv_key = ?1 AND sequence > ?2 AND sender <> ?3
                   AND json_extract(message, '$.type') <> 'TIMGroupTipElem'
                   AND NOT json_extract(message, '$.excludedFromUnreadCount')
                   AND json_extract(message, '$.receiverList') IS NULL",
            )?
            .query_row(params![key, from, user.as_str()], |r| r.get(0))?;
        let last: Option<(String, u64, i64)> = conn
            .prepare_cached(
                "SELECT message, sequence, time FROM messages WHERE conv_key = ?1 AND sequence > ?2
                   AND (json_extract(message, '$.receiverList') IS NULL OR sender = ?3
                   OR EXISTS (SELECT 1 FROM json_each(message, '$.receiverList') WHERE value = ?3))
                 ORDER BY sequence DESC LIMIT 1",
            )?
            .query_row(params![key, start, user.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let (last_message, last_sequence, update_time) = match last {
            Some((json, seq, time)) => {
                (Some(serde_json::from_str::<WireMessage>(&json)?), seq, time)
            }
            None => (None, start, member.join_time),
        };
        list.push(ConversationState {
            conversation_id: ConversationId::group(&profile.group_id),
            conversation_type: ConversationType::Group,
            last_message,
            unread_count: unread,
            read_sequence: member.read_sequence.max(start),
            peer_read_sequence: 0,
            cleared_sequence: start,
            last_sequence,
            update_time,
        });
    }
    Ok(list)
}

/// A page of a group's messages above `after` and below `before`, as
/// `reader` sees them (targeted messages only for their sender and
/// receivers).
pub(super) fn messages(
    conn: &Connection,
    group: &GroupId,
    reader: &UserId,
    after: u64,
    before_sequence: Option<u64>,
    count: u32,
) -> Result<GetMessageListResponse, StoreError> {
    let before = before_sequence.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
    let mut stmt = conn.prepare_cached(
        "SELECT message FROM messages WHERE conv_key = ?1 AND sequence > ?2 AND sequence < ?3
           AND (json_extract(message, '$.receiverList') IS NULL OR sender = ?5
                   OR EXISTS (SELECT 1 FROM json_each(message, '$.receiverList') WHERE value = ?5))
         ORDER BY sequence DESC LIMIT ?4",
    )?;
    let rows = stmt.query_map(
        params![group_key(group.as_str()), after, before, u64::from(count) + 1, reader.as_str()],
        |r| r.get::<_, String>(0),
    )?;
    super::message::newest_first_page(rows, count)
}
