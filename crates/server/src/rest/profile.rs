//! Profiles over REST (`profile` service): set one user's profile fields
//! and read up to 100 users' chosen fields, by TIM's tags.
//!
//! | command | limit | codes |
//! |---|---|---|
//! | `portrait_set` | one account | 40006 the database failed (retry); 40003 `From_Account` does not exist; 40001 no item or a malformed request; 40009 an unknown tag (or a `Tag_Profile_Custom_*` the server is not configured with); 40610 a value of the wrong JSON type; 40605 a standard value out of its set or range; 40601 a string over 500 bytes |
//! | `portrait_get` | 100 accounts | 40006 the database failed (retry); 40001 no account, more than 100, or an empty `TagList`; 40009 an unknown tag; per account `ResultCode` 40003 (also in `Fail_Account`) |
//!
//! The tags: `Tag_Profile_IM_Nick`, `_Location`, `_SelfSignature`,
//! `_Image` (the avatar URL) (strings of at most 500 bytes); `_Gender`
//! (`Gender_Type_Unknown` / `_Male` / `_Female`), `_AllowType`
//! (`AllowType_Type_NeedConfirm` / `_AllowAny` / `_DenyAny`),
//! `_AdminForbidType` (`AdminForbid_Type_None` / `_SendOut`); `_BirthDay`,
//! `_Language`, `_Level`, `_Role` (integers from 0 to 2³²−1),
//! `_MsgSettings` (0 or 1); and each configured `Tag_Profile_Custom_*` (a
//! string of at most 500 bytes or a number; `""` removes it).
//!
//! `portrait_set` is the user's own `updateMyProfile` (the same checks and
//! the same write), so the user's instances and everyone who has the user
//! as a friend get PROFILE_UPDATED exactly as for an edit in a client. The
//! whole request is refused before anything is written when one item is
//! bad. A tag named twice takes its last value.
//!
//! A request body of the wrong shape (a list where a string belongs, a
//! missing required field) is refused by the envelope with 70402.

use super::{as_user, Admin, Command, RestError};
use crate::handlers;
use crate::server::ServerContext;
use confab_proto::constants::types;
use confab_proto::ops::UpdateMyProfile;
use confab_proto::profile::{CustomField, Profile, ProfilePatch};
use confab_proto::{code, UserId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// TIM's profile codes this file answers with.
pub(crate) mod codes {
    /// A malformed request (no item, no account, too many accounts).
    pub const INVALID: i32 = 40001;
    /// The account does not exist.
    pub const ACCOUNT_NOT_FOUND: i32 = 40003;
    /// An internal error (the database failed or is unavailable); the
    /// request may be retried.
    pub const INTERNAL: i32 = 40006;
    /// No such profile tag.
    pub const NO_SUCH_TAG: i32 = 40009;
    /// A value is longer than 500 bytes.
    pub const VALUE_TOO_LONG: i32 = 40601;
    /// A standard field's value is not one it may take.
    pub const BAD_STANDARD_VALUE: i32 = 40605;
    /// A value has the wrong type.
    pub const WRONG_VALUE_TYPE: i32 = 40610;
}

/// A failed read of the store, as this service's internal error.
fn read_failed(e: crate::store::StoreError) -> RestError {
    RestError::new(codes::INTERNAL, handlers::store_error(e).message)
}

/// Most accounts one `portrait_get` names.
pub(crate) const MAX_ACCOUNTS: usize = 100;

/// Prefix of the custom profile tags.
const CUSTOM_PREFIX: &str = "Tag_Profile_Custom_";

/// The standard tags, as TIM names them.
mod tags {
    pub const NICK: &str = "Tag_Profile_IM_Nick";
    pub const GENDER: &str = "Tag_Profile_IM_Gender";
    pub const BIRTHDAY: &str = "Tag_Profile_IM_BirthDay";
    pub const LOCATION: &str = "Tag_Profile_IM_Location";
    pub const SELF_SIGNATURE: &str = "Tag_Profile_IM_SelfSignature";
    pub const ALLOW_TYPE: &str = "Tag_Profile_IM_AllowType";
    pub const LANGUAGE: &str = "Tag_Profile_IM_Language";
    pub const IMAGE: &str = "Tag_Profile_IM_Image";
    pub const MSG_SETTINGS: &str = "Tag_Profile_IM_MsgSettings";
    pub const ADMIN_FORBID_TYPE: &str = "Tag_Profile_IM_AdminForbidType";
    pub const LEVEL: &str = "Tag_Profile_IM_Level";
    pub const ROLE: &str = "Tag_Profile_IM_Role";
    /// Every standard tag.
    pub const ALL: &[&str] = &[
        NICK,
        GENDER,
        BIRTHDAY,
        LOCATION,
        SELF_SIGNATURE,
        ALLOW_TYPE,
        LANGUAGE,
        IMAGE,
        MSG_SETTINGS,
        ADMIN_FORBID_TYPE,
        LEVEL,
        ROLE,
    ];
}

/// One profile field: a tag and its value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct ProfileItem {
    /// The tag, e.g. `Tag_Profile_IM_Nick` or `Tag_Profile_Custom_Hobby`.
    #[serde(rename = "Tag")]
    tag: String,
    /// Its value: a string or an integer, as the tag takes.
    #[serde(rename = "Value")]
    value: Value,
}

/// `portrait_set`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct PortraitSet {
    /// The user whose profile changes.
    #[serde(rename = "From_Account")]
    from_account: String,
    /// The fields to set (at least one).
    #[serde(rename = "ProfileItem")]
    profile_item: Vec<ProfileItem>,
}

/// A response with no fields besides the envelope.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Empty {}

/// `portrait_get`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct PortraitGet {
    /// The users (1 to 100).
    #[serde(rename = "To_Account")]
    to_account: Vec<String>,
    /// The tags to read (at least one).
    #[serde(rename = "TagList")]
    tag_list: Vec<String>,
}

/// One user's fields.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct UserProfileItem {
    /// The user.
    #[serde(rename = "To_Account")]
    to_account: String,
    /// The asked tags it has, in the order asked (a custom tag the user
    /// has not set is left out).
    #[serde(rename = "ProfileItem")]
    profile_item: Vec<ProfileItem>,
    /// 0, or 40003: no such account.
    #[serde(rename = "ResultCode")]
    result_code: i32,
    /// Why, in words (`""` on success).
    #[serde(rename = "ResultInfo")]
    result_info: String,
}

/// Response to [`PortraitGet`].
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct PortraitGetResponse {
    /// One item per account asked (each once, in the order asked).
    #[serde(rename = "UserProfileItem")]
    user_profile_item: Vec<UserProfileItem>,
    /// The accounts that do not exist.
    #[serde(rename = "Fail_Account")]
    fail_account: Vec<String>,
}

/// The commands of this file.
pub(crate) fn commands() -> Vec<Command> {
    const PROFILE: &str = "profile";
    vec![
        Command::new(
            PROFILE,
            "portrait_set",
            "Set a user's profile fields as its own updateMyProfile (PROFILE_UPDATED to its instances and friends).",
            portrait_set,
        ),
        Command::new(PROFILE, "portrait_get", "Read chosen profile fields of up to 100 users.", portrait_get),
    ]
}

fn error(code: i32, info: impl Into<String>) -> RestError {
    RestError::new(code, info)
}

/// `value` as a string of at most 500 bytes.
fn string_value(tag: &str, value: &Value) -> Result<String, RestError> {
    let Value::String(text) = value else {
        return Err(error(codes::WRONG_VALUE_TYPE, format!("{tag} takes a string, not {value}")));
    };
    if text.len() > handlers::profile::MAX_PROFILE_STRING_BYTES {
        return Err(error(
            codes::VALUE_TOO_LONG,
            format!(
                "{tag} is {} bytes; at most {}",
                text.len(),
                handlers::profile::MAX_PROFILE_STRING_BYTES
            ),
        ));
    }
    Ok(text.clone())
}

/// `value` as one of `allowed`.
fn one_of(tag: &str, value: &Value, allowed: &[&str]) -> Result<String, RestError> {
    let text = string_value(tag, value)?;
    if !allowed.contains(&text.as_str()) {
        return Err(error(
            codes::BAD_STANDARD_VALUE,
            format!("{tag} must be one of {allowed:?}, not {text:?}"),
        ));
    }
    Ok(text)
}

/// `value` as an integer from 0 to `max`.
fn integer(tag: &str, value: &Value, max: i64) -> Result<i64, RestError> {
    // An integer past i64 is past every range here: it is refused as such.
    let Some(number) = value.as_i64().or_else(|| value.as_u64().map(|_| i64::MAX)) else {
        return Err(error(codes::WRONG_VALUE_TYPE, format!("{tag} takes an integer, not {value}")));
    };
    if !(0..=max).contains(&number) {
        return Err(error(codes::BAD_STANDARD_VALUE, format!("{tag} must be from 0 to {max}")));
    }
    Ok(number)
}

/// Adds one item to `patch`, or says why it cannot be.
fn apply_item(
    patch: &mut ProfilePatch,
    item: &ProfileItem,
    custom_fields: &[String],
) -> Result<(), RestError> {
    let (tag, value) = (item.tag.as_str(), &item.value);
    let any_u32 = i64::from(u32::MAX);
    match tag {
        tags::NICK => patch.nick = Some(string_value(tag, value)?),
        tags::LOCATION => patch.location = Some(string_value(tag, value)?),
        tags::SELF_SIGNATURE => patch.self_signature = Some(string_value(tag, value)?),
        tags::IMAGE => patch.avatar = Some(string_value(tag, value)?),
        tags::GENDER => {
            let genders = [types::GENDER_UNKNOWN, types::GENDER_MALE, types::GENDER_FEMALE];
            patch.gender = Some(one_of(tag, value, &genders)?);
        }
        tags::ALLOW_TYPE => {
            let allowed = [
                types::ALLOW_TYPE_NEED_CONFIRM,
                types::ALLOW_TYPE_ALLOW_ANY,
                types::ALLOW_TYPE_DENY_ANY,
            ];
            patch.allow_type = Some(one_of(tag, value, &allowed)?);
        }
        tags::ADMIN_FORBID_TYPE => {
            let allowed = [types::FORBID_TYPE_NONE, types::FORBID_TYPE_SEND_OUT];
            patch.admin_forbid_type = Some(one_of(tag, value, &allowed)?);
        }
        tags::BIRTHDAY => patch.birthday = Some(integer(tag, value, any_u32)?),
        tags::LANGUAGE => patch.language = Some(integer(tag, value, any_u32)?),
        tags::LEVEL => patch.level = Some(integer(tag, value, any_u32)?),
        tags::ROLE => patch.role = Some(integer(tag, value, any_u32)?),
        tags::MSG_SETTINGS => patch.message_settings = Some(integer(tag, value, 1)?),
        custom
            if custom.starts_with(CUSTOM_PREFIX) && custom_fields.iter().any(|f| f == custom) =>
        {
            let value = match value {
                Value::String(_) => Value::String(string_value(tag, value)?),
                Value::Number(_) => value.clone(),
                _ => {
                    return Err(error(
                        codes::WRONG_VALUE_TYPE,
                        format!("{tag} takes a string or a number, not {value}"),
                    ))
                }
            };
            patch
                .profile_custom_field
                .get_or_insert_with(Vec::new)
                .push(CustomField { key: tag.to_owned(), value });
        }
        _ => return Err(no_such_tag(tag)),
    }
    Ok(())
}

fn no_such_tag(tag: &str) -> RestError {
    error(codes::NO_SUCH_TAG, format!("no profile tag {tag:?} on this server"))
}

/// The patch of a `portrait_set`'s items.
fn patch_of(items: &[ProfileItem], custom_fields: &[String]) -> Result<ProfilePatch, RestError> {
    if items.is_empty() {
        return Err(error(codes::INVALID, "ProfileItem must hold at least one item"));
    }
    let mut patch = ProfilePatch::default();
    for item in items {
        apply_item(&mut patch, item, custom_fields)?;
    }
    // The custom field named last wins, as for the standard fields.
    if let Some(fields) = &mut patch.profile_custom_field {
        let mut seen = std::collections::HashSet::new();
        fields.reverse();
        fields.retain(|f| seen.insert(f.key.clone()));
        fields.reverse();
    }
    Ok(patch)
}

/// `user` when it names an existing account (else 40003).
async fn existing(ctx: &ServerContext, user: &str) -> Result<UserId, RestError> {
    let missing = || error(codes::ACCOUNT_NOT_FOUND, format!("account {user:?} does not exist"));
    if crate::auth::check_user_id(user).is_err() {
        return Err(missing());
    }
    let id = UserId::new(user.to_owned());
    if !ctx.store.user_exists(id.clone()).await.map_err(read_failed)? {
        return Err(missing());
    }
    Ok(id)
}

async fn portrait_set(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: PortraitSet,
) -> Result<Empty, RestError> {
    let user = existing(&ctx, &request.from_account).await?;
    let patch = patch_of(&request.profile_item, &ctx.config.profile_custom_fields)?;
    // The checks above are stricter than the handler's; a refusal here is a
    // rule they do not know of, or the database.
    handlers::profile::update_my_profile(&ctx, &as_user(user), UpdateMyProfile { patch })
        .await
        .map_err(|e| match e.code {
            code::INTERNAL | code::STORE_UNAVAILABLE => error(codes::INTERNAL, e.message),
            _ => error(codes::INVALID, e.message),
        })?;
    Ok(Empty {})
}

/// The value of `tag` in `profile`; `None` for a custom tag it has not set.
fn value_of(profile: &Profile, tag: &str) -> Option<Value> {
    Some(match tag {
        tags::NICK => profile.nick.clone().into(),
        tags::GENDER => profile.gender.clone().into(),
        tags::BIRTHDAY => profile.birthday.into(),
        tags::LOCATION => profile.location.clone().into(),
        tags::SELF_SIGNATURE => profile.self_signature.clone().into(),
        tags::ALLOW_TYPE => profile.allow_type.clone().into(),
        tags::LANGUAGE => profile.language.into(),
        tags::IMAGE => profile.avatar.clone().into(),
        tags::MSG_SETTINGS => profile.message_settings.into(),
        tags::ADMIN_FORBID_TYPE => profile.admin_forbid_type.clone().into(),
        tags::LEVEL => profile.level.into(),
        tags::ROLE => profile.role.into(),
        custom => profile.profile_custom_field.iter().find(|f| f.key == custom)?.value.clone(),
    })
}

async fn portrait_get(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: PortraitGet,
) -> Result<PortraitGetResponse, RestError> {
    let asked = &request.to_account;
    if asked.is_empty() || asked.len() > MAX_ACCOUNTS {
        return Err(error(
            codes::INVALID,
            format!("To_Account must name 1 to {MAX_ACCOUNTS} accounts, not {}", asked.len()),
        ));
    }
    if request.tag_list.is_empty() {
        return Err(error(codes::INVALID, "TagList must name at least one tag"));
    }
    let custom = &ctx.config.profile_custom_fields;
    if let Some(unknown) =
        request.tag_list.iter().find(|t| !tags::ALL.contains(&t.as_str()) && !custom.contains(t))
    {
        return Err(no_such_tag(unknown));
    }
    let mut seen = std::collections::HashSet::new();
    let accounts: Vec<&String> = asked.iter().filter(|a| seen.insert(a.as_str())).collect();
    let valid: Vec<UserId> = accounts
        .iter()
        .filter(|a| crate::auth::check_user_id(a).is_ok())
        .map(|a| UserId::new((*a).clone()))
        .collect();
    let profiles = ctx.store.profiles(valid).await.map_err(read_failed)?;
    let by_user: HashMap<&str, &Profile> =
        profiles.iter().map(|p| (p.user_id.as_str(), p)).collect();
    let mut response =
        PortraitGetResponse { user_profile_item: Vec::new(), fail_account: Vec::new() };
    for account in accounts {
        let item = match by_user.get(account.as_str()) {
            Some(profile) => UserProfileItem {
                to_account: account.clone(),
                profile_item: request
                    .tag_list
                    .iter()
                    .filter_map(|tag| {
                        value_of(profile, tag).map(|value| ProfileItem { tag: tag.clone(), value })
                    })
                    .collect(),
                result_code: 0,
                result_info: String::new(),
            },
            None => {
                response.fail_account.push(account.clone());
                UserProfileItem {
                    to_account: account.clone(),
                    profile_item: Vec::new(),
                    result_code: codes::ACCOUNT_NOT_FOUND,
                    result_info: format!("account {account:?} does not exist"),
                }
            }
        };
        response.user_profile_item.push(item);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(tag: &str, value: Value) -> ProfileItem {
        ProfileItem { tag: tag.into(), value }
    }

    #[test]
    fn items_become_a_patch_and_bad_ones_their_codes() {
        let fields = vec!["Tag_Profile_Custom_Hobby".to_owned()];
        let patch = patch_of(
            &[
                item(tags::NICK, json!("Alice")),
                item(tags::GENDER, json!("Gender_Type_Female")),
                item(tags::BIRTHDAY, json!(20000101)),
                item(tags::IMAGE, json!("https://example.invalid/a.png")),
                item(tags::MSG_SETTINGS, json!(1)),
                item("Tag_Profile_Custom_Hobby", json!("chess")),
                item("Tag_Profile_Custom_Hobby", json!("go")),
            ],
            &fields,
        )
        .expect("a patch");
        assert_eq!(patch.nick.as_deref(), Some("Alice"));
        assert_eq!(patch.gender.as_deref(), Some("Gender_Type_Female"));
        assert_eq!(patch.birthday, Some(20000101));
        assert_eq!(patch.avatar.as_deref(), Some("https://example.invalid/a.png"));
        assert_eq!(patch.message_settings, Some(1));
        let custom = patch.profile_custom_field.expect("custom");
        assert_eq!(
            custom,
            [CustomField { key: "Tag_Profile_Custom_Hobby".into(), value: json!("go") }]
        );

        let code_of = |items: &[ProfileItem]| patch_of(items, &fields).expect_err("refused").code;
        assert_eq!(code_of(&[]), codes::INVALID);
        assert_eq!(code_of(&[item("Tag_Profile_IM_Shoe", json!("x"))]), codes::NO_SUCH_TAG);
        assert_eq!(code_of(&[item("Tag_Profile_Custom_Other", json!("x"))]), codes::NO_SUCH_TAG);
        assert_eq!(code_of(&[item(tags::NICK, json!(3))]), codes::WRONG_VALUE_TYPE);
        assert_eq!(code_of(&[item(tags::LEVEL, json!("3"))]), codes::WRONG_VALUE_TYPE);
        assert_eq!(code_of(&[item(tags::LEVEL, json!(1.5))]), codes::WRONG_VALUE_TYPE);
        assert_eq!(
            code_of(&[item("Tag_Profile_Custom_Hobby", json!([1]))]),
            codes::WRONG_VALUE_TYPE
        );
        assert_eq!(code_of(&[item(tags::GENDER, json!("male"))]), codes::BAD_STANDARD_VALUE);
        assert_eq!(code_of(&[item(tags::MSG_SETTINGS, json!(2))]), codes::BAD_STANDARD_VALUE);
        assert_eq!(code_of(&[item(tags::ROLE, json!(-1))]), codes::BAD_STANDARD_VALUE);
        assert_eq!(code_of(&[item(tags::ROLE, json!(u64::MAX))]), codes::BAD_STANDARD_VALUE);
        assert_eq!(code_of(&[item(tags::NICK, json!("n".repeat(501)))]), codes::VALUE_TOO_LONG);
    }

    #[test]
    fn every_standard_tag_reads_back() {
        let profile = Profile::empty(UserId::new("alice"));
        for tag in tags::ALL {
            assert!(value_of(&profile, tag).is_some(), "{tag}");
        }
        assert_eq!(value_of(&profile, "Tag_Profile_Custom_Hobby"), None);
        assert_eq!(value_of(&profile, tags::ALLOW_TYPE), Some(json!("AllowType_Type_NeedConfirm")));
    }
}
