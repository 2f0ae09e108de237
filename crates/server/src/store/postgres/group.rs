//! Groups, the PostgreSQL version: one profile document per group
//! (`groups`) and one row per stored member (`group_members`), the group
//! heads from the writer's counters, and the reads members make (their
//! groups, member pages, group conversations with unread counts computed
//! from the group's messages and the member's read sequence, history from
//! the member's join point). Nothing here decides who may do what.

use super::group_key;
use super::inbox::log_head;
use super::writer::PgTx;
use super::{to_i64, to_u64, Cx};
use crate::store::counters::CounterKey;
use crate::store::tx::GroupTx;
use crate::store::{GroupHeads, MemberRecord, StoreError};
use confab_proto::conversation::ConversationState;
use confab_proto::group::{
    GroupApplication, GroupAttributes, GroupCounters, GroupMember, GroupProfile, MemberRole,
    APPLICATION_JOIN,
};
use confab_proto::message::{ConversationType, WireMessage};
use confab_proto::ops::GetMessageListResponse;
use confab_proto::profile::Profile;
use confab_proto::{ConversationId, GroupId, UserId};
use std::collections::{HashMap, HashSet};
use tokio_postgres::Row;

/// The head of a conversation's messages (the newest sequence, 0 when
/// none) by its key.
pub(super) const MESSAGE_HEAD_SQL: &str =
    "SELECT COALESCE(MAX(sequence), 0) FROM messages WHERE conv_key = $1";

const MEMBER_COLUMNS: &str = "user_id, role, join_time, join_sequence, join_timeline, name_card,
     mute_until, read_sequence, custom, cleared_sequence";

/// The stored name of a role (its JSON string).
fn role_name(role: MemberRole) -> Result<String, StoreError> {
    match serde_json::to_value(role)? {
        serde_json::Value::String(s) => Ok(s),
        other => Err(StoreError::Backend(format!("role serialized as {other}"))),
    }
}

/// A member row (columns in [`MEMBER_COLUMNS`] order, from `at`).
fn member_from_row(row: &Row, at: usize) -> Result<(String, String, MemberRecord), StoreError> {
    Ok((
        row.try_get::<_, String>(at + 1)?,
        row.try_get::<_, String>(at + 8)?,
        MemberRecord {
            user_id: UserId::new(row.try_get::<_, String>(at)?),
            role: MemberRole::Member,
            join_time: row.try_get(at + 2)?,
            join_sequence: to_u64(row.try_get(at + 3)?)?,
            join_timeline: to_u64(row.try_get(at + 4)?)?,
            name_card: row.try_get(at + 5)?,
            mute_until: row.try_get(at + 6)?,
            read_sequence: to_u64(row.try_get(at + 7)?)?,
            custom: Vec::new(),
            cleared_sequence: to_u64(row.try_get(at + 9)?)?,
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

/// The group's stored profile document, without computed counts.
fn load_profile_doc(cx: &mut Cx<'_>, group: &GroupId) -> Result<Option<GroupProfile>, StoreError> {
    let json = cx
        .query_opt("SELECT profile FROM groups WHERE group_id = $1", &[&group.as_str()])?
        .map(|r| r.try_get::<_, String>(0))
        .transpose()?;
    json.map(|j| serde_json::from_str(&j).map_err(StoreError::from)).transpose()
}

/// The number of the group's stored members.
fn count_members(cx: &mut Cx<'_>, group: &GroupId) -> Result<u64, StoreError> {
    let row =
        cx.query_one("SELECT COUNT(*) FROM group_members WHERE group_id = $1", &[&group.as_str()])?;
    to_u64(row.try_get(0)?)
}

/// One stored member's record.
fn load_member(
    cx: &mut Cx<'_>,
    group: &GroupId,
    user: &UserId,
) -> Result<Option<MemberRecord>, StoreError> {
    let found = cx
        .query_opt(
            &format!(
                "SELECT {MEMBER_COLUMNS} FROM group_members WHERE group_id = $1 AND user_id = $2"
            ),
            &[&group.as_str(), &user.as_str()],
        )?
        .map(|r| member_from_row(&r, 0))
        .transpose()?;
    found.map(finish_member).transpose()
}

impl GroupTx for PgTx<'_> {
    fn insert_group(&mut self, profile: &GroupProfile, now_secs: i64) -> Result<bool, StoreError> {
        let inserted = self.cx.execute(
            "INSERT INTO groups (group_id, profile, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (group_id) DO NOTHING",
            &[&profile.group_id.as_str(), &serde_json::to_string(profile)?, &now_secs],
        )?;
        Ok(inserted == 1)
    }

    fn load_group(&mut self, group: &GroupId) -> Result<Option<GroupProfile>, StoreError> {
        load_profile_doc(&mut self.cx, group)
    }

    fn save_group(&mut self, profile: &GroupProfile) -> Result<(), StoreError> {
        self.cx.execute(
            "UPDATE groups SET profile = $2 WHERE group_id = $1",
            &[&profile.group_id.as_str(), &serde_json::to_string(profile)?],
        )?;
        Ok(())
    }

    fn delete_group(&mut self, group: &GroupId) -> Result<(), StoreError> {
        for table in ["group_attributes", "group_counters"] {
            self.cx
                .execute(&format!("DELETE FROM {table} WHERE group_id = $1"), &[&group.as_str()])?;
        }
        self.cx
            .execute("DELETE FROM group_applications WHERE group_id = $1", &[&group.as_str()])?;
        self.cx.execute("DELETE FROM group_members WHERE group_id = $1", &[&group.as_str()])?;
        self.cx.execute("DELETE FROM groups WHERE group_id = $1", &[&group.as_str()])?;
        Ok(())
    }

    fn load_member(
        &mut self,
        group: &GroupId,
        user: &UserId,
    ) -> Result<Option<MemberRecord>, StoreError> {
        load_member(&mut self.cx, group, user)
    }

    fn save_member(&mut self, group: &GroupId, member: &MemberRecord) -> Result<(), StoreError> {
        self.cx.execute(
            "INSERT INTO group_members (group_id, user_id, role, join_time, join_sequence,
                 join_timeline, name_card, mute_until, read_sequence, custom, cleared_sequence)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (group_id, user_id) DO UPDATE SET
                 role = excluded.role, join_time = excluded.join_time,
                 join_sequence = excluded.join_sequence, join_timeline = excluded.join_timeline,
                 name_card = excluded.name_card, mute_until = excluded.mute_until,
                 read_sequence = excluded.read_sequence, custom = excluded.custom,
                 cleared_sequence = excluded.cleared_sequence",
            &[
                &group.as_str(),
                &member.user_id.as_str(),
                &role_name(member.role)?,
                &member.join_time,
                &to_i64(member.join_sequence)?,
                &to_i64(member.join_timeline)?,
                &member.name_card,
                &member.mute_until,
                &to_i64(member.read_sequence)?,
                &serde_json::to_string(&member.custom)?,
                &to_i64(member.cleared_sequence)?,
            ],
        )?;
        Ok(())
    }

    fn delete_member(&mut self, group: &GroupId, user: &UserId) -> Result<(), StoreError> {
        self.cx.execute(
            "DELETE FROM group_members WHERE group_id = $1 AND user_id = $2",
            &[&group.as_str(), &user.as_str()],
        )?;
        Ok(())
    }

    fn member_count(&mut self, group: &GroupId) -> Result<u64, StoreError> {
        count_members(&mut self.cx, group)
    }

    fn member_ids(&mut self, group: &GroupId) -> Result<Vec<UserId>, StoreError> {
        let rows = self
            .cx
            .query("SELECT user_id FROM group_members WHERE group_id = $1", &[&group.as_str()])?;
        let mut ids = Vec::new();
        for row in &rows {
            ids.push(UserId::new(row.try_get::<_, String>(0)?));
        }
        Ok(ids)
    }

    fn member_groups(&mut self, user: &UserId) -> Result<Vec<GroupId>, StoreError> {
        let rows = self.cx.query(
            "SELECT group_id FROM group_members WHERE user_id = $1 ORDER BY group_id COLLATE \"C\"",
            &[&user.as_str()],
        )?;
        let mut ids = Vec::new();
        for row in &rows {
            ids.push(GroupId::new(row.try_get::<_, String>(0)?));
        }
        Ok(ids)
    }

    fn group_heads(&mut self, group: &GroupId) -> Result<GroupHeads, StoreError> {
        let cx = &mut self.cx;
        let key = crate::store::group_key(group.as_str());
        let message_sequence =
            self.state.counters.peek(&CounterKey::Conversation(key.clone()), || {
                log_head(cx, MESSAGE_HEAD_SQL, &super::db_key(&key))
            })?;
        let timeline = self.state.counters.peek(&CounterKey::Timeline(group.0.clone()), || {
            log_head(cx, super::timeline::HEAD_SQL, group.as_str())
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
        self.cx.execute(
            "INSERT INTO group_applications (group_id, applicant, note, time)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (group_id, applicant) DO UPDATE SET note = $3, time = $4",
            &[&group.as_str(), &applicant.as_str(), &note, &time],
        )?;
        Ok(())
    }

    fn has_application(&mut self, group: &GroupId, applicant: &UserId) -> Result<bool, StoreError> {
        Ok(self
            .cx
            .query_opt(
                "SELECT 1 FROM group_applications WHERE group_id = $1 AND applicant = $2",
                &[&group.as_str(), &applicant.as_str()],
            )?
            .is_some())
    }

    fn delete_application(
        &mut self,
        group: &GroupId,
        applicant: &UserId,
    ) -> Result<(), StoreError> {
        self.cx.execute(
            "DELETE FROM group_applications WHERE group_id = $1 AND applicant = $2",
            &[&group.as_str(), &applicant.as_str()],
        )?;
        Ok(())
    }

    fn load_group_attributes(&mut self, group: &GroupId) -> Result<GroupAttributes, StoreError> {
        attributes(&mut self.cx, group)
    }

    fn save_group_attributes(
        &mut self,
        group: &GroupId,
        attributes: &GroupAttributes,
    ) -> Result<(), StoreError> {
        self.cx.execute("DELETE FROM group_attributes WHERE group_id = $1", &[&group.as_str()])?;
        for (key, value) in attributes {
            self.cx.execute(
                "INSERT INTO group_attributes (group_id, key, value) VALUES ($1, $2, $3)",
                &[&group.as_str(), key, value],
            )?;
        }
        Ok(())
    }

    fn load_group_counters(&mut self, group: &GroupId) -> Result<GroupCounters, StoreError> {
        counters(&mut self.cx, group)
    }

    fn save_group_counter(
        &mut self,
        group: &GroupId,
        key: &str,
        value: i64,
    ) -> Result<(), StoreError> {
        self.cx.execute(
            "INSERT INTO group_counters (group_id, key, value) VALUES ($1, $2, $3)
             ON CONFLICT (group_id, key) DO UPDATE SET value = $3",
            &[&group.as_str(), &key, &value],
        )?;
        Ok(())
    }
}

/// The group's profile with its computed counts.
pub(super) fn group(cx: &mut Cx<'_>, group: &GroupId) -> Result<Option<GroupProfile>, StoreError> {
    let Some(mut profile) = load_profile_doc(cx, group)? else { return Ok(None) };
    complete(cx, &mut profile)?;
    Ok(Some(profile))
}

/// Fills a stored profile's member count (stored members; an AVChatRoom's
/// online count is the caller's to set) and next message sequence.
fn complete(cx: &mut Cx<'_>, profile: &mut GroupProfile) -> Result<(), StoreError> {
    profile.member_count = count_members(cx, &profile.group_id)?;
    let head = log_head(cx, MESSAGE_HEAD_SQL, &group_key(profile.group_id.as_str()))?;
    profile.next_message_seq = head + 1;
    Ok(())
}

/// One member's record.
pub(super) fn member(
    cx: &mut Cx<'_>,
    group: &GroupId,
    user: &UserId,
) -> Result<Option<MemberRecord>, StoreError> {
    load_member(cx, group, user)
}

/// A group's attributes.
pub(super) fn attributes(cx: &mut Cx<'_>, group: &GroupId) -> Result<GroupAttributes, StoreError> {
    let rows = cx
        .query("SELECT key, value FROM group_attributes WHERE group_id = $1", &[&group.as_str()])?;
    rows.iter().map(|r| Ok((r.try_get::<_, String>(0)?, r.try_get::<_, String>(1)?))).collect()
}

/// A group's counters.
pub(super) fn counters(cx: &mut Cx<'_>, group: &GroupId) -> Result<GroupCounters, StoreError> {
    let rows =
        cx.query("SELECT key, value FROM group_counters WHERE group_id = $1", &[&group.as_str()])?;
    rows.iter().map(|r| Ok((r.try_get::<_, String>(0)?, r.try_get::<_, i64>(1)?))).collect()
}

/// Pending join requests of the groups `user` owns or administers.
pub(super) fn applications(
    cx: &mut Cx<'_>,
    user: &UserId,
) -> Result<Vec<GroupApplication>, StoreError> {
    let rows = cx.query(
        "SELECT a.group_id, a.applicant, a.note, a.time, g.profile FROM group_applications a
         JOIN group_members m ON m.group_id = a.group_id AND m.user_id = $1
         JOIN groups g ON g.group_id = a.group_id
         WHERE m.role IN ('Owner', 'Admin')
         ORDER BY a.time, a.group_id COLLATE \"C\", a.applicant COLLATE \"C\"",
        &[&user.as_str()],
    )?;
    let mut found = Vec::new();
    for row in &rows {
        let group_id = row.try_get::<_, String>(0)?;
        let applicant = row.try_get::<_, String>(1)?;
        let note = row.try_get::<_, String>(2)?;
        let time = row.try_get::<_, i64>(3)?;
        let profile = row.try_get::<_, String>(4)?;
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
    let profiles = profiles_of(cx, &ids)?;
    for application in &mut found {
        if let Some(p) = profiles.get(&application.applicant) {
            application.applicant_nick = p.nick.clone();
        }
    }
    Ok(found)
}

/// Every group the user is a stored member of, with the record.
pub(super) fn memberships(
    cx: &mut Cx<'_>,
    user: &UserId,
) -> Result<Vec<(GroupProfile, MemberRecord)>, StoreError> {
    let rows = cx.query(
        &format!(
            "SELECT g.profile, {MEMBER_COLUMNS} FROM group_members m
             JOIN groups g ON g.group_id = m.group_id WHERE m.user_id = $1
             ORDER BY m.group_id COLLATE \"C\""
        ),
        &[&user.as_str()],
    )?;
    let mut found = Vec::new();
    for row in &rows {
        let profile = row.try_get::<_, String>(0)?;
        let member = member_from_row(row, 1)?;
        let mut profile: GroupProfile = serde_json::from_str(&profile)?;
        complete(cx, &mut profile)?;
        found.push((profile, finish_member(member)?));
    }
    Ok(found)
}

/// Profiles of the users that exist, by user.
fn profiles_of(cx: &mut Cx<'_>, users: &[UserId]) -> Result<HashMap<UserId, Profile>, StoreError> {
    Ok(super::profile::load_many(cx, users)?.into_iter().map(|p| (p.user_id.clone(), p)).collect())
}

/// Member records as members, with their users' profiles.
fn with_profiles(
    cx: &mut Cx<'_>,
    records: Vec<MemberRecord>,
) -> Result<Vec<GroupMember>, StoreError> {
    let ids: Vec<UserId> = records.iter().map(|r| r.user_id.clone()).collect();
    let profiles = profiles_of(cx, &ids)?;
    Ok(records.iter().map(|r| r.to_member(profiles.get(&r.user_id))).collect())
}

/// A page of members by join time.
pub(super) fn members_page(
    cx: &mut Cx<'_>,
    group: &GroupId,
    offset: u64,
    count: u32,
) -> Result<Vec<GroupMember>, StoreError> {
    let rows = cx.query(
        &format!(
            "SELECT {MEMBER_COLUMNS} FROM group_members WHERE group_id = $1
             ORDER BY join_time, user_id COLLATE \"C\" LIMIT $2 OFFSET $3"
        ),
        &[&group.as_str(), &i64::from(count), &to_i64(offset)?],
    )?;
    let mut records = Vec::new();
    for row in &rows {
        records.push(finish_member(member_from_row(row, 0)?)?);
    }
    with_profiles(cx, records)
}

/// Members after `(join_time, userID)` in join order (see
/// `GroupRead::members_after`).
pub(super) fn members_after(
    cx: &mut Cx<'_>,
    group: &GroupId,
    after: Option<&(i64, UserId)>,
    count: u32,
) -> Result<Vec<GroupMember>, StoreError> {
    let (time, user) = after.map_or((i64::MIN, ""), |(t, u)| (*t, u.as_str()));
    let rows = cx.query(
        &format!(
            "SELECT {MEMBER_COLUMNS} FROM group_members WHERE group_id = $1
               AND (join_time > $2 OR (join_time = $2 AND user_id COLLATE \"C\" > $3))
             ORDER BY join_time, user_id COLLATE \"C\" LIMIT $4"
        ),
        &[&group.as_str(), &time, &user, &i64::from(count)],
    )?;
    let mut records = Vec::new();
    for row in &rows {
        records.push(finish_member(member_from_row(row, 0)?)?);
    }
    with_profiles(cx, records)
}

/// The given users that are members, in the order asked, each once.
pub(super) fn members_of(
    cx: &mut Cx<'_>,
    group: &GroupId,
    users: &[UserId],
) -> Result<Vec<GroupMember>, StoreError> {
    let mut seen = HashSet::new();
    let mut records = Vec::new();
    for user in users {
        if seen.insert(user) {
            if let Some(record) = load_member(cx, group, user)? {
                records.push(record);
            }
        }
    }
    with_profiles(cx, records)
}

/// The user's group conversations (see `GroupRead::group_conversations`):
/// one per stored membership.
pub(super) fn conversations(
    cx: &mut Cx<'_>,
    user: &UserId,
) -> Result<Vec<ConversationState>, StoreError> {
    let mut list = Vec::new();
    for (profile, member) in memberships(cx, user)? {
        let key = group_key(profile.group_id.as_str());
        let start = member.history_from();
        let from = start.max(member.read_sequence);
        // As SQLite's json_extract: a message without a type or without
        // the flag is not counted (NULL), and receiverList is absent when
        // empty.
        let unread = to_u64(
            cx.query_one(
                "SELECT COUNT(*) FROM messages
                 WHERE conv_key = $1 AND sequence > $2 AND sender <> $3
                   AND (message::jsonb ->> 'type') <> 'TIMGroupTipElem'
                   AND NOT (message::jsonb ->> 'excludedFromUnreadCount')::BOOLEAN
                   AND (message::jsonb -> 'receiverList') IS NULL",
                &[&key, &to_i64(from)?, &user.as_str()],
            )?
            .try_get(0)?,
        )?;
        let last = cx
            .query_opt(
                "SELECT message, sequence, time FROM messages WHERE conv_key = $1 AND sequence > $2
                   AND ((message::jsonb -> 'receiverList') IS NULL OR sender = $3
                   OR jsonb_exists(message::jsonb -> 'receiverList', $3))
                 ORDER BY sequence DESC LIMIT 1",
                &[&key, &to_i64(start)?, &user.as_str()],
            )?
            .map(|r| -> Result<(String, u64, i64), StoreError> {
                Ok((r.try_get(0)?, to_u64(r.try_get(1)?)?, r.try_get(2)?))
            })
            .transpose()?;
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
    cx: &mut Cx<'_>,
    group: &GroupId,
    reader: &UserId,
    after: u64,
    before_sequence: Option<u64>,
    count: u32,
) -> Result<GetMessageListResponse, StoreError> {
    let before = before_sequence.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
    let rows = cx.query(
        "SELECT message FROM messages WHERE conv_key = $1 AND sequence > $2 AND sequence < $3
           AND ((message::jsonb -> 'receiverList') IS NULL OR sender = $5
                   OR jsonb_exists(message::jsonb -> 'receiverList', $5))
         ORDER BY sequence DESC LIMIT $4",
        &[
            &group_key(group.as_str()),
            &to_i64(after)?,
            &before,
            &(i64::from(count) + 1),
            &reader.as_str(),
        ],
    )?;
    super::message::newest_first_page(rows, count)
}
