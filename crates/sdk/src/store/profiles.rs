//! Profiles: the last known profile of each user (the logged-in user's own
//! and its peers'), from fetches, inbox events and message senders.

use super::{Result, Store};
use confab_proto::message::WireMessage;
use confab_proto::profile::Profile;
use rusqlite::{params, OptionalExtension};

impl Store {
    /// A stored profile.
    pub(crate) fn profile(&self, user_id: &str) -> Result<Option<Profile>> {
        profile_in(&self.lock(), user_id)
    }

    /// Stores profiles; returns those that changed.
    pub(crate) fn store_profiles(&self, profiles: &[Profile]) -> Result<Vec<Profile>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let mut changed = Vec::new();
        for p in profiles {
            if store_profile(&tx, p)? {
                changed.push(p.clone());
            }
        }
        tx.commit()?;
        Ok(changed)
    }
}

/// A stored profile, read through `conn`.
pub(super) fn profile_in(conn: &rusqlite::Connection, user_id: &str) -> Result<Option<Profile>> {
    let json: Option<String> = conn
        .prepare_cached("SELECT profile FROM profiles WHERE user_id = ?1")?
        .query_row(params![user_id], |r| r.get(0))
        .optional()?;
    Ok(json.as_deref().map(serde_json::from_str).transpose()?)
}

/// Stores a profile; true when it differs from the stored one.
pub(super) fn store_profile(conn: &rusqlite::Connection, profile: &Profile) -> Result<bool> {
    if profile_in(conn, profile.user_id.as_str())?.as_ref() == Some(profile) {
        return Ok(false);
    }
    conn.prepare_cached(
        "INSERT INTO profiles (user_id, profile) VALUES (?1, ?2)
         ON CONFLICT (user_id) DO UPDATE SET profile = excluded.profile",
    )?
    .execute(params![profile.user_id.as_str(), serde_json::to_string(profile)?])?;
    Ok(true)
}

/// Keeps the sender's nick and avatar from a new message as a hint of
/// their profile.
pub(super) fn remember_sender(conn: &rusqlite::Connection, m: &WireMessage) -> Result<()> {
    if m.conversation_type == confab_proto::message::ConversationType::System {
        return Ok(()); // the system is not a user
    }
    let mut profile =
        profile_in(conn, m.from.as_str())?.unwrap_or_else(|| Profile::empty(m.from.clone()));
    if profile.nick == m.nick && profile.avatar == m.avatar {
        return Ok(());
    }
    profile.nick = m.nick.clone();
    profile.avatar = m.avatar.clone();
    store_profile(conn, &profile)?;
    Ok(())
}
