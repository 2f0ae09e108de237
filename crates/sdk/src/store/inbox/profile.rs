//! Profile events: the owner's profile changed (from any instance).

use super::Changes;
use crate::store::profiles::store_profile;
use crate::store::Result;
use confab_proto::profile::Profile;

/// Applies `profileUpdated`: stores the profile, announced when it differs
/// from the stored one.
pub(super) fn apply_profile(
    tx: &rusqlite::Connection,
    profile: &Profile,
    changes: &mut Changes,
) -> Result<()> {
    if store_profile(tx, profile)? {
        changes.profiles.push(profile.clone());
    }
    // A message after this one must compare its sender's name again.
    changes.senders.clear();
    Ok(())
}
