//! User status on the wire (TIM 用户状态): online / offline / not logged
//! in, computed by the server from live sessions, plus a custom status
//! each user sets for themselves.
//!
//! A user is `USER_STATUS_ONLINE` (1) while any instance of theirs has a
//! live session; `USER_STATUS_OFFLINE` (2) when none has, but an instance
//! that logged in has not logged out (a dropped connection, a laptop
//! asleep); `USER_STATUS_UNLOGINED` (3) when every instance logged out or
//! was kicked, or none ever logged in since the server started. A user who
//! subscribed to others (`subscribeUserStatus`) gets a `userStatus` push
//! whenever one of them changes; a user's own sessions get one when they
//! set their custom status. Subscriptions are the subscribing user's (all
//! their instances), kept by the server in memory: a restarted server has
//! none, so a client subscribes again after it reconnects to a restarted
//! server.

use crate::ids::UserId;
use crate::ops::Operation;
use crate::relation::UserFailure;
use serde::{Deserialize, Serialize};

/// Most userIDs one `getUserStatus` takes (the seed: "最多 500 个").
pub const MAX_STATUS_QUERY_IDS: usize = 500;
/// Most userIDs one `subscribeUserStatus` or `unsubscribeUserStatus`
/// takes (the seed: "单次请求最多 100 个").
pub const MAX_STATUS_SUBSCRIBE_IDS: usize = 100;
/// Most users one user follows; subscribing past it drops the earliest
/// subscriptions (the seed: "订阅列表有上限 … 自动淘汰最先订阅的").
pub const MAX_STATUS_SUBSCRIPTIONS: usize = 200;
/// Longest custom status, in bytes (Confab's; the seed names none).
pub const MAX_CUSTOM_STATUS_BYTES: usize = 256;
/// Calls of each of `getUserStatus` (of other users), `subscribeUserStatus`
/// and `unsubscribeUserStatus` one user may make per
/// [`STATUS_RATE_WINDOW_MS`] (the seed: "5 秒 20 次", each); past it they
/// are refused with 2996.
pub const STATUS_RATE_CALLS: usize = 20;
/// The window of [`STATUS_RATE_CALLS`], in milliseconds.
pub const STATUS_RATE_WINDOW_MS: i64 = 5_000;

/// `TIM.TYPES.USER_STATUS_UNKNOWN`.
pub const USER_STATUS_UNKNOWN: u8 = 0;
/// `TIM.TYPES.USER_STATUS_ONLINE`.
pub const USER_STATUS_ONLINE: u8 = 1;
/// `TIM.TYPES.USER_STATUS_OFFLINE`.
pub const USER_STATUS_OFFLINE: u8 = 2;
/// `TIM.TYPES.USER_STATUS_UNLOGINED`.
pub const USER_STATUS_UNLOGINED: u8 = 3;

macro_rules! operation {
    ($req:ty, $name:literal, $resp:ty) => {
        impl Operation for $req {
            const NAME: &'static str = $name;
            type Response = $resp;
        }
    };
}

/// Names of the status operations (part of [`crate::ops::ALL_OPERATIONS`]).
pub const STATUS_OPERATIONS: &[&str] = &[
    SetSelfStatus::NAME,
    GetUserStatus::NAME,
    SubscribeUserStatus::NAME,
    UnsubscribeUserStatus::NAME,
];

/// One user's status (TIM's `{userID, statusType, customStatus}`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserStatus {
    /// The user.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// `USER_STATUS_*`: 0 unknown, 1 online, 2 offline, 3 not logged in.
    pub status_type: u8,
    /// What the user set with `setSelfStatus` (`""`: none).
    pub custom_status: String,
}

/// `setSelfStatus`: sets (`""`: clears) the caller's custom status, at most
/// [`MAX_CUSTOM_STATUS_BYTES`] (else 20001). Answers the caller's status;
/// the caller's sessions and subscribers get a `userStatus` push.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetSelfStatus {
    /// The custom status.
    pub custom_status: String,
}
operation!(SetSelfStatus, "setSelfStatus", UserStatus);

/// `getUserStatus`: 1 to 500 users (else 20001); users who are not
/// registered are failures (2501). Asking for others is limited to 20
/// calls per 5 s (2996); asking only for oneself is not.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GetUserStatus {
    /// The users.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<UserId>,
}
operation!(GetUserStatus, "getUserStatus", UserStatusResponse);

/// `getUserStatus`'s answer.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UserStatusResponse {
    /// The registered users asked, in the order asked.
    #[serde(rename = "successUserList", default)]
    pub success_user_list: Vec<UserStatus>,
    /// The others.
    #[serde(rename = "failureUserList", default)]
    pub failure_user_list: Vec<UserFailure>,
}

/// `subscribeUserStatus`: 1 to 100 users (else 20001); the caller's own
/// userID and unregistered users are failures (20001, 2501). 20 calls per
/// 5 s with `unsubscribeUserStatus` (2996).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SubscribeUserStatus {
    /// The users.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<UserId>,
}
operation!(SubscribeUserStatus, "subscribeUserStatus", StatusFailures);

/// `unsubscribeUserStatus`: up to 100 users; none (or an empty list)
/// cancels every subscription.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UnsubscribeUserStatus {
    /// The users; empty: all.
    #[serde(rename = "userIDList", default)]
    pub user_id_list: Vec<UserId>,
}
operation!(UnsubscribeUserStatus, "unsubscribeUserStatus", StatusFailures);

/// The users a (un)subscription did not take.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StatusFailures {
    /// Each with its code.
    #[serde(rename = "failureUserList", default)]
    pub failure_user_list: Vec<UserFailure>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn status_shapes() {
        let status = UserStatus {
            user_id: UserId::new("bob"),
            status_type: USER_STATUS_ONLINE,
            custom_status: "busy".into(),
        };
        assert_eq!(
            serde_json::to_value(&status).expect("encode"),
            json!({"userID": "bob", "statusType": 1, "customStatus": "busy"})
        );
        let all: UnsubscribeUserStatus = serde_json::from_value(json!({})).expect("none: all");
        assert!(all.user_id_list.is_empty());
        assert_eq!(STATUS_OPERATIONS.len(), 4);
    }
}
