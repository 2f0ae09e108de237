//! Profiles: `getUserProfile` and `updateMyProfile`.
//!
//! `updateMyProfile` refuses an empty patch with 2722 (`UPDATE_PROFILE_NO_KEY`)
//! and a bad value with 2721 (`UPDATE_PROFILE_INVALID_PARAM`): a gender,
//! allowType or adminForbidType that is not a `TIM.TYPES` value, a
//! messageSettings other than 0/1, a string over its byte limit, a negative
//! number, or a custom field key the server is not configured with.

use super::{from_store, reject, Caller, Reply};
use crate::server::ServerContext;
use confab_proto::constants::types;
use confab_proto::ops::{
    GetUserProfile, GetUserProfileResponse, UpdateMyProfile, UpdateMyProfileResponse,
};
use confab_proto::profile::ProfilePatch;
use confab_proto::{code, ErrorBody};

/// Most users one `getUserProfile` looks up; the rest are dropped.
pub(crate) const MAX_PROFILES: usize = 100;

/// Longest nick, signature, avatar URL and location, in bytes.
pub(crate) const MAX_PROFILE_STRING_BYTES: usize = 500;

/// Longest custom field string value, in bytes.
pub(crate) const MAX_CUSTOM_VALUE_BYTES: usize = 500;

/// `getUserProfile`.
pub(crate) fn get_user_profile(
    ctx: &ServerContext,
    _caller: &Caller,
    request: GetUserProfile,
) -> Reply<GetUserProfileResponse> {
    let mut users = request.user_id_list;
    users.truncate(MAX_PROFILES);
    from_store(ctx.store.profiles(users), |profiles| GetUserProfileResponse { profiles })
}

/// `updateMyProfile`.
pub(crate) fn update_my_profile(
    ctx: &ServerContext,
    caller: &Caller,
    request: UpdateMyProfile,
) -> Reply<UpdateMyProfileResponse> {
    if let Err(e) = validate_patch(&request.patch, &ctx.config.profile_custom_fields) {
        return reject(e);
    }
    from_store(
        ctx.store.update_profile(caller.user.clone(), request.patch, ctx.clock.now_secs()),
        |profile| UpdateMyProfileResponse { profile },
    )
}

/// Checks a profile patch against TIM's value sets and the configured
/// custom fields.
pub(crate) fn validate_patch(
    patch: &ProfilePatch,
    custom_fields: &[String],
) -> Result<(), ErrorBody> {
    if patch.is_empty() {
        return Err(ErrorBody::new(code::UPDATE_PROFILE_NO_KEY, "the profile patch sets no field"));
    }
    let invalid = |what: String| Err(ErrorBody::new(code::UPDATE_PROFILE_INVALID_PARAM, what));
    let one_of = |name: &str, value: &Option<String>, allowed: &[&str]| match value {
        Some(v) if !allowed.contains(&v.as_str()) => {
            Err(format!("{name} must be one of {allowed:?}, not {v:?}"))
        }
        _ => Ok(()),
    };
    for check in [
        one_of(
            "gender",
            &patch.gender,
            &[types::GENDER_UNKNOWN, types::GENDER_FEMALE, types::GENDER_MALE],
        ),
        one_of(
            "allowType",
            &patch.allow_type,
            &[
                types::ALLOW_TYPE_ALLOW_ANY,
                types::ALLOW_TYPE_NEED_CONFIRM,
                types::ALLOW_TYPE_DENY_ANY,
            ],
        ),
        one_of(
            "adminForbidType",
            &patch.admin_forbid_type,
            &[types::FORBID_TYPE_NONE, types::FORBID_TYPE_SEND_OUT],
        ),
    ] {
        if let Err(what) = check {
            return invalid(what);
        }
    }
    if let Some(v) = patch.message_settings {
        if v != 0 && v != 1 {
            return invalid(format!("messageSettings must be 0 or 1, not {v}"));
        }
    }
    for (name, value) in [
        ("nick", &patch.nick),
        ("selfSignature", &patch.self_signature),
        ("avatar", &patch.avatar),
        ("location", &patch.location),
    ] {
        if value.as_ref().is_some_and(|v| v.len() > MAX_PROFILE_STRING_BYTES) {
            return invalid(format!("{name} is longer than {MAX_PROFILE_STRING_BYTES} bytes"));
        }
    }
    for (name, value) in [
        ("birthday", patch.birthday),
        ("language", patch.language),
        ("level", patch.level),
        ("role", patch.role),
    ] {
        if value.is_some_and(|v| !(0..=i64::from(u32::MAX)).contains(&v)) {
            return invalid(format!("{name} must be between 0 and {}", u32::MAX));
        }
    }
    for field in patch.profile_custom_field.iter().flatten() {
        if !custom_fields.contains(&field.key) {
            return invalid(format!("custom profile field {:?} is not configured", field.key));
        }
        let ok = match &field.value {
            serde_json::Value::String(s) => s.len() <= MAX_CUSTOM_VALUE_BYTES,
            serde_json::Value::Number(_) | serde_json::Value::Null => true,
            _ => false,
        };
        if !ok {
            return invalid(format!(
                "custom profile field {:?} must be a number or a string of at most {MAX_CUSTOM_VALUE_BYTES} bytes",
                field.key
            ));
        }
    }
    Ok(())
}

/// Adds this area's operations to the registry.
pub(crate) fn register(registry: &mut super::Registry) -> Result<(), super::RegistryError> {
    registry.service::<confab_proto::ops::GetUserProfile>(get_user_profile)?;
    registry.service::<confab_proto::ops::UpdateMyProfile>(update_my_profile)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use confab_proto::profile::CustomField;

    #[test]
    fn patch_rules() {
        let fields = vec!["Tag_Profile_Custom_A".to_owned()];
        let code_of = |p: ProfilePatch| validate_patch(&p, &fields).expect_err("refused").code;
        assert_eq!(code_of(ProfilePatch::default()), code::UPDATE_PROFILE_NO_KEY);
        assert!(validate_patch(
            &ProfilePatch { nick: Some("A".into()), ..Default::default() },
            &fields
        )
        .is_ok());
        let bad = [
            ProfilePatch { gender: Some("male".into()), ..Default::default() },
            ProfilePatch { allow_type: Some("x".into()), ..Default::default() },
            ProfilePatch { admin_forbid_type: Some("x".into()), ..Default::default() },
            ProfilePatch { message_settings: Some(2), ..Default::default() },
            ProfilePatch { nick: Some("x".repeat(501)), ..Default::default() },
            ProfilePatch { level: Some(-1), ..Default::default() },
            ProfilePatch {
                profile_custom_field: Some(vec![CustomField {
                    key: "Tag_Profile_Custom_B".into(),
                    value: "v".into(),
                }]),
                ..Default::default()
            },
        ];
        for patch in bad {
            assert_eq!(code_of(patch.clone()), code::UPDATE_PROFILE_INVALID_PARAM, "{patch:?}");
        }
        let custom = ProfilePatch {
            gender: Some(types::GENDER_MALE.into()),
            profile_custom_field: Some(vec![CustomField {
                key: "Tag_Profile_Custom_A".into(),
                value: 3.into(),
            }]),
            ..Default::default()
        };
        assert!(validate_patch(&custom, &fields).is_ok());
    }
}
