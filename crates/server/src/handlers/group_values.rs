//! Group attributes and group counters: the request checks that need no
//! stored state, the AVChatRoom joiner check (its members are the session
//! registry's) and the reads; the rules over stored state are in
//! `crate::services::group_values`.
//!
//! | op | condition | code |
//! |---|---|---|
//! | all | unknown group | 10010 `ERR_SVR_GROUP_NOT_FOUND` |
//! | all | the caller is not a member (of an AVChatRoom: has not joined it) | 10007 `ERR_SVR_GROUP_PERMISSION_DENY` |
//! | init, set | a key empty or over 32 bytes, a value over 4 KB | 10004 `ERR_SVR_GROUP_INVALID_PARAMETERS` |
//! | init, set | the set after the change over 16 keys or 16 KB | 10004 |
//! | set | no attribute given | 10004 |
//! | set counters | no counter given; a key empty or over 128 bytes | 10004 |
//! | set, increase, decrease counters | the group would hold over 20 counters | 10004 |
//! | increase, decrease | `key` empty or over 128 bytes; the value would overflow | 10004 |
//!
//! Writes are serialized per server, so an attribute change always applies
//! to the latest set: 10056 (`ERR_SVR_GROUP_ATTRIBUTE_WRITE_CONFLICT`) is
//! never returned.

use super::{reject, store_error, Caller, Reply};
use crate::server::ServerContext;
use crate::services::group::{joined_in_memory, Actor};
use crate::services::group_values::{
    AttributeChange, AttributeOutcome, CounterChange, MAX_ATTRIBUTE_KEY_BYTES,
    MAX_ATTRIBUTE_VALUE_BYTES, MAX_COUNTER_KEY_BYTES,
};
use confab_proto::group::{
    DecreaseGroupCounter, DeleteGroupAttributes, GetGroupAttributes, GetGroupCounters,
    GroupAttributes, GroupAttributesResponse, GroupCounterResponse, GroupCountersResponse,
    IncreaseGroupCounter, InitGroupAttributes, KeyListResponse, SetGroupAttributes,
    SetGroupCounters,
};
use confab_proto::{code, ErrorBody, GroupId, UserId};
use futures_util::FutureExt as _;
use std::sync::Arc;

fn invalid(message: impl Into<String>) -> ErrorBody {
    ErrorBody::new(code::ERR_SVR_GROUP_INVALID_PARAMETERS, message)
}

fn actor(ctx: &ServerContext, caller: &Caller) -> Actor {
    Actor { user: caller.user.clone(), now: ctx.clock.now_secs() }
}

/// Each key and value of a request within its byte limit (checklist 777-780).
fn check_attributes(attributes: &GroupAttributes) -> Result<(), ErrorBody> {
    for (key, value) in attributes {
        if key.is_empty() || key.len() > MAX_ATTRIBUTE_KEY_BYTES {
            return Err(invalid(format!(
                "attribute key {key:?}: 1 to {MAX_ATTRIBUTE_KEY_BYTES} bytes"
            )));
        }
        if value.len() > MAX_ATTRIBUTE_VALUE_BYTES {
            return Err(invalid(format!(
                "attribute {key:?} is {} bytes; the limit is {MAX_ATTRIBUTE_VALUE_BYTES}",
                value.len()
            )));
        }
    }
    Ok(())
}

fn check_counter_key(key: &str) -> Result<(), ErrorBody> {
    if key.is_empty() || key.len() > MAX_COUNTER_KEY_BYTES {
        return Err(invalid(format!("counter key {key:?}: 1 to {MAX_COUNTER_KEY_BYTES} bytes")));
    }
    Ok(())
}

/// Whether the caller is an AVChatRoom joiner of the group (`false` for
/// other kinds: the store checks their stored membership), or 10010.
async fn in_room(
    ctx_store: Arc<dyn crate::store::Store>,
    sessions: Arc<crate::sessions::SessionRegistry>,
    group: GroupId,
    user: &UserId,
) -> Result<bool, ErrorBody> {
    let Some(profile) = ctx_store.group(group.clone()).await.map_err(store_error)? else {
        return Err(ErrorBody::new(
            code::ERR_SVR_GROUP_NOT_FOUND,
            format!("group {group} does not exist"),
        ));
    };
    Ok(joined_in_memory(&profile) && sessions.in_room(user, profile.group_id.as_str()))
}

/// Runs an attribute change after the joiner check.
fn attributes_change(
    ctx: &ServerContext,
    caller: &Caller,
    group: GroupId,
    change: AttributeChange,
) -> Reply<AttributeOutcome> {
    let store = Arc::clone(&ctx.store);
    let sessions = Arc::clone(&ctx.sessions);
    let actor = actor(ctx, caller);
    async move {
        let joined = in_room(Arc::clone(&store), sessions, group.clone(), &actor.user).await?;
        store.change_group_attributes(actor, group, joined, change).await.map_err(store_error)
    }
    .boxed()
}

/// Runs a counter change after the joiner check.
fn counters_change(
    ctx: &ServerContext,
    caller: &Caller,
    group: GroupId,
    change: CounterChange,
) -> Reply<confab_proto::group::GroupCounters> {
    let store = Arc::clone(&ctx.store);
    let sessions = Arc::clone(&ctx.sessions);
    let actor = actor(ctx, caller);
    async move {
        let joined = in_room(Arc::clone(&store), sessions, group.clone(), &actor.user).await?;
        store.change_group_counters(actor, group, joined, change).await.map_err(store_error)
    }
    .boxed()
}

fn attributes_of(outcome: AttributeOutcome) -> GroupAttributes {
    match outcome {
        AttributeOutcome::Attributes(set) => set,
        AttributeOutcome::Keys(_) => GroupAttributes::new(),
    }
}

/// `initGroupAttributes`.
pub(crate) fn init_group_attributes(
    ctx: &ServerContext,
    caller: &Caller,
    request: InitGroupAttributes,
) -> Reply<GroupAttributesResponse> {
    if let Err(e) = check_attributes(&request.group_attributes) {
        return reject(e);
    }
    let change = AttributeChange::Init(request.group_attributes);
    attributes_change(ctx, caller, request.group_id, change)
        .map(|r| r.map(|o| GroupAttributesResponse { group_attributes: attributes_of(o) }))
        .boxed()
}

/// `setGroupAttributes`.
pub(crate) fn set_group_attributes(
    ctx: &ServerContext,
    caller: &Caller,
    request: SetGroupAttributes,
) -> Reply<GroupAttributesResponse> {
    if request.group_attributes.is_empty() {
        return reject(invalid("groupAttributes names no attribute"));
    }
    if let Err(e) = check_attributes(&request.group_attributes) {
        return reject(e);
    }
    let change = AttributeChange::Set(request.group_attributes);
    attributes_change(ctx, caller, request.group_id, change)
        .map(|r| r.map(|o| GroupAttributesResponse { group_attributes: attributes_of(o) }))
        .boxed()
}

/// `deleteGroupAttributes` (`keyList: []`: all).
pub(crate) fn delete_group_attributes(
    ctx: &ServerContext,
    caller: &Caller,
    request: DeleteGroupAttributes,
) -> Reply<KeyListResponse> {
    let change = AttributeChange::Delete(request.key_list);
    attributes_change(ctx, caller, request.group_id, change)
        .map(|r| {
            r.map(|o| KeyListResponse {
                key_list: match o {
                    AttributeOutcome::Keys(keys) => keys,
                    AttributeOutcome::Attributes(_) => Vec::new(),
                },
            })
        })
        .boxed()
}

/// Reads a group's attributes and counters for a member (an AVChatRoom's
/// joiner).
fn values_for_member(
    ctx: &ServerContext,
    caller: &Caller,
    group: GroupId,
) -> Reply<(GroupAttributes, confab_proto::group::GroupCounters)> {
    let store = Arc::clone(&ctx.store);
    let sessions = Arc::clone(&ctx.sessions);
    let user = caller.user.clone();
    async move {
        let joined = in_room(Arc::clone(&store), sessions, group.clone(), &user).await?;
        let member =
            joined || store.member(group.clone(), user).await.map_err(store_error)?.is_some();
        if !member {
            return Err(ErrorBody::new(
                code::ERR_SVR_GROUP_PERMISSION_DENY,
                format!("not a member of group {group}"),
            ));
        }
        store.group_values(group).await.map_err(store_error)
    }
    .boxed()
}

/// `getGroupAttributes` (`keyList: []`: all).
pub(crate) fn get_group_attributes(
    ctx: &ServerContext,
    caller: &Caller,
    request: GetGroupAttributes,
) -> Reply<GroupAttributesResponse> {
    let keys = request.key_list;
    values_for_member(ctx, caller, request.group_id)
        .map(move |r| {
            r.map(|(mut attributes, _)| {
                if !keys.is_empty() {
                    attributes.retain(|k, _| keys.contains(k));
                }
                GroupAttributesResponse { group_attributes: attributes }
            })
        })
        .boxed()
}

/// `setGroupCounters`.
pub(crate) fn set_group_counters(
    ctx: &ServerContext,
    caller: &Caller,
    request: SetGroupCounters,
) -> Reply<GroupCountersResponse> {
    if request.counters.is_empty() {
        return reject(invalid("counters names no counter"));
    }
    if let Err(e) = request.counters.keys().try_for_each(|k| check_counter_key(k)) {
        return reject(e);
    }
    counters_change(ctx, caller, request.group_id, CounterChange::Set(request.counters))
        .map(|r| r.map(|counters| GroupCountersResponse { counters }))
        .boxed()
}

/// One counter changed by `amount`.
fn add_to_counter(
    ctx: &ServerContext,
    caller: &Caller,
    group: GroupId,
    key: String,
    amount: Option<i64>,
) -> Reply<GroupCounterResponse> {
    if let Err(e) = check_counter_key(&key) {
        return reject(e);
    }
    let Some(amount) = amount else {
        return reject(invalid(format!("counter {key}: the amount is out of range")));
    };
    let change = CounterChange::Add(key.clone(), amount);
    counters_change(ctx, caller, group.clone(), change)
        .map(move |r| {
            r.map(|counters| GroupCounterResponse {
                value: counters.get(&key).copied().unwrap_or(0),
                group_id: group,
                key,
            })
        })
        .boxed()
}

/// `increaseGroupCounter`.
pub(crate) fn increase_group_counter(
    ctx: &ServerContext,
    caller: &Caller,
    request: IncreaseGroupCounter,
) -> Reply<GroupCounterResponse> {
    add_to_counter(ctx, caller, request.group_id, request.key, Some(request.value))
}

/// `decreaseGroupCounter`.
pub(crate) fn decrease_group_counter(
    ctx: &ServerContext,
    caller: &Caller,
    request: DecreaseGroupCounter,
) -> Reply<GroupCounterResponse> {
    add_to_counter(ctx, caller, request.group_id, request.key, request.value.checked_neg())
}

/// `getGroupCounters` (no `keyList`: all).
pub(crate) fn get_group_counters(
    ctx: &ServerContext,
    caller: &Caller,
    request: GetGroupCounters,
) -> Reply<GroupCountersResponse> {
    let keys = request.key_list;
    values_for_member(ctx, caller, request.group_id)
        .map(move |r| {
            r.map(|(_, mut counters)| {
                if !keys.is_empty() {
                    counters.retain(|k, _| keys.contains(k));
                }
                GroupCountersResponse { counters }
            })
        })
        .boxed()
}

/// Adds this area's operations to the registry.
pub(crate) fn register(registry: &mut super::Registry) -> Result<(), super::RegistryError> {
    registry.service::<InitGroupAttributes>(init_group_attributes)?;
    registry.service::<SetGroupAttributes>(set_group_attributes)?;
    registry.service::<DeleteGroupAttributes>(delete_group_attributes)?;
    registry.service::<GetGroupAttributes>(get_group_attributes)?;
    registry.service::<SetGroupCounters>(set_group_counters)?;
    registry.service::<IncreaseGroupCounter>(increase_group_counter)?;
    registry.service::<DecreaseGroupCounter>(decrease_group_counter)?;
    registry.service::<GetGroupCounters>(get_group_counters)?;
    Ok(())
}
