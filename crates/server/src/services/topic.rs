//! Community topics: the rules of `createTopicInCommunity`,
//! `deleteTopicFromCommunity` and `updateTopicProfile` (only in a
//! Community made with `isSupportTopic`; the owner and admins), the events
//! they append to the community's timeline (`topicCreated`,
//! `topicDeleted`, `topicUpdated`: every member's instances hear them in
//! order and catch up on them like any group event), and where a
//! `GROUP<id>` conversation lives ([`Place`]): the group itself, or a
//! topic whose members are the community's, each with their own join
//! point, read mark and mute in it.
//!
//! A topic's messages are group messages: stored once with the topic's own
//! sequence, on the topic's own timeline (keyed by the topic ID), pushed
//! to the community's online members.

use super::group::{membership, refused, Actor};
use crate::fanout::{Audience, Delivery};
use crate::store::{
    EventRecord, MemberRecord, StoreError, StoreFuture, TopicMemberRecord, WriteTx,
};
use confab_proto::frame::Push;
use confab_proto::group::{GroupProfile, GroupType};
use confab_proto::inbox::{InboxEvent, TimelineEntry};
use confab_proto::topic::{
    community_of, is_topic_id, CreateTopicInCommunity, DeleteTopicResponse, JoinedTopic,
    TopicFailure, TopicIdOnly, TopicProfile, TopicSelfInfo, UpdateTopicProfile,
    MAX_TOPICS_PER_COMMUNITY,
};
use confab_proto::{code, GroupId, UserId};
use std::sync::Arc;

/// 3021 for a topic ID that is not `<communityID>@TOPIC#<part>`.
pub(crate) fn illegal_topic(topic_id: &str) -> StoreError {
    refused(
        code::ILLEGAL_TOPIC_ID,
        format!("{topic_id:?} is not a topic ID of the form <communityID>@TOPIC#<part>"),
    )
}

fn no_topic(topic_id: &str) -> StoreError {
    refused(code::ERR_SVR_GROUP_NOT_FOUND, format!("topic {topic_id} does not exist"))
}

/// The community, which must be a Community made with `isSupportTopic`
/// (else 2600; unknown: 10010).
pub(crate) fn topic_community(
    tx: &mut dyn WriteTx,
    group: &GroupId,
) -> Result<GroupProfile, StoreError> {
    let profile = super::group::load(tx, group)?;
    supports_topics(&profile)?;
    Ok(profile)
}

/// 2600 unless `profile` is a Community with topics.
pub(crate) fn supports_topics(profile: &GroupProfile) -> Result<(), StoreError> {
    if profile.group_type != GroupType::Community || !profile.is_support_topic {
        return Err(refused(
            code::ILLEGAL_GROUP_TYPE,
            format!("group {} is not a community with topics", profile.group_id),
        ));
    }
    Ok(())
}

/// The caller's record when they are the community's owner or an admin,
/// else 10007 (not a member: 10007 too).
fn manager(
    tx: &mut dyn WriteTx,
    group: &GroupId,
    user: &UserId,
) -> Result<MemberRecord, StoreError> {
    let record = membership(tx, group, user)?;
    if !record.role.is_manager() {
        return Err(refused(
            code::ERR_SVR_GROUP_PERMISSION_DENY,
            "only the owner and admins manage topics",
        ));
    }
    Ok(record)
}

/// Appends a topic event to the community's timeline and pushes it to the
/// online members.
fn announce(
    tx: &mut dyn WriteTx,
    community: &GroupId,
    event: InboxEvent,
) -> Result<(), StoreError> {
    let seq = tx.append_timeline(community.as_str(), EventRecord::Event(&event))?;
    tx.publish(Delivery {
        audience: Audience::Group(community.0.clone()),
        push: Arc::new(Push::Timeline {
            group_id: community.clone(),
            entry: TimelineEntry { seq, event },
        }),
        skip: None,
    });
    Ok(())
}

/// The topic with its next message sequence as the writer sees it.
fn completed(tx: &mut dyn WriteTx, mut topic: TopicProfile) -> Result<TopicProfile, StoreError> {
    topic.next_message_seq =
        tx.group_heads(&GroupId::new(topic.topic_id.clone()))?.message_sequence + 1;
    Ok(topic)
}

fn create(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    request: CreateTopicInCommunity,
    made_id: String,
) -> Result<String, StoreError> {
    let community = topic_community(tx, &request.group_id)?;
    manager(tx, &community.group_id, &actor.user)?;
    let topic_id = if request.topic_id.is_empty() { made_id } else { request.topic_id };
    if community_of(&topic_id).as_ref() != Some(&community.group_id) {
        return Err(illegal_topic(&topic_id));
    }
    if tx.topics_of(&community.group_id)?.len() >= MAX_TOPICS_PER_COMMUNITY {
        return Err(refused(
            code::ERR_SVR_GROUP_INVALID_PARAMETERS,
            format!("a community holds at most {MAX_TOPICS_PER_COMMUNITY} topics"),
        ));
    }
    let topic = TopicProfile {
        topic_id: topic_id.clone(),
        topic_name: request.topic_name,
        avatar: request.avatar,
        introduction: request.introduction,
        notification: request.notification,
        mute_all_members: false,
        custom_data: request.custom_data,
        create_time: actor.now,
        next_message_seq: 1,
        self_info: None,
    };
    // A deleted topic's ID is not given out again: its timeline stays.
    let reused = tx.group_heads(&GroupId::new(topic_id.clone()))?.timeline > 0;
    if reused || !tx.insert_topic(&community.group_id, &topic, actor.now)? {
        return Err(refused(
            code::ERR_SVR_GROUP_GROUPID_IN_USED,
            format!("topic ID {topic_id} is taken"),
        ));
    }
    announce(
        tx,
        &community.group_id,
        InboxEvent::TopicCreated { group_id: community.group_id.clone(), topic },
    )?;
    Ok(topic_id)
}

fn delete(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    group: &GroupId,
    asked: Option<Vec<String>>,
) -> Result<DeleteTopicResponse, StoreError> {
    let community = topic_community(tx, group)?;
    manager(tx, group, &actor.user)?;
    let existing: Vec<String> = tx.topics_of(group)?.into_iter().map(|t| t.topic_id).collect();
    let mut response = DeleteTopicResponse::default();
    let asked = asked.unwrap_or_else(|| existing.clone());
    let mut deleted = Vec::new();
    for topic_id in asked {
        if deleted.contains(&topic_id) {
            continue;
        }
        if community_of(&topic_id).is_none() {
            response.failure_topic_list.push(TopicFailure {
                message: format!("{topic_id:?} is not a topic ID"),
                topic_id,
                code: code::ILLEGAL_TOPIC_ID,
            });
        } else if !existing.contains(&topic_id) {
            response.failure_topic_list.push(TopicFailure {
                message: format!("community {group} has no topic {topic_id}"),
                topic_id,
                code: code::ERR_SVR_GROUP_NOT_FOUND,
            });
        } else {
            tx.delete_topic(&topic_id)?;
            response.success_topic_list.push(TopicIdOnly { topic_id: topic_id.clone() });
            deleted.push(topic_id);
        }
    }
    if !deleted.is_empty() {
        announce(
            tx,
            &community.group_id,
            InboxEvent::TopicDeleted {
                group_id: community.group_id.clone(),
                topic_id_list: deleted,
            },
        )?;
    }
    Ok(response)
}

/// The topic `topic_id` of `group` (10010 when it has none such).
fn topic_of(
    tx: &mut dyn WriteTx,
    group: &GroupId,
    topic_id: &str,
) -> Result<TopicProfile, StoreError> {
    match tx.load_topic(topic_id)? {
        Some((owner, topic)) if owner == *group => Ok(topic),
        _ => Err(no_topic(topic_id)),
    }
}

fn update(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    request: UpdateTopicProfile,
) -> Result<TopicProfile, StoreError> {
    let group = &request.group_id;
    topic_community(tx, group)?;
    if community_of(&request.topic_id).is_none() {
        return Err(illegal_topic(&request.topic_id));
    }
    manager(tx, group, &actor.user)?;
    let mut topic = topic_of(tx, group, &request.topic_id)?;
    let before = topic.clone();
    let set = |field: &mut String, value: Option<String>| {
        if let Some(value) = value {
            *field = value;
        }
    };
    set(&mut topic.topic_name, request.topic_name);
    set(&mut topic.avatar, request.avatar);
    set(&mut topic.notification, request.notification);
    set(&mut topic.introduction, request.introduction);
    set(&mut topic.custom_data, request.custom_data);
    if let Some(mute) = request.mute_all_members {
        topic.mute_all_members = mute;
    }
    if topic != before {
        tx.save_topic(&topic)?;
        let topic = completed(tx, topic.clone())?;
        announce(tx, group, InboxEvent::TopicUpdated { group_id: group.clone(), topic })?;
    }
    let record = tx.load_topic_member(&topic.topic_id, &actor.user)?;
    let mut topic = completed(tx, topic)?;
    topic.self_info = Some(self_info(&record));
    Ok(topic)
}

/// The member's `selfInfo` in a topic.
pub(crate) fn self_info(record: &TopicMemberRecord) -> TopicSelfInfo {
    TopicSelfInfo {
        mute_until: record.mute_until,
        read_sequence: record.read_sequence.max(record.join_sequence),
    }
}

/// A new member of `community` starts in each of its topics where the
/// topic now stands (their record, with their first cursor): the topics
/// for their `groupJoined`.
pub(crate) fn join_topics(
    tx: &mut dyn WriteTx,
    community: &GroupProfile,
    user: &UserId,
) -> Result<Vec<JoinedTopic>, StoreError> {
    if !community.is_support_topic || community.group_type != GroupType::Community {
        return Ok(Vec::new());
    }
    let mut joined = Vec::new();
    for topic in tx.topics_of(&community.group_id)? {
        let heads = tx.group_heads(&GroupId::new(topic.topic_id.clone()))?;
        let record = TopicMemberRecord {
            join_sequence: heads.message_sequence,
            join_timeline: heads.timeline,
            ..Default::default()
        };
        tx.save_topic_member(&topic.topic_id, user, &record)?;
        let mut topic = topic;
        topic.self_info = Some(self_info(&record));
        joined.push(JoinedTopic { topic, after: heads.timeline });
    }
    Ok(joined)
}

/// Where a `GROUP<id>` conversation's messages live, and the member's
/// standing there.
#[derive(Clone, Debug)]
pub(crate) struct Place {
    /// The group, or the topic's community (whose members are the topic's).
    pub group: GroupProfile,
    /// The topic, when `id` is one.
    pub topic: Option<TopicProfile>,
    /// The member's record: the group's, or, in a topic, the community's
    /// with the topic's join point and read mark (`cleared_sequence` 0:
    /// topics are not cleared).
    pub record: MemberRecord,
    /// Muted in the topic until, seconds (0 outside topics).
    pub topic_mute_until: i64,
}

impl Place {
    /// The ID of the timeline (and message sequence) the messages are on.
    pub(crate) fn timeline(&self) -> GroupId {
        match &self.topic {
            Some(topic) => GroupId::new(topic.topic_id.clone()),
            None => self.group.group_id.clone(),
        }
    }
}

/// The community record overlaid with a member's topic record.
pub(crate) fn in_topic(mut record: MemberRecord, topic: &TopicMemberRecord) -> MemberRecord {
    record.join_sequence = topic.join_sequence;
    record.join_timeline = topic.join_timeline;
    record.read_sequence = topic.read_sequence;
    record.cleared_sequence = 0;
    record
}

/// The group or topic `id` and `user`'s standing in it: 10010 for an
/// unknown one (3021 for a malformed topic ID), 10007 for a non-member.
pub(crate) fn place(
    tx: &mut dyn WriteTx,
    id: &GroupId,
    user: &UserId,
) -> Result<Place, StoreError> {
    if !is_topic_id(id.as_str()) {
        let group = super::group::load(tx, id)?;
        let record = membership(tx, id, user)?;
        return Ok(Place { group, topic: None, record, topic_mute_until: 0 });
    }
    let community = community_of(id.as_str()).ok_or_else(|| illegal_topic(id.as_str()))?;
    let group = super::group::load(tx, &community)?;
    let topic = topic_of(tx, &community, id.as_str())?;
    let record = membership(tx, &community, user)?;
    let mine = tx.load_topic_member(id.as_str(), user)?;
    Ok(Place {
        group,
        topic: Some(topic),
        record: in_topic(record, &mine),
        topic_mute_until: mine.mute_until,
    })
}

/// `user`'s record in the group or topic `id`, if they are a member of it
/// (or of the topic's community) and it exists.
pub(crate) fn member_record(
    tx: &mut dyn WriteTx,
    id: &GroupId,
    user: &UserId,
) -> Result<Option<MemberRecord>, StoreError> {
    match place(tx, id, user) {
        Ok(place) => Ok(Some(place.record)),
        Err(StoreError::Refused(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `user`'s record in the group or topic `id` from committed data (see
/// [`member_record`]); `None` for a non-member or an unknown one.
pub(crate) fn member_of(
    store: &Arc<dyn crate::store::Store>,
    id: GroupId,
    user: UserId,
) -> StoreFuture<Option<MemberRecord>> {
    let Some(community) = community_of(id.as_str()).filter(|_| is_topic_id(id.as_str())) else {
        return store.member(id, user);
    };
    let store = Arc::clone(store);
    Box::pin(async move {
        let exists = store.topic(id.0.clone()).await?.is_some_and(|(g, _)| g == community);
        if !exists {
            return Ok(None);
        }
        let Some(record) = store.member(community, user.clone()).await? else { return Ok(None) };
        let mine = store.topic_member(id.0, user).await?;
        Ok(Some(in_topic(record, &mine)))
    })
}

impl dyn crate::store::Store {
    /// `createTopicInCommunity`; `made_id` is the ID a topic gets when the
    /// request names none.
    pub(crate) fn create_topic(
        &self,
        actor: Actor,
        request: CreateTopicInCommunity,
        made_id: String,
    ) -> StoreFuture<String> {
        self.transact(move |tx| create(tx, &actor, request, made_id))
    }

    /// `deleteTopicFromCommunity` (`None`: every topic).
    pub(crate) fn delete_topics(
        &self,
        actor: Actor,
        group: GroupId,
        topics: Option<Vec<String>>,
    ) -> StoreFuture<DeleteTopicResponse> {
        self.transact(move |tx| delete(tx, &actor, &group, topics))
    }

    /// `updateTopicProfile`: the topic as it now is, with the caller's
    /// `selfInfo`.
    pub(crate) fn update_topic(
        &self,
        actor: Actor,
        request: UpdateTopicProfile,
    ) -> StoreFuture<TopicProfile> {
        self.transact(move |tx| update(tx, &actor, request))
    }
}
