//! Profiles, the PostgreSQL version: one JSON document per user
//! (`profiles` table).

use super::writer::PgTx;
use super::Cx;
use crate::store::tx::ProfileTx;
use crate::store::StoreError;
use confab_proto::profile::Profile;
use confab_proto::UserId;
use std::collections::HashSet;

/// The user's profile, if the user exists.
fn load(cx: &mut Cx<'_>, user: &UserId) -> Result<Option<Profile>, StoreError> {
    let row = cx.query_opt("SELECT profile FROM profiles WHERE user_id = $1", &[&user.as_str()])?;
    let json = row.map(|r| r.try_get::<_, String>(0)).transpose()?;
    json.map(|j| serde_json::from_str(&j).map_err(StoreError::from)).transpose()
}

/// Profiles of the users that exist, in the order given, each once.
pub(super) fn load_many(cx: &mut Cx<'_>, users: &[UserId]) -> Result<Vec<Profile>, StoreError> {
    let mut seen = HashSet::new();
    let mut profiles = Vec::new();
    for user in users {
        if seen.insert(user) {
            if let Some(p) = load(cx, user)? {
                profiles.push(p);
            }
        }
    }
    Ok(profiles)
}

impl ProfileTx for PgTx<'_> {
    fn load_profile(&mut self, user: &UserId) -> Result<Option<Profile>, StoreError> {
        // Every sent message reads its sender's profile (nick and avatar):
        // kept here, in step with every save.
        if let Some(cached) = self.state.profiles.get(user.as_str()) {
            return Ok(Some(cached.clone()));
        }
        let found = load(&mut self.cx, user)?;
        if let Some(profile) = &found {
            self.state.profiles.insert(user.as_str().to_owned(), profile.clone());
        }
        Ok(found)
    }

    fn save_profile(&mut self, profile: &Profile) -> Result<(), StoreError> {
        let json = serde_json::to_string(profile)?;
        self.cx.execute(
            "INSERT INTO profiles (user_id, profile) VALUES ($1, $2)
             ON CONFLICT (user_id) DO UPDATE SET profile = excluded.profile",
            &[&profile.user_id.as_str(), &json],
        )?;
        self.state.profiles.insert(profile.user_id.as_str().to_owned(), profile.clone());
        Ok(())
    }
}
