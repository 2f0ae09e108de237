//! My relation chain as this device knows it: the blacklist (`blacklist`),
//! friends (`friends`, their profiles in `profiles`), friend requests
//! (`friend_applications`) and friend groups (`friend_groups`,
//! `friend_group_members`), from the server's answers and my inbox's
//! relation events. Every write says whether it changed anything, so an
//! answer applied here and its inbox echo announce a change once.

use super::profiles::store_profile;
use super::{parse_enum, Result, Store};
use crate::model::FriendApplicationList;
use confab_proto::profile::{CustomField, Profile};
use confab_proto::relation::{
    ApplicationType, Friend, FriendApplication, FriendApplicationListResponse, FriendGroup,
};
use confab_proto::UserId;
use rusqlite::{params, Connection, OptionalExtension as _};
use std::collections::HashMap;

/// My blacklist, in the order added.
pub(super) fn blacklist_in(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT user_id FROM blacklist ORDER BY position")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Adds users (those already there keep their place); whether any was new.
pub(super) fn add_to_blacklist(conn: &Connection, users: &[UserId]) -> Result<bool> {
    let mut changed = false;
    for user in users {
        changed |= conn
            .prepare_cached("INSERT OR IGNORE INTO blacklist (user_id) VALUES (?1)")?
            .execute(params![user.as_str()])?
            == 1;
    }
    Ok(changed)
}

/// Removes users; whether any was there.
pub(super) fn remove_from_blacklist(conn: &Connection, users: &[UserId]) -> Result<bool> {
    let mut changed = false;
    for user in users {
        changed |= conn
            .prepare_cached("DELETE FROM blacklist WHERE user_id = ?1")?
            .execute(params![user.as_str()])?
            == 1;
    }
    Ok(changed)
}

/// My friends in the order added, with their profiles (as last known) and
/// my groups they are in.
pub(super) fn friends_in(conn: &Connection) -> Result<Vec<Friend>> {
    let groups = groups_by_friend(conn)?;
    let mut stmt = conn.prepare_cached(
        "SELECT f.user_id, f.remark, f.source, f.wording, f.custom, p.profile
         FROM friends f LEFT JOIN profiles p ON p.user_id = f.user_id ORDER BY f.position",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (user_id, remark, source, wording, custom, profile) = row?;
        let profile = match profile {
            Some(json) => serde_json::from_str::<Profile>(&json)?,
            None => Profile::empty(UserId::new(user_id.clone())),
        };
        out.push(Friend {
            group_list: groups.get(&user_id).cloned().unwrap_or_default(),
            user_id: UserId::new(user_id),
            remark,
            source,
            wording,
            profile,
            friend_custom_field: serde_json::from_str::<Vec<CustomField>>(&custom)?,
        });
    }
    Ok(out)
}

fn groups_by_friend(conn: &Connection) -> Result<HashMap<String, Vec<String>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.user_id, m.name FROM friend_group_members m
         JOIN friend_groups g ON g.name = m.name ORDER BY g.position",
    )?;
    let mut by_friend: HashMap<String, Vec<String>> = HashMap::new();
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (user, name) = row?;
        by_friend.entry(user).or_default().push(name);
    }
    Ok(by_friend)
}

/// Whether `user` is on my friend list.
pub(super) fn is_friend(conn: &Connection, user: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM friends WHERE user_id = ?1")?
        .query_row([user], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Puts a friend on my list or updates one (keeping their place) and
/// keeps their profile; whether anything changed. The friend's groups are
/// the groups' business (`friendGroupUpdated`), not this.
pub(super) fn upsert_friend(conn: &Connection, friend: &Friend) -> Result<bool> {
    let custom = serde_json::to_string(&friend.friend_custom_field)?;
    let before: Option<(String, String, String, String)> = conn
        .prepare_cached("SELECT remark, source, wording, custom FROM friends WHERE user_id = ?1")?
        .query_row([friend.user_id.as_str()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let now = (friend.remark.clone(), friend.source.clone(), friend.wording.clone(), custom);
    let mut changed = store_profile(conn, &friend.profile)?;
    if before.as_ref() != Some(&now) {
        conn.prepare_cached(
            "INSERT INTO friends (user_id, remark, source, wording, custom)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (user_id) DO UPDATE SET remark = excluded.remark,
                 source = excluded.source, wording = excluded.wording, custom = excluded.custom",
        )?
        .execute(params![friend.user_id.as_str(), now.0, now.1, now.2, now.3])?;
        changed = true;
    }
    Ok(changed)
}

/// Takes users off my friend list and out of my friend groups; whether
/// the list changed, and whether a group did.
pub(super) fn delete_friends(conn: &Connection, users: &[UserId]) -> Result<(bool, bool)> {
    let (mut friends, mut groups) = (false, false);
    for user in users {
        friends |= conn
            .prepare_cached("DELETE FROM friends WHERE user_id = ?1")?
            .execute([user.as_str()])?
            > 0;
        groups |= conn
            .prepare_cached("DELETE FROM friend_group_members WHERE user_id = ?1")?
            .execute([user.as_str()])?
            > 0;
    }
    Ok((friends, groups))
}

/// The requests to and by me, newest first, and how many to me are unread.
pub(super) fn applications_in(conn: &Connection) -> Result<FriendApplicationList> {
    let mut stmt = conn.prepare_cached(
        "SELECT application, unread, type FROM friend_applications ORDER BY time DESC, rowid DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?, r.get::<_, String>(2)?))
    })?;
    let mut out = FriendApplicationList::default();
    for row in rows {
        let (json, unread, kind) = row?;
        if unread && parse_enum::<ApplicationType>(&kind)? == ApplicationType::ComeIn {
            out.unread_count += 1;
        }
        out.friend_application_list.push(serde_json::from_str::<FriendApplication>(&json)?);
    }
    Ok(out)
}

/// Keeps a request (a request to me is unread); whether it changed.
pub(super) fn upsert_application(
    conn: &Connection,
    application: &FriendApplication,
    unread: bool,
) -> Result<bool> {
    let kind = application.application_type.as_str();
    let json = serde_json::to_string(application)?;
    let unread = unread && application.application_type == ApplicationType::ComeIn;
    let before: Option<(String, bool)> = conn
        .prepare_cached(
            "SELECT application, unread FROM friend_applications WHERE user_id = ?1 AND type = ?2",
        )?
        .query_row([application.user_id.as_str(), kind], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if before.as_ref() == Some(&(json.clone(), unread)) {
        return Ok(false);
    }
    conn.prepare_cached(
        "INSERT INTO friend_applications (user_id, type, time, application, unread)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (user_id, type) DO UPDATE SET time = excluded.time,
             application = excluded.application, unread = excluded.unread",
    )?
    .execute(params![application.user_id.as_str(), kind, application.time, json, unread])?;
    Ok(true)
}

/// Forgets a request; whether it was there.
pub(super) fn delete_application(
    conn: &Connection,
    user: &UserId,
    kind: ApplicationType,
) -> Result<bool> {
    Ok(conn
        .prepare_cached("DELETE FROM friend_applications WHERE user_id = ?1 AND type = ?2")?
        .execute([user.as_str(), kind.as_str()])?
        > 0)
}

/// Marks every request to me read; whether any was unread.
pub(super) fn read_applications(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("UPDATE friend_applications SET unread = 0 WHERE unread = 1")?
        .execute([])?
        > 0)
}

/// My friend groups in the order made, each with its friends in order.
pub(super) fn friend_groups_in(conn: &Connection) -> Result<Vec<FriendGroup>> {
    let mut groups: Vec<FriendGroup> = {
        let mut stmt = conn.prepare_cached("SELECT name FROM friend_groups ORDER BY position")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.map(|name| Ok(FriendGroup { name: name?, user_id_list: Vec::new(), count: 0 }))
            .collect::<rusqlite::Result<Vec<_>>>()?
    };
    let index: HashMap<String, usize> =
        groups.iter().enumerate().map(|(i, g)| (g.name.clone(), i)).collect();
    let mut stmt =
        conn.prepare_cached("SELECT name, user_id FROM friend_group_members ORDER BY position")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (name, user) = row?;
        if let Some(&i) = index.get(&name) {
            groups[i].user_id_list.push(UserId::new(user));
            groups[i].count += 1;
        }
    }
    Ok(groups)
}

fn group_members(conn: &Connection, name: &str) -> Result<Option<Vec<String>>> {
    let exists = conn
        .prepare_cached("SELECT 1 FROM friend_groups WHERE name = ?1")?
        .query_row([name], |_| Ok(()))
        .optional()?;
    if exists.is_none() {
        return Ok(None);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT user_id FROM friend_group_members WHERE name = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([name], |r| r.get::<_, String>(0))?;
    Ok(Some(rows.collect::<rusqlite::Result<Vec<_>>>()?))
}

/// Keeps a friend group as the server has it (made if new); whether it
/// changed.
pub(super) fn upsert_friend_group(conn: &Connection, group: &FriendGroup) -> Result<bool> {
    let wanted: Vec<&str> = group.user_id_list.iter().map(UserId::as_str).collect();
    if let Some(members) = group_members(conn, &group.name)? {
        if members == wanted {
            return Ok(false);
        }
    } else {
        conn.prepare_cached("INSERT INTO friend_groups (name) VALUES (?1)")?
            .execute([group.name.as_str()])?;
    }
    conn.prepare_cached("DELETE FROM friend_group_members WHERE name = ?1")?
        .execute([group.name.as_str()])?;
    for user in &wanted {
        conn.prepare_cached("INSERT INTO friend_group_members (name, user_id) VALUES (?1, ?2)")?
            .execute([group.name.as_str(), user])?;
    }
    Ok(true)
}

/// Deletes a friend group; whether it was there.
pub(super) fn delete_friend_group(conn: &Connection, name: &str) -> Result<bool> {
    conn.prepare_cached("DELETE FROM friend_group_members WHERE name = ?1")?.execute([name])?;
    Ok(conn.prepare_cached("DELETE FROM friend_groups WHERE name = ?1")?.execute([name])? > 0)
}

/// Renames a friend group, keeping its place; whether it was there.
pub(super) fn rename_friend_group(conn: &Connection, old: &str, new: &str) -> Result<bool> {
    if old == new || group_members(conn, old)?.is_none() {
        return Ok(false);
    }
    // A group already under the new name is stale (the server refuses
    // taken names): the renamed one replaces it.
    delete_friend_group(conn, new)?;
    conn.prepare_cached("UPDATE friend_groups SET name = ?2 WHERE name = ?1")?
        .execute([old, new])?;
    conn.prepare_cached("UPDATE friend_group_members SET name = ?2 WHERE name = ?1")?
        .execute([old, new])?;
    Ok(true)
}

/// Which of my relation lists a change touched, to announce each once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct RelationChanges {
    /// FRIEND_LIST_UPDATED.
    pub(crate) friends: bool,
    /// FRIEND_APPLICATION_LIST_UPDATED.
    pub(crate) applications: bool,
    /// FRIEND_GROUP_LIST_UPDATED.
    pub(crate) groups: bool,
}

impl Store {
    /// My blacklist as this device knows it, in the order added.
    pub(crate) fn blacklist(&self) -> Result<Vec<String>> {
        let conn = self.lock();
        blacklist_in(&conn)
    }

    /// Replaces my blacklist with the server's; the list when it changed.
    pub(crate) fn replace_blacklist(&self, users: &[UserId]) -> Result<Option<Vec<String>>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let before = blacklist_in(&tx)?;
        let wanted: Vec<&str> = users.iter().map(UserId::as_str).collect();
        if before == wanted {
            return Ok(None);
        }
        tx.execute("DELETE FROM blacklist", [])?;
        add_to_blacklist(&tx, users)?;
        let after = blacklist_in(&tx)?;
        tx.commit()?;
        Ok(Some(after))
    }

    /// My friends as this device knows them, in the order added.
    pub(crate) fn friends(&self) -> Result<Vec<Friend>> {
        friends_in(&self.lock())
    }

    /// My friend requests as this device knows them.
    pub(crate) fn friend_applications(&self) -> Result<FriendApplicationList> {
        applications_in(&self.lock())
    }

    /// My friend groups as this device knows them.
    pub(crate) fn friend_groups(&self) -> Result<Vec<FriendGroup>> {
        friend_groups_in(&self.lock())
    }

    /// Whether the three friend lists were read whole since this store
    /// began (a store from before them reads them at its next login).
    pub(crate) fn relations_read(&self) -> Result<bool> {
        Ok(self
            .lock()
            .prepare_cached("SELECT 1 FROM meta WHERE key = 'relations_read'")?
            .query_row([], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Replaces my friend list with the server's (and keeps the friends'
    /// profiles); whether it changed.
    pub(crate) fn replace_friends(&self, friends: &[Friend]) -> Result<bool> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let keep: Vec<UserId> = friends.iter().map(|f| f.user_id.clone()).collect();
        let stale: Vec<UserId> =
            friends_in(&tx)?.into_iter().map(|f| f.user_id).filter(|u| !keep.contains(u)).collect();
        let (mut changed, _) = delete_friends(&tx, &stale)?;
        for friend in friends {
            changed |= upsert_friend(&tx, friend)?;
        }
        tx.commit()?;
        Ok(changed)
    }

    /// Replaces my friend groups with the server's; whether they changed.
    pub(crate) fn replace_friend_groups(&self, groups: &[FriendGroup]) -> Result<bool> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let before = friend_groups_in(&tx)?;
        if before == groups {
            return Ok(false);
        }
        tx.execute("DELETE FROM friend_group_members", [])?;
        tx.execute("DELETE FROM friend_groups", [])?;
        for group in groups {
            upsert_friend_group(&tx, group)?;
        }
        tx.commit()?;
        Ok(true)
    }

    /// Replaces my friend requests with the server's and notes that the
    /// relation lists were read whole; whether the requests changed.
    pub(crate) fn replace_friend_applications(
        &self,
        response: &FriendApplicationListResponse,
    ) -> Result<bool> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let before = applications_in(&tx)?;
        tx.execute("DELETE FROM friend_applications", [])?;
        for application in &response.friend_application_list {
            let unread = response.unread_user_id_list.contains(&application.user_id);
            upsert_application(&tx, application, unread)?;
        }
        let after = applications_in(&tx)?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('relations_read', '1')
             ON CONFLICT (key) DO NOTHING",
            [],
        )?;
        tx.commit()?;
        Ok(before != after)
    }

    /// Keeps what a relation answer says at once (its inbox echo then
    /// changes nothing); which lists changed.
    pub(crate) fn apply_relation(&self, change: RelationChange<'_>) -> Result<RelationChanges> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let mut out = RelationChanges::default();
        match change {
            RelationChange::Friend(friend) => out.friends = upsert_friend(&tx, friend)?,
            RelationChange::FriendsGone(users) => {
                (out.friends, out.groups) = delete_friends(&tx, users)?;
            }
            RelationChange::ApplicationGone(user, kind) => {
                out.applications = delete_application(&tx, user, kind)?;
            }
            RelationChange::ApplicationsRead => out.applications = read_applications(&tx)?,
            RelationChange::Group(group) => out.groups = upsert_friend_group(&tx, group)?,
            RelationChange::GroupGone(name) => out.groups = delete_friend_group(&tx, name)?,
            RelationChange::GroupRenamed(old, new) => {
                out.groups = rename_friend_group(&tx, old, new)?;
            }
        }
        out.friends |= out.groups; // a friend's groupList moved with its group
        tx.commit()?;
        Ok(out)
    }
}

/// One relation change an answer tells ([`Store::apply_relation`]).
#[derive(Clone, Copy, Debug)]
pub(crate) enum RelationChange<'a> {
    /// A friend as it is now.
    Friend(&'a Friend),
    /// Friends removed.
    FriendsGone(&'a [UserId]),
    /// A request ended.
    ApplicationGone(&'a UserId, ApplicationType),
    /// Every request to me is read.
    ApplicationsRead,
    /// A friend group as it is now.
    Group(&'a FriendGroup),
    /// A friend group deleted.
    GroupGone(&'a str),
    /// A friend group renamed.
    GroupRenamed(&'a str, &'a str),
}
