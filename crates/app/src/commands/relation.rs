//! The relation-chain commands: the blacklist (`tim.getBlacklist`,
//! `tim.addToBlacklist`, `tim.removeFromBlacklist`, each resolving with
//! the whole blacklist's userIDs), and friends, friend requests and friend
//! groups (`tim.getFriendList` … `tim.renameFriendGroup`, TIM's options
//! and data). One SDK call each.

use crate::commands::Empty;
use crate::core::AppCore;
use crate::error::from_tim;
use confab_proto::relation::{
    AcceptFriendApplication, AddFriend, AddFriendResponse, AddToFriendGroup, CheckFriend,
    CheckFriendResponse, CreateFriendGroup, DeleteFriend, DeleteFriendApplication,
    DeleteFriendGroup, Friend, FriendGroup, FriendGroupChange, FriendProfileResponse,
    FriendResultResponse, GetFriendProfile, RefuseFriendApplication, RemoveFromFriendGroup,
    RenameFriendGroup, UpdateFriend, UserResult,
};
use confab_proto::ErrorBody;
use confab_sdk::{FriendApplicationList, StatusFailures, UserStatus, UserStatusResponse};
use serde::{Deserialize, Serialize};

/// `tim.addToBlacklist` / `tim.removeFromBlacklist` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserIdListArgs {
    /// The users (1 to 1,000), even for one.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<String>,
}

impl AppCore {
    pub(crate) async fn get_blacklist(&self, _: Empty) -> Result<Vec<String>, ErrorBody> {
        self.tim()?.get_blacklist().await.map_err(from_tim)
    }

    pub(crate) async fn add_to_blacklist(
        &self,
        args: UserIdListArgs,
    ) -> Result<Vec<String>, ErrorBody> {
        self.tim()?.add_to_blacklist(args.user_id_list).await.map_err(from_tim)
    }

    pub(crate) async fn remove_from_blacklist(
        &self,
        args: UserIdListArgs,
    ) -> Result<Vec<String>, ErrorBody> {
        self.tim()?.remove_from_blacklist(args.user_id_list).await.map_err(from_tim)
    }
}

/// The friend commands: each takes TIM's options object (the proto's
/// request type) and resolves with TIM's `imResponse.data`.
impl AppCore {
    pub(crate) async fn get_friend_list(&self, _: Empty) -> Result<Vec<Friend>, ErrorBody> {
        self.tim()?.get_friend_list().await.map_err(from_tim)
    }

    pub(crate) async fn add_friend(&self, args: AddFriend) -> Result<AddFriendResponse, ErrorBody> {
        self.tim()?.add_friend(args).await.map_err(from_tim)
    }

    pub(crate) async fn delete_friend(
        &self,
        args: DeleteFriend,
    ) -> Result<FriendResultResponse, ErrorBody> {
        let ids = strings(args.user_id_list);
        self.tim()?.delete_friend(ids, args.delete_type).await.map_err(from_tim)
    }

    pub(crate) async fn check_friend(
        &self,
        args: CheckFriend,
    ) -> Result<CheckFriendResponse, ErrorBody> {
        let ids = strings(args.user_id_list);
        self.tim()?.check_friend(ids, args.check_type).await.map_err(from_tim)
    }

    pub(crate) async fn get_friend_profile(
        &self,
        args: GetFriendProfile,
    ) -> Result<FriendProfileResponse, ErrorBody> {
        self.tim()?.get_friend_profile(strings(args.user_id_list)).await.map_err(from_tim)
    }

    pub(crate) async fn update_friend(&self, args: UpdateFriend) -> Result<Friend, ErrorBody> {
        self.tim()?.update_friend(args).await.map_err(from_tim)
    }

    pub(crate) async fn get_friend_application_list(
        &self,
        _: Empty,
    ) -> Result<FriendApplicationList, ErrorBody> {
        self.tim()?.get_friend_application_list().await.map_err(from_tim)
    }

    pub(crate) async fn accept_friend_application(
        &self,
        args: AcceptFriendApplication,
    ) -> Result<UserResult, ErrorBody> {
        let tim = self.tim()?;
        let user = args.user_id.as_str().to_owned();
        tim.accept_friend_application(user, args.action, args.remark).await.map_err(from_tim)
    }

    pub(crate) async fn refuse_friend_application(
        &self,
        args: RefuseFriendApplication,
    ) -> Result<UserResult, ErrorBody> {
        let user = args.user_id.as_str().to_owned();
        self.tim()?.refuse_friend_application(user).await.map_err(from_tim)
    }

    pub(crate) async fn delete_friend_application(
        &self,
        args: DeleteFriendApplication,
    ) -> Result<UserResult, ErrorBody> {
        let user = args.user_id.as_str().to_owned();
        self.tim()?.delete_friend_application(user, args.application_type).await.map_err(from_tim)
    }

    pub(crate) async fn set_friend_application_read(&self, _: Empty) -> Result<Empty, ErrorBody> {
        self.tim()?.set_friend_application_read().await.map_err(from_tim)?;
        Ok(Empty {})
    }

    pub(crate) async fn get_friend_group_list(
        &self,
        _: Empty,
    ) -> Result<Vec<FriendGroup>, ErrorBody> {
        self.tim()?.get_friend_group_list().await.map_err(from_tim)
    }

    pub(crate) async fn create_friend_group(
        &self,
        args: CreateFriendGroup,
    ) -> Result<FriendGroupChange, ErrorBody> {
        let ids = strings(args.user_id_list);
        self.tim()?.create_friend_group(args.name, ids).await.map_err(from_tim)
    }

    pub(crate) async fn delete_friend_group(
        &self,
        args: DeleteFriendGroup,
    ) -> Result<FriendGroup, ErrorBody> {
        self.tim()?.delete_friend_group(args.name).await.map_err(from_tim)
    }

    pub(crate) async fn add_to_friend_group(
        &self,
        args: AddToFriendGroup,
    ) -> Result<FriendGroupChange, ErrorBody> {
        let ids = strings(args.user_id_list);
        self.tim()?.add_to_friend_group(args.name, ids).await.map_err(from_tim)
    }

    pub(crate) async fn remove_from_friend_group(
        &self,
        args: RemoveFromFriendGroup,
    ) -> Result<FriendGroupChange, ErrorBody> {
        let ids = strings(args.user_id_list);
        self.tim()?.remove_from_friend_group(args.name, ids).await.map_err(from_tim)
    }

    pub(crate) async fn rename_friend_group(
        &self,
        args: RenameFriendGroup,
    ) -> Result<FriendGroup, ErrorBody> {
        self.tim()?.rename_friend_group(args.old_name, args.new_name).await.map_err(from_tim)
    }
}

fn strings(ids: Vec<confab_proto::UserId>) -> Vec<String> {
    ids.into_iter().map(|u| u.as_str().to_owned()).collect()
}

/// `tim.setSelfStatus` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetSelfStatusArgs {
    /// The custom status (`""` clears it).
    pub custom_status: String,
}

/// `tim.unsubscribeUserStatus` arguments: none (or an empty list) cancels
/// every subscription.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionalUserIdListArgs {
    /// The users.
    #[serde(rename = "userIDList", default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub user_id_list: Option<Vec<String>>,
}

/// The user status commands.
impl AppCore {
    pub(crate) async fn set_self_status(
        &self,
        args: SetSelfStatusArgs,
    ) -> Result<UserStatus, ErrorBody> {
        self.tim()?.set_self_status(args.custom_status).await.map_err(from_tim)
    }

    pub(crate) async fn get_user_status(
        &self,
        args: UserIdListArgs,
    ) -> Result<UserStatusResponse, ErrorBody> {
        self.tim()?.get_user_status(args.user_id_list).await.map_err(from_tim)
    }

    pub(crate) async fn subscribe_user_status(
        &self,
        args: UserIdListArgs,
    ) -> Result<StatusFailures, ErrorBody> {
        self.tim()?.subscribe_user_status(args.user_id_list).await.map_err(from_tim)
    }

    pub(crate) async fn unsubscribe_user_status(
        &self,
        args: OptionalUserIdListArgs,
    ) -> Result<StatusFailures, ErrorBody> {
        let ids = args.user_id_list.unwrap_or_default();
        self.tim()?.unsubscribe_user_status(ids).await.map_err(from_tim)
    }
}
