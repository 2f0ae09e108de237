//! User profiles (TIM `Profile`) and profile updates.

use crate::ids::UserId;
use serde::{Deserialize, Serialize};

/// One custom profile field (`Tag_Profile_Custom_*`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomField {
    /// Field key, e.g. `Tag_Profile_Custom_Test1`.
    pub key: String,
    /// Field value: a string or a number.
    #[cfg_attr(feature = "ts", ts(type = "string | number"))]
    pub value: serde_json::Value,
}

/// A user's profile, with TIM's field names.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The user.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// Nickname.
    pub nick: String,
    /// `TIM.TYPES.GENDER_*`.
    pub gender: String,
    /// Birthday as a number, e.g. 20000101.
    pub birthday: i64,
    /// Location.
    pub location: String,
    /// Signature.
    pub self_signature: String,
    /// `TIM.TYPES.ALLOW_TYPE_*`: how friend requests are handled.
    pub allow_type: String,
    /// Language.
    pub language: i64,
    /// Avatar URL.
    pub avatar: String,
    /// 0 receive messages, 1 do not.
    pub message_settings: i64,
    /// `TIM.TYPES.FORBID_TYPE_*`.
    pub admin_forbid_type: String,
    /// Level.
    pub level: i64,
    /// Role.
    pub role: i64,
    /// Server time (seconds) of the last change.
    pub last_updated_number: i64,
    /// Custom fields that have a value.
    pub profile_custom_field: Vec<CustomField>,
}

impl Profile {
    /// The profile of a user who has set nothing yet.
    pub fn empty(user_id: UserId) -> Self {
        use crate::constants::types;
        Self {
            user_id,
            nick: String::new(),
            gender: types::GENDER_UNKNOWN.into(),
            birthday: 0,
            location: String::new(),
            self_signature: String::new(),
            allow_type: types::ALLOW_TYPE_NEED_CONFIRM.into(),
            language: 0,
            avatar: String::new(),
            message_settings: 0,
            admin_forbid_type: types::FORBID_TYPE_NONE.into(),
            level: 0,
            role: 0,
            last_updated_number: 0,
            profile_custom_field: Vec::new(),
        }
    }
}

/// `updateMyProfile` options: every field optional; at least one required
/// (else 2722 `UPDATE_PROFILE_NO_KEY`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "ts", ts(optional_fields))]
pub struct ProfilePatch {
    /// Nickname.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nick: Option<String>,
    /// Avatar URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// `TIM.TYPES.GENDER_*`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// Signature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub self_signature: Option<String>,
    /// `TIM.TYPES.ALLOW_TYPE_*`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_type: Option<String>,
    /// Birthday, e.g. 20000101.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birthday: Option<i64>,
    /// Location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<i64>,
    /// 0 receive messages, 1 do not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_settings: Option<i64>,
    /// `TIM.TYPES.FORBID_TYPE_*`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_forbid_type: Option<String>,
    /// Level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<i64>,
    /// Role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<i64>,
    /// Custom fields to set (an array even for one field).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_custom_field: Option<Vec<CustomField>>,
}

impl ProfilePatch {
    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_snapshot() {
        let p = Profile::empty(UserId::new("alice"));
        let json = serde_json::to_string(&p).expect("serialize");
        assert_eq!(
            json,
            r#"{"userID":"alice","nick":"","gender":"Gender_Type_Unknown","birthday":0,"location":"","selfSignature":"","allowType":"AllowType_Type_NeedConfirm","language":0,"avatar":"","messageSettings":0,"adminForbidType":"AdminForbid_Type_None","level":0,"role":0,"lastUpdatedNumber":0,"profileCustomField":[]}"#
        );
        assert_eq!(serde_json::from_str::<Profile>(&json).expect("parse"), p);
    }

    #[test]
    fn patch_snapshot() {
        let json =
            r#"{"nick":"A","profileCustomField":[{"key":"Tag_Profile_Custom_Test1","value":"v"}]}"#;
        let p: ProfilePatch = serde_json::from_str(json).expect("parse");
        assert_eq!(p.nick.as_deref(), Some("A"));
        assert!(!p.is_empty());
        assert_eq!(serde_json::to_string(&p).expect("serialize"), json);
        assert!(ProfilePatch::default().is_empty());
    }
}
