//! The group list: the groups this account is a member of, as last seen
//! (TIM `Group`, with `selfInfo`), and the start and end of following a
//! group's timeline. Rows come from the inbox's `groupJoined` /
//! `groupLeft` events and from the answers of the group operations.
//!
//! An AVChatRoom is kept too (its pushes are accepted while it is joined)
//! but it is never in the group list (checklist 694) and has no timeline to
//! follow.

use super::{sql_u64, Result, Store};
use confab_proto::group::{GroupProfile, GroupType};
use rusqlite::{params, OptionalExtension};

impl Store {
    /// TIM's group list: the groups joined, AVChatRooms left out, by name
    /// then ID.
    pub(crate) fn groups(&self) -> Result<Vec<GroupProfile>> {
        groups_in(&self.lock())
    }

    /// A group this account is a member of.
    pub(crate) fn group(&self, group_id: &str) -> Result<Option<GroupProfile>> {
        group_in(&self.lock(), group_id)
    }

    /// Stores profiles of groups this account is a member of (from an
    /// operation's answer), keeping the stored `selfInfo` when a profile
    /// comes without one. Following a timeline starts only with the
    /// inbox's `groupJoined`, which says where the member's part of it
    /// begins. True when the group list changed.
    pub(crate) fn store_groups(&self, profiles: &[GroupProfile]) -> Result<bool> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let mut changed = false;
        for p in profiles {
            changed |= put_group(&tx, p, None)?;
        }
        tx.commit()?;
        Ok(changed)
    }

    /// Replaces the group list with the server's (`getGroupList`): groups
    /// not listed are dropped with their cursors. True when it changed.
    pub(crate) fn replace_groups(&self, profiles: &[GroupProfile]) -> Result<bool> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let mut changed = false;
        let stored: Vec<String> = {
            let mut stmt = tx.prepare_cached("SELECT group_id FROM groups")?;
            let ids = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            ids
        };
        for id in stored {
            // AVChatRooms are never listed by the server: they stay.
            let keep = profiles.iter().any(|p| p.group_id.0 == id)
                || group_in(&tx, &id)?.is_some_and(|g| g.group_type == GroupType::AvChatRoom);
            if !keep {
                changed |= remove_group(&tx, &id)?;
            }
        }
        for p in profiles {
            changed |= put_group(&tx, p, None)?;
        }
        tx.commit()?;
        Ok(changed)
    }

    /// The AVChatRooms joined (at most one, by the server's rule).
    pub(crate) fn av_chat_rooms(&self) -> Result<Vec<String>> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached("SELECT group_id, profile FROM groups")?;
        let rows: Vec<(String, String)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        let mut rooms = Vec::new();
        for (id, json) in rows {
            let g: GroupProfile = serde_json::from_str(&json)?;
            if g.group_type == GroupType::AvChatRoom {
                rooms.push(id);
            }
        }
        Ok(rooms)
    }

    /// Forgets a group (left, dismissed) and stops following it. True when
    /// it was stored.
    pub(crate) fn forget_group(&self, group_id: &str) -> Result<bool> {
        remove_group(&self.lock(), group_id)
    }
}

/// The group list as seen by `conn`.
pub(super) fn groups_in(conn: &rusqlite::Connection) -> Result<Vec<GroupProfile>> {
    let mut stmt = conn.prepare_cached("SELECT profile FROM groups")?;
    let rows: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut groups = Vec::with_capacity(rows.len());
    for json in rows {
        let g: GroupProfile = serde_json::from_str(&json)?;
        if g.group_type != GroupType::AvChatRoom {
            groups.push(g);
        }
    }
    groups.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.group_id.cmp(&b.group_id)));
    Ok(groups)
}

/// A stored group, read through `conn`.
pub(super) fn group_in(
    conn: &rusqlite::Connection,
    group_id: &str,
) -> Result<Option<GroupProfile>> {
    let json: Option<String> = conn
        .prepare_cached("SELECT profile FROM groups WHERE group_id = ?1")?
        .query_row(params![group_id], |r| r.get(0))
        .optional()?;
    Ok(json.as_deref().map(serde_json::from_str).transpose()?)
}

/// Stores a group's profile and, with `follow`, follows its timeline after
/// that sequence (a cursor already further on stays; never an
/// AVChatRoom's: it has no timeline). A profile without `selfInfo` keeps
/// the stored one. True when the stored profile changed.
pub(super) fn put_group(
    conn: &rusqlite::Connection,
    profile: &GroupProfile,
    follow: Option<u64>,
) -> Result<bool> {
    let id = profile.group_id.0.as_str();
    let stored = group_in(conn, id)?;
    let mut profile = profile.clone();
    if profile.self_info.is_none() {
        profile.self_info = stored.as_ref().and_then(|g| g.self_info.clone());
    }
    if let Some(after) = follow.filter(|_| profile.group_type != GroupType::AvChatRoom) {
        conn.prepare_cached(
            "INSERT INTO group_cursors (group_id, sequence) VALUES (?1, ?2)
             ON CONFLICT (group_id) DO UPDATE SET sequence = MAX(sequence, excluded.sequence)",
        )?
        .execute(params![id, sql_u64(after)])?;
    }
    if stored.as_ref() == Some(&profile) {
        return Ok(false);
    }
    conn.prepare_cached(
        "INSERT INTO groups (group_id, profile) VALUES (?1, ?2)
         ON CONFLICT (group_id) DO UPDATE SET profile = excluded.profile",
    )?
    .execute(params![id, serde_json::to_string(&profile)?])?;
    Ok(true)
}

/// Drops a group and its timeline cursor; true when it was stored.
pub(super) fn remove_group(conn: &rusqlite::Connection, group_id: &str) -> Result<bool> {
    super::topics::remove_community_topics(conn, group_id)?;
    conn.prepare_cached("DELETE FROM group_cursors WHERE group_id = ?1")?
        .execute(params![group_id])?;
    let removed = conn
        .prepare_cached("DELETE FROM groups WHERE group_id = ?1")?
        .execute(params![group_id])?;
    Ok(removed > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use confab_proto::group::{GroupSelfInfo, MemberRole};
    use confab_proto::GroupId;

    fn profile(id: &str, name: &str, kind: GroupType) -> GroupProfile {
        GroupProfile {
            group_id: GroupId::new(id),
            name: name.into(),
            group_type: kind,
            self_info: Some(GroupSelfInfo { role: MemberRole::Owner, ..GroupSelfInfo::default() }),
            ..GroupProfile::default()
        }
    }

    #[test]
    fn the_group_list_leaves_out_av_chat_rooms_and_follows_only_timelines() {
        let store = Store::open_in_memory("alice").expect("store");
        let work = profile("@TGS#1", "b team", GroupType::Work);
        let room = profile("@TGS#2", "a live", GroupType::AvChatRoom);
        assert!(store.store_groups(&[work.clone(), room.clone()]).expect("store"));
        // checklist 694: AVChatRoom groups never appear in the group list.
        assert_eq!(store.groups().expect("list"), vec![work.clone()]);
        // An operation's answer does not start following; `groupJoined` does.
        assert!(store.group_cursors().expect("cursors").is_empty());
        let conn = store.lock();
        put_group(&conn, &work, Some(7)).expect("joined");
        put_group(&conn, &work, Some(3)).expect("an older join point");
        put_group(&conn, &room, Some(2)).expect("joined the room");
        drop(conn);
        let cursors = store.group_cursors().expect("cursors");
        assert_eq!(cursors.len(), 1);
        assert_eq!(cursors[0].group_id, "@TGS#1");
        assert_eq!(cursors[0].after, 7, "a cursor never moves back");
        // The same profile again changes nothing.
        assert!(!store.store_groups(std::slice::from_ref(&work)).expect("again"));
    }

    #[test]
    fn a_profile_without_self_info_keeps_the_stored_one_and_replace_drops_the_unlisted() {
        let store = Store::open_in_memory("alice").expect("store");
        let a = profile("@TGS#a", "a", GroupType::Public);
        let b = profile("@TGS#b", "b", GroupType::Public);
        store.store_groups(&[a.clone(), b.clone()]).expect("store");
        put_group(&store.lock(), &a, Some(1)).expect("follow a");
        put_group(&store.lock(), &b, Some(1)).expect("follow b");
        let mut renamed = a.clone();
        renamed.name = "a2".into();
        renamed.self_info = None;
        assert!(store.replace_groups(std::slice::from_ref(&renamed)).expect("replace"));
        let list = store.groups().expect("list");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].name, "a2");
        assert_eq!(list[0].self_info, a.self_info);
        assert_eq!(store.group_cursors().expect("cursors").len(), 1);
        assert!(store.forget_group("@TGS#a").expect("forget"));
        assert!(store.groups().expect("list").is_empty());
        assert!(store.group_cursors().expect("cursors").is_empty());
    }
}
