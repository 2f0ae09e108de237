//! The relation chain (server: `handlers/relation.rs`): the blacklist,
//! friends, friend requests and friend groups, with the local store as the
//! offline copy. Every change, made here or on another instance, fires its
//! list's event (BLACKLIST_UPDATED, FRIEND_LIST_UPDATED,
//! FRIEND_APPLICATION_LIST_UPDATED, FRIEND_GROUP_LIST_UPDATED) once with
//! the whole list: what an answer says is kept at once, and its inbox echo
//! then changes nothing.

use super::Tim;
use crate::event::Event;
use crate::model::FriendApplicationList;
use crate::session::SessionCore;
use crate::store::relations::{RelationChange, RelationChanges};
use crate::TimError;
use confab_proto::code;
use confab_proto::relation::{
    AcceptFriendApplication, AddFriend, AddFriendResponse, AddToBlacklist, AddToFriendGroup,
    ApplicationType, CheckFriend, CheckFriendResponse, CheckType, CreateFriendGroup, DeleteFriend,
    DeleteFriendApplication, DeleteFriendGroup, DeleteType, Friend, FriendGroup, FriendGroupChange,
    FriendProfileResponse, FriendResultResponse, GetBlacklist, GetFriendProfile,
    RefuseFriendApplication, RemoveFromBlacklist, RemoveFromFriendGroup, RenameFriendGroup,
    ResponseAction, SetFriendApplicationRead, UpdateFriend, UserResult,
};
use confab_proto::UserId;

/// Keeps the server's list as this device's and announces it if it
/// differs from what the device knew.
fn keep(core: &SessionCore, list: &[UserId]) -> Result<Vec<String>, TimError> {
    if let Some(changed) = core.store.replace_blacklist(list)? {
        core.emit(Event::BlacklistUpdated(changed));
    }
    Ok(list.iter().map(|u| u.as_str().to_owned()).collect())
}

impl Tim {
    /// TIM `getBlacklist`: my blacklist's userIDs, from the server when
    /// connected (a difference from the local copy is kept and announced),
    /// else the last known list.
    pub async fn get_blacklist(&self) -> Result<Vec<String>, TimError> {
        let session = self.ready_session()?;
        match self.request(&session, &GetBlacklist {}).await {
            Ok(response) => keep(&session.core, &response.user_id_list),
            Err(e) if e.code == code::NETWORK_ERROR => Ok(session.core.store.blacklist()?),
            Err(e) => Err(e),
        }
    }

    /// TIM `addToBlacklist`: blocks users (at most 1,000 per call; even one
    /// goes in a list). Resolves with the whole blacklist afterwards.
    /// Errors: 2742 my own userID, 2501 a userID that is not registered,
    /// 20001 an empty or too long list. Messages between me and a blocked
    /// user are refused either way (20007).
    pub async fn add_to_blacklist(&self, user_ids: Vec<String>) -> Result<Vec<String>, TimError> {
        let session = self.ready_session()?;
        let request =
            AddToBlacklist { user_id_list: user_ids.into_iter().map(UserId::new).collect() };
        let response = self.request(&session, &request).await?;
        keep(&session.core, &response.user_id_list)
    }

    /// TIM `removeFromBlacklist`: unblocks users (at most 1,000 per call).
    /// Resolves with the whole blacklist afterwards (the 2.27 text's comment
    /// says "the full blacklisted list", checklist 516).
    pub async fn remove_from_blacklist(
        &self,
        user_ids: Vec<String>,
    ) -> Result<Vec<String>, TimError> {
        let session = self.ready_session()?;
        let request =
            RemoveFromBlacklist { user_id_list: user_ids.into_iter().map(UserId::new).collect() };
        let response = self.request(&session, &request).await?;
        keep(&session.core, &response.user_id_list)
    }
}

/// Announces the relation lists a change touched, each once.
fn announce(core: &SessionCore, changes: RelationChanges) -> Result<(), TimError> {
    if changes.groups {
        core.emit(Event::FriendGroupListUpdated(core.store.friend_groups()?));
    }
    if changes.friends {
        core.emit(Event::FriendListUpdated(core.store.friends()?));
    }
    if changes.applications {
        core.emit(Event::FriendApplicationListUpdated(core.store.friend_applications()?));
    }
    Ok(())
}

/// Keeps what an answer says at once (its inbox echo then changes nothing)
/// and announces it.
fn keep_change(core: &SessionCore, change: RelationChange<'_>) -> Result<(), TimError> {
    let changes = core.store.apply_relation(change)?;
    announce(core, changes)
}

fn ids(user_ids: Vec<String>) -> Vec<UserId> {
    user_ids.into_iter().map(UserId::new).collect()
}

impl Tim {
    /// TIM `getFriendList`: my friends as this device knows them (kept up
    /// to date by the server's events; FRIEND_LIST_UPDATED on every
    /// change), in the order added (checklist 548).
    #[expect(clippy::unused_async, reason = "asynchronous like TIM's; served from the local store")]
    pub async fn get_friend_list(&self) -> Result<Vec<Friend>, TimError> {
        let session = self.ready_session()?;
        Ok(session.core.store.friends()?)
    }

    /// TIM `addFriend`: resolves with `{userID, code}`: code 0 when the
    /// user allows anyone (FRIEND_LIST_UPDATED follows), 30539 when they
    /// must accept (FRIEND_APPLICATION_LIST_UPDATED follows, checklist
    /// 557–559). Errors: 2701 already a friend, 20007 a blacklist either
    /// way, 30516 the user takes no requests, 90014 myself, 2501 not
    /// registered, 30001 a field past its limit.
    pub async fn add_friend(&self, options: AddFriend) -> Result<AddFriendResponse, TimError> {
        let session = self.ready_session()?;
        self.request(&session, &options).await
    }

    /// TIM `deleteFriend`: 1 to 100 userIDs, one- or two-way; users who are
    /// not friends are failures (2700) (checklist 563–567).
    pub async fn delete_friend(
        &self,
        user_ids: Vec<String>,
        delete_type: DeleteType,
    ) -> Result<FriendResultResponse, TimError> {
        let session = self.ready_session()?;
        let request = DeleteFriend { user_id_list: ids(user_ids), delete_type };
        let response = self.request(&session, &request).await?;
        let gone: Vec<UserId> =
            response.success_user_id_list.iter().map(|r| r.user_id.clone()).collect();
        keep_change(&session.core, RelationChange::FriendsGone(&gone))?;
        Ok(response)
    }

    /// TIM `checkFriend`: the relation with each user (1 to 1,000),
    /// single or both (checklist 569–578).
    pub async fn check_friend(
        &self,
        user_ids: Vec<String>,
        check_type: CheckType,
    ) -> Result<CheckFriendResponse, TimError> {
        let session = self.ready_session()?;
        self.request(&session, &CheckFriend { user_id_list: ids(user_ids), check_type }).await
    }

    /// TIM `getFriendProfile`: friends with their full profiles from the
    /// server (kept here too); users who are not friends are failures.
    pub async fn get_friend_profile(
        &self,
        user_ids: Vec<String>,
    ) -> Result<FriendProfileResponse, TimError> {
        let session = self.ready_session()?;
        let response =
            self.request(&session, &GetFriendProfile { user_id_list: ids(user_ids) }).await?;
        let mut changes = RelationChanges::default();
        for friend in &response.friend_list {
            changes.friends |=
                session.core.store.apply_relation(RelationChange::Friend(friend))?.friends;
        }
        announce(&session.core, changes)?;
        Ok(response)
    }

    /// TIM `updateFriend`: my remark and custom fields for a friend;
    /// resolves with the Friend (checklist 585–591). Errors: 2700 not a
    /// friend, 30001 a remark over 96 bytes or a key the server does not
    /// know.
    pub async fn update_friend(&self, options: UpdateFriend) -> Result<Friend, TimError> {
        let session = self.ready_session()?;
        let friend = self.request(&session, &options).await?;
        keep_change(&session.core, RelationChange::Friend(&friend))?;
        Ok(friend)
    }

    /// TIM `getFriendApplicationList`: the requests to and by me as this
    /// device knows them, and how many to me are unread (checklist 594).
    #[expect(clippy::unused_async, reason = "asynchronous like TIM's; served from the local store")]
    pub async fn get_friend_application_list(&self) -> Result<FriendApplicationList, TimError> {
        let session = self.ready_session()?;
        Ok(session.core.store.friend_applications()?)
    }

    /// TIM `acceptFriendApplication`: Agree (they gain me) or AgreeAndAdd
    /// (we gain each other, with `remark` mine for them); 2716 when
    /// `user_id` sent me no request (checklist 599–605).
    pub async fn accept_friend_application(
        &self,
        user_id: String,
        action: ResponseAction,
        remark: String,
    ) -> Result<UserResult, TimError> {
        let session = self.ready_session()?;
        let user_id = UserId::new(user_id);
        let request = AcceptFriendApplication { user_id: user_id.clone(), remark, action };
        let response = self.request(&session, &request).await?;
        keep_change(
            &session.core,
            RelationChange::ApplicationGone(&user_id, ApplicationType::ComeIn),
        )?;
        Ok(response)
    }

    /// TIM `refuseFriendApplication`: 2716 when `user_id` sent me no request.
    pub async fn refuse_friend_application(&self, user_id: String) -> Result<UserResult, TimError> {
        let session = self.ready_session()?;
        let user_id = UserId::new(user_id);
        let request = RefuseFriendApplication { user_id: user_id.clone() };
        let response = self.request(&session, &request).await?;
        keep_change(
            &session.core,
            RelationChange::ApplicationGone(&user_id, ApplicationType::ComeIn),
        )?;
        Ok(response)
    }

    /// TIM `deleteFriendApplication`: removes a request to me or withdraws
    /// mine; 2716 when there is none.
    pub async fn delete_friend_application(
        &self,
        user_id: String,
        application_type: ApplicationType,
    ) -> Result<UserResult, TimError> {
        let session = self.ready_session()?;
        let user_id = UserId::new(user_id);
        let request = DeleteFriendApplication { user_id: user_id.clone(), application_type };
        let response = self.request(&session, &request).await?;
        keep_change(&session.core, RelationChange::ApplicationGone(&user_id, application_type))?;
        Ok(response)
    }

    /// TIM `setFriendApplicationRead`: every request to me is read
    /// (`unreadCount` 0, checklist 616).
    pub async fn set_friend_application_read(&self) -> Result<(), TimError> {
        let session = self.ready_session()?;
        self.request(&session, &SetFriendApplicationRead {}).await?;
        keep_change(&session.core, RelationChange::ApplicationsRead)
    }

    /// TIM `getFriendGroupList`: my friend groups as this device knows them
    /// (checklist 620).
    #[expect(clippy::unused_async, reason = "asynchronous like TIM's; served from the local store")]
    pub async fn get_friend_group_list(&self) -> Result<Vec<FriendGroup>, TimError> {
        let session = self.ready_session()?;
        Ok(session.core.store.friend_groups()?)
    }

    /// TIM `createFriendGroup`: a group holding those of `user_ids` who are
    /// friends (the rest are failures); 2710 when the name is taken
    /// (checklist 623–627).
    pub async fn create_friend_group(
        &self,
        name: String,
        user_ids: Vec<String>,
    ) -> Result<FriendGroupChange, TimError> {
        let session = self.ready_session()?;
        let response = self
            .request(&session, &CreateFriendGroup { name, user_id_list: ids(user_ids) })
            .await?;
        keep_change(&session.core, RelationChange::Group(&response.friend_group))?;
        Ok(response)
    }

    /// TIM `deleteFriendGroup`: resolves with the group as it was; 2711
    /// when there is none (checklist 629–633).
    pub async fn delete_friend_group(&self, name: String) -> Result<FriendGroup, TimError> {
        let session = self.ready_session()?;
        let group = self.request(&session, &DeleteFriendGroup { name: name.clone() }).await?;
        keep_change(&session.core, RelationChange::GroupGone(&name))?;
        Ok(group)
    }

    /// TIM `addToFriendGroup` (checklist 635–639).
    pub async fn add_to_friend_group(
        &self,
        name: String,
        user_ids: Vec<String>,
    ) -> Result<FriendGroupChange, TimError> {
        let session = self.ready_session()?;
        let response =
            self.request(&session, &AddToFriendGroup { name, user_id_list: ids(user_ids) }).await?;
        keep_change(&session.core, RelationChange::Group(&response.friend_group))?;
        Ok(response)
    }

    /// TIM `removeFromFriendGroup` (checklist 641–644).
    pub async fn remove_from_friend_group(
        &self,
        name: String,
        user_ids: Vec<String>,
    ) -> Result<FriendGroupChange, TimError> {
        let session = self.ready_session()?;
        let request = RemoveFromFriendGroup { name, user_id_list: ids(user_ids) };
        let response = self.request(&session, &request).await?;
        keep_change(&session.core, RelationChange::Group(&response.friend_group))?;
        Ok(response)
    }

    /// TIM `renameFriendGroup`: resolves with the renamed group; 2711 when
    /// `old_name` is none of mine, 2710 when `new_name` is taken (checklist
    /// 646–649).
    pub async fn rename_friend_group(
        &self,
        old_name: String,
        new_name: String,
    ) -> Result<FriendGroup, TimError> {
        let session = self.ready_session()?;
        let request = RenameFriendGroup { old_name: old_name.clone(), new_name: new_name.clone() };
        let group = self.request(&session, &request).await?;
        keep_change(&session.core, RelationChange::GroupRenamed(&old_name, &new_name))?;
        Ok(group)
    }
}
