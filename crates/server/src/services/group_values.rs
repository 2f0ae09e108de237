//! Group attributes and group counters as stored: who may change them (any
//! member; an AVChatRoom's online joiners), the limits that need the stored
//! set (attribute count and total size, counter count), what each change
//! writes, and the events it makes: `groupAttributesUpdated` (the whole set)
//! and `groupCounterUpdated` (one per changed counter), appended to the
//! group's timeline like every other group event and pushed to its online
//! members, the caller included; an AVChatRoom's (no timeline) are pushed
//! only, with `seq` 0.
//!
//! The checks that need no stored state (key and value sizes of the
//! request) are in `crate::handlers::group_values`.

use super::group::{load, membership, not_member, refused, Actor};
use super::group_kinds::rules;
use crate::fanout::{Audience, Delivery};
use crate::store::{EventRecord, Store, StoreError, StoreFuture, WriteTx};
use confab_proto::frame::Push;
use confab_proto::group::{GroupAttributes, GroupCounters, GroupProfile};
use confab_proto::inbox::{InboxEvent, TimelineEntry};
use confab_proto::{code, GroupId};
use std::sync::Arc;

/// Most attributes a group holds (checklist 777-781, 1264).
pub(crate) const MAX_ATTRIBUTE_KEYS: usize = 16;
/// Longest attribute key, in bytes.
pub(crate) const MAX_ATTRIBUTE_KEY_BYTES: usize = 32;
/// Longest attribute value, in bytes (4 KB).
pub(crate) const MAX_ATTRIBUTE_VALUE_BYTES: usize = 4 * 1024;
/// Most bytes of all keys and values together (16 KB).
pub(crate) const MAX_ATTRIBUTES_BYTES: usize = 16 * 1024;
/// Most counters a group holds (Confab's limit: the seed states none).
pub(crate) const MAX_COUNTER_KEYS: usize = 20;
/// Longest counter key, in bytes (Confab's limit: the seed states none).
pub(crate) const MAX_COUNTER_KEY_BYTES: usize = 128;

fn invalid(message: impl Into<String>) -> StoreError {
    refused(code::ERR_SVR_GROUP_INVALID_PARAMETERS, message)
}

/// Who may touch a group's attributes and counters: a stored member, or
/// (AVChatRoom) an online joiner, which the caller's handler knows.
pub(crate) fn check_member(
    tx: &mut dyn WriteTx,
    profile: &GroupProfile,
    actor: &Actor,
    in_room: bool,
) -> Result<(), StoreError> {
    if rules(profile.group_type).stored_members {
        membership(tx, &profile.group_id, &actor.user).map(|_| ())
    } else if in_room {
        Ok(())
    } else {
        Err(not_member(&profile.group_id))
    }
}

/// Appends `event` to the group's timeline (when the kind keeps one) and
/// pushes it to the group's online members, the caller included.
fn publish(
    tx: &mut dyn WriteTx,
    profile: &GroupProfile,
    event: InboxEvent,
) -> Result<(), StoreError> {
    let seq = if rules(profile.group_type).keeps_history {
        tx.append_timeline(profile.group_id.as_str(), EventRecord::Event(&event))?
    } else {
        0
    };
    tx.publish(Delivery {
        audience: Audience::Group(profile.group_id.0.clone()),
        push: Arc::new(Push::Timeline {
            group_id: profile.group_id.clone(),
            entry: TimelineEntry { seq, event },
        }),
        skip: None,
    });
    Ok(())
}

/// A change of the attribute set.
#[derive(Clone, Debug)]
pub(crate) enum AttributeChange {
    /// `initGroupAttributes`: the whole set.
    Init(GroupAttributes),
    /// `setGroupAttributes`: these keys.
    Set(GroupAttributes),
    /// `deleteGroupAttributes`: these keys (empty: all).
    Delete(Vec<String>),
}

/// The whole set within the group limits (16 keys, 16 KB).
fn check_set(attributes: &GroupAttributes) -> Result<(), StoreError> {
    if attributes.len() > MAX_ATTRIBUTE_KEYS {
        return Err(invalid(format!(
            "{} attributes; a group holds at most {MAX_ATTRIBUTE_KEYS}",
            attributes.len()
        )));
    }
    let total: usize = attributes.iter().map(|(k, v)| k.len() + v.len()).sum();
    if total > MAX_ATTRIBUTES_BYTES {
        return Err(invalid(format!(
            "attributes take {total} bytes; the limit is {MAX_ATTRIBUTES_BYTES}"
        )));
    }
    Ok(())
}

/// What an attribute change answers: the attributes initialized or set,
/// or the keys deleted.
#[derive(Debug)]
pub(crate) enum AttributeOutcome {
    /// Initialized or set.
    Attributes(GroupAttributes),
    /// Deleted.
    Keys(Vec<String>),
}

fn change_attributes(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    id: &GroupId,
    in_room: bool,
    change: AttributeChange,
) -> Result<AttributeOutcome, StoreError> {
    let profile = load(tx, id)?;
    check_member(tx, &profile, actor, in_room)?;
    let before = tx.load_group_attributes(id)?;
    let mut after = before.clone();
    let outcome = match change {
        AttributeChange::Init(set) => {
            after = set.clone();
            AttributeOutcome::Attributes(set)
        }
        AttributeChange::Set(set) => {
            after.extend(set.clone());
            AttributeOutcome::Attributes(set)
        }
        AttributeChange::Delete(keys) => {
            let deleted: Vec<String> = if keys.is_empty() {
                before.keys().cloned().collect()
            } else {
                let mut found = Vec::new();
                for key in keys {
                    if before.contains_key(&key) && !found.contains(&key) {
                        found.push(key);
                    }
                }
                found
            };
            for key in &deleted {
                after.remove(key);
            }
            AttributeOutcome::Keys(deleted)
        }
    };
    check_set(&after)?;
    if after != before {
        tx.save_group_attributes(id, &after)?;
        let event =
            InboxEvent::GroupAttributesUpdated { group_id: id.clone(), group_attributes: after };
        publish(tx, &profile, event)?;
    }
    Ok(outcome)
}

/// A change of counters.
#[derive(Clone, Debug)]
pub(crate) enum CounterChange {
    /// `setGroupCounters`: these values.
    Set(GroupCounters),
    /// `increaseGroupCounter` (positive) / `decreaseGroupCounter`
    /// (negative): one counter by this amount.
    Add(String, i64),
}

fn change_counters(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    id: &GroupId,
    in_room: bool,
    change: CounterChange,
) -> Result<GroupCounters, StoreError> {
    let profile = load(tx, id)?;
    check_member(tx, &profile, actor, in_room)?;
    let before = tx.load_group_counters(id)?;
    let changed: GroupCounters = match change {
        CounterChange::Set(set) => set,
        CounterChange::Add(key, amount) => {
            let old = before.get(&key).copied().unwrap_or(0);
            let Some(new) = old.checked_add(amount) else {
                return Err(invalid(format!("counter {key} would overflow")));
            };
            GroupCounters::from([(key, new)])
        }
    };
    let keys = before.keys().chain(changed.keys().filter(|k| !before.contains_key(*k))).count();
    if keys > MAX_COUNTER_KEYS {
        return Err(invalid(format!("{keys} counters; a group holds at most {MAX_COUNTER_KEYS}")));
    }
    for (key, value) in &changed {
        if before.get(key) == Some(value) {
            continue;
        }
        tx.save_group_counter(id, key, *value)?;
        let event = InboxEvent::GroupCounterUpdated {
            group_id: id.clone(),
            key: key.clone(),
            value: *value,
        };
        publish(tx, &profile, event)?;
    }
    Ok(changed)
}

impl dyn Store {
    /// `initGroupAttributes`, `setGroupAttributes`,
    /// `deleteGroupAttributes` (`in_room`: the caller is an AVChatRoom
    /// joiner).
    pub(crate) fn change_group_attributes(
        &self,
        actor: Actor,
        id: GroupId,
        in_room: bool,
        change: AttributeChange,
    ) -> StoreFuture<AttributeOutcome> {
        self.transact(move |tx| change_attributes(tx, &actor, &id, in_room, change))
    }

    /// `setGroupCounters`, `increaseGroupCounter`, `decreaseGroupCounter`;
    /// the counters changed, with their new values.
    pub(crate) fn change_group_counters(
        &self,
        actor: Actor,
        id: GroupId,
        in_room: bool,
        change: CounterChange,
    ) -> StoreFuture<GroupCounters> {
        self.transact(move |tx| change_counters(tx, &actor, &id, in_room, change))
    }
}
