//! The rest of TIM's group methods (server: `handlers/group.rs` and
//! `handlers/group_values.rs`): join requests (`getGroupApplicationList`,
//! `handleGroupApplication`), `getGroupOnlineMemberCount`, group
//! attributes (`initGroupAttributes`, `setGroupAttributes`,
//! `deleteGroupAttributes`, `getGroupAttributes`), group counters
//! (`setGroupCounters`, `increaseGroupCounter`, `decreaseGroupCounter`,
//! `getGroupCounters`), `setGroupMemberCustomField` and
//! `markGroupMemberList`.
//!
//! Each is one request; the rules and limits are the server's. Changes of
//! attributes and counters reach every member as GROUP_ATTRIBUTES_UPDATED /
//! GROUP_COUNTER_UPDATED from the group's timeline (the caller's instances
//! too), so nothing is kept locally here.

use super::Tim;
use crate::TimError;
use confab_proto::group::{
    DecreaseGroupCounter, DeleteGroupAttributes, GetGroupApplicationList,
    GetGroupApplicationListResponse, GetGroupAttributes, GetGroupCounters,
    GetGroupOnlineMemberCount, GroupAttributesResponse, GroupCounterResponse,
    GroupCountersResponse, GroupMemberResponse, GroupProfile, HandleGroupApplication,
    IncreaseGroupCounter, InitGroupAttributes, KeyListResponse, MarkGroupMemberList,
    MarkGroupMemberListResponse, OnlineMemberCountResponse, SetGroupAttributes, SetGroupCounters,
    SetGroupMemberCustomField,
};
use confab_proto::ops::Operation;

impl Tim {
    /// One group request for a ready instance.
    async fn group_call<O: Operation>(&self, request: &O) -> Result<O::Response, TimError> {
        let session = self.ready_session()?;
        self.request(&session, request).await
    }

    /// TIM `getGroupApplicationList`: the pending join requests of the
    /// groups the caller owns or administers.
    pub async fn get_group_application_list(
        &self,
    ) -> Result<GetGroupApplicationListResponse, TimError> {
        self.group_call(&GetGroupApplicationList {}).await
    }

    /// TIM `handleGroupApplication`: agree to or refuse a join request (the
    /// first owner or admin decides); resolves with the group.
    pub async fn handle_group_application(
        &self,
        options: HandleGroupApplication,
    ) -> Result<GroupProfile, TimError> {
        Ok(self.group_call(&options).await?.group)
    }

    /// TIM `getGroupOnlineMemberCount` (AVChatRoom; 0 elsewhere).
    pub async fn get_group_online_member_count(
        &self,
        options: GetGroupOnlineMemberCount,
    ) -> Result<OnlineMemberCountResponse, TimError> {
        self.group_call(&options).await
    }

    /// TIM `initGroupAttributes`: replaces every attribute.
    pub async fn init_group_attributes(
        &self,
        options: InitGroupAttributes,
    ) -> Result<GroupAttributesResponse, TimError> {
        self.group_call(&options).await
    }

    /// TIM `setGroupAttributes`: sets some attributes.
    pub async fn set_group_attributes(
        &self,
        options: SetGroupAttributes,
    ) -> Result<GroupAttributesResponse, TimError> {
        self.group_call(&options).await
    }

    /// TIM `deleteGroupAttributes` (an empty `keyList` deletes all).
    pub async fn delete_group_attributes(
        &self,
        options: DeleteGroupAttributes,
    ) -> Result<KeyListResponse, TimError> {
        self.group_call(&options).await
    }

    /// TIM `getGroupAttributes` (an empty `keyList` gets all).
    pub async fn get_group_attributes(
        &self,
        options: GetGroupAttributes,
    ) -> Result<GroupAttributesResponse, TimError> {
        self.group_call(&options).await
    }

    /// TIM `setGroupCounters`.
    pub async fn set_group_counters(
        &self,
        options: SetGroupCounters,
    ) -> Result<GroupCountersResponse, TimError> {
        self.group_call(&options).await
    }

    /// TIM `increaseGroupCounter`.
    pub async fn increase_group_counter(
        &self,
        options: IncreaseGroupCounter,
    ) -> Result<GroupCounterResponse, TimError> {
        self.group_call(&options).await
    }

    /// TIM `decreaseGroupCounter`.
    pub async fn decrease_group_counter(
        &self,
        options: DecreaseGroupCounter,
    ) -> Result<GroupCounterResponse, TimError> {
        self.group_call(&options).await
    }

    /// TIM `getGroupCounters` (an empty `keyList` gets all).
    pub async fn get_group_counters(
        &self,
        options: GetGroupCounters,
    ) -> Result<GroupCountersResponse, TimError> {
        self.group_call(&options).await
    }

    /// TIM `setGroupMemberCustomField`.
    pub async fn set_group_member_custom_field(
        &self,
        options: SetGroupMemberCustomField,
    ) -> Result<GroupMemberResponse, TimError> {
        self.group_call(&options).await
    }

    /// TIM `markGroupMemberList` (an AVChatRoom's owner marks joiners).
    pub async fn mark_group_member_list(
        &self,
        options: MarkGroupMemberList,
    ) -> Result<MarkGroupMemberListResponse, TimError> {
        self.group_call(&options).await
    }
}
