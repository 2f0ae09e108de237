//! The relation chain's tables: blacklists (`blacklist`), friends
//! (`friends`), friend requests (`friend_requests`) and friend groups
//! (`friend_groups`, `friend_group_members`). Each keeps its rows' order by
//! rowid.

use super::writer::SqliteTx;
use crate::store::read::{FriendRelation, RelationTimes};
use crate::store::tx::{FriendFields, FriendRequestRecord, RelationTx};
use crate::store::StoreError;
use confab_proto::profile::{CustomField, Profile};
use confab_proto::relation::{
    ApplicationType, Friend, FriendApplication, FriendApplicationListResponse, FriendGroup,
};
use confab_proto::UserId;
use rusqlite::{params, Connection, OptionalExtension as _};
use std::collections::HashMap;

/// `owner`'s blacklist, oldest entry first.
pub(super) fn blacklist(conn: &Connection, owner: &UserId) -> Result<Vec<UserId>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT blocked FROM blacklist WHERE owner = ?1 ORDER BY rowid")?;
    let rows = stmt.query_map([owner.as_str()], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?.into_iter().map(UserId::new).collect())
}

/// When `owner` added each friend and blacklisted each user.
pub(super) fn times(conn: &Connection, owner: &UserId) -> Result<RelationTimes, StoreError> {
    let pairs = |sql: &str| -> Result<Vec<(UserId, i64)>, StoreError> {
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map([owner.as_str()], |r| {
            Ok((UserId::new(r.get::<_, String>(0)?), r.get::<_, i64>(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    };
    Ok(RelationTimes {
        friends: pairs("SELECT friend, added_at FROM friends WHERE owner = ?1 ORDER BY rowid")?,
        blacklist: pairs(
            "SELECT blocked, added_at FROM blacklist WHERE owner = ?1 ORDER BY rowid",
        )?,
    })
}

/// `owner`'s friends in the order added, or just `only` (those of them
/// who are friends, in `only`'s order), as the wire shows them.
pub(super) fn friends(
    conn: &Connection,
    owner: &UserId,
    only: Option<&[UserId]>,
) -> Result<Vec<Friend>, StoreError> {
    let groups = groups_by_friend(conn, owner)?;
    let row = |r: &rusqlite::Row<'_>| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
        ))
    };
    const COLUMNS: &str = "SELECT f.friend, f.remark, f.source, f.wording, f.custom, p.profile
         FROM friends f JOIN profiles p ON p.user_id = f.friend";
    let rows = match only {
        None => {
            let mut stmt =
                conn.prepare_cached(&format!("{COLUMNS} WHERE f.owner = ?1 ORDER BY f.rowid"))?;
            let rows = stmt.query_map([owner.as_str()], row)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        }
        Some(users) => {
            let mut stmt =
                conn.prepare_cached(&format!("{COLUMNS} WHERE f.owner = ?1 AND f.friend = ?2"))?;
            let mut found = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for user in users {
                if seen.insert(user) {
                    if let Some(r) =
                        stmt.query_row([owner.as_str(), user.as_str()], row).optional()?
                    {
                        found.push(r);
                    }
                }
            }
            found
        }
    };
    rows.into_iter()
        .map(|(friend, remark, source, wording, custom, profile)| {
            let group_list = groups.get(&friend).cloned().unwrap_or_default();
            Ok(Friend {
                user_id: UserId::new(friend),
                remark,
                group_list,
                source,
                wording,
                profile: serde_json::from_str::<Profile>(&profile)?,
                friend_custom_field: serde_json::from_str::<Vec<CustomField>>(&custom)?,
            })
        })
        .collect()
}

/// For each friend of `owner` in a group: the groups' names, in the groups'
/// order.
fn groups_by_friend(
    conn: &Connection,
    owner: &UserId,
) -> Result<HashMap<String, Vec<String>>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.friend, m.name FROM friend_group_members m
         JOIN friend_groups g ON g.owner = m.owner AND g.name = m.name
         WHERE m.owner = ?1 ORDER BY g.rowid",
    )?;
    let mut by_friend: HashMap<String, Vec<String>> = HashMap::new();
    let rows = stmt.query_map([owner.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    for row in rows {
        let (friend, name): (String, String) = row?;
        by_friend.entry(friend).or_default().push(name);
    }
    Ok(by_friend)
}

/// Registered-ness and both directions of friendship for each of `others`.
pub(super) fn relations(
    conn: &Connection,
    user: &UserId,
    others: &[UserId],
) -> Result<Vec<FriendRelation>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM users WHERE user_id = ?2),
                EXISTS (SELECT 1 FROM friends WHERE owner = ?1 AND friend = ?2),
                EXISTS (SELECT 1 FROM friends WHERE owner = ?2 AND friend = ?1)",
    )?;
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for other in others {
        if !seen.insert(other) {
            continue;
        }
        let (exists, a_has_b, b_has_a) = stmt.query_row([user.as_str(), other.as_str()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        out.push(FriendRelation { user: other.clone(), exists, a_has_b, b_has_a });
    }
    Ok(out)
}

/// The requests to and from `user`, newest first.
pub(super) fn requests(
    conn: &Connection,
    user: &UserId,
) -> Result<FriendApplicationListResponse, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.requester, r.target, r.source, r.wording, r.made_at, r.unread, p.profile
         FROM friend_requests r
         JOIN profiles p ON p.user_id = CASE WHEN r.target = ?1 THEN r.requester ELSE r.target END
         WHERE r.target = ?1 OR r.requester = ?1
         ORDER BY r.made_at DESC, r.rowid DESC",
    )?;
    let rows = stmt.query_map([user.as_str()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, bool>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    let mut out = FriendApplicationListResponse::default();
    for row in rows {
        let (requester, target, source, wording, time, unread, profile) = row?;
        let profile: Profile = serde_json::from_str(&profile)?;
        let to_me = target == user.as_str();
        if to_me && unread {
            out.unread_count += 1;
            out.unread_user_id_list.push(UserId::new(requester.clone()));
        }
        out.friend_application_list.push(FriendApplication {
            user_id: UserId::new(if to_me { requester } else { target }),
            avatar: profile.avatar,
            nick: profile.nick,
            time,
            source,
            wording,
            application_type: if to_me {
                ApplicationType::ComeIn
            } else {
                ApplicationType::SendOut
            },
        });
    }
    Ok(out)
}

/// `owner`'s friend groups in the order made, with their friends in the
/// order added.
pub(super) fn friend_groups(
    conn: &Connection,
    owner: &UserId,
) -> Result<Vec<FriendGroup>, StoreError> {
    let mut groups: Vec<FriendGroup> = group_names(conn, owner)?
        .into_iter()
        .map(|name| FriendGroup { name, user_id_list: Vec::new(), count: 0 })
        .collect();
    let index: HashMap<String, usize> =
        groups.iter().enumerate().map(|(i, g)| (g.name.clone(), i)).collect();
    let mut stmt = conn.prepare_cached(
        "SELECT name, friend FROM friend_group_members WHERE owner = ?1 ORDER BY rowid",
    )?;
    let rows = stmt.query_map([owner.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    for row in rows {
        let (name, friend): (String, String) = row?;
        if let Some(&i) = index.get(&name) {
            groups[i].user_id_list.push(UserId::new(friend));
            groups[i].count += 1;
        }
    }
    Ok(groups)
}

fn group_names(conn: &Connection, owner: &UserId) -> Result<Vec<String>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT name FROM friend_groups WHERE owner = ?1 ORDER BY rowid")?;
    let rows = stmt.query_map([owner.as_str()], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

impl RelationTx for SqliteTx<'_> {
    fn blacklist_insert(
        &mut self,
        owner: &UserId,
        blocked: &UserId,
        now_secs: i64,
    ) -> Result<bool, StoreError> {
        let inserted = self
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO blacklist (owner, blocked, added_at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![owner.as_str(), blocked.as_str(), now_secs])?;
        Ok(inserted == 1)
    }

    fn blacklist_delete(&mut self, owner: &UserId, blocked: &UserId) -> Result<bool, StoreError> {
        let deleted = self
            .conn
            .prepare_cached("DELETE FROM blacklist WHERE owner = ?1 AND blocked = ?2")?
            .execute(params![owner.as_str(), blocked.as_str()])?;
        Ok(deleted == 1)
    }

    fn blacklist_of(&mut self, owner: &UserId) -> Result<Vec<UserId>, StoreError> {
        blacklist(self.conn, owner)
    }

    fn blocked_either_way(&mut self, a: &UserId, b: &UserId) -> Result<bool, StoreError> {
        let found = self
            .conn
            .prepare_cached(
                "SELECT 1 FROM blacklist
                 WHERE (owner = ?1 AND blocked = ?2) OR (owner = ?2 AND blocked = ?1) LIMIT 1",
            )?
            .query_row(params![a.as_str(), b.as_str()], |_| Ok(()))
            .optional()?;
        Ok(found.is_some())
    }

    fn friend_of(&mut self, owner: &UserId, friend: &UserId) -> Result<Option<Friend>, StoreError> {
        Ok(friends(self.conn, owner, Some(std::slice::from_ref(friend)))?.pop())
    }

    fn friend_save(
        &mut self,
        owner: &UserId,
        friend: &UserId,
        fields: &FriendFields,
        now_secs: i64,
    ) -> Result<(), StoreError> {
        let custom = serde_json::to_string(&fields.custom)?;
        self.conn
            .prepare_cached(
                "INSERT INTO friends (owner, friend, remark, source, wording, custom, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (owner, friend) DO UPDATE SET remark = excluded.remark,
                     source = excluded.source, wording = excluded.wording,
                     custom = excluded.custom",
            )?
            .execute(params![
                owner.as_str(),
                friend.as_str(),
                fields.remark,
                fields.source,
                fields.wording,
                custom,
                now_secs
            ])?;
        Ok(())
    }

    fn friend_delete(&mut self, owner: &UserId, friend: &UserId) -> Result<bool, StoreError> {
        self.conn
            .prepare_cached("DELETE FROM friend_group_members WHERE owner = ?1 AND friend = ?2")?
            .execute(params![owner.as_str(), friend.as_str()])?;
        let deleted = self
            .conn
            .prepare_cached("DELETE FROM friends WHERE owner = ?1 AND friend = ?2")?
            .execute(params![owner.as_str(), friend.as_str()])?;
        Ok(deleted == 1)
    }

    fn friend_count(&mut self, owner: &UserId) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM friends WHERE owner = ?1")?
            .query_row([owner.as_str()], |r| r.get(0))?)
    }

    fn friend_owners(&mut self, user: &UserId) -> Result<Vec<UserId>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT owner FROM friends WHERE friend = ?1")?;
        let rows = stmt.query_map([user.as_str()], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?.into_iter().map(UserId::new).collect())
    }

    fn friend_request_load(
        &mut self,
        requester: &UserId,
        target: &UserId,
    ) -> Result<Option<FriendRequestRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT source, wording, both_ways, remark, group_name, made_at, unread
                 FROM friend_requests WHERE requester = ?1 AND target = ?2",
            )?
            .query_row([requester.as_str(), target.as_str()], |r| {
                Ok(FriendRequestRecord {
                    requester: requester.clone(),
                    target: target.clone(),
                    source: r.get(0)?,
                    wording: r.get(1)?,
                    both_ways: r.get(2)?,
                    remark: r.get(3)?,
                    group_name: r.get(4)?,
                    made_at: r.get(5)?,
                    unread: r.get(6)?,
                })
            })
            .optional()?)
    }

    fn friend_request_save(&mut self, request: &FriendRequestRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO friend_requests (requester, target, source, wording, both_ways,
                     remark, group_name, made_at, unread)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (requester, target) DO UPDATE SET source = excluded.source,
                     wording = excluded.wording, both_ways = excluded.both_ways,
                     remark = excluded.remark, group_name = excluded.group_name,
                     made_at = excluded.made_at, unread = excluded.unread",
            )?
            .execute(params![
                request.requester.as_str(),
                request.target.as_str(),
                request.source,
                request.wording,
                request.both_ways,
                request.remark,
                request.group_name,
                request.made_at,
                request.unread
            ])?;
        Ok(())
    }

    fn friend_request_delete(
        &mut self,
        requester: &UserId,
        target: &UserId,
    ) -> Result<bool, StoreError> {
        let deleted = self
            .conn
            .prepare_cached("DELETE FROM friend_requests WHERE requester = ?1 AND target = ?2")?
            .execute(params![requester.as_str(), target.as_str()])?;
        Ok(deleted == 1)
    }

    fn friend_requests_mark_read(&mut self, target: &UserId) -> Result<bool, StoreError> {
        let changed = self
            .conn
            .prepare_cached("UPDATE friend_requests SET unread = 0 WHERE target = ?1 AND unread")?
            .execute([target.as_str()])?;
        Ok(changed > 0)
    }

    fn friend_group_load(
        &mut self,
        owner: &UserId,
        name: &str,
    ) -> Result<Option<FriendGroup>, StoreError> {
        let exists = self
            .conn
            .prepare_cached("SELECT 1 FROM friend_groups WHERE owner = ?1 AND name = ?2")?
            .query_row(params![owner.as_str(), name], |_| Ok(()))
            .optional()?;
        if exists.is_none() {
            return Ok(None);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT friend FROM friend_group_members WHERE owner = ?1 AND name = ?2 ORDER BY rowid",
        )?;
        let rows = stmt.query_map(params![owner.as_str(), name], |r| r.get::<_, String>(0))?;
        let user_id_list: Vec<UserId> =
            rows.collect::<rusqlite::Result<Vec<_>>>()?.into_iter().map(UserId::new).collect();
        Ok(Some(FriendGroup {
            name: name.to_owned(),
            count: user_id_list.len() as u64,
            user_id_list,
        }))
    }

    fn friend_group_names(&mut self, owner: &UserId) -> Result<Vec<String>, StoreError> {
        group_names(self.conn, owner)
    }

    fn friend_group_create(&mut self, owner: &UserId, name: &str) -> Result<bool, StoreError> {
        let inserted = self
            .conn
            .prepare_cached("INSERT OR IGNORE INTO friend_groups (owner, name) VALUES (?1, ?2)")?
            .execute(params![owner.as_str(), name])?;
        Ok(inserted == 1)
    }

    fn friend_group_delete(&mut self, owner: &UserId, name: &str) -> Result<bool, StoreError> {
        self.conn
            .prepare_cached("DELETE FROM friend_group_members WHERE owner = ?1 AND name = ?2")?
            .execute(params![owner.as_str(), name])?;
        let deleted = self
            .conn
            .prepare_cached("DELETE FROM friend_groups WHERE owner = ?1 AND name = ?2")?
            .execute(params![owner.as_str(), name])?;
        Ok(deleted == 1)
    }

    fn friend_group_rename(
        &mut self,
        owner: &UserId,
        old: &str,
        new: &str,
    ) -> Result<(), StoreError> {
        // The members follow by the foreign key's ON UPDATE CASCADE.
        self.conn
            .prepare_cached("UPDATE friend_groups SET name = ?3 WHERE owner = ?1 AND name = ?2")?
            .execute(params![owner.as_str(), old, new])?;
        Ok(())
    }

    fn friend_group_add(
        &mut self,
        owner: &UserId,
        name: &str,
        friend: &UserId,
    ) -> Result<bool, StoreError> {
        let inserted = self
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO friend_group_members (owner, name, friend)
                 VALUES (?1, ?2, ?3)",
            )?
            .execute(params![owner.as_str(), name, friend.as_str()])?;
        Ok(inserted == 1)
    }

    fn friend_group_remove(
        &mut self,
        owner: &UserId,
        name: &str,
        friend: &UserId,
    ) -> Result<bool, StoreError> {
        let deleted = self
            .conn
            .prepare_cached(
                "DELETE FROM friend_group_members WHERE owner = ?1 AND name = ?2 AND friend = ?3",
            )?
            .execute(params![owner.as_str(), name, friend.as_str()])?;
        Ok(deleted == 1)
    }
}
