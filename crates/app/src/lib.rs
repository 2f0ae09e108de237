//! The Confab app's command layer, shared by the desktop app (`src-tauri`)
//! and the web host (`crates/webhost`): the command set of
//! `docs/app-commands.md` defined once over the SDK.
//!
//! - [`AppCore`] owns one app instance: settings ([`settings`]), the
//!   embedded server of local mode ([`embedded`]), one SDK instance per
//!   signed-in account (the active one and the others in the background,
//!   `accounts.rs`) and the forwarding of their events. [`AppCore::call`] runs a command by name with
//!   JSON arguments; [`AppCore::events`] streams [`AppEvent`]s.
//! - [`commands`] holds the command table and, one file per area, the
//!   commands' argument/result DTOs and handlers.
//! - [`state`] holds [`AppState`] and the event union.
//! - [`export`] writes a conversation as HTML or JSON, and backs up or
//!   restores the local store.
//! - [`DesktopHooks`] is what a shell implements natively (notifications,
//!   unread badge).
//! - With the `ts` feature, [`typescript`] generates the TypeScript types of
//!   everything crossing the boundary into `ui/src/lib/generated/`.
//!
//! The shells hold no domain logic: they carry calls and events.

mod accounts;
pub mod commands;
mod core;
pub mod embedded;
mod error;
pub mod export;
pub mod local_files;
pub mod loopback;
pub mod native;
pub mod settings;
pub mod state;
#[cfg(feature = "ts")]
pub mod typescript;

pub use crate::core::{
    AppCore, AppOptions, DesktopHooks, HookError, NoDesktop, OpenError, PathPurpose, SDK_DIR,
};
pub use commands::{NotifyArgs, COMMANDS};
pub use confab_proto::ErrorBody;
/// What kind of client a shell is ([`AppOptions::platform`]).
pub use confab_sdk::Platform;
pub use state::{
    AccountSummary, AppEvent, AppOwnEvent, AppState, Mode, ACCOUNT_MESSAGES_EVENT,
    ACCOUNT_SIGNED_OUT_EVENT, APP_STATE_EVENT, NOTIFICATION_CLICKED_EVENT,
};
