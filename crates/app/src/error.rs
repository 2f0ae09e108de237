//! Errors at the app boundary: always [`ErrorBody`] `{code, message}` with
//! TIM's numeric codes, never strings to match on. SDK errors keep their
//! code; failures of the app itself map to the nearest TIM code.

use confab_proto::{code, ErrorBody};
use confab_sdk::TimError;

/// An SDK error as a boundary error (same code and message).
pub(crate) fn from_tim(e: TimError) -> ErrorBody {
    ErrorBody { code: e.code, message: e.message, data: e.data }
}

/// 2997 `CANNOT_FIND_PROTOCOL`: no such command.
pub(crate) fn unknown_command(command: &str) -> ErrorBody {
    ErrorBody::new(code::CANNOT_FIND_PROTOCOL, format!("unknown command {command:?}"))
}

/// 2905 `INVALID_OPERATION`: the arguments do not fit the command.
pub(crate) fn invalid_args(command: &str, e: &serde_json::Error) -> ErrorBody {
    ErrorBody::new(code::INVALID_OPERATION, format!("{command}: invalid arguments: {e}"))
}

/// 2905 `INVALID_OPERATION` with an explanation.
pub(crate) fn invalid(message: impl Into<String>) -> ErrorBody {
    ErrorBody::new(code::INVALID_OPERATION, message)
}

/// 2800 `NETWORK_ERROR`: the server cannot be reached.
pub(crate) fn network(message: impl Into<String>) -> ErrorBody {
    ErrorBody::new(code::NETWORK_ERROR, message)
}

/// 2903 `UNCAUGHT_ERROR`: a local failure (settings file, embedded server,
/// encoding).
pub(crate) fn internal(e: &dyn std::fmt::Display) -> ErrorBody {
    ErrorBody::new(code::UNCAUGHT_ERROR, e.to_string())
}

/// 2999 `SDK_IS_NOT_READY`: no login yet.
pub(crate) fn not_ready() -> ErrorBody {
    from_tim(TimError::not_ready())
}

/// 90012 `PATH_NOT_ALLOWED`: the host's path policy refused a local file.
pub(crate) fn path_not_allowed(path: &std::path::Path) -> ErrorBody {
    ErrorBody::new(
        code::PATH_NOT_ALLOWED,
        format!("{} is not a file this app host lets commands use", path.display()),
    )
}
