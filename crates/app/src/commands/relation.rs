//! The relation-chain commands (`tim.getBlacklist`, `tim.addToBlacklist`,
//! `tim.removeFromBlacklist`): their argument type and handlers, one SDK
//! call each. Each resolves with the whole blacklist (userIDs).

use crate::commands::Empty;
use crate::core::AppCore;
use crate::error::from_tim;
use confab_proto::ErrorBody;
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
