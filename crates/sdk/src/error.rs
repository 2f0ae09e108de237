//! The SDK's error type: TIM's `{code, message}` pair.
//!
//! Every fallible SDK call fails with a [`TimError`] whose `code` is one of
//! TIM's numeric error codes ([`confab_proto::code`]); `message` is for
//! people and is never matched on.

use confab_proto::{code, ErrorBody};

/// An error with TIM's numeric code, as `imError` in the TIM Web SDK.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[error("{message} (code {code})")]
pub struct TimError {
    /// TIM numeric error code (see [`confab_proto::code`]).
    pub code: i32,
    /// Human-readable explanation; never matched on.
    pub message: String,
    /// Details some errors carry (TIM `imError.data`), e.g. `{"message":
    /// <latest Message>}` for a modify conflict (2480).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

impl TimError {
    /// Builds an error from a code and a message.
    pub fn new(code: i32, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), data: None }
    }

    /// The same error carrying `data`.
    pub fn with_data(mut self, data: serde_json::Value) -> Self {
        self.data = Some(data);
        self
    }

    /// 2999 `SDK_IS_NOT_READY`: not logged in, or not ready yet.
    pub fn not_ready() -> Self {
        Self::new(code::SDK_IS_NOT_READY, "the SDK is not ready: log in and wait for SDK_READY")
    }

    /// 2800 `NETWORK_ERROR`: no connection to the server.
    pub fn network(message: impl Into<String>) -> Self {
        Self::new(code::NETWORK_ERROR, message)
    }

    /// 2801 `NETWORK_TIMEOUT`: the server did not answer in time.
    pub fn timeout() -> Self {
        Self::new(code::NETWORK_TIMEOUT, "the server did not answer in time")
    }

    /// 2903 `UNCAUGHT_ERROR`: an internal failure (local store, encoding).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(code::UNCAUGHT_ERROR, message)
    }
}

impl From<ErrorBody> for TimError {
    fn from(e: ErrorBody) -> Self {
        Self { code: e.code, message: e.message, data: e.data }
    }
}

impl From<crate::store::StoreError> for TimError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::internal(format!("local store: {e}"))
    }
}

impl From<serde_json::Error> for TimError {
    fn from(e: serde_json::Error) -> Self {
        Self::internal(format!("encoding: {e}"))
    }
}
