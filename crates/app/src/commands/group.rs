//! The group commands (`tim.createGroup` … `tim.markGroupMemberList`, the
//! 29 group methods of TIM, and the 5 community and topic methods,
//! `tim.getJoinedCommunityList` … `tim.getTopicList`): one SDK call each. Their argument and result
//! types are the wire types of [`confab_proto::group`] (TIM's field
//! names); where the SDK returns a bare group, group ID or list, the
//! handler wraps it as TIM's `imResponse.data` (`{group}`, `{groupID}`,
//! `{groupList}`). A TIM method that takes a bare string (`quitGroup`,
//! `dismissGroup`, `searchGroupByID`) takes `{groupID}` here; the facade
//! adapts.

use crate::commands::Empty;
use crate::core::AppCore;
use crate::error::from_tim;
use confab_proto::group::{
    AddGroupMember, AddGroupMemberResponse, ChangeGroupOwner, CreateGroup, CreateGroupResponse,
    DecreaseGroupCounter, DeleteGroupAttributes, DeleteGroupMember, DeleteGroupMemberResponse,
    DismissGroup, GetGroupApplicationListResponse, GetGroupAttributes, GetGroupCounters,
    GetGroupList, GetGroupListResponse, GetGroupMemberList, GetGroupMemberListResponse,
    GetGroupMemberProfile, GetGroupOnlineMemberCount, GetGroupProfile, GroupAttributesResponse,
    GroupCounterResponse, GroupCountersResponse, GroupIdResponse, GroupMemberResponse,
    GroupResponse, HandleGroupApplication, IncreaseGroupCounter, InitGroupAttributes, JoinGroup,
    JoinGroupResponse, KeyListResponse, MarkGroupMemberList, MarkGroupMemberListResponse,
    MemberListResponse, OnlineMemberCountResponse, QuitGroup, SearchGroupByID, SetGroupAttributes,
    SetGroupCounters, SetGroupMemberCustomField, SetGroupMemberMuteTime, SetGroupMemberNameCard,
    SetGroupMemberRole, UpdateGroupProfile,
};
use confab_proto::ErrorBody;

impl AppCore {
    pub(crate) async fn create_group(
        &self,
        args: CreateGroup,
    ) -> Result<CreateGroupResponse, ErrorBody> {
        self.tim()?.create_group(args).await.map_err(from_tim)
    }

    pub(crate) async fn get_group_list(
        &self,
        args: GetGroupList,
    ) -> Result<GetGroupListResponse, ErrorBody> {
        let group_list = self.tim()?.get_group_list(args).await.map_err(from_tim)?;
        Ok(GetGroupListResponse { group_list })
    }

    #[expect(clippy::unused_async, reason = "every command handler is async")]
    pub(crate) async fn get_joined_community_list(
        &self,
        _args: Empty,
    ) -> Result<GetGroupListResponse, ErrorBody> {
        let group_list = self.tim()?.get_joined_community_list().map_err(from_tim)?;
        Ok(GetGroupListResponse { group_list })
    }

    pub(crate) async fn create_topic_in_community(
        &self,
        args: confab_sdk::CreateTopicInCommunity,
    ) -> Result<confab_sdk::TopicIdResponse, ErrorBody> {
        self.tim()?.create_topic_in_community(args).await.map_err(from_tim)
    }

    pub(crate) async fn delete_topic_from_community(
        &self,
        args: confab_sdk::DeleteTopicFromCommunity,
    ) -> Result<confab_sdk::DeleteTopicResponse, ErrorBody> {
        self.tim()?.delete_topic_from_community(args).await.map_err(from_tim)
    }

    pub(crate) async fn update_topic_profile(
        &self,
        args: confab_sdk::UpdateTopicProfile,
    ) -> Result<confab_sdk::UpdatedTopic, ErrorBody> {
        self.tim()?.update_topic_profile(args).await.map_err(from_tim)
    }

    pub(crate) async fn get_topic_list(
        &self,
        args: confab_sdk::GetTopicList,
    ) -> Result<confab_sdk::TopicList, ErrorBody> {
        self.tim()?.get_topic_list(args).await.map_err(from_tim)
    }

    pub(crate) async fn get_group_profile(
        &self,
        args: GetGroupProfile,
    ) -> Result<GroupResponse, ErrorBody> {
        let group = self.tim()?.get_group_profile(args).await.map_err(from_tim)?;
        Ok(GroupResponse { group })
    }

    pub(crate) async fn dismiss_group(
        &self,
        args: DismissGroup,
    ) -> Result<GroupIdResponse, ErrorBody> {
        let group_id = self.tim()?.dismiss_group(&args.group_id.0).await.map_err(from_tim)?;
        Ok(GroupIdResponse { group_id })
    }

    pub(crate) async fn update_group_profile(
        &self,
        args: UpdateGroupProfile,
    ) -> Result<GroupResponse, ErrorBody> {
        let group = self.tim()?.update_group_profile(args).await.map_err(from_tim)?;
        Ok(GroupResponse { group })
    }

    pub(crate) async fn join_group(&self, args: JoinGroup) -> Result<JoinGroupResponse, ErrorBody> {
        self.tim()?.join_group(args).await.map_err(from_tim)
    }

    pub(crate) async fn quit_group(&self, args: QuitGroup) -> Result<GroupIdResponse, ErrorBody> {
        let group_id = self.tim()?.quit_group(&args.group_id.0).await.map_err(from_tim)?;
        Ok(GroupIdResponse { group_id })
    }

    pub(crate) async fn search_group_by_id(
        &self,
        args: SearchGroupByID,
    ) -> Result<GroupResponse, ErrorBody> {
        let group = self.tim()?.search_group_by_id(&args.group_id.0).await.map_err(from_tim)?;
        Ok(GroupResponse { group })
    }

    pub(crate) async fn add_group_member(
        &self,
        args: AddGroupMember,
    ) -> Result<AddGroupMemberResponse, ErrorBody> {
        self.tim()?.add_group_member(args).await.map_err(from_tim)
    }

    pub(crate) async fn delete_group_member(
        &self,
        args: DeleteGroupMember,
    ) -> Result<DeleteGroupMemberResponse, ErrorBody> {
        self.tim()?.delete_group_member(args).await.map_err(from_tim)
    }

    pub(crate) async fn get_group_member_list(
        &self,
        args: GetGroupMemberList,
    ) -> Result<GetGroupMemberListResponse, ErrorBody> {
        self.tim()?.get_group_member_list(args).await.map_err(from_tim)
    }

    pub(crate) async fn get_group_member_profile(
        &self,
        args: GetGroupMemberProfile,
    ) -> Result<MemberListResponse, ErrorBody> {
        self.tim()?.get_group_member_profile(args).await.map_err(from_tim)
    }

    pub(crate) async fn change_group_owner(
        &self,
        args: ChangeGroupOwner,
    ) -> Result<GroupResponse, ErrorBody> {
        let group = self.tim()?.change_group_owner(args).await.map_err(from_tim)?;
        Ok(GroupResponse { group })
    }

    pub(crate) async fn set_group_member_role(
        &self,
        args: SetGroupMemberRole,
    ) -> Result<GroupMemberResponse, ErrorBody> {
        self.tim()?.set_group_member_role(args).await.map_err(from_tim)
    }

    pub(crate) async fn set_group_member_mute_time(
        &self,
        args: SetGroupMemberMuteTime,
    ) -> Result<GroupMemberResponse, ErrorBody> {
        self.tim()?.set_group_member_mute_time(args).await.map_err(from_tim)
    }

    pub(crate) async fn set_group_member_name_card(
        &self,
        args: SetGroupMemberNameCard,
    ) -> Result<GroupMemberResponse, ErrorBody> {
        self.tim()?.set_group_member_name_card(args).await.map_err(from_tim)
    }

    pub(crate) async fn get_group_application_list(
        &self,
        _: Empty,
    ) -> Result<GetGroupApplicationListResponse, ErrorBody> {
        self.tim()?.get_group_application_list().await.map_err(from_tim)
    }

    pub(crate) async fn handle_group_application(
        &self,
        args: HandleGroupApplication,
    ) -> Result<GroupResponse, ErrorBody> {
        let group = self.tim()?.handle_group_application(args).await.map_err(from_tim)?;
        Ok(GroupResponse { group })
    }

    pub(crate) async fn get_group_online_member_count(
        &self,
        args: GetGroupOnlineMemberCount,
    ) -> Result<OnlineMemberCountResponse, ErrorBody> {
        self.tim()?.get_group_online_member_count(args).await.map_err(from_tim)
    }

    pub(crate) async fn init_group_attributes(
        &self,
        args: InitGroupAttributes,
    ) -> Result<GroupAttributesResponse, ErrorBody> {
        self.tim()?.init_group_attributes(args).await.map_err(from_tim)
    }

    pub(crate) async fn set_group_attributes(
        &self,
        args: SetGroupAttributes,
    ) -> Result<GroupAttributesResponse, ErrorBody> {
        self.tim()?.set_group_attributes(args).await.map_err(from_tim)
    }

    pub(crate) async fn delete_group_attributes(
        &self,
        args: DeleteGroupAttributes,
    ) -> Result<KeyListResponse, ErrorBody> {
        self.tim()?.delete_group_attributes(args).await.map_err(from_tim)
    }

    pub(crate) async fn get_group_attributes(
        &self,
        args: GetGroupAttributes,
    ) -> Result<GroupAttributesResponse, ErrorBody> {
        self.tim()?.get_group_attributes(args).await.map_err(from_tim)
    }

    pub(crate) async fn set_group_counters(
        &self,
        args: SetGroupCounters,
    ) -> Result<GroupCountersResponse, ErrorBody> {
        self.tim()?.set_group_counters(args).await.map_err(from_tim)
    }

    pub(crate) async fn increase_group_counter(
        &self,
        args: IncreaseGroupCounter,
    ) -> Result<GroupCounterResponse, ErrorBody> {
        self.tim()?.increase_group_counter(args).await.map_err(from_tim)
    }

    pub(crate) async fn decrease_group_counter(
        &self,
        args: DecreaseGroupCounter,
    ) -> Result<GroupCounterResponse, ErrorBody> {
        self.tim()?.decrease_group_counter(args).await.map_err(from_tim)
    }

    pub(crate) async fn get_group_counters(
        &self,
        args: GetGroupCounters,
    ) -> Result<GroupCountersResponse, ErrorBody> {
        self.tim()?.get_group_counters(args).await.map_err(from_tim)
    }

    pub(crate) async fn set_group_member_custom_field(
        &self,
        args: SetGroupMemberCustomField,
    ) -> Result<GroupMemberResponse, ErrorBody> {
        self.tim()?.set_group_member_custom_field(args).await.map_err(from_tim)
    }

    pub(crate) async fn mark_group_member_list(
        &self,
        args: MarkGroupMemberList,
    ) -> Result<MarkGroupMemberListResponse, ErrorBody> {
        self.tim()?.mark_group_member_list(args).await.map_err(from_tim)
    }
}
