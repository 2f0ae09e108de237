//! Community topics (TIM 话题, `createTopicInCommunity` and friends): the
//! channels inside a Community created with `isSupportTopic`. A topic has
//! its own profile, its own message sequence and its own timeline (keyed
//! by its topic ID), and each member has their own read mark, join point
//! and mute in it; membership is the community's. Its conversation is
//! `GROUP<topicID>`, its messages are sent with `conversationType: GROUP`
//! and `to` = topic ID (checklist 86).
//!
//! A topic ID is the community's ID, then [`TOPIC_MARK`], then the topic's
//! own part (`@TGS#_@TGS#cWWF…@TOPIC#_@TOPIC#cXWF…`); a custom one must
//! have that form (checklist 926, 1141: else 3021 `ILLEGAL_TOPIC_ID`).
//! Topic changes reach every member's instances on the community's own
//! timeline ([`crate::inbox::InboxEvent::TopicCreated`] and the others).

use crate::ids::GroupId;
use serde::{Deserialize, Serialize};

macro_rules! operation {
    ($req:ty, $name:literal, $resp:ty) => {
        impl crate::ops::Operation for $req {
            const NAME: &'static str = $name;
            type Response = $resp;
        }
    };
}

/// What joins a community ID and a topic's own part in a topic ID.
pub const TOPIC_MARK: &str = "@TOPIC#";
/// The prefix of a Community's group ID (checklist 695, 1140).
pub const COMMUNITY_PREFIX: &str = "@TGS#_";
/// Longest topic ID, in bytes (a 48-byte community ID, the mark and a
/// 48-byte part).
pub const MAX_TOPIC_ID_BYTES: usize = 104;
/// Longest `topicName`, in bytes.
pub const MAX_TOPIC_NAME_BYTES: usize = 150;
/// Longest `customData`, in bytes.
pub const MAX_TOPIC_CUSTOM_DATA_BYTES: usize = 4096;
/// Most topics one community holds.
pub const MAX_TOPICS_PER_COMMUNITY: usize = 100;
/// `getTopicList` calls one user may make per second (checklist 951).
pub const TOPIC_LIST_RATE_PER_SEC: u32 = 10;

/// The community of a well-formed topic ID: the part before the first
/// [`TOPIC_MARK`], which must be a community ID (`@TGS#_…`), followed by
/// a non-empty topic part of printable characters; `None` otherwise.
pub fn community_of(topic_id: &str) -> Option<GroupId> {
    let (community, part) = topic_id.split_once(TOPIC_MARK)?;
    let printable = |s: &str| s.chars().all(|c| c.is_ascii_graphic());
    let well_formed = community.len() > COMMUNITY_PREFIX.len()
        && community.starts_with(COMMUNITY_PREFIX)
        && !part.is_empty()
        && topic_id.len() <= MAX_TOPIC_ID_BYTES
        && printable(topic_id);
    well_formed.then(|| GroupId::new(community))
}

/// Whether `id` (a `to`, a conversation's group part) names a topic. Group
/// IDs never hold [`TOPIC_MARK`] (the server refuses such a group ID), so
/// the mark alone tells.
pub fn is_topic_id(id: &str) -> bool {
    id.contains(TOPIC_MARK)
}

/// A member's own standing in a topic.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicSelfInfo {
    /// Muted in this topic until, seconds (0: not muted here).
    pub mute_until: i64,
    /// Highest message sequence of the topic the member has read.
    pub read_sequence: u64,
}

/// A topic as the server keeps it (TIM `Topic` without the fields a client
/// computes from its own copy: unread count, last message, @ info).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicProfile {
    /// The topic ID.
    #[serde(rename = "topicID")]
    pub topic_id: String,
    /// Name (1 to 150 bytes).
    pub topic_name: String,
    /// Avatar URL (≤ 100 bytes).
    pub avatar: String,
    /// Introduction (≤ 240 bytes).
    pub introduction: String,
    /// Notification (≤ 300 bytes), shown in the topic's header.
    pub notification: String,
    /// Everyone but the community's owner and admins is muted here.
    pub mute_all_members: bool,
    /// The app's own data (≤ 4 KB).
    pub custom_data: String,
    /// When it was made, seconds.
    pub create_time: i64,
    /// The sequence the topic's next message gets.
    pub next_message_seq: u64,
    /// The caller's standing in it (answers to a member).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_info: Option<TopicSelfInfo>,
}

/// `createTopicInCommunity`: a new topic in a community with topics (owner
/// and admins).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateTopicInCommunity {
    /// The community.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// Name, required.
    pub topic_name: String,
    /// A custom topic ID (`<communityID>@TOPIC#<part>`); empty: the server
    /// makes one.
    #[serde(rename = "topicID", default)]
    pub topic_id: String,
    /// Avatar URL.
    #[serde(default)]
    pub avatar: String,
    /// Notification.
    #[serde(default)]
    pub notification: String,
    /// Introduction.
    #[serde(default)]
    pub introduction: String,
    /// Custom data.
    #[serde(default)]
    pub custom_data: String,
}
operation!(CreateTopicInCommunity, "createTopicInCommunity", TopicIdResponse);

/// `{topicID}`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicIdResponse {
    /// The topic ID.
    #[serde(rename = "topicID")]
    pub topic_id: String,
}

/// One topic an operation could not act on.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicFailure {
    /// The topic ID asked for.
    #[serde(rename = "topicID")]
    pub topic_id: String,
    /// TIM's code (10010: no such topic in the community; 3021: not a
    /// well-formed topic ID).
    pub code: i32,
    /// Why, for people.
    pub message: String,
}

/// `deleteTopicFromCommunity`: deletes the listed topics, or all of them
/// (owner and admins).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteTopicFromCommunity {
    /// The community.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// The topics; `None`: every topic of the community.
    #[serde(rename = "topicIDList", default, skip_serializing_if = "Option::is_none")]
    pub topic_id_list: Option<Vec<String>>,
}
operation!(DeleteTopicFromCommunity, "deleteTopicFromCommunity", DeleteTopicResponse);

/// A topic acted on.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicIdOnly {
    /// The topic ID.
    #[serde(rename = "topicID")]
    pub topic_id: String,
}

/// `{successTopicList: [{topicID}], failureTopicList}`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteTopicResponse {
    /// The topics deleted.
    pub success_topic_list: Vec<TopicIdOnly>,
    /// The topics not deleted, with why.
    pub failure_topic_list: Vec<TopicFailure>,
}

/// `updateTopicProfile`: changes the given fields (owner and admins).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateTopicProfile {
    /// The community.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// The topic.
    #[serde(rename = "topicID")]
    pub topic_id: String,
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_name: Option<String>,
    /// New avatar URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// New notification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification: Option<String>,
    /// New introduction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduction: Option<String>,
    /// New custom data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_data: Option<String>,
    /// Mute (true) or unmute (false) everyone but the owner and admins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute_all_members: Option<bool>,
}
operation!(UpdateTopicProfile, "updateTopicProfile", TopicResponse);

/// `{topic}`: the topic as it now is.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicResponse {
    /// The topic.
    pub topic: TopicProfile,
}

/// `getTopicList`: the listed topics, or all of them (members; 10 calls a
/// second, checklist 951).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetTopicList {
    /// The community.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// The topics; `None`: all of them, oldest first.
    #[serde(rename = "topicIDList", default, skip_serializing_if = "Option::is_none")]
    pub topic_id_list: Option<Vec<String>>,
}
operation!(GetTopicList, "getTopicList", TopicListResponse);

/// `{successTopicList: [Topic], failureTopicList}`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicListResponse {
    /// The topics found, each with the caller's `selfInfo`.
    pub success_topic_list: Vec<TopicProfile>,
    /// The topics not found, with why.
    pub failure_topic_list: Vec<TopicFailure>,
}

/// A topic a new member of a community starts to follow: the topic, and
/// the member's first cursor on its timeline (its head when they joined).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinedTopic {
    /// The topic.
    pub topic: TopicProfile,
    /// The member's first cursor on the topic's timeline.
    pub after: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Operation as _;

    // checklist 926, 1139-1142: the form of a topic ID.
    #[test]
    fn topic_ids_name_their_community() {
        let id = "@TGS#_@TGS#cWWFWHIM62CL@TOPIC#_@TOPIC#cXWFWHIM62CR";
        assert_eq!(community_of(id), Some(GroupId::new("@TGS#_@TGS#cWWFWHIM62CL")));
        assert!(is_topic_id(id));
        assert_eq!(community_of("@TGS#_c1@TOPIC#_t"), Some(GroupId::new("@TGS#_c1")));
        for bad in [
            "@TGS#_c1",
            "@TGS#_c1@TOPIC#",
            "@TGS#_@TOPIC#_t",
            "@TGS#1abc@TOPIC#_t",
            "c1@TOPIC#_t",
            "@TGS#_c1@TOPIC#_a b",
        ] {
            assert_eq!(community_of(bad), None, "{bad}");
        }
        let long = format!("@TGS#_c1{TOPIC_MARK}{}", "x".repeat(MAX_TOPIC_ID_BYTES));
        assert_eq!(community_of(&long), None);
        assert!(!is_topic_id("@TGS#_c1"));
    }

    #[test]
    fn topic_shapes_snapshot() {
        let topic = TopicProfile {
            topic_id: "@TGS#_c@TOPIC#_t".into(),
            topic_name: "general".into(),
            mute_all_members: true,
            next_message_seq: 3,
            self_info: Some(TopicSelfInfo { mute_until: 9, read_sequence: 2 }),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&topic).expect("json"),
            r#"{"topicID":"@TGS#_c@TOPIC#_t","topicName":"general","avatar":"","introduction":"","notification":"","muteAllMembers":true,"customData":"","createTime":0,"nextMessageSeq":3,"selfInfo":{"muteUntil":9,"readSequence":2}}"#
        );
        let all: DeleteTopicFromCommunity =
            serde_json::from_str(r#"{"groupID":"@TGS#_c"}"#).expect("parse");
        assert_eq!(all.topic_id_list, None);
        let create: CreateTopicInCommunity =
            serde_json::from_str(r#"{"groupID":"@TGS#_c","topicName":"t"}"#).expect("parse");
        assert!(create.topic_id.is_empty());
        assert_eq!(CreateTopicInCommunity::NAME, "createTopicInCommunity");
        assert_eq!(
            serde_json::to_string(&DeleteTopicResponse {
                success_topic_list: vec![TopicIdOnly { topic_id: "a".into() }],
                failure_topic_list: vec![TopicFailure {
                    topic_id: "b".into(),
                    code: 10010,
                    message: "m".into()
                }],
            })
            .expect("json"),
            r#"{"successTopicList":[{"topicID":"a"}],"failureTopicList":[{"topicID":"b","code":10010,"message":"m"}]}"#
        );
    }
}
