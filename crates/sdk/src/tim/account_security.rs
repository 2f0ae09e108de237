//! Confab extensions on [`Tim`] for the account's sign-in (TIM has no such
//! methods): `change_password` and `sign_out_everywhere`.
//!
//! Both are the server's to decide; the SDK checks the new password's rules
//! early for a fast error. After a password change the login goes on with
//! the fresh UserSig the server answered with (announced as
//! `onUserSigRenewed` so the application stores it); after signing out
//! everywhere this login ends as after `logout` (SDK_NOT_READY), and every
//! other instance of the user is kicked with `userSigExpired`.

use super::Tim;
use crate::event::{Event, NetState};
use crate::TimError;
use confab_proto::account::validate_password;
use confab_proto::code;
use confab_proto::ops::{ChangePassword, IssuedUserSig, SignOutEverywhere};

impl Tim {
    /// Changes the account's password (Confab extension). Errors: 90007 the
    /// new password breaks the rules, 90005 the old password is wrong (or
    /// the account has none), 2999 not logged in and ready. Every other
    /// instance of the user is signed out and every earlier UserSig stops
    /// working; this login goes on with the returned UserSig.
    pub async fn change_password(
        &self,
        old_password: &str,
        new_password: &str,
    ) -> Result<IssuedUserSig, TimError> {
        let session = self.ready_session()?;
        validate_password(new_password)
            .map_err(|why| TimError::new(code::INVALID_PASSWORD, why.to_string()))?;
        let request = ChangePassword {
            old_password: old_password.to_owned(),
            new_password: new_password.to_owned(),
        };
        let issued = self.request(&session, &request).await?;
        session.core.adopt_sig(&issued);
        Ok(issued)
    }

    /// Signs the account out of every device (Confab extension): every
    /// UserSig issued to the user so far stops working, every other
    /// instance is kicked with `userSigExpired`, and this login ends as
    /// after [`Tim::logout`] (SDK_NOT_READY). Errors: 2999 not logged in
    /// and ready; a network error leaves everything as it was.
    pub async fn sign_out_everywhere(&self) -> Result<(), TimError> {
        let _lifecycle = self.inner.lifecycle.lock().await;
        let session = self.ready_session()?;
        self.request(&session, &SignOutEverywhere {}).await?;
        // The server closes the connection after answering; the actor may
        // have announced the end already (then `terminate` is false).
        let was_alive = session.core.terminate();
        session.abort();
        {
            let mut slot = self.slot();
            if slot.as_ref().is_some_and(|s| std::sync::Arc::ptr_eq(s, &session)) {
                *slot = None;
            }
        }
        if was_alive {
            session.core.set_net_state(NetState::Disconnected);
            self.inner.hub.emit(Event::SdkNotReady);
        }
        Ok(())
    }
}
