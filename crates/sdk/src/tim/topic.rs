//! Communities and topics (server: `handlers/topic.rs`):
//! `getJoinedCommunityList`, `createTopicInCommunity`,
//! `deleteTopicFromCommunity`, `updateTopicProfile` and `getTopicList`.
//!
//! The rules are the server's. A topic's messages are sent like a group's
//! (`conversationType: GROUP`, `to` = the topic ID) and arrive on the
//! topic's own timeline; the local store keeps each topic's profile and
//! its conversation (`GROUP<topicID>`: unread count, last message, @ info,
//! remind type), which [`Topic`] joins. Every instance hears topic changes
//! from the community's timeline (TOPIC_CREATED, TOPIC_DELETED,
//! TOPIC_UPDATED); TOPIC_UPDATED also fires when my unread count, last
//! message or @ info in a topic changes.

use super::Tim;
use crate::model::Topic;
use crate::TimError;
use confab_proto::group::{GroupProfile, GroupType};
use confab_proto::topic::{
    community_of, CreateTopicInCommunity, DeleteTopicFromCommunity, DeleteTopicResponse,
    GetTopicList, TopicFailure, TopicIdResponse, UpdateTopicProfile,
};
use confab_proto::{code, GroupId};
use serde::{Deserialize, Serialize};

/// `getTopicList`'s `imResponse.data`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicList {
    /// The topics found.
    pub success_topic_list: Vec<Topic>,
    /// The topics not found, with why (10010 none such, 3021 malformed).
    pub failure_topic_list: Vec<TopicFailure>,
}

/// `updateTopicProfile`'s `imResponse.data`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UpdatedTopic {
    /// The topic as it now is.
    pub topic: Topic,
}

fn require_group(group_id: &GroupId) -> Result<(), TimError> {
    if group_id.0.is_empty() {
        return Err(TimError::new(code::ILLEGAL_GROUP_ID, "groupID is required"));
    }
    Ok(())
}

impl Tim {
    /// TIM `getJoinedCommunityList`: the communities with topics I am in
    /// (not communities without topics; checklist 920), from the local
    /// group list (kept by the inbox's membership events).
    pub fn get_joined_community_list(&self) -> Result<Vec<GroupProfile>, TimError> {
        let session = self.ready_session()?;
        let groups = session.core.store.groups()?;
        Ok(groups
            .into_iter()
            .filter(|g| g.group_type == GroupType::Community && g.is_support_topic)
            .collect())
    }

    /// TIM `createTopicInCommunity` (owner and admins of a community made
    /// with `isSupportTopic`; checklist 923-929): the topic's ID, made by
    /// the server when none is given. A custom ID must be
    /// `<groupID>@TOPIC#<part>` (3021).
    pub async fn create_topic_in_community(
        &self,
        options: CreateTopicInCommunity,
    ) -> Result<TopicIdResponse, TimError> {
        require_group(&options.group_id)?;
        if options.topic_name.is_empty() {
            return Err(TimError::new(
                code::ERR_SVR_GROUP_INVALID_PARAMETERS,
                "topicName is required",
            ));
        }
        if !options.topic_id.is_empty()
            && community_of(&options.topic_id).as_ref() != Some(&options.group_id)
        {
            return Err(TimError::new(
                code::ILLEGAL_TOPIC_ID,
                format!("a topicID is {}@TOPIC#<part>", options.group_id),
            ));
        }
        let session = self.ready_session()?;
        self.request(&session, &options).await
    }

    /// TIM `deleteTopicFromCommunity` (owner and admins; `topicIDList`
    /// `None`: every topic): which were deleted and which not, with why
    /// (checklist 931-935).
    pub async fn delete_topic_from_community(
        &self,
        options: DeleteTopicFromCommunity,
    ) -> Result<DeleteTopicResponse, TimError> {
        require_group(&options.group_id)?;
        let session = self.ready_session()?;
        self.request(&session, &options).await
    }

    /// TIM `updateTopicProfile` (owner and admins; checklist 937-942): the
    /// topic as it now is. The other members hear TOPIC_UPDATED.
    pub async fn update_topic_profile(
        &self,
        options: UpdateTopicProfile,
    ) -> Result<UpdatedTopic, TimError> {
        require_group(&options.group_id)?;
        if community_of(&options.topic_id).as_ref() != Some(&options.group_id) {
            return Err(TimError::new(
                code::ILLEGAL_TOPIC_ID,
                format!("{:?} is not a topic of {}", options.topic_id, options.group_id),
            ));
        }
        let session = self.ready_session()?;
        let group = options.group_id.0.clone();
        let response = self.request(&session, &options).await?;
        let store = &session.core.store;
        store.store_topics(&group, std::slice::from_ref(&response.topic), false, false)?;
        let topic = store
            .topic(&response.topic.topic_id)?
            .map_or_else(|| Topic::of(&response.topic, None), |(_, t)| t);
        Ok(UpdatedTopic { topic })
    }

    /// TIM `getTopicList` (members; `topicIDList` `None`: all of them;
    /// at most 10 calls a second, else 2996; checklist 944-952): each
    /// topic with my unread count, last message and @ info in it.
    /// Offline, answers from the local copy.
    pub async fn get_topic_list(&self, options: GetTopicList) -> Result<TopicList, TimError> {
        require_group(&options.group_id)?;
        let session = self.ready_session()?;
        let store = &session.core.store;
        let group = options.group_id.0.clone();
        let only = options.topic_id_list.clone();
        match self.request(&session, &options).await {
            Ok(response) => {
                store.store_topics(&group, &response.success_topic_list, only.is_none(), true)?;
                let ids: Vec<String> =
                    response.success_topic_list.iter().map(|t| t.topic_id.clone()).collect();
                let mut topics = store.topics(&group, Some(&ids))?;
                topics.sort_by_key(|t| ids.iter().position(|id| *id == t.topic_id));
                Ok(TopicList {
                    success_topic_list: topics,
                    failure_topic_list: response.failure_topic_list,
                })
            }
            Err(e) if e.code == code::NETWORK_ERROR => Ok(TopicList {
                success_topic_list: store.topics(&group, only.as_deref())?,
                failure_topic_list: Vec::new(),
            }),
            Err(e) => Err(e),
        }
    }
}
