//! User status (server: `handlers/status.rs`, `presence.rs`):
//! `setSelfStatus`, `getUserStatus`, `subscribeUserStatus`,
//! `unsubscribeUserStatus`. Statuses are not kept in the local store: they
//! are live facts, asked for when wanted and pushed while subscribed
//! (USER_STATUS_UPDATED).

use super::Tim;
use crate::TimError;
use confab_proto::status::{
    GetUserStatus, SetSelfStatus, StatusFailures, SubscribeUserStatus, UnsubscribeUserStatus,
    UserStatus, UserStatusResponse,
};
use confab_proto::UserId;

fn ids(user_ids: Vec<String>) -> Vec<UserId> {
    user_ids.into_iter().map(UserId::new).collect()
}

impl Tim {
    /// TIM `setSelfStatus`: sets (`""`: clears) my custom status (at most
    /// 256 bytes, else 20001); resolves with my status. Every instance of
    /// mine and every subscriber gets USER_STATUS_UPDATED (checklist
    /// 520–527).
    pub async fn set_self_status(&self, custom_status: String) -> Result<UserStatus, TimError> {
        let session = self.ready_session()?;
        self.request(&session, &SetSelfStatus { custom_status }).await
    }

    /// TIM `getUserStatus`: 1 to 500 users; unregistered ones are failures
    /// (2501). Asking for others is limited to 20 calls per 5 s (2996)
    /// (checklist 529–532).
    pub async fn get_user_status(
        &self,
        user_ids: Vec<String>,
    ) -> Result<UserStatusResponse, TimError> {
        let session = self.ready_session()?;
        self.request(&session, &GetUserStatus { user_id_list: ids(user_ids) }).await
    }

    /// TIM `subscribeUserStatus`: 1 to 100 users; their changes fire
    /// USER_STATUS_UPDATED from now on (for every instance of mine; a
    /// restarted server forgets, so subscribe again after reconnecting to
    /// one). Past 200 subscriptions the earliest are dropped (checklist
    /// 534–539).
    pub async fn subscribe_user_status(
        &self,
        user_ids: Vec<String>,
    ) -> Result<StatusFailures, TimError> {
        let session = self.ready_session()?;
        self.request(&session, &SubscribeUserStatus { user_id_list: ids(user_ids) }).await
    }

    /// TIM `unsubscribeUserStatus`: up to 100 users; none cancels every
    /// subscription (checklist 541–545).
    pub async fn unsubscribe_user_status(
        &self,
        user_ids: Vec<String>,
    ) -> Result<StatusFailures, TimError> {
        let session = self.ready_session()?;
        self.request(&session, &UnsubscribeUserStatus { user_id_list: ids(user_ids) }).await
    }
}
