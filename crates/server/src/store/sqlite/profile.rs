//! Profiles: one JSON document per user (`profiles` table).

use super::writer::SqliteTx;
use crate::store::tx::ProfileTx;
use crate::store::StoreError;
use confab_proto::profile::Profile;
use confab_proto::UserId;
use rusqlite::{params, Connection, OptionalExtension as _};
use std::collections::HashSet;

/// The user's profile, if the user exists.
fn load(conn: &Connection, user: &UserId) -> Result<Option<Profile>, StoreError> {
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

impl ProfileTx for SqliteTx<'_> {
    fn load_profile(&mut self, user: &UserId) -> Result<Option<Profile>, StoreError> {
        // Every sent message reads its sender's profile (nick and avatar):
        // kept here, in step with every save.
        if let Some(cached) = self.state.profiles.get(user.as_str()) {
            return Ok(Some(cached.clone()));
        }
        let found = load(self.conn, user)?;
        if let Some(profile) = &found {
            self.state.profiles.insert(user.as_str().to_owned(), profile.clone());
        }
        Ok(found)
    }

    fn save_profile(&mut self, profile: &Profile) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO profiles (user_id, profile) VALUES (?1, ?2)
                 ON CONFLICT (user_id) DO UPDATE SET profile = excluded.profile",
            )?
            .execute(params![profile.user_id.as_str(), serde_json::to_string(profile)?])?;
        self.state.profiles.insert(profile.user_id.as_str().to_owned(), profile.clone());
        Ok(())
    }
}
