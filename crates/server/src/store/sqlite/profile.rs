//! Profiles: one JSON document per user (`profiles` table).

use super::{inbox, WriteCx};
use crate::store::StoreError;
use confab_proto::inbox::InboxEvent;
use confab_proto::profile::{Profile, ProfilePatch};
use confab_proto::UserId;
use rusqlite::{params, Connection, OptionalExtension as _};
use std::collections::HashSet;

/// Gives a new user the empty profile.
pub(super) fn insert_empty(conn: &Connection, user: &UserId) -> Result<(), StoreError> {
    let profile = Profile::empty(user.clone());
    conn.execute(
        "INSERT INTO profiles (user_id, profile) VALUES (?1, ?2) ON CONFLICT (user_id) DO NOTHING",
        params![user.as_str(), serde_json::to_string(&profile)?],
    )?;
    Ok(())
}

/// The user's profile, if the user exists.
pub(super) fn load(conn: &Connection, user: &UserId) -> Result<Option<Profile>, StoreError> {
    let json = conn
        .prepare_cached("SELECT profile FROM profiles WHERE user_id = ?1")?
        .query_row([user.as_str()], |r| r.get::<_, String>(0))
        .optional()?;
    json.map(|j| serde_json::from_str(&j).map_err(StoreError::from)).transpose()
}

/// Profiles of the users that exist, in the order given, each once.
pub(super) fn load_many(conn: &Connection, users: &[UserId]) -> Result<Vec<Profile>, StoreError> {
    let mut seen = HashSet::new();
    let mut profiles = Vec::new();
    for user in users {
        if seen.insert(user) {
            if let Some(p) = load(conn, user)? {
                profiles.push(p);
            }
        }
    }
    Ok(profiles)
}

/// Applies a (validated) patch, stamps the time and appends
/// `profileUpdated` to the user's inbox.
pub(super) fn update(
    conn: &Connection,
    cx: &mut WriteCx,
    user: &UserId,
    patch: &ProfilePatch,
    now_secs: i64,
) -> Result<Profile, StoreError> {
    let mut profile = load(conn, user)?.ok_or_else(|| StoreError::UserNotFound(user.clone()))?;
    apply_patch(&mut profile, patch);
    profile.last_updated_number = now_secs;
    conn.prepare_cached("UPDATE profiles SET profile = ?2 WHERE user_id = ?1")?
        .execute(params![user.as_str(), serde_json::to_string(&profile)?])?;
    inbox::append(conn, cx, user, InboxEvent::ProfileUpdated { profile: profile.clone() }, None)?;
    cx.remember_profile(&profile);
    Ok(profile)
}

/// Merges a patch into a profile. A custom field set to `""` or `null` is removed.
pub(crate) fn apply_patch(profile: &mut Profile, patch: &ProfilePatch) {
    fn set<T: Clone>(field: &mut T, value: &Option<T>) {
        if let Some(v) = value {
            *field = v.clone();
        }
    }
    set(&mut profile.nick, &patch.nick);
    set(&mut profile.avatar, &patch.avatar);
    set(&mut profile.gender, &patch.gender);
    set(&mut profile.self_signature, &patch.self_signature);
    set(&mut profile.allow_type, &patch.allow_type);
    set(&mut profile.birthday, &patch.birthday);
    set(&mut profile.location, &patch.location);
    set(&mut profile.language, &patch.language);
    set(&mut profile.message_settings, &patch.message_settings);
    set(&mut profile.admin_forbid_type, &patch.admin_forbid_type);
    set(&mut profile.level, &patch.level);
    set(&mut profile.role, &patch.role);
    for field in patch.profile_custom_field.iter().flatten() {
        profile.profile_custom_field.retain(|f| f.key != field.key);
        let empty = field.value.is_null() || field.value.as_str() == Some("");
        if !empty {
            profile.profile_custom_field.push(field.clone());
        }
    }
    profile.profile_custom_field.sort_by(|a, b| a.key.cmp(&b.key));
}
