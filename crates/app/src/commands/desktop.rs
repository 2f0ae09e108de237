//! The desktop commands every host answers (`app.notify`,
//! `app.setUnreadBadge`): they go to the shell's [`DesktopHooks`], whose
//! failures are logged, never returned. The native file commands
//! (`app.pickFiles`, `app.openFile`, …) live in [`crate::native`].
//!
//! [`DesktopHooks`]: crate::DesktopHooks

use crate::commands::Empty;
use crate::core::AppCore;
use confab_proto::ErrorBody;
use serde::{Deserialize, Serialize};

/// `app.notify` arguments: a desktop notification.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyArgs {
    /// Title (usually the sender's name).
    pub title: String,
    /// Body (usually the message preview).
    pub body: String,
    /// The conversation to open when the notification is clicked.
    #[serde(rename = "conversationID", default)]
    pub conversation_id: String,
    /// The account the notification is for (clicking it switches to
    /// it); absent: the active account.
    #[serde(rename = "accountID", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub account_id: Option<String>,
}

/// `app.setUnreadBadge` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetUnreadBadgeArgs {
    /// Total unread messages (0 clears the badge).
    pub count: u64,
}

impl AppCore {
    #[expect(clippy::unused_async, reason = "every command handler is async")]
    pub(crate) async fn notify(&self, args: NotifyArgs) -> Result<Empty, ErrorBody> {
        if let Err(e) = self.hooks().notify(&args) {
            tracing::warn!(error = %e, "desktop notification failed");
        }
        Ok(Empty {})
    }

    #[expect(clippy::unused_async, reason = "every command handler is async")]
    pub(crate) async fn set_unread_badge(
        &self,
        args: SetUnreadBadgeArgs,
    ) -> Result<Empty, ErrorBody> {
        if let Err(e) = self.hooks().set_unread_badge(args.count) {
            tracing::warn!(error = %e, "unread badge failed");
        }
        Ok(Empty {})
    }
}
