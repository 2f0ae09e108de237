//! The session lifecycle (server: `handlers/session.rs` and the gateway's
//! login): `login`, `logout`, `destroy`, and the Confab extensions for the
//! account's sign-in (TIM has no such methods): `change_password` and
//! `sign_out_everywhere`; and for the local store: `backup_local_store`
//! and `restore_local_store`.
//!
//! The extensions are the server's to decide; the SDK checks the new
//! password's rules early for a fast error. After a password change the
//! login goes on with the fresh UserSig the server answered with (announced
//! as `onUserSigRenewed` so the application stores it); after signing out
//! everywhere this login ends as after `logout` (SDK_NOT_READY), and every
//! other instance of the user is kicked with `userSigExpired`.

use super::{Session, Tim};
use crate::actor::{Actor, Command};
use crate::event::{Event, NetState};
use crate::files;
use crate::files::upload::FileService;
use crate::model::LoginResult;
use crate::session::SessionCore;
use crate::store::Store;
use crate::TimError;
use confab_proto::account::validate_password;
use confab_proto::code;
use confab_proto::ops::{ChangePassword, IssuedUserSig, SignOutEverywhere};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};
use tracing::Instrument as _;

impl Tim {
    // ----- lifecycle ---------------------------------------------------

    /// Logs in (TIM `login`). Resolves once the server accepted the login;
    /// SDK_READY follows after the first sync. When the server cannot be
    /// reached but this account's local store has synced before, resolves
    /// with `offline: true`, fires SDK_READY from the store and keeps
    /// reconnecting. Logging in again as the same user resolves with
    /// `repeat_login: true` and an `error_info` saying so; as another
    /// user, logs the first one out.
    pub async fn login(&self, user_id: &str, user_sig: &str) -> Result<LoginResult, TimError> {
        if self.inner.destroyed.load(Ordering::SeqCst) {
            return Err(TimError::new(code::SDK_IS_NOT_READY, "the instance was destroyed"));
        }
        if user_id.is_empty() {
            return Err(TimError::new(code::NO_IDENTIFIER, "userID is required"));
        }
        if user_sig.is_empty() {
            return Err(TimError::new(code::NO_USERSIG, "userSig is required"));
        }
        let _lifecycle = self.inner.lifecycle.lock().await;
        if let Some(session) = self.session() {
            if session.core.user_id == user_id {
                return Ok(LoginResult::repeat(user_id));
            }
            self.logout_locked().await?;
        }
        let options = &self.inner.options;
        let path = Store::path_for(&options.data_dir, options.sdk_app_id, user_id);
        let store = Store::open(&path, user_id)?;
        let instance_id = store.instance_id()?;
        let core = Arc::new(SessionCore::new(
            user_id.to_owned(),
            user_sig.to_owned(),
            &instance_id,
            store,
            Arc::clone(&self.inner.hub),
            Arc::clone(&options.clock),
            Arc::clone(&self.inner.log_level),
        ));
        let (commands, receiver) = mpsc::unbounded_channel();
        let file_service = Arc::new(FileService::new(
            Arc::clone(&core),
            commands.clone(),
            files::http_base_url(&options.server_url),
            &options.tls,
            files::cache_dir(&options.data_dir, options.sdk_app_id, user_id),
            options.reconnect,
            options.request_timeout,
        )?);
        let (reply, result) = oneshot::channel();
        let actor = Actor::new(options.clone(), Arc::clone(&core), receiver, reply);
        // The actor and everything it logs carry the login's user and
        // instance.
        let task = tokio::spawn(actor.run().instrument(core.span.clone()));
        let session =
            Arc::new(Session { core, commands, task: Mutex::new(Some(task)), files: file_service });
        *self.slot() = Some(Arc::clone(&session));
        let outcome = match result.await {
            Ok(outcome) => outcome,
            Err(_) => Err(TimError::internal("the session ended during login")),
        };
        if outcome.is_ok() {
            // Uploads interrupted by a restart go on.
            session.files.resume_all();
        }
        if outcome.is_err() {
            session.core.terminate();
            session.abort();
            let mut slot = self.slot();
            if slot.as_ref().is_some_and(|s| Arc::ptr_eq(s, &session)) {
                *slot = None;
            }
        }
        outcome
    }

    /// Writes a consistent copy of this account's whole local store
    /// (messages, conversations, search index, sync state) to `target`, a
    /// file that must not exist yet (Confab extension). Works offline.
    pub async fn backup_local_store(&self, target: &std::path::Path) -> Result<(), TimError> {
        let session = self.session().ok_or_else(TimError::not_ready)?;
        let target = target.to_path_buf();
        let app = self.inner.options.sdk_app_id;
        tokio::task::spawn_blocking(move || session.core.store.backup_to(&target, app))
            .await
            .map_err(|e| TimError::internal(format!("backup: {e}")))??;
        Ok(())
    }

    /// Replaces this account's local store with a backup made by
    /// [`Tim::backup_local_store`] (Confab extension). The session stops
    /// (SDK_NOT_READY, without logging out at the server), the backup is
    /// copied in (this installation keeps its instance ID), and the same
    /// login starts again: SDK_READY follows, and a sync brings what
    /// happened since the backup. 2905 when the file is not a backup of
    /// this account (or is from a newer version); nothing changes then.
    pub async fn restore_local_store(&self, backup: &std::path::Path) -> Result<(), TimError> {
        let lifecycle = self.inner.lifecycle.lock().await;
        let session = self.session().ok_or_else(TimError::not_ready)?;
        let user = session.core.user_id.clone();
        let user_sig = session.core.user_sig();
        let options = &self.inner.options;
        let (app, path) =
            (options.sdk_app_id, Store::path_for(&options.data_dir, options.sdk_app_id, &user));
        let refused = |e: crate::store::backup::BackupError| match e {
            crate::store::backup::BackupError::Refused(why) => {
                TimError::new(code::INVALID_OPERATION, why.to_string())
            }
            crate::store::backup::BackupError::Store(e) => TimError::from(e),
        };
        let checked = backup.to_path_buf();
        let (owner, check) = (user.clone(), checked.clone());
        tokio::task::spawn_blocking(move || {
            crate::store::backup::check_backup(&check, &owner, app)
        })
        .await
        .map_err(|e| TimError::internal(format!("restore: {e}")))?
        .map_err(refused)?;
        // Stop this session without a logout at the server: the same
        // login goes on over the restored store.
        if let Some(current) = self.slot().take() {
            current.abort();
            current.core.terminate();
            current.core.set_net_state(NetState::Disconnected);
            self.inner.hub.emit(Event::SdkNotReady);
        }
        drop(session);
        let owner = user.clone();
        let restored = tokio::task::spawn_blocking(move || {
            crate::store::backup::restore_into(&path, &checked, &owner)
        })
        .await
        .map_err(|e| TimError::internal(format!("restore: {e}")))?
        .map_err(refused);
        drop(lifecycle);
        // Log in again either way: a failed restore left the store as it was.
        self.login(&user, &user_sig).await?;
        restored
    }

    /// Logs out (TIM `logout`): tells the server, stops the session, clears
    /// in-memory state and fires SDK_NOT_READY. Later calls fail with 2999.
    pub async fn logout(&self) -> Result<(), TimError> {
        let _lifecycle = self.inner.lifecycle.lock().await;
        self.logout_locked().await
    }

    async fn logout_locked(&self) -> Result<(), TimError> {
        let Some(session) = self.slot().take() else { return Err(TimError::not_ready()) };
        // A session the server already ended (kick, refused login) has
        // announced SDK_NOT_READY itself.
        let already_ended = session.core.is_terminated();
        if !already_ended {
            let (reply, done) = oneshot::channel();
            if session.commands.send(Command::Logout { reply }).is_ok() {
                let limit = self.inner.options.request_timeout + std::time::Duration::from_secs(1);
                if tokio::time::timeout(limit, done).await.is_err() {
                    session
                        .core
                        .log(tracing::Level::WARN, format_args!("logout was not confirmed"));
                }
            }
        }
        session.abort();
        session.core.terminate();
        if !already_ended {
            session.core.set_net_state(NetState::Disconnected);
            self.inner.hub.emit(Event::SdkNotReady);
        }
        Ok(())
    }

    /// Destroys the instance (TIM `destroy`): logs out, fires SDK_DESTROY;
    /// the handle cannot log in again.
    pub async fn destroy(&self) -> Result<(), TimError> {
        let _lifecycle = self.inner.lifecycle.lock().await;
        if self.slot().is_some() {
            self.logout_locked().await?;
        }
        if !self.inner.destroyed.swap(true, Ordering::SeqCst) {
            self.inner.hub.emit(Event::SdkDestroy);
        }
        Ok(())
    }

    // ----- sign-in (Confab extensions) ----------------------------------

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
