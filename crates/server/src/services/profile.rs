//! Profiles as stored: applying a validated patch and telling the owner's
//! other instances and everyone who has the owner as a friend (the patch
//! checks are in `crate::handlers::profile`).

use super::inbox;
use crate::store::{Store, StoreError, StoreFuture, WriteTx};
use confab_proto::inbox::InboxEvent;
use confab_proto::profile::{Profile, ProfilePatch};
use confab_proto::UserId;

/// Applies a (validated) patch, stamps the time and appends
/// `profileUpdated` to the user's inbox.
fn update(
    tx: &mut dyn WriteTx,
    user: &UserId,
    patch: &ProfilePatch,
    now_secs: i64,
) -> Result<Profile, StoreError> {
    let mut profile =
        tx.load_profile(user)?.ok_or_else(|| StoreError::UserNotFound(user.clone()))?;
    if let Some(avatar) = &patch.avatar {
        super::files::set_avatar(tx, user, avatar)?;
    }
    apply_patch(&mut profile, patch);
    profile.last_updated_number = now_secs;
    tx.save_profile(&profile)?;
    inbox::append(tx, user, InboxEvent::ProfileUpdated { profile: profile.clone() }, None)?;
    super::relation::tell_friends_of_profile(tx, &profile)?;
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

impl dyn Store {
    /// Applies a validated profile patch and appends it to the user's inbox.
    pub(crate) fn update_profile(
        &self,
        user: UserId,
        patch: ProfilePatch,
        now_secs: i64,
    ) -> StoreFuture<Profile> {
        self.transact(move |tx| update(tx, &user, &patch, now_secs))
    }
}
