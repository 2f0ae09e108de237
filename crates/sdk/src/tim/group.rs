//! Groups (server: `handlers/group.rs`): `createGroup`, `getGroupList`,
//! `getGroupProfile`, `dismissGroup`, `updateGroupProfile`, `joinGroup`,
//! `quitGroup`, `searchGroupByID`, `addGroupMember`, `deleteGroupMember`,
//! `getGroupMemberList`, `getGroupMemberProfile`, `changeGroupOwner`,
//! `setGroupMemberRole`, `setGroupMemberMuteTime` and
//! `setGroupMemberNameCard`.
//!
//! The rules are the server's (its kinds table); every call goes to the
//! server and resolves with TIM's `imResponse.data`. What an answer says
//! about a group this account is in is kept in the local group list at
//! once, with GROUP_LIST_UPDATED when the list changed, so `get_group_list`
//! is right as soon as a call resolves; the inbox's `groupJoined` /
//! `groupLeft` bring the same changes to the other instances. Offline,
//! `get_group_list` answers from the local list.

use super::{Session, Tim};
use crate::event::Event;
use crate::session::SessionCore;
use crate::TimError;
use confab_proto::code;
use confab_proto::group::{
    AddGroupMember, AddGroupMemberResponse, ChangeGroupOwner, CreateGroup, CreateGroupResponse,
    DeleteGroupMember, DeleteGroupMemberResponse, DismissGroup, GetGroupList, GetGroupMemberList,
    GetGroupMemberListResponse, GetGroupMemberProfile, GetGroupProfile, GroupMemberResponse,
    GroupProfile, GroupResponse, GroupType, JoinGroup, JoinGroupResponse, JoinStatus,
    MemberListResponse, QuitGroup, SearchGroupByID, SetGroupMemberMuteTime, SetGroupMemberNameCard,
    SetGroupMemberRole, UpdateGroupProfile,
};
use confab_proto::ops::Operation;
use confab_proto::GroupId;

/// Refuses an empty group ID before it goes to the server.
fn require_group_id(group_id: &GroupId) -> Result<(), TimError> {
    if group_id.0.is_empty() {
        return Err(TimError::new(code::ILLEGAL_GROUP_ID, "groupID is required"));
    }
    Ok(())
}

/// GROUP_LIST_UPDATED with the stored list.
fn announce_groups(core: &SessionCore) -> Result<(), TimError> {
    core.emit(Event::GroupListUpdated(core.store.groups()?));
    Ok(())
}

/// An answer that carries the group's profile as it now is.
trait CarriesGroup {
    fn group(&self) -> &GroupProfile;
}

macro_rules! carries_group {
    ($($t:ty),*) => {$(
        impl CarriesGroup for $t {
            fn group(&self) -> &GroupProfile {
                &self.group
            }
        }
    )*};
}
carries_group!(
    GroupResponse,
    GroupMemberResponse,
    AddGroupMemberResponse,
    DeleteGroupMemberResponse
);

impl Tim {
    /// Sends one operation on the group `group_id` whose answer carries the
    /// group's profile, and keeps that profile (see `keep_group`).
    async fn change_group<O>(
        &self,
        group_id: &GroupId,
        options: &O,
    ) -> Result<O::Response, TimError>
    where
        O: Operation,
        O::Response: CarriesGroup,
    {
        require_group_id(group_id)?;
        let session = self.ready_session()?;
        let response = self.request(&session, options).await?;
        self.keep_group(&session, response.group())?;
        Ok(response)
    }

    /// Keeps a group this account is a member of (its `selfInfo` says so,
    /// or it is already in the list) and announces a changed list.
    fn keep_group(&self, session: &Session, group: &GroupProfile) -> Result<(), TimError> {
        let core = &session.core;
        let member = group.self_info.is_some() || core.store.group(&group.group_id.0)?.is_some();
        if member && core.store.store_groups(std::slice::from_ref(group))? {
            announce_groups(core)?;
        }
        Ok(())
    }

    /// Drops a group from the local list (quit, dismissed) and announces it.
    fn drop_group(&self, session: &Session, group_id: &str) -> Result<(), TimError> {
        let core = &session.core;
        if core.store.forget_group(group_id)? {
            announce_groups(core)?;
        }
        Ok(())
    }

    /// TIM `createGroup`: the group with the caller as owner (an AVChatRoom's
    /// creator still joins it to take part, checklist 691). GROUP_LIST_UPDATED
    /// fires for the creator (checklist 694).
    pub async fn create_group(
        &self,
        options: CreateGroup,
    ) -> Result<CreateGroupResponse, TimError> {
        let session = self.ready_session()?;
        let response = self.request(&session, &options).await?;
        if response.group.group_type != GroupType::AvChatRoom {
            self.keep_group(&session, &response.group)?;
        }
        Ok(response)
    }

    /// TIM `getGroupList`: the groups the caller is in (never AVChatRooms),
    /// from the server when connected (the local list follows it), else the
    /// local list.
    pub async fn get_group_list(
        &self,
        options: GetGroupList,
    ) -> Result<Vec<GroupProfile>, TimError> {
        let session = self.ready_session()?;
        let core = &session.core;
        match self.request(&session, &options).await {
            Ok(response) => {
                if core.store.replace_groups(&response.group_list)? {
                    announce_groups(core)?;
                }
                Ok(core.store.groups()?)
            }
            Err(e) if e.code == code::NETWORK_ERROR => Ok(core.store.groups()?),
            Err(e) => Err(e),
        }
    }

    /// TIM `getGroupProfile`.
    pub async fn get_group_profile(
        &self,
        options: GetGroupProfile,
    ) -> Result<GroupProfile, TimError> {
        Ok(self.change_group(&options.group_id, &options).await?.group)
    }

    /// TIM `dismissGroup` (owner only; never a Work group: 2622). Resolves
    /// with the group's ID.
    pub async fn dismiss_group(&self, group_id: &str) -> Result<GroupId, TimError> {
        let group_id = GroupId::new(group_id);
        require_group_id(&group_id)?;
        let session = self.ready_session()?;
        let response = self.request(&session, &DismissGroup { group_id }).await?;
        self.drop_group(&session, &response.group_id.0)?;
        Ok(response.group_id)
    }

    /// TIM `updateGroupProfile`: the updated group.
    pub async fn update_group_profile(
        &self,
        options: UpdateGroupProfile,
    ) -> Result<GroupProfile, TimError> {
        Ok(self.change_group(&options.group_id, &options).await?.group)
    }

    /// TIM `joinGroup`: joined at once, waiting for approval, or already a
    /// member (which resolves). Joining an AVChatRoom leaves the one joined
    /// before (one at a time, checklist 720).
    pub async fn join_group(&self, options: JoinGroup) -> Result<JoinGroupResponse, TimError> {
        require_group_id(&options.group_id)?;
        let session = self.ready_session()?;
        let response = self.request(&session, &options).await?;
        if response.status == JoinStatus::JoinedSuccess {
            if let Some(group) = &response.group {
                let core = &session.core;
                if group.group_type == GroupType::AvChatRoom {
                    for old in core.store.av_chat_rooms()? {
                        if old != group.group_id.0 {
                            core.store.forget_group(&old)?;
                        }
                    }
                    core.store.store_groups(std::slice::from_ref(group))?;
                } else {
                    self.keep_group(&session, group)?;
                }
            }
        }
        Ok(response)
    }

    /// TIM `quitGroup` (an owner only of a Work group). Resolves with the
    /// group's ID; the group leaves the list (checklist 736).
    pub async fn quit_group(&self, group_id: &str) -> Result<GroupId, TimError> {
        let group_id = GroupId::new(group_id);
        require_group_id(&group_id)?;
        let session = self.ready_session()?;
        let response = self.request(&session, &QuitGroup { group_id }).await?;
        self.drop_group(&session, &response.group_id.0)?;
        Ok(response.group_id)
    }

    /// TIM `searchGroupByID` (Work groups cannot be found).
    pub async fn search_group_by_id(&self, group_id: &str) -> Result<GroupProfile, TimError> {
        let group_id = GroupId::new(group_id);
        require_group_id(&group_id)?;
        let session = self.ready_session()?;
        Ok(self.request(&session, &SearchGroupByID { group_id }).await?.group)
    }

    /// TIM `addGroupMember`: who was added, who failed, who was in already.
    pub async fn add_group_member(
        &self,
        options: AddGroupMember,
    ) -> Result<AddGroupMemberResponse, TimError> {
        self.change_group(&options.group_id, &options).await
    }

    /// TIM `deleteGroupMember`: the members removed.
    pub async fn delete_group_member(
        &self,
        options: DeleteGroupMember,
    ) -> Result<DeleteGroupMemberResponse, TimError> {
        self.change_group(&options.group_id, &options).await
    }

    /// TIM `getGroupMemberList`: a page of members and the next offset.
    pub async fn get_group_member_list(
        &self,
        options: GetGroupMemberList,
    ) -> Result<GetGroupMemberListResponse, TimError> {
        require_group_id(&options.group_id)?;
        let session = self.ready_session()?;
        self.request(&session, &options).await
    }

    /// TIM `getGroupMemberProfile`.
    pub async fn get_group_member_profile(
        &self,
        options: GetGroupMemberProfile,
    ) -> Result<MemberListResponse, TimError> {
        require_group_id(&options.group_id)?;
        let session = self.ready_session()?;
        self.request(&session, &options).await
    }

    /// TIM `changeGroupOwner`: the group with its new owner.
    pub async fn change_group_owner(
        &self,
        options: ChangeGroupOwner,
    ) -> Result<GroupProfile, TimError> {
        Ok(self.change_group(&options.group_id, &options).await?.group)
    }

    /// TIM `setGroupMemberRole`: the group and the member.
    pub async fn set_group_member_role(
        &self,
        options: SetGroupMemberRole,
    ) -> Result<GroupMemberResponse, TimError> {
        self.change_group(&options.group_id, &options).await
    }

    /// TIM `setGroupMemberMuteTime` (seconds; 0 lifts it).
    pub async fn set_group_member_mute_time(
        &self,
        options: SetGroupMemberMuteTime,
    ) -> Result<GroupMemberResponse, TimError> {
        self.change_group(&options.group_id, &options).await
    }

    /// TIM `setGroupMemberNameCard` (the caller's own without `userID`).
    pub async fn set_group_member_name_card(
        &self,
        options: SetGroupMemberNameCard,
    ) -> Result<GroupMemberResponse, TimError> {
        self.change_group(&options.group_id, &options).await
    }
}
