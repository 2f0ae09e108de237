//! The relation chain's rules that touch stored state, inside the writer:
//! blacklists (the request checks are in `crate::handlers::relation`).
//!
//! A change appends one inbox event to the owner (`blacklistAdded` /
//! `blacklistRemoved`, naming only the users it changed; none when nothing
//! changed), pushed to every session of the owner, the calling one too (the
//! event is idempotent). A userID that is not registered refuses the whole
//! call before anything is written.

use super::inbox;
use crate::store::{Store, StoreError, StoreFuture, WriteTx};
use confab_proto::inbox::InboxEvent;
use confab_proto::relation::BlacklistResponse;
use confab_proto::UserId;

/// Which way a blacklist changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BlacklistChange {
    /// `addToBlacklist`.
    Add,
    /// `removeFromBlacklist`.
    Remove,
}

fn change(
    tx: &mut dyn WriteTx,
    owner: &UserId,
    users: &[UserId],
    how: BlacklistChange,
    now_secs: i64,
) -> Result<BlacklistResponse, StoreError> {
    if how == BlacklistChange::Add {
        for user in users {
            if !tx.user_exists(user)? {
                return Err(StoreError::UserNotFound(user.clone()));
            }
        }
    }
    let mut changed = Vec::new();
    for user in users {
        let did = match how {
            BlacklistChange::Add => tx.blacklist_insert(owner, user, now_secs)?,
            BlacklistChange::Remove => tx.blacklist_delete(owner, user)?,
        };
        if did {
            changed.push(user.clone());
        }
    }
    if !changed.is_empty() {
        let event = match how {
            BlacklistChange::Add => InboxEvent::BlacklistAdded { user_id_list: changed },
            BlacklistChange::Remove => InboxEvent::BlacklistRemoved { user_id_list: changed },
        };
        inbox::append(tx, owner, event, None)?;
    }
    Ok(BlacklistResponse { user_id_list: tx.blacklist_of(owner)? })
}

impl dyn Store {
    /// Adds users to (or removes them from) `owner`'s blacklist; the whole
    /// list after the change. `users` holds each userID once and not the
    /// owner (checked by the handler).
    pub(crate) fn change_blacklist(
        &self,
        owner: UserId,
        users: Vec<UserId>,
        how: BlacklistChange,
        now_secs: i64,
    ) -> StoreFuture<BlacklistResponse> {
        self.transact(move |tx| change(tx, &owner, &users, how, now_secs))
    }
}
