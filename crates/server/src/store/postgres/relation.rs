//! The relation chain's tables, the PostgreSQL version: blacklists
//! (`blacklist`), friends (`friends`), friend requests (`friend_requests`)
//! and friend groups (`friend_groups`, `friend_group_members`). Each keeps
//! its rows' order by its `ord` column (SQLite's rowid).

use super::writer::PgTx;
use super::Cx;
use crate::store::read::{FriendRelation, RelationTimes};
use crate::store::tx::{FriendFields, FriendRequestRecord, RelationTx};
use crate::store::StoreError;
use confab_proto::profile::{CustomField, Profile};
use confab_proto::relation::{
    ApplicationType, Friend, FriendApplication, FriendApplicationListResponse, FriendGroup,
};
use confab_proto::UserId;
use std::collections::HashMap;

/// `owner`'s blacklist, oldest entry first.
pub(super) fn blacklist(cx: &mut Cx<'_>, owner: &UserId) -> Result<Vec<UserId>, StoreError> {
    let rows = cx
        .query("SELECT blocked FROM blacklist WHERE owner = $1 ORDER BY ord", &[&owner.as_str()])?;
    rows.iter().map(|r| Ok(UserId::new(r.try_get::<_, String>(0)?))).collect()
}

/// When `owner` added each friend and blacklisted each user.
pub(super) fn times(cx: &mut Cx<'_>, owner: &UserId) -> Result<RelationTimes, StoreError> {
    let mut pairs = |sql: &str| -> Result<Vec<(UserId, i64)>, StoreError> {
        let rows = cx.query(sql, &[&owner.as_str()])?;
        rows.iter()
            .map(|r| Ok((UserId::new(r.try_get::<_, String>(0)?), r.try_get::<_, i64>(1)?)))
            .collect()
    };
    let friends = pairs("SELECT friend, added_at FROM friends WHERE owner = $1 ORDER BY ord")?;
    let blacklist = pairs("SELECT blocked, added_at FROM blacklist WHERE owner = $1 ORDER BY ord")?;
    Ok(RelationTimes { friends, blacklist })
}

/// `owner`'s friends in the order added, or just `only` (those of them
/// who are friends, in `only`'s order), as the wire shows them.
pub(super) fn friends(
    cx: &mut Cx<'_>,
    owner: &UserId,
    only: Option<&[UserId]>,
) -> Result<Vec<Friend>, StoreError> {
    let groups = groups_by_friend(cx, owner)?;
    let row = |r: &tokio_postgres::Row| -> Result<_, StoreError> {
        Ok((
            r.try_get::<_, String>(0)?,
            r.try_get::<_, String>(1)?,
            r.try_get::<_, String>(2)?,
            r.try_get::<_, String>(3)?,
            r.try_get::<_, String>(4)?,
            r.try_get::<_, String>(5)?,
        ))
    };
    const COLUMNS: &str = "SELECT f.friend, f.remark, f.source, f.wording, f.custom, p.profile
         FROM friends f JOIN profiles p ON p.user_id = f.friend";
    let rows = match only {
        None => {
            let sql = format!("{COLUMNS} WHERE f.owner = $1 ORDER BY f.ord");
            cx.query(&sql, &[&owner.as_str()])?.iter().map(row).collect::<Result<Vec<_>, _>>()?
        }
        Some(users) => {
            let sql = format!("{COLUMNS} WHERE f.owner = $1 AND f.friend = $2");
            let mut found = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for user in users {
                if seen.insert(user) {
                    if let Some(r) = cx.query_opt(&sql, &[&owner.as_str(), &user.as_str()])? {
                        found.push(row(&r)?);
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
    cx: &mut Cx<'_>,
    owner: &UserId,
) -> Result<HashMap<String, Vec<String>>, StoreError> {
    let rows = cx.query(
        "SELECT m.friend, m.name FROM friend_group_members m
         JOIN friend_groups g ON g.owner = m.owner AND g.name = m.name
         WHERE m.owner = $1 ORDER BY g.ord",
        &[&owner.as_str()],
    )?;
    let mut by_friend: HashMap<String, Vec<String>> = HashMap::new();
    for row in rows {
        let friend: String = row.try_get(0)?;
        let name: String = row.try_get(1)?;
        by_friend.entry(friend).or_default().push(name);
    }
    Ok(by_friend)
}

/// Registered-ness and both directions of friendship for each of `others`.
pub(super) fn relations(
    cx: &mut Cx<'_>,
    user: &UserId,
    others: &[UserId],
) -> Result<Vec<FriendRelation>, StoreError> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for other in others {
        if !seen.insert(other) {
            continue;
        }
        let row = cx.query_one(
            "SELECT EXISTS (SELECT 1 FROM users WHERE user_id = $2),
                    EXISTS (SELECT 1 FROM friends WHERE owner = $1 AND friend = $2),
                    EXISTS (SELECT 1 FROM friends WHERE owner = $2 AND friend = $1)",
            &[&user.as_str(), &other.as_str()],
        )?;
        out.push(FriendRelation {
            user: other.clone(),
            exists: row.try_get(0)?,
            a_has_b: row.try_get(1)?,
            b_has_a: row.try_get(2)?,
        });
    }
    Ok(out)
}

/// The requests to and from `user`, newest first.
pub(super) fn requests(
    cx: &mut Cx<'_>,
    user: &UserId,
) -> Result<FriendApplicationListResponse, StoreError> {
    let rows = cx.query(
        "SELECT r.requester, r.target, r.source, r.wording, r.made_at, r.unread, p.profile
         FROM friend_requests r
         JOIN profiles p ON p.user_id = CASE WHEN r.target = $1 THEN r.requester ELSE r.target END
         WHERE r.target = $1 OR r.requester = $1
         ORDER BY r.made_at DESC, r.ord DESC",
        &[&user.as_str()],
    )?;
    let mut out = FriendApplicationListResponse::default();
    for row in rows {
        let requester: String = row.try_get(0)?;
        let target: String = row.try_get(1)?;
        let source: String = row.try_get(2)?;
        let wording: String = row.try_get(3)?;
        let time: i64 = row.try_get(4)?;
        let unread = row.try_get::<_, i64>(5)? != 0;
        let profile: Profile = serde_json::from_str(&row.try_get::<_, String>(6)?)?;
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
    cx: &mut Cx<'_>,
    owner: &UserId,
) -> Result<Vec<FriendGroup>, StoreError> {
    let mut groups: Vec<FriendGroup> = group_names(cx, owner)?
        .into_iter()
        .map(|name| FriendGroup { name, user_id_list: Vec::new(), count: 0 })
        .collect();
    let index: HashMap<String, usize> =
        groups.iter().enumerate().map(|(i, g)| (g.name.clone(), i)).collect();
    let rows = cx.query(
        "SELECT name, friend FROM friend_group_members WHERE owner = $1 ORDER BY ord",
        &[&owner.as_str()],
    )?;
    for row in rows {
        let name: String = row.try_get(0)?;
        let friend: String = row.try_get(1)?;
        if let Some(&i) = index.get(&name) {
            groups[i].user_id_list.push(UserId::new(friend));
            groups[i].count += 1;
        }
    }
    Ok(groups)
}

/// The names of `owner`'s friend groups, in the order made.
fn group_names(cx: &mut Cx<'_>, owner: &UserId) -> Result<Vec<String>, StoreError> {
    let rows = cx.query(
        "SELECT name FROM friend_groups WHERE owner = $1 ORDER BY ord",
        &[&owner.as_str()],
    )?;
    rows.iter().map(|r| Ok(r.try_get::<_, String>(0)?)).collect()
}

impl RelationTx for PgTx<'_> {
    fn blacklist_insert(
        &mut self,
        owner: &UserId,
        blocked: &UserId,
        now_secs: i64,
    ) -> Result<bool, StoreError> {
        let inserted = self.cx.execute(
            "INSERT INTO blacklist (owner, blocked, added_at) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            &[&owner.as_str(), &blocked.as_str(), &now_secs],
        )?;
        Ok(inserted == 1)
    }

    fn blacklist_delete(&mut self, owner: &UserId, blocked: &UserId) -> Result<bool, StoreError> {
        let deleted = self.cx.execute(
            "DELETE FROM blacklist WHERE owner = $1 AND blocked = $2",
            &[&owner.as_str(), &blocked.as_str()],
        )?;
        Ok(deleted == 1)
    }

    fn blacklist_of(&mut self, owner: &UserId) -> Result<Vec<UserId>, StoreError> {
        blacklist(&mut self.cx, owner)
    }

    fn blocked_either_way(&mut self, a: &UserId, b: &UserId) -> Result<bool, StoreError> {
        let found = self.cx.query_opt(
            "SELECT 1 FROM blacklist
             WHERE (owner = $1 AND blocked = $2) OR (owner = $2 AND blocked = $1) LIMIT 1",
            &[&a.as_str(), &b.as_str()],
        )?;
        Ok(found.is_some())
    }

    fn friend_of(&mut self, owner: &UserId, friend: &UserId) -> Result<Option<Friend>, StoreError> {
        Ok(friends(&mut self.cx, owner, Some(std::slice::from_ref(friend)))?.pop())
    }

    fn friend_save(
        &mut self,
        owner: &UserId,
        friend: &UserId,
        fields: &FriendFields,
        now_secs: i64,
    ) -> Result<(), StoreError> {
        let custom = serde_json::to_string(&fields.custom)?;
        self.cx.execute(
            "INSERT INTO friends (owner, friend, remark, source, wording, custom, added_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (owner, friend) DO UPDATE SET remark = excluded.remark,
                 source = excluded.source, wording = excluded.wording,
                 custom = excluded.custom",
            &[
                &owner.as_str(),
                &friend.as_str(),
                &fields.remark,
                &fields.source,
                &fields.wording,
                &custom,
                &now_secs,
            ],
        )?;
        Ok(())
    }

    fn friend_delete(&mut self, owner: &UserId, friend: &UserId) -> Result<bool, StoreError> {
        self.cx.execute(
            "DELETE FROM friend_group_members WHERE owner = $1 AND friend = $2",
            &[&owner.as_str(), &friend.as_str()],
        )?;
        let deleted = self.cx.execute(
            "DELETE FROM friends WHERE owner = $1 AND friend = $2",
            &[&owner.as_str(), &friend.as_str()],
        )?;
        Ok(deleted == 1)
    }

    fn friend_count(&mut self, owner: &UserId) -> Result<u64, StoreError> {
        let row = self
            .cx
            .query_one("SELECT COUNT(*) FROM friends WHERE owner = $1", &[&owner.as_str()])?;
        super::to_u64(row.try_get(0)?)
    }

    fn friend_owners(&mut self, user: &UserId) -> Result<Vec<UserId>, StoreError> {
        let rows =
            self.cx.query("SELECT owner FROM friends WHERE friend = $1", &[&user.as_str()])?;
        rows.iter().map(|r| Ok(UserId::new(r.try_get::<_, String>(0)?))).collect()
    }

    fn friend_request_load(
        &mut self,
        requester: &UserId,
        target: &UserId,
    ) -> Result<Option<FriendRequestRecord>, StoreError> {
        let row = self.cx.query_opt(
            "SELECT source, wording, both_ways, remark, group_name, made_at, unread
             FROM friend_requests WHERE requester = $1 AND target = $2",
            &[&requester.as_str(), &target.as_str()],
        )?;
        row.map(|r| {
            Ok(FriendRequestRecord {
                requester: requester.clone(),
                target: target.clone(),
                source: r.try_get(0)?,
                wording: r.try_get(1)?,
                both_ways: r.try_get::<_, i64>(2)? != 0,
                remark: r.try_get(3)?,
                group_name: r.try_get(4)?,
                made_at: r.try_get(5)?,
                unread: r.try_get::<_, i64>(6)? != 0,
            })
        })
        .transpose()
    }

    fn friend_request_save(&mut self, request: &FriendRequestRecord) -> Result<(), StoreError> {
        self.cx.execute(
            "INSERT INTO friend_requests (requester, target, source, wording, both_ways,
                 remark, group_name, made_at, unread)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (requester, target) DO UPDATE SET source = excluded.source,
                 wording = excluded.wording, both_ways = excluded.both_ways,
                 remark = excluded.remark, group_name = excluded.group_name,
                 made_at = excluded.made_at, unread = excluded.unread",
            &[
                &request.requester.as_str(),
                &request.target.as_str(),
                &request.source,
                &request.wording,
                &i64::from(request.both_ways),
                &request.remark,
                &request.group_name,
                &request.made_at,
                &i64::from(request.unread),
            ],
        )?;
        Ok(())
    }

    fn friend_request_delete(
        &mut self,
        requester: &UserId,
        target: &UserId,
    ) -> Result<bool, StoreError> {
        let deleted = self.cx.execute(
            "DELETE FROM friend_requests WHERE requester = $1 AND target = $2",
            &[&requester.as_str(), &target.as_str()],
        )?;
        Ok(deleted == 1)
    }

    fn friend_requests_mark_read(&mut self, target: &UserId) -> Result<bool, StoreError> {
        let changed = self.cx.execute(
            "UPDATE friend_requests SET unread = 0 WHERE target = $1 AND unread <> 0",
            &[&target.as_str()],
        )?;
        Ok(changed > 0)
    }

    fn friend_group_load(
        &mut self,
        owner: &UserId,
        name: &str,
    ) -> Result<Option<FriendGroup>, StoreError> {
        let exists = self.cx.query_opt(
            "SELECT 1 FROM friend_groups WHERE owner = $1 AND name = $2",
            &[&owner.as_str(), &name],
        )?;
        if exists.is_none() {
            return Ok(None);
        }
        let rows = self.cx.query(
            "SELECT friend FROM friend_group_members WHERE owner = $1 AND name = $2 ORDER BY ord",
            &[&owner.as_str(), &name],
        )?;
        let user_id_list = rows
            .iter()
            .map(|r| Ok(UserId::new(r.try_get::<_, String>(0)?)))
            .collect::<Result<Vec<UserId>, StoreError>>()?;
        Ok(Some(FriendGroup {
            name: name.to_owned(),
            count: user_id_list.len() as u64,
            user_id_list,
        }))
    }

    fn friend_group_names(&mut self, owner: &UserId) -> Result<Vec<String>, StoreError> {
        group_names(&mut self.cx, owner)
    }

    fn friend_group_create(&mut self, owner: &UserId, name: &str) -> Result<bool, StoreError> {
        let inserted = self.cx.execute(
            "INSERT INTO friend_groups (owner, name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&owner.as_str(), &name],
        )?;
        Ok(inserted == 1)
    }

    fn friend_group_delete(&mut self, owner: &UserId, name: &str) -> Result<bool, StoreError> {
        self.cx.execute(
            "DELETE FROM friend_group_members WHERE owner = $1 AND name = $2",
            &[&owner.as_str(), &name],
        )?;
        let deleted = self.cx.execute(
            "DELETE FROM friend_groups WHERE owner = $1 AND name = $2",
            &[&owner.as_str(), &name],
        )?;
        Ok(deleted == 1)
    }

    fn friend_group_rename(
        &mut self,
        owner: &UserId,
        old: &str,
        new: &str,
    ) -> Result<(), StoreError> {
        // The members follow by the foreign key's ON UPDATE CASCADE.
        self.cx.execute(
            "UPDATE friend_groups SET name = $3 WHERE owner = $1 AND name = $2",
            &[&owner.as_str(), &old, &new],
        )?;
        Ok(())
    }

    fn friend_group_add(
        &mut self,
        owner: &UserId,
        name: &str,
        friend: &UserId,
    ) -> Result<bool, StoreError> {
        let inserted = self.cx.execute(
            "INSERT INTO friend_group_members (owner, name, friend)
             VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&owner.as_str(), &name, &friend.as_str()],
        )?;
        Ok(inserted == 1)
    }

    fn friend_group_remove(
        &mut self,
        owner: &UserId,
        name: &str,
        friend: &UserId,
    ) -> Result<bool, StoreError> {
        let deleted = self.cx.execute(
            "DELETE FROM friend_group_members WHERE owner = $1 AND name = $2 AND friend = $3",
            &[&owner.as_str(), &name, &friend.as_str()],
        )?;
        Ok(deleted == 1)
    }
}
