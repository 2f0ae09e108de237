//! Several accounts signed in at once, on one server or several: which
//! one is active, the others in the background, and switching.
//!
//! The active account is the one the UI shows: its server and session are
//! the settings' `mode` / `remoteUrl` / `caFile` / `session`, its SDK
//! instance is the core's `client`, and every `tim.*` command and TIM event
//! is its own. Every other signed-in account is a [`SavedAccount`] in the
//! settings' `accounts` with an SDK instance of its own in the core's
//! `background` map: it stays connected, its messages arrive and are
//! stored, and the app hears only what the rail and the notifications need
//! (its unread total, `confab.accountMessages`, and being kicked out:
//! `confab.accountSignedOut`).
//!
//! Each account has its own local store: the SDK keeps one file per
//! SDKAppID and user inside its data directory, and each remote server
//! gets a directory of its own (`sdk/remote-<16 hex of the URL's
//! SHA-256>`; the embedded server's stores stay in `sdk/`), so the same
//! user ID on two servers never shares one.
//!
//! Switching (`app.switchAccount`) swaps the active account with a
//! background one without a restart: the UI hears `SDK_NOT_READY`, the new
//! `confab.appState`, then `SDK_READY` — what it hears when a user signs
//! out and another in.

use crate::commands::Empty;
use crate::core::{is_transient, lock, login_until_ready, tls_for, AppCore, Inner, SDK_DIR};
use crate::error::{self, from_tim};
use crate::settings::{SavedAccount, Settings, STORE_LAYOUT};
use crate::state::{AccountSummary, AppEvent, AppOwnEvent, AppState, Mode};
use confab_proto::constants::types::MSG_REMIND_ACPT_AND_NOTE;
use confab_proto::ErrorBody;
use confab_sdk::{Event, Message, MessageFlow, Tim};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// At most this many accounts are signed in at once.
pub const MAX_ACCOUNTS: usize = 8;

/// The prefix of a remote server's store directory.
const SERVER_DIR_PREFIX: &str = "remote-";
/// Hex digits after the prefix.
const SERVER_DIR_HEX: usize = 16;

/// The key of an account: its server (`local` for the embedded one, else
/// the remote URL) and its user.
pub(crate) fn account_id(mode: Mode, remote_url: Option<&str>, user_id: &str) -> String {
    match mode {
        Mode::Local => format!("local|{user_id}"),
        Mode::Remote => format!("{}|{user_id}", remote_url.unwrap_or_default()),
    }
}

/// The directory of a remote server's stores inside the SDK directory.
pub(crate) fn server_dir_name(url: &str) -> String {
    let digest = sha2::Sha256::digest(url.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{SERVER_DIR_PREFIX}{}", &hex[..SERVER_DIR_HEX])
}

/// Whether `name` is a [`server_dir_name`].
pub(crate) fn is_server_dir_name(name: &str) -> bool {
    name.strip_prefix(SERVER_DIR_PREFIX).is_some_and(|hex| {
        hex.len() == SERVER_DIR_HEX
            && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// The SDK data directory of a server's accounts: `sdk/` for the embedded
/// server (and before any choice), `sdk/remote-…` for a remote one.
pub(crate) fn store_dir(data_dir: &Path, mode: Option<Mode>, remote_url: Option<&str>) -> PathBuf {
    let sdk = data_dir.join(SDK_DIR);
    match (mode, remote_url) {
        (Some(Mode::Remote), Some(url)) => sdk.join(server_dir_name(url)),
        _ => sdk,
    }
}

/// Settings of a version before stores were kept apart per server: the
/// saved remote session's stores move into that server's directory (so
/// nothing local is lost), and a sign-in page left with other accounts
/// signed in shows the first of them. Failures are logged; the settings
/// are saved when they changed.
pub(crate) fn migrate_store_layout(data_dir: &Path, settings: &mut Settings) {
    let before = settings.clone();
    if settings.store_layout < STORE_LAYOUT {
        if let (Some(Mode::Remote), Some(url), Some(session)) =
            (settings.mode, settings.remote_url.as_deref(), settings.session.as_ref())
        {
            let app = session.sdk_app_id.to_string();
            let from = data_dir.join(SDK_DIR).join(&app);
            let to = store_dir(data_dir, Some(Mode::Remote), Some(url)).join(&app);
            if from.is_dir() && !to.exists() {
                let moved = to
                    .parent()
                    .map_or(Ok(()), confab_private_fs::create_dir_all)
                    .and_then(|()| std::fs::rename(&from, &to));
                match moved {
                    Ok(()) => {
                        tracing::info!(to = %to.display(), "moved the remote server's stores")
                    }
                    Err(e) => tracing::warn!(error = %e, "moving the remote server's stores"),
                }
            }
        }
        settings.store_layout = STORE_LAYOUT;
    }
    settings.normalize_order();
    if settings.session.is_none() && !settings.accounts.is_empty() {
        let first = settings.first_in_order().unwrap_or(0);
        let first = settings.accounts.remove(first);
        settings.activate(first);
    }
    let fresh = Settings { store_layout: STORE_LAYOUT, ..Settings::default() };
    if *settings != before && *settings != fresh {
        if let Err(e) = settings.save(&Settings::path_in(data_dir)) {
            tracing::warn!(error = %e, "saving the migrated settings");
        }
    }
}

impl SavedAccount {
    /// The account's key ([`account_id`]).
    pub(crate) fn id(&self) -> String {
        account_id(self.mode, self.remote_url.as_deref(), &self.session.user_id)
    }

    fn store_dir(&self, data_dir: &Path) -> PathBuf {
        store_dir(data_dir, Some(self.mode), self.remote_url.as_deref())
    }
}

impl Settings {
    /// The active account as a [`SavedAccount`]; `None` when nobody is
    /// signed in (or on the sign-in page of another account).
    pub(crate) fn active_account(&self) -> Option<SavedAccount> {
        let (mode, session) = (self.mode?, self.session.clone()?);
        let remote = mode == Mode::Remote;
        Some(SavedAccount {
            mode,
            remote_url: self.remote_url.clone().filter(|_| remote),
            ca_file: self.ca_file.clone().filter(|_| remote),
            session,
        })
    }

    /// The active account signed out (or its session was refused): its
    /// session and its place in the order go.
    pub(crate) fn forget_active(&mut self) {
        if let Some(id) = self.active_account().map(|a| a.id()) {
            self.account_order.retain(|o| *o != id);
        }
        self.session = None;
    }

    /// The active account's session was just saved: a new account takes
    /// the last place in the order.
    pub(crate) fn signed_in(&mut self) {
        if let Some(id) = self.active_account().map(|a| a.id()) {
            if !self.account_order.contains(&id) {
                self.account_order.push(id);
            }
        }
    }

    /// The order holds exactly the signed-in accounts (settings of an older
    /// version: in the order they are listed).
    fn normalize_order(&mut self) {
        let ids: Vec<String> = self
            .active_account()
            .into_iter()
            .chain(self.accounts.iter().cloned())
            .map(|a| a.id())
            .collect();
        self.account_order.retain(|o| ids.contains(o));
        for id in ids {
            if !self.account_order.contains(&id) {
                self.account_order.push(id);
            }
        }
    }

    /// Where `id` is in the order (the unknown last).
    fn position(&self, id: &str) -> usize {
        self.account_order.iter().position(|o| o == id).unwrap_or(usize::MAX)
    }

    /// The index in `accounts` of the background account that signed in
    /// first.
    fn first_in_order(&self) -> Option<usize> {
        (0..self.accounts.len()).min_by_key(|&i| self.position(&self.accounts[i].id()))
    }

    /// Makes `account` the active one (its server is the chosen server).
    fn activate(&mut self, account: SavedAccount) {
        self.mode = Some(account.mode);
        if account.mode == Mode::Remote {
            self.remote_url = account.remote_url;
            self.ca_file = account.ca_file;
        }
        self.session = Some(account.session);
    }
}

fn summary(account: &SavedAccount, tim: Option<&Tim>, active: bool) -> AccountSummary {
    AccountSummary {
        account_id: account.id(),
        user_id: account.session.user_id.clone(),
        server_url: account.session.server_url.clone(),
        mode: account.mode,
        active,
        logged_in: tim.is_some_and(|t| t.user_id().is_some()),
        unread_count: tim.map_or(0, Tim::get_total_unread_message_count),
    }
}

/// The incoming messages of `messages` that want a notification: those of
/// conversations whose remind type notifies (a conversation the store does
/// not know notifies; so does everything when the store cannot say).
async fn notifiable(tim: &Tim, messages: Vec<Message>) -> Vec<Message> {
    let incoming: Vec<Message> =
        messages.into_iter().filter(|m| m.flow == MessageFlow::In).collect();
    if incoming.is_empty() {
        return incoming;
    }
    let mut ids: Vec<String> = incoming.iter().map(|m| m.conversation_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let quiet: HashSet<String> = match tim.get_conversation_list(Some(ids)).await {
        Ok(found) => found
            .conversation_list
            .into_iter()
            .filter(|c| c.message_remind_type != MSG_REMIND_ACPT_AND_NOTE)
            .map(|c| c.conversation_id)
            .collect(),
        Err(e) => {
            tracing::debug!(code = e.code, "a background account's conversations");
            HashSet::new()
        }
    };
    incoming.into_iter().filter(|m| !quiet.contains(&m.conversation_id)).collect()
}

impl Inner {
    /// Every signed-in account (the active one too) in the order they
    /// signed in.
    pub(crate) fn account_summaries(
        &self,
        settings: &Settings,
        active: Option<&Tim>,
    ) -> Vec<AccountSummary> {
        let mut list = Vec::with_capacity(settings.accounts.len() + 1);
        if let Some(account) = settings.active_account() {
            list.push(summary(&account, active, true));
        }
        let background = lock(&self.background);
        for account in &settings.accounts {
            list.push(summary(account, background.get(&account.id()).map(|c| &c.tim), false));
        }
        list.sort_by_key(|a| settings.position(&a.account_id));
        list
    }

    /// What a background account's SDK instance says: its unread total and
    /// connection go to the rail (`confab.appState`), its messages to the
    /// notifications (`confab.accountMessages`); a renewed UserSig is
    /// saved; a kick-out signs it out here.
    pub(crate) async fn on_background_event(
        self: &Arc<Self>,
        account_id: &str,
        tim: &Tim,
        event: Event,
    ) {
        match event {
            Event::UserSigRenewed { user_sig, .. } => {
                let stored = self.update_settings(|s| {
                    if let Some(a) = s.accounts.iter_mut().find(|a| a.id() == account_id) {
                        a.session.user_sig = user_sig;
                    }
                });
                if let Err(e) = stored {
                    tracing::warn!(code = e.code, message = %e.message, "storing a renewed UserSig");
                }
            }
            Event::KickedOut { kick_type } => {
                tracing::info!(
                    account = account_id,
                    kick_type,
                    "a background account was signed out"
                );
                let user_id = lock(&self.settings)
                    .accounts
                    .iter()
                    .find(|a| a.id() == account_id)
                    .map(|a| a.session.user_id.clone())
                    .unwrap_or_default();
                self.forget_account(account_id);
                self.state_changed();
                self.emit(AppEvent::App(AppOwnEvent::AccountSignedOut {
                    account_id: account_id.to_owned(),
                    user_id,
                    kick_type,
                }));
            }
            Event::MessageReceived(messages) => {
                let messages = notifiable(tim, messages).await;
                if !messages.is_empty() {
                    let user_id = tim.user_id().unwrap_or_default();
                    self.emit(AppEvent::App(AppOwnEvent::AccountMessages {
                        account_id: account_id.to_owned(),
                        user_id,
                        messages,
                    }));
                }
            }
            Event::TotalUnreadMessageCountUpdated(_)
            | Event::SdkReady
            | Event::SdkNotReady
            | Event::NetStateChange { .. } => {
                self.state_changed();
            }
            _ => {}
        }
    }

    /// Signs a background account out here: its saved session and its SDK
    /// instance go (the server is not told: it ended the session).
    fn forget_account(&self, account_id: &str) {
        let removed = lock(&self.background).remove(account_id);
        drop(removed);
        let forgotten = self.update_settings(|s| {
            s.accounts.retain(|a| a.id() != account_id);
            s.account_order.retain(|o| o != account_id);
        });
        if let Err(e) = forgotten {
            tracing::warn!(code = e.code, message = %e.message, "forgetting an account");
        }
    }

    /// Logs in every background account that has no SDK instance yet (at
    /// start), concurrently; one whose session the server refuses is
    /// forgotten, one that cannot reach its server stays (it retries).
    /// The caller holds the lifecycle lock.
    pub(crate) async fn resume_background(self: &Arc<Self>) {
        let pending: Vec<SavedAccount> = {
            let accounts = lock(&self.settings).accounts.clone();
            let background = lock(&self.background);
            accounts.into_iter().filter(|a| !background.contains_key(&a.id())).collect()
        };
        if pending.is_empty() {
            return;
        }
        let mut logins = tokio::task::JoinSet::new();
        for mut account in pending {
            let id = account.id();
            let url = match account.mode {
                Mode::Local => match self.start_embedded().await {
                    Ok(url) => url,
                    Err(e) => {
                        tracing::warn!(code = e.code, message = %e.message, "embedded server");
                        continue;
                    }
                },
                Mode::Remote => {
                    account.remote_url.clone().unwrap_or_else(|| account.session.server_url.clone())
                }
            };
            if account.session.server_url != url {
                // The embedded server on another port than last time.
                account.session.server_url.clone_from(&url);
                let moved = account.clone();
                let saved = self.update_settings(|s| {
                    if let Some(a) = s.accounts.iter_mut().find(|a| a.id() == id) {
                        *a = moved;
                    }
                });
                if let Err(e) = saved {
                    tracing::warn!(code = e.code, message = %e.message, "saving an account");
                }
            }
            let client = self.new_client(
                &url,
                account.session.sdk_app_id,
                tls_for(account.ca_file.as_deref()),
                account.store_dir(&self.data_dir),
                &account.session.user_id,
            );
            let tim = client.tim.clone();
            lock(&self.background).insert(id.clone(), client);
            let session = account.session;
            logins.spawn(async move { (id, login_until_ready(&tim, &session).await) });
        }
        while let Some(done) = logins.join_next().await {
            match done {
                Ok((_, Ok(()))) => {}
                Ok((id, Err(e))) if is_transient(e.code) => {
                    tracing::info!(account = %id, code = e.code, "a background account is offline");
                }
                Ok((id, Err(e))) => {
                    tracing::info!(account = %id, code = e.code, "a saved session was refused");
                    self.forget_account(&id);
                }
                Err(e) => tracing::warn!(error = %e, "a background login"),
            }
        }
        self.state_changed();
    }

    /// Makes the signed-in account `account_id` the active one: the active
    /// account (if any) goes to the background, or the signed-out instance
    /// of a sign-in page goes. The UI hears `SDK_NOT_READY`, the
    /// new state, and `SDK_READY` when the account is ready. 2905 for an account that is not signed in. The caller holds
    /// the lifecycle lock.
    pub(crate) async fn make_active(self: &Arc<Self>, account_id: &str) -> Result<(), ErrorBody> {
        let (target, current) = {
            let settings = lock(&self.settings);
            let target = settings.accounts.iter().find(|a| a.id() == account_id).cloned();
            (target, settings.active_account())
        };
        let Some(target) = target else {
            return Err(error::invalid(format!("{account_id:?} is not a signed-in account")));
        };
        let current_client = lock(&self.client).take();
        let target_client = lock(&self.background).remove(account_id);
        self.emit(AppEvent::Sdk(Event::SdkNotReady));
        if let (Some(current), Some(client)) = (&current, current_client) {
            lock(&self.background).insert(current.id(), client);
        }
        self.update_settings(|s| {
            s.accounts.retain(|a| a.id() != account_id);
            s.accounts.extend(current);
            s.activate(target.clone());
        })?;
        *lock(&self.tls) = tls_for(target.ca_file.as_deref());
        let tim = match target_client {
            Some(client) => {
                let tim = client.tim.clone();
                *lock(&self.client) = Some(client);
                tim
            }
            // Never logged in since the start: log its session in now.
            None => match self.resume_active().await {
                Ok(tim) => tim,
                Err(e) => {
                    tracing::info!(code = e.code, "switching to an account that cannot log in");
                    return Ok(());
                }
            },
        };
        self.state_changed();
        if tim.is_ready() {
            self.emit(AppEvent::Sdk(Event::SdkReady));
        }
        Ok(())
    }

    /// Logs the active account's saved session in (starting the embedded
    /// server in local mode) until it is ready. A session the server
    /// refuses is forgotten; one that cannot reach it stays saved. The
    /// caller holds the lifecycle lock.
    pub(crate) async fn resume_active(self: &Arc<Self>) -> Result<Tim, ErrorBody> {
        let Some(mut session) = lock(&self.settings).session.clone() else {
            return Err(error::not_ready());
        };
        let url = self.server_url().await?;
        if session.server_url != url {
            // Local mode on another port than last time: same server.
            session.server_url = url;
            let saved = session.clone();
            self.update_settings(|s| s.session = Some(saved))?;
        }
        let tim = self.client_for(&session.server_url, session.sdk_app_id, &session.user_id).await;
        match login_until_ready(&tim, &session).await {
            Ok(()) => Ok(tim),
            Err(e) if is_transient(e.code) => Err(from_tim(e)),
            Err(e) => {
                tracing::info!(code = e.code, "the saved session was refused; forgetting it");
                self.update_settings(Settings::forget_active)?;
                self.state_changed();
                Err(from_tim(e))
            }
        }
    }

    /// After the active account signed out: the other signed-in account
    /// that signed in first becomes the active one (none: the sign-in
    /// page).
    pub(crate) async fn activate_next(self: &Arc<Self>) {
        let next = {
            let settings = lock(&self.settings);
            settings.first_in_order().map(|i| settings.accounts[i].id())
        };
        if let Some(next) = next {
            if let Err(e) = self.make_active(&next).await {
                tracing::warn!(code = e.code, message = %e.message, "switching after a sign-out");
            }
        }
    }

    /// Whether a background account uses the embedded server (which then
    /// keeps running whatever server the active account uses).
    pub(crate) fn background_uses_embedded(&self) -> bool {
        let settings = lock(&self.settings);
        settings.accounts.iter().any(|a| a.mode == Mode::Local)
    }

    /// Whether the account `account_id` is signed in in the background.
    pub(crate) fn in_background(&self, account_id: &str) -> bool {
        lock(&self.settings).accounts.iter().any(|a| a.id() == account_id)
    }
}

/// `app.switchAccount` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchAccountArgs {
    /// The signed-in account to show (`AccountSummary.accountID`).
    #[serde(rename = "accountID")]
    pub account_id: String,
}

impl AppCore {
    /// `app.addAccount`: the active account goes to the background (still
    /// signed in) and the app shows the sign-in page for another one.
    /// 2905 when nobody is signed in or [`MAX_ACCOUNTS`] are.
    pub(crate) async fn add_account(&self, _: Empty) -> Result<AppState, ErrorBody> {
        let inner = &self.inner;
        let _lifecycle = inner.lifecycle.lock().await;
        let (current, others) = {
            let settings = lock(&inner.settings);
            (settings.active_account(), settings.accounts.len())
        };
        let Some(current) = current else {
            return Err(error::invalid("sign in first: no account to keep signed in"));
        };
        if others + 1 >= MAX_ACCOUNTS {
            return Err(error::invalid(format!(
                "at most {MAX_ACCOUNTS} accounts can be signed in at once"
            )));
        }
        let client = lock(&inner.client).take();
        inner.emit(AppEvent::Sdk(Event::SdkNotReady));
        if let Some(client) = client {
            lock(&inner.background).insert(current.id(), client);
        }
        inner.update_settings(|s| {
            s.accounts.push(current);
            s.session = None;
        })?;
        Ok(inner.state_changed())
    }

    /// `app.switchAccount`: shows another signed-in account.
    pub(crate) async fn switch_account(
        &self,
        args: SwitchAccountArgs,
    ) -> Result<AppState, ErrorBody> {
        let inner = &self.inner;
        let _lifecycle = inner.lifecycle.lock().await;
        let active = lock(&inner.settings).active_account().map(|a| a.id());
        if active.as_deref() != Some(args.account_id.as_str()) {
            inner.make_active(&args.account_id).await?;
        }
        Ok(inner.state_changed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::SavedSession;

    fn session(user: &str, url: &str) -> SavedSession {
        SavedSession {
            user_id: user.into(),
            user_sig: "sig".into(),
            sdk_app_id: 1_400_000_000,
            server_url: url.into(),
        }
    }

    #[test]
    fn keys_and_directories() {
        assert_eq!(account_id(Mode::Local, Some("http://x"), "alice"), "local|alice");
        assert_eq!(
            account_id(Mode::Remote, Some("https://chat.example"), "a|b"),
            "https://chat.example|a|b"
        );
        let name = server_dir_name("https://chat.example");
        assert!(is_server_dir_name(&name), "{name}");
        assert_ne!(name, server_dir_name("https://chat.example:8443"));
        assert!(!is_server_dir_name("remote-0123"));
        assert!(!is_server_dir_name("1400000000"));
        let data = Path::new("/d");
        assert_eq!(store_dir(data, Some(Mode::Local), Some("https://x")), data.join("sdk"));
        assert_eq!(store_dir(data, None, None), data.join("sdk"));
        assert_eq!(
            store_dir(data, Some(Mode::Remote), Some("https://x")),
            data.join("sdk").join(server_dir_name("https://x"))
        );
    }

    #[test]
    fn an_older_remote_store_moves_into_its_servers_directory() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = "https://chat.example";
        let old = dir.path().join("sdk/1400000000");
        std::fs::create_dir_all(&old).expect("old dir");
        std::fs::write(old.join("alice.sqlite"), b"db").expect("old store");
        let mut settings = Settings {
            mode: Some(Mode::Remote),
            remote_url: Some(url.into()),
            session: Some(session("alice", url)),
            ..Settings::default()
        };
        migrate_store_layout(dir.path(), &mut settings);
        let moved =
            store_dir(dir.path(), Some(Mode::Remote), Some(url)).join("1400000000/alice.sqlite");
        assert_eq!(std::fs::read(&moved).expect("moved store"), b"db");
        assert!(!old.exists());
        assert_eq!(settings.store_layout, STORE_LAYOUT);
        let saved = Settings::load(&Settings::path_in(dir.path())).expect("saved");
        assert_eq!(saved, settings, "saved, so it moves once");
        // A fresh installation writes nothing.
        let fresh = tempfile::tempdir().expect("temp dir");
        let mut settings = Settings::default();
        migrate_store_layout(fresh.path(), &mut settings);
        assert!(!Settings::path_in(fresh.path()).exists());
    }

    #[test]
    fn a_sign_in_page_left_with_other_accounts_opens_on_the_first_signed_in() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut settings = Settings {
            mode: Some(Mode::Local),
            store_layout: STORE_LAYOUT,
            accounts: vec![
                SavedAccount {
                    mode: Mode::Remote,
                    remote_url: Some("https://b.example".into()),
                    ca_file: None,
                    session: session("bob", "https://b.example"),
                },
                SavedAccount {
                    mode: Mode::Local,
                    remote_url: None,
                    ca_file: None,
                    session: session("carol", "http://127.0.0.1:1"),
                },
            ],
            // carol signed in first; "gone" is no account any more.
            account_order: vec!["gone".into(), "local|carol".into()],
            ..Settings::default()
        };
        migrate_store_layout(dir.path(), &mut settings);
        assert_eq!(settings.mode, Some(Mode::Local));
        assert_eq!(settings.session.as_ref().map(|s| s.user_id.as_str()), Some("carol"));
        assert_eq!(settings.accounts.len(), 1);
        assert_eq!(settings.active_account().map(|a| a.id()).as_deref(), Some("local|carol"));
        assert_eq!(settings.account_order, ["local|carol", "https://b.example|bob"]);
        // Signing carol out forgets her place; bob comes next.
        settings.forget_active();
        assert_eq!(settings.account_order, ["https://b.example|bob"]);
        assert_eq!(settings.first_in_order(), Some(0));
    }
}
