//! What the app tells the UI about itself: [`AppState`] (server mode,
//! accounts, connection, locale) and the event union [`AppEvent`] carried by
//! both shells: the SDK's TIM events exactly as the SDK serializes them,
//! plus the app's own [`AppOwnEvent`]s.

use confab_proto::ErrorBody;
use confab_sdk::{Event, Message, NetState};
use serde::{Deserialize, Serialize};

/// Where the server is: inside the app, or a `confabd` elsewhere.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// `local`: the app starts and owns an embedded server on 127.0.0.1,
    /// with its data in the app data directory.
    Local,
    /// `remote`: a `confabd` at a URL the user gave.
    Remote,
}

/// The app's state as the UI sees it (`app.getState`, `confab.appState`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppState {
    /// The chosen server mode; null before the first choice.
    pub mode: Option<Mode>,
    /// HTTP base URL of the chosen server (`http://127.0.0.1:PORT` in local
    /// mode); null before the first choice.
    pub server_url: Option<String>,
    /// The account of the saved session; null when logged out.
    #[serde(rename = "userID")]
    pub user_id: Option<String>,
    /// The SDK is logged in (possibly offline, from the local store).
    pub logged_in: bool,
    /// The custom CA file trusted for the remote server; null when none.
    pub ca_file: Option<String>,
    /// The server is reached over plain `http://` and is not on this
    /// machine: passwords and messages cross the network readable by
    /// anyone on the way (the UI warns).
    pub insecure_transport: bool,
    /// The SDK's network state.
    pub net_state: NetState,
    /// Why the SDK cannot connect when retrying alone will not fix it: the
    /// server's certificate or the TLS handshake was refused (codes
    /// 90100–90104); null otherwise.
    pub net_error: Option<ErrorBody>,
    /// The system locale as a BCP 47 tag, e.g. `en-US` or `zh-CN`.
    pub locale: String,
    /// The active account's key; null when none is signed in.
    #[serde(rename = "accountID")]
    pub account_id: Option<String>,
    /// Every signed-in account, the active one included, in the order
    /// they signed in.
    pub accounts: Vec<AccountSummary>,
}

/// One signed-in account (`AppState.accounts`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    /// The account's key: opaque, stable while it stays signed in.
    #[serde(rename = "accountID")]
    pub account_id: String,
    /// Its user.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// The server's HTTP base URL.
    pub server_url: String,
    /// `local` (the embedded server) or `remote`.
    pub mode: Mode,
    /// The account the UI shows and the `tim.*` commands act for.
    pub active: bool,
    /// Its SDK is logged in (possibly offline).
    pub logged_in: bool,
    /// Its total unread messages.
    pub unread_count: u64,
}

/// An event of the app itself (not of the SDK).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "name", content = "data")]
pub enum AppOwnEvent {
    /// `confab.appState`: the app state changed (login, logout, kicked out,
    /// net state, server choice).
    #[serde(rename = "confab.appState")]
    AppState(AppState),
    /// `confab.notificationClicked`: the user clicked a desktop
    /// notification of this conversation (the window is shown already).
    #[serde(rename = "confab.notificationClicked")]
    NotificationClicked {
        /// The conversation the notification was about.
        #[serde(rename = "conversationID")]
        conversation_id: String,
        /// The account it was for; absent when the notification named none.
        #[serde(rename = "accountID", default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional))]
        account_id: Option<String>,
    },
    /// `confab.accountMessages`: a signed-in account that is not the
    /// active one received messages that want a notification (from
    /// others, in conversations not muted).
    #[serde(rename = "confab.accountMessages")]
    AccountMessages {
        /// The account.
        #[serde(rename = "accountID")]
        account_id: String,
        /// Its user.
        #[serde(rename = "userID")]
        user_id: String,
        /// The messages.
        messages: Vec<Message>,
    },
    /// `confab.accountSignedOut`: a signed-in account that is not the
    /// active one was kicked out by the server and is signed out here (it
    /// left `AppState.accounts`).
    #[serde(rename = "confab.accountSignedOut")]
    AccountSignedOut {
        /// The account's key.
        #[serde(rename = "accountID")]
        account_id: String,
        /// Its user.
        #[serde(rename = "userID")]
        user_id: String,
        /// Why: `TIM.TYPES.KICKED_OUT_*` (`multipleAccount`,
        /// `multipleDevice`, `userSigExpired`, …).
        #[serde(rename = "type")]
        kick_type: String,
    },
}

/// Everything on the event channel: `{name, data}` with the SDK's TIM event
/// names, plus `confab.appState`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AppEvent {
    /// An SDK event, serialized exactly as the SDK does.
    Sdk(Event),
    /// An event of the app.
    App(AppOwnEvent),
}

impl AppEvent {
    /// The event's name (`TIM.EVENT` value or `confab.appState`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Sdk(event) => event.name().as_str(),
            Self::App(AppOwnEvent::AppState(_)) => APP_STATE_EVENT,
            Self::App(AppOwnEvent::NotificationClicked { .. }) => NOTIFICATION_CLICKED_EVENT,
            Self::App(AppOwnEvent::AccountMessages { .. }) => ACCOUNT_MESSAGES_EVENT,
            Self::App(AppOwnEvent::AccountSignedOut { .. }) => ACCOUNT_SIGNED_OUT_EVENT,
        }
    }
}

/// Name of the app state event.
pub const APP_STATE_EVENT: &str = "confab.appState";

/// Name of the notification-clicked event.
pub const NOTIFICATION_CLICKED_EVENT: &str = "confab.notificationClicked";

/// Name of the event of a background account's messages.
pub const ACCOUNT_MESSAGES_EVENT: &str = "confab.accountMessages";

/// Name of the event of a background account signed out by the server.
pub const ACCOUNT_SIGNED_OUT_EVENT: &str = "confab.accountSignedOut";

/// The system locale from `LC_ALL`, `LC_MESSAGES` or `LANG` as a BCP 47
/// tag (`zh_CN.UTF-8` → `zh-CN`); `en-US` when unset or `C`/`POSIX`.
pub fn system_locale() -> String {
    let raw = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.is_empty());
    raw.as_deref().map(locale_tag).unwrap_or_else(|| DEFAULT_LOCALE.to_owned())
}

/// Locale used when the system does not say.
pub const DEFAULT_LOCALE: &str = "en-US";

/// `zh_CN.UTF-8@latin` → `zh-CN`; `C` / `POSIX` → the default.
fn locale_tag(raw: &str) -> String {
    let base = raw.split(['.', '@']).next().unwrap_or_default();
    if base.is_empty() || base == "C" || base == "POSIX" {
        return DEFAULT_LOCALE.to_owned();
    }
    base.replace('_', "-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn events_serialize_as_name_and_data() {
        let state = AppState {
            mode: Some(Mode::Local),
            server_url: Some("http://127.0.0.1:7788".into()),
            user_id: None,
            logged_in: false,
            ca_file: None,
            insecure_transport: false,
            net_state: NetState::Disconnected,
            net_error: None,
            locale: "en-US".into(),
            account_id: None,
            accounts: Vec::new(),
        };
        let event = AppEvent::App(AppOwnEvent::AppState(state.clone()));
        let value = serde_json::to_value(&event).expect("serialize");
        assert_eq!(
            value,
            json!({"name": "confab.appState", "data": {
                "mode": "local", "serverUrl": "http://127.0.0.1:7788", "userID": null,
                "loggedIn": false, "caFile": null, "insecureTransport": false,
                "netState": "disconnected", "netError": null, "locale": "en-US",
                "accountID": null, "accounts": []
            }})
        );
        assert_eq!(event.name(), APP_STATE_EVENT);
        assert_eq!(serde_json::from_value::<AppEvent>(value).expect("parse"), event);
        let sdk = AppEvent::Sdk(Event::TotalUnreadMessageCountUpdated(2));
        let value = serde_json::to_value(&sdk).expect("serialize");
        assert_eq!(value, json!({"name": "onTotalUnreadMessageCountUpdated", "data": 2}));
        assert_eq!(serde_json::from_value::<AppEvent>(value).expect("parse"), sdk);
    }

    #[test]
    fn locale_tags() {
        assert_eq!(locale_tag("zh_CN.UTF-8"), "zh-CN");
        assert_eq!(locale_tag("en_US"), "en-US");
        assert_eq!(locale_tag("de_DE@euro"), "de-DE");
        assert_eq!(locale_tag("C.UTF-8"), "en-US");
        assert_eq!(locale_tag("POSIX"), "en-US");
    }
}
