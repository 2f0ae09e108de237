//! The relation chain on the wire (TIM 关系链): the blacklist now; friends,
//! friend requests and friend groups come with the rest of issue 14.
//!
//! A blacklist is the caller's own: `addToBlacklist` and
//! `removeFromBlacklist` change it and answer with the whole list after the
//! change; every change is an inbox event of the caller (`blacklistAdded`,
//! `blacklistRemoved`, with the userIDs it changed), so the caller's other
//! instances, online or not, follow it incrementally. A fresh store reads
//! the whole list once (`getBlacklist`). While either of two users has the
//! other on their blacklist, C2C messages between them are refused with
//! 20007 (`ERR_SVR_MSG_IN_PEER_BLACKLIST`), in both directions.

use crate::ids::UserId;
use crate::ops::Operation;
use serde::{Deserialize, Serialize};

/// Most userIDs one `addToBlacklist` or `removeFromBlacklist` takes (the
/// seed's "不得超过1000"); more, or none, is refused as a malformed
/// request (20001, the code of every request that breaks its operation's
/// shape: TIM names no code for it).
pub const MAX_BLACKLIST_IDS_PER_CALL: usize = 1000;

macro_rules! operation {
    ($req:ty, $name:literal, $resp:ty) => {
        impl Operation for $req {
            const NAME: &'static str = $name;
            type Response = $resp;
        }
    };
}

/// Names of the relation-chain operations (part of
/// [`crate::ops::ALL_OPERATIONS`]).
pub const RELATION_OPERATIONS: &[&str] =
    &[GetBlacklist::NAME, AddToBlacklist::NAME, RemoveFromBlacklist::NAME];

/// `getBlacklist`: the caller's whole blacklist.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GetBlacklist {}
operation!(GetBlacklist, "getBlacklist", BlacklistResponse);

/// `addToBlacklist`: puts users on the caller's blacklist (already there is
/// fine). Refused whole: an empty list or more than
/// [`MAX_BLACKLIST_IDS_PER_CALL`] (20001), the caller's own
/// userID (2742 `CANNOT_ADD_SELF_TO_BLACKLIST`), a userID that is not
/// registered (2501).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AddToBlacklist {
    /// The users, even for one.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<UserId>,
}
operation!(AddToBlacklist, "addToBlacklist", BlacklistResponse);

/// `removeFromBlacklist`: takes users off the caller's blacklist (not on
/// it is fine). Refused: an empty list or more than
/// [`MAX_BLACKLIST_IDS_PER_CALL`] (20001).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RemoveFromBlacklist {
    /// The users, even for one.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<UserId>,
}
operation!(RemoveFromBlacklist, "removeFromBlacklist", BlacklistResponse);

/// The caller's whole blacklist, oldest entry first (what TIM's
/// `imResponse.data` of all three operations is).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BlacklistResponse {
    /// The userIDs.
    #[serde(rename = "userIDList", default)]
    pub user_id_list: Vec<UserId>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn blacklist_shapes() {
        let add = AddToBlacklist { user_id_list: vec![UserId::new("bob")] };
        assert_eq!(serde_json::to_value(&add).expect("encode"), json!({"userIDList": ["bob"]}));
        let answer: BlacklistResponse =
            serde_json::from_value(json!({"userIDList": ["bob", "carol"]})).expect("decode");
        assert_eq!(answer.user_id_list, [UserId::new("bob"), UserId::new("carol")]);
        assert_eq!(RELATION_OPERATIONS, ["getBlacklist", "addToBlacklist", "removeFromBlacklist"]);
    }
}
