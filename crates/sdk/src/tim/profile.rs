//! Profiles (server: `handlers/profile.rs`): `getMyProfile`,
//! `getUserProfile` and `updateMyProfile`, with the local store as the
//! offline copy, and the announcement of profiles a fetch found changed.

use super::Tim;
use crate::event::Event;
use crate::session::SessionCore;
use crate::TimError;
use confab_proto::constants::types;
use confab_proto::ops::{GetUserProfile, UpdateMyProfile};
use confab_proto::profile::{Profile, ProfilePatch};
use confab_proto::{code, UserId};

/// Most users per `get_user_profile` call.
const MAX_PROFILES: usize = 100;

/// Announces profiles a fetch found changed: PROFILE_UPDATED, and
/// CONVERSATION_LIST_UPDATED for the one-to-one conversations with those
/// users, whose `userProfile` (name, avatar, signature in the list and the
/// chat header) is the stored profile. Messages only carry the nickname and
/// avatar of when they were sent, so a fetch is how a peer's later changes
/// and signature reach the list.
pub(super) fn announce_profiles(core: &SessionCore, changed: Vec<Profile>) -> Result<(), TimError> {
    if changed.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> =
        changed.iter().map(|p| format!("{}{}", types::CONV_C2C, p.user_id.as_str())).collect();
    let conversations = core.store.conversations(Some(&ids))?;
    if !conversations.is_empty() {
        core.emit(Event::ConversationListUpdated(conversations));
    }
    core.emit(Event::ProfileUpdated(changed));
    Ok(())
}

impl Tim {
    /// TIM `getMyProfile`: from the server when connected, else the last
    /// known one.
    pub async fn get_my_profile(&self) -> Result<Profile, TimError> {
        let session = self.ready_session()?;
        let me = session.core.user_id.clone();
        let mut profiles = self.get_user_profile(vec![me.clone()]).await?;
        match profiles.pop() {
            Some(p) => Ok(p),
            None => Ok(Profile::empty(UserId::new(me))),
        }
    }

    /// TIM `getUserProfile`: profiles of up to 100 users (more are dropped;
    /// unknown users are left out). Offline, the last known profiles.
    /// Profiles that differ from the stored ones are stored and announced:
    /// PROFILE_UPDATED, and CONVERSATION_LIST_UPDATED for the conversations
    /// with those users.
    pub async fn get_user_profile(&self, user_ids: Vec<String>) -> Result<Vec<Profile>, TimError> {
        let session = self.ready_session()?;
        let mut user_ids = user_ids;
        user_ids.truncate(MAX_PROFILES);
        if user_ids.is_empty() {
            return Ok(Vec::new());
        }
        let store = &session.core.store;
        let request = GetUserProfile {
            user_id_list: user_ids.iter().map(|u| UserId::new(u.as_str())).collect(),
        };
        match self.request(&session, &request).await {
            Ok(response) => {
                let changed = store.store_profiles(&response.profiles)?;
                announce_profiles(&session.core, changed)?;
                Ok(response.profiles)
            }
            Err(e) if e.code == code::NETWORK_ERROR => {
                let mut known = Vec::new();
                for id in &user_ids {
                    if let Some(p) = store.profile(id)? {
                        known.push(p);
                    }
                }
                Ok(known)
            }
            Err(e) => Err(e),
        }
    }

    /// TIM `updateMyProfile`: at least one field (else 2722). Fires
    /// PROFILE_UPDATED on this instance too.
    pub async fn update_my_profile(&self, patch: ProfilePatch) -> Result<Profile, TimError> {
        let session = self.ready_session()?;
        if patch.is_empty() {
            return Err(TimError::new(code::UPDATE_PROFILE_NO_KEY, "no profile field given"));
        }
        let response = self.request(&session, &UpdateMyProfile { patch }).await?;
        let changed = session.core.store.store_profiles(std::slice::from_ref(&response.profile))?;
        if !changed.is_empty() {
            session.core.emit(Event::ProfileUpdated(changed));
        }
        Ok(response.profile)
    }
}
