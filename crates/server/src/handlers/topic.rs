//! Community topics: `createTopicInCommunity`, `deleteTopicFromCommunity`,
//! `updateTopicProfile` and `getTopicList`. The checks that need no stored
//! state are here; the rules are in `crate::services::topic`.
//!
//! | op | condition | code |
//! |---|---|---|
//! | all | unknown community | 10010 `ERR_SVR_GROUP_NOT_FOUND` |
//! | all | a group that is not a Community made with `isSupportTopic` | 2600 `ILLEGAL_GROUP_TYPE` |
//! | all | the caller is not a member | 10007 `ERR_SVR_GROUP_PERMISSION_DENY` |
//! | create, delete, update | the caller is neither the owner nor an admin | 10007 |
//! | create, update | `topicName` empty (create) or over 150 bytes, `introduction` over 240, `notification` over 300, `avatar` over 100, `customData` over 4,096 | 10004 `ERR_SVR_GROUP_INVALID_PARAMETERS` |
//! | create | a custom `topicID` not of the form `<groupID>@TOPIC#<part>` (printable, at most 104 bytes) | 3021 `ILLEGAL_TOPIC_ID` |
//! | create | the `topicID` is taken (or was a deleted topic's) | 10021 `ERR_SVR_GROUP_GROUPID_IN_USED` |
//! | create | the community holds 100 topics | 10004 |
//! | update | a malformed `topicID` | 3021; no such topic in the community: 10010 |
//! | list | over 10 calls a second by one user | 2996 `OVER_FREQUENCY_LIMIT` |
//!
//! `deleteTopicFromCommunity` and `getTopicList` answer per topic: a
//! malformed ID is in `failureTopicList` with 3021, a topic the community
//! does not have with 10010.

use super::{from_store, reject, Caller, Reply};
use crate::server::ServerContext;
use crate::services::group::Actor;
use confab_proto::topic::{
    community_of, CreateTopicInCommunity, DeleteTopicFromCommunity, DeleteTopicResponse,
    GetTopicList, TopicFailure, TopicIdResponse, TopicListResponse, TopicResponse,
    UpdateTopicProfile, MAX_TOPIC_CUSTOM_DATA_BYTES, MAX_TOPIC_NAME_BYTES, TOPIC_MARK,
};
use confab_proto::{code, ErrorBody, GroupId};
use futures_util::FutureExt as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

fn invalid(message: impl Into<String>) -> ErrorBody {
    ErrorBody::new(code::ERR_SVR_GROUP_INVALID_PARAMETERS, message)
}

fn check_len(field: &str, value: Option<&str>, max: usize) -> Result<(), ErrorBody> {
    match value {
        Some(v) if v.len() > max => {
            Err(invalid(format!("{field} is {} bytes; the limit is {max}", v.len())))
        }
        _ => Ok(()),
    }
}

/// The texts of a topic, by their byte limits (a name, when given, is not
/// empty).
fn check_texts(
    name: Option<&str>,
    avatar: Option<&str>,
    notification: Option<&str>,
    introduction: Option<&str>,
    custom_data: Option<&str>,
) -> Result<(), ErrorBody> {
    use super::group::{MAX_AVATAR_BYTES, MAX_INTRODUCTION_BYTES, MAX_NOTIFICATION_BYTES};
    if name.is_some_and(str::is_empty) {
        return Err(invalid("topicName is required"));
    }
    check_len("topicName", name, MAX_TOPIC_NAME_BYTES)?;
    check_len("avatar", avatar, MAX_AVATAR_BYTES)?;
    check_len("notification", notification, MAX_NOTIFICATION_BYTES)?;
    check_len("introduction", introduction, MAX_INTRODUCTION_BYTES)?;
    check_len("customData", custom_data, MAX_TOPIC_CUSTOM_DATA_BYTES)
}

/// A fresh topic ID in `group`: the community ID, the topic mark, `_` and
/// the server clock with a counter.
fn make_topic_id(group: &GroupId, now_ms: i64) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{group}{TOPIC_MARK}_{now_ms:x}{n:x}")
}

fn actor(ctx: &ServerContext, caller: &Caller) -> Actor {
    Actor { user: caller.user.clone(), now: ctx.clock.now_secs() }
}

/// `createTopicInCommunity`.
pub(crate) fn create_topic_in_community(
    ctx: &ServerContext,
    caller: &Caller,
    request: CreateTopicInCommunity,
) -> Reply<TopicIdResponse> {
    let checked = check_texts(
        Some(&request.topic_name),
        Some(&request.avatar),
        Some(&request.notification),
        Some(&request.introduction),
        Some(&request.custom_data),
    );
    if let Err(e) = checked {
        return reject(e);
    }
    if !request.topic_id.is_empty() && community_of(&request.topic_id).is_none() {
        return reject(ErrorBody::new(
            code::ILLEGAL_TOPIC_ID,
            format!("{:?} is not of the form <communityID>@TOPIC#<part>", request.topic_id),
        ));
    }
    let made = make_topic_id(&request.group_id, ctx.clock.now_ms());
    from_store(ctx.store.create_topic(actor(ctx, caller), request, made), |topic_id| {
        TopicIdResponse { topic_id }
    })
}

/// `deleteTopicFromCommunity`.
pub(crate) fn delete_topic_from_community(
    ctx: &ServerContext,
    caller: &Caller,
    request: DeleteTopicFromCommunity,
) -> Reply<DeleteTopicResponse> {
    from_store(
        ctx.store.delete_topics(actor(ctx, caller), request.group_id, request.topic_id_list),
        |response| response,
    )
}

/// `updateTopicProfile`.
pub(crate) fn update_topic_profile(
    ctx: &ServerContext,
    caller: &Caller,
    request: UpdateTopicProfile,
) -> Reply<TopicResponse> {
    let checked = check_texts(
        request.topic_name.as_deref(),
        request.avatar.as_deref(),
        request.notification.as_deref(),
        request.introduction.as_deref(),
        request.custom_data.as_deref(),
    );
    if let Err(e) = checked {
        return reject(e);
    }
    from_store(ctx.store.update_topic(actor(ctx, caller), request), |topic| TopicResponse { topic })
}

/// `getTopicList`: the community's topics (or the listed ones), each with
/// the caller's `selfInfo`.
pub(crate) fn get_topic_list(
    ctx: &ServerContext,
    caller: &Caller,
    request: GetTopicList,
) -> Reply<TopicListResponse> {
    if let Err(e) = ctx.topic_list_rate.check(&caller.user, ctx.clock.now_ms()) {
        return reject(e);
    }
    let store = Arc::clone(&ctx.store);
    let user = caller.user.clone();
    async move {
        let group = request.group_id;
        let Some(profile) = store.group(group.clone()).await.map_err(super::store_error)? else {
            return Err(ErrorBody::new(
                code::ERR_SVR_GROUP_NOT_FOUND,
                format!("group {group} does not exist"),
            ));
        };
        crate::services::topic::supports_topics(&profile).map_err(super::store_error)?;
        if store.member(group.clone(), user.clone()).await.map_err(super::store_error)?.is_none() {
            return Err(ErrorBody::new(
                code::ERR_SVR_GROUP_PERMISSION_DENY,
                format!("not a member of group {group}"),
            ));
        }
        let topics = store.topics(group.clone()).await.map_err(super::store_error)?;
        let mine = store.topic_members_of(user).await.map_err(super::store_error)?;
        let mut response = TopicListResponse::default();
        let wanted: Vec<String> = match request.topic_id_list {
            Some(list) => list,
            None => topics.iter().map(|t| t.topic_id.clone()).collect(),
        };
        for topic_id in wanted {
            let Some(topic) = topics.iter().find(|t| t.topic_id == topic_id) else {
                let (code, message) = if community_of(&topic_id).is_none() {
                    (code::ILLEGAL_TOPIC_ID, format!("{topic_id:?} is not a topic ID"))
                } else {
                    (code::ERR_SVR_GROUP_NOT_FOUND, format!("{group} has no topic {topic_id}"))
                };
                response.failure_topic_list.push(TopicFailure { topic_id, code, message });
                continue;
            };
            let record = mine
                .iter()
                .find(|(id, _)| *id == topic_id)
                .map(|(_, r)| r.clone())
                .unwrap_or_default();
            let mut topic = topic.clone();
            topic.self_info = Some(crate::services::topic::self_info(&record));
            response.success_topic_list.push(topic);
        }
        Ok(response)
    }
    .boxed()
}

/// Adds this area's operations to the registry.
pub(crate) fn register(registry: &mut super::Registry) -> Result<(), super::RegistryError> {
    registry.service::<CreateTopicInCommunity>(create_topic_in_community)?;
    registry.service::<DeleteTopicFromCommunity>(delete_topic_from_community)?;
    registry.service::<UpdateTopicProfile>(update_topic_profile)?;
    registry.service::<GetTopicList>(get_topic_list)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // checklist 928: a generated topic ID names its community.
    #[test]
    fn made_topic_ids_are_well_formed() {
        let group = GroupId::new("@TGS#_c1");
        let id = make_topic_id(&group, 0x1234);
        assert_eq!(community_of(&id), Some(group.clone()));
        assert_ne!(id, make_topic_id(&group, 0x1234));
        let longest = GroupId::new(format!("@TGS#_{}", "x".repeat(42)));
        assert!(community_of(&make_topic_id(&longest, i64::MAX)).is_some());
    }

    #[test]
    fn topic_texts_have_limits() {
        assert_eq!(check_texts(Some(""), None, None, None, None).unwrap_err().code, 10004);
        let long = "x".repeat(MAX_TOPIC_NAME_BYTES + 1);
        assert!(check_texts(Some(&long), None, None, None, None).is_err());
        let data = "x".repeat(MAX_TOPIC_CUSTOM_DATA_BYTES + 1);
        assert!(check_texts(None, None, None, None, Some(&data)).is_err());
        assert!(check_texts(Some("general"), Some(""), None, None, None).is_ok());
    }
}
