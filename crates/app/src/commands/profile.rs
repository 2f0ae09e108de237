//! The profile commands (`tim.getMyProfile`, `tim.getUserProfile`,
//! `tim.updateMyProfile`): their argument types and handlers, one SDK
//! call each.

use crate::commands::Empty;
use crate::core::AppCore;
use crate::error::from_tim;
use confab_proto::ErrorBody;
use confab_sdk::{Profile, ProfilePatch};
use serde::{Deserialize, Serialize};

/// `tim.getUserProfile` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetUserProfileArgs {
    /// Up to 100 users.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<String>,
}

impl AppCore {
    pub(crate) async fn get_my_profile(&self, _: Empty) -> Result<Profile, ErrorBody> {
        self.tim()?.get_my_profile().await.map_err(from_tim)
    }

    pub(crate) async fn get_user_profile(
        &self,
        args: GetUserProfileArgs,
    ) -> Result<Vec<Profile>, ErrorBody> {
        self.tim()?.get_user_profile(args.user_id_list).await.map_err(from_tim)
    }

    pub(crate) async fn update_my_profile(
        &self,
        patch: ProfilePatch,
    ) -> Result<Profile, ErrorBody> {
        self.tim()?.update_my_profile(patch).await.map_err(from_tim)
    }
}
