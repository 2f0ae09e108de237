//! The session commands (`app.getState`, `app.chooseServer`,
//! `app.register`, `app.login`, `app.resume`, `app.logout`,
//! `app.changePassword`, `app.signOutEverywhere`, and TIM's own
//! `tim.login` / `tim.logout` with a UserSig): their argument types
//! and handlers. They act on the active account; signing out of it shows
//! the next signed-in account, if any (see [`crate::accounts`]). Every
//! transition but `app.getState` and `app.changePassword` takes the core's
//! lifecycle lock, so at most one runs at a time; each saves the settings
//! before it answers.

use crate::accounts::account_id;
use crate::commands::Empty;
use crate::core::{
    ca_file_arg, check_health, lock, login_until_ready, normalize_url, tls_for, AppCore,
};
use crate::error::{self, from_tim};
use crate::settings::{SavedSession, Settings};
use crate::state::{AppState, Mode};
use confab_proto::ErrorBody;
use serde::{Deserialize, Serialize};

/// `app.chooseServer` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChooseServerArgs {
    /// `local` (embedded server) or `remote`.
    pub mode: Mode,
    /// The `confabd` HTTP base URL; required for `remote`.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub url: Option<String>,
    /// `remote`: an absolute path of a CA certificate file (PEM) to trust
    /// besides the platform's roots, for a self-hosted `https://` server;
    /// empty or absent for none.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub ca_file: Option<String>,
}

/// `app.register` / `app.login` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialsArgs {
    /// The account.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// Its password.
    pub password: String,
}

/// `tim.login` arguments: TIM's `{userID, userSig}`, for an app whose own
/// server issued the UserSig (the password sign-in is `app.login`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSigLoginArgs {
    /// The account.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// A UserSig issued for it by the chosen server's SDKAppID and key.
    #[serde(rename = "userSig")]
    pub user_sig: String,
    /// The SDKAppID the UserSig was issued for (TIM's `TIM.create`
    /// option); by default the saved session's, else confabd's default.
    #[serde(rename = "SDKAppID", default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub sdk_app_id: Option<u64>,
}

impl std::fmt::Debug for UserSigLoginArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserSigLoginArgs")
            .field("user_id", &self.user_id)
            .field("sdk_app_id", &self.sdk_app_id)
            .finish_non_exhaustive()
    }
}

/// `app.changePassword` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangePasswordArgs {
    /// The current password.
    pub old_password: String,
    /// The new password (the registration rules apply).
    pub new_password: String,
}

impl std::fmt::Debug for ChangePasswordArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangePasswordArgs").finish_non_exhaustive()
    }
}

impl AppCore {
    #[expect(clippy::unused_async, reason = "every command handler is async")]
    pub(crate) async fn get_state(&self, _: Empty) -> Result<AppState, ErrorBody> {
        Ok(self.state())
    }

    pub(crate) async fn choose_server(
        &self,
        args: ChooseServerArgs,
    ) -> Result<AppState, ErrorBody> {
        let inner = &self.inner;
        let _lifecycle = inner.lifecycle.lock().await;
        let (url, ca_file) = match args.mode {
            Mode::Local => (inner.start_embedded().await?, None),
            Mode::Remote => {
                let url = args.url.as_deref().ok_or_else(|| {
                    error::invalid("app.chooseServer: `url` is required in remote mode")
                })?;
                let url = normalize_url(url).map_err(error::invalid)?;
                let ca_file = ca_file_arg(args.ca_file.as_deref())?;
                let tls = tls_for(ca_file.as_deref());
                tls.check_custom_ca().map_err(from_tim)?;
                check_health(&url, &tls).await?;
                *lock(&inner.tls) = tls;
                (url, ca_file)
            }
        };
        let session_elsewhere =
            lock(&inner.settings).session.as_ref().is_some_and(|s| s.server_url != url);
        if session_elsewhere {
            inner.logout_sdk().await;
        }
        inner.update_settings(|s| {
            s.mode = Some(args.mode);
            if args.mode == Mode::Remote {
                s.remote_url = Some(url.clone());
                s.ca_file = ca_file;
            }
            if s.session.as_ref().is_some_and(|session| session.server_url != url) {
                s.forget_active();
            }
        })?;
        if args.mode == Mode::Remote && !inner.background_uses_embedded() {
            inner.stop_embedded().await;
        }
        Ok(inner.state_changed())
    }

    pub(crate) async fn register(&self, args: CredentialsArgs) -> Result<AppState, ErrorBody> {
        self.password_login(args, true).await
    }

    pub(crate) async fn login(&self, args: CredentialsArgs) -> Result<AppState, ErrorBody> {
        self.password_login(args, false).await
    }

    async fn password_login(
        &self,
        args: CredentialsArgs,
        register: bool,
    ) -> Result<AppState, ErrorBody> {
        let inner = &self.inner;
        let _lifecycle = inner.lifecycle.lock().await;
        let url = inner.server_url().await?;
        let tls = inner.tls();
        let grant = if register {
            confab_sdk::account::register_with(&tls, &url, &args.user_id, &args.password).await
        } else {
            confab_sdk::account::login_with(&tls, &url, &args.user_id, &args.password).await
        }
        .map_err(from_tim)?;
        let session = SavedSession {
            user_id: grant.user_id.0,
            user_sig: grant.user_sig,
            sdk_app_id: grant.sdk_app_id,
            server_url: url,
        };
        self.start_session(session).await
    }

    /// Logs the SDK in with `session` until it is ready, then saves it.
    /// An account signed in in the background already is switched to (with
    /// this fresh UserSig). The caller holds the lifecycle lock.
    async fn start_session(&self, session: SavedSession) -> Result<AppState, ErrorBody> {
        let inner = &self.inner;
        let id = {
            let settings = lock(&inner.settings);
            settings
                .mode
                .map(|mode| account_id(mode, settings.remote_url.as_deref(), &session.user_id))
        };
        if let Some(id) = id.filter(|id| inner.in_background(id)) {
            inner.update_settings(|s| {
                if let Some(a) = s.accounts.iter_mut().find(|a| a.id() == id) {
                    a.session.user_sig.clone_from(&session.user_sig);
                }
            })?;
            inner.make_active(&id).await?;
            return Ok(inner.state_changed());
        }
        let tim = inner.client_for(&session.server_url, session.sdk_app_id, &session.user_id).await;
        login_until_ready(&tim, &session).await.map_err(from_tim)?;
        inner.update_settings(|s| {
            s.session = Some(session);
            s.signed_in();
        })?;
        Ok(inner.state_changed())
    }

    /// TIM `login({userID, userSig})` on the chosen server: saves the
    /// session (so `app.resume` works after a restart) and resolves once
    /// the SDK is ready, like `app.login`.
    pub(crate) async fn user_sig_login(
        &self,
        args: UserSigLoginArgs,
    ) -> Result<AppState, ErrorBody> {
        let inner = &self.inner;
        let _lifecycle = inner.lifecycle.lock().await;
        let url = inner.server_url().await?;
        let saved_app_id = lock(&inner.settings).session.as_ref().map(|s| s.sdk_app_id);
        let sdk_app_id = args
            .sdk_app_id
            .or(saved_app_id)
            .unwrap_or_else(|| confab_server::config::Config::default().sdk_app_id);
        let session = SavedSession {
            user_id: args.user_id,
            user_sig: args.user_sig,
            sdk_app_id,
            server_url: url,
        };
        self.start_session(session).await
    }

    /// Logs the saved sessions in: the active account's until it is ready
    /// (its failure is the command's), then the other accounts'.
    pub(crate) async fn resume(&self, _: Empty) -> Result<AppState, ErrorBody> {
        let inner = &self.inner;
        let _lifecycle = inner.lifecycle.lock().await;
        let has_session = lock(&inner.settings).session.is_some();
        let active = if has_session { inner.resume_active().await.map(drop) } else { Ok(()) };
        inner.resume_background().await;
        active?;
        Ok(inner.state_changed())
    }

    pub(crate) async fn logout(&self, _: Empty) -> Result<AppState, ErrorBody> {
        let inner = &self.inner;
        let _lifecycle = inner.lifecycle.lock().await;
        inner.logout_sdk().await;
        inner.update_settings(Settings::forget_active)?;
        inner.activate_next().await;
        Ok(inner.state_changed())
    }

    /// Changes the password; this login goes on with the fresh UserSig,
    /// which the saved session takes over (through `onUserSigRenewed`).
    pub(crate) async fn change_password(
        &self,
        args: ChangePasswordArgs,
    ) -> Result<Empty, ErrorBody> {
        let tim = self.tim()?;
        let user_id = tim.user_id();
        let issued =
            tim.change_password(&args.old_password, &args.new_password).await.map_err(from_tim)?;
        // Stored now rather than when the event arrives, so that the
        // command's answer means "saved".
        self.inner.update_settings(|s| {
            if let Some(session) =
                s.session.as_mut().filter(|s| Some(&s.user_id) == user_id.as_ref())
            {
                session.user_sig = issued.user_sig;
            }
        })?;
        Ok(Empty {})
    }

    /// Signs the account out of every device and forgets the saved session.
    pub(crate) async fn sign_out_everywhere(&self, _: Empty) -> Result<AppState, ErrorBody> {
        let inner = &self.inner;
        let _lifecycle = inner.lifecycle.lock().await;
        let tim = self.tim()?;
        tim.sign_out_everywhere().await.map_err(from_tim)?;
        inner.update_settings(Settings::forget_active)?;
        inner.activate_next().await;
        Ok(inner.state_changed())
    }
}
