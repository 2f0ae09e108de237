//! The relation chain (server: `handlers/relation.rs`): the blacklist,
//! with the local store as the offline copy. Every change, made here or
//! on another instance, fires BLACKLIST_UPDATED once with the whole list.

use super::Tim;
use crate::event::Event;
use crate::session::SessionCore;
use crate::TimError;
use confab_proto::code;
use confab_proto::relation::{AddToBlacklist, GetBlacklist, RemoveFromBlacklist};
use confab_proto::UserId;

/// Keeps the server's list as this device's and announces it if it
/// differs from what the device knew.
fn keep(core: &SessionCore, list: &[UserId]) -> Result<Vec<String>, TimError> {
    if let Some(changed) = core.store.replace_blacklist(list)? {
        core.emit(Event::BlacklistUpdated(changed));
    }
    Ok(list.iter().map(|u| u.as_str().to_owned()).collect())
}

impl Tim {
    /// TIM `getBlacklist`: my blacklist's userIDs, from the server when
    /// connected (a difference from the local copy is kept and announced),
    /// else the last known list.
    pub async fn get_blacklist(&self) -> Result<Vec<String>, TimError> {
        let session = self.ready_session()?;
        match self.request(&session, &GetBlacklist {}).await {
            Ok(response) => keep(&session.core, &response.user_id_list),
            Err(e) if e.code == code::NETWORK_ERROR => Ok(session.core.store.blacklist()?),
            Err(e) => Err(e),
        }
    }

    /// TIM `addToBlacklist`: blocks users (at most 1,000 per call; even one
    /// goes in a list). Resolves with the whole blacklist afterwards.
    /// Errors: 2742 my own userID, 2501 a userID that is not registered,
    /// 20001 an empty or too long list. Messages between me and a blocked
    /// user are refused either way (20007).
    pub async fn add_to_blacklist(&self, user_ids: Vec<String>) -> Result<Vec<String>, TimError> {
        let session = self.ready_session()?;
        let request =
            AddToBlacklist { user_id_list: user_ids.into_iter().map(UserId::new).collect() };
        let response = self.request(&session, &request).await?;
        keep(&session.core, &response.user_id_list)
    }

    /// TIM `removeFromBlacklist`: unblocks users (at most 1,000 per call).
    /// Resolves with the whole blacklist afterwards (the 2.27 text's comment
    /// says "the full blacklisted list", checklist 516).
    pub async fn remove_from_blacklist(
        &self,
        user_ids: Vec<String>,
    ) -> Result<Vec<String>, TimError> {
        let session = self.ready_session()?;
        let request =
            RemoveFromBlacklist { user_id_list: user_ids.into_iter().map(UserId::new).collect() };
        let response = self.request(&session, &request).await?;
        keep(&session.core, &response.user_id_list)
    }
}
