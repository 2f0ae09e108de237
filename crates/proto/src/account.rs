//! Accounts over HTTP: registration and password login, which hand out a
//! fresh UserSig for the WebSocket `login`.
//!
//! `POST /api/register` and `POST /api/login` take [`Credentials`] and answer
//! `200` with a [`Grant`], or an error status with an [`crate::ErrorBody`].

use crate::ids::UserId;
use serde::{Deserialize, Serialize};

/// Path of the registration endpoint.
pub const REGISTER_PATH: &str = "/api/register";
/// Path of the password login endpoint.
pub const LOGIN_PATH: &str = "/api/login";

/// Longest userID, in bytes (TIM's limit).
pub const MAX_USER_ID_BYTES: usize = 32;
/// Shortest accepted password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest accepted password, in bytes.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// A userID and password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    /// The account.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// The password, in clear over the (local or TLS-terminated) connection.
    pub password: String,
}

/// What a successful registration or login returns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// The account.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// A fresh UserSig for `login`.
    #[serde(rename = "userSig")]
    pub user_sig: String,
    /// The server's SDKAppID.
    #[serde(rename = "sdkAppID")]
    pub sdk_app_id: u64,
    /// When the UserSig expires, seconds since the Unix epoch.
    #[serde(rename = "expireAt")]
    pub expire_at: i64,
}

/// Checks a userID for registration: 1 to 32 bytes of letters, digits
/// (any script), `_`, `-`, `.` and `@`, not starting with `@TIM#` or `@TGS#`.
pub fn validate_user_id(id: &str) -> Result<(), &'static str> {
    if id.is_empty() {
        return Err("userID is empty");
    }
    if id.len() > MAX_USER_ID_BYTES {
        return Err("userID is longer than 32 bytes");
    }
    if !id.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '@')) {
        return Err("userID may contain only letters, digits, '_', '-', '.' and '@'");
    }
    if id.starts_with("@TIM#") || id.starts_with("@TGS#") {
        return Err("userID may not start with a reserved prefix");
    }
    Ok(())
}

/// Checks a password for registration: 8 characters to 1024 bytes.
pub fn validate_password(password: &str) -> Result<(), &'static str> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err("password is shorter than 8 characters");
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err("password is longer than 1024 bytes");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_id_rules() {
        for ok in ["alice", "a@b.c-d_e", "用户_甲", "x".repeat(32).as_str()] {
            assert_eq!(validate_user_id(ok), Ok(()), "{ok}");
        }
        for bad in ["", "has space", "x".repeat(33).as_str(), "@TIM#SYSTEM", "a/b", "a\nb"] {
            assert!(validate_user_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn password_rules() {
        assert!(validate_password("short").is_err());
        assert!(validate_password("long enough").is_ok());
        assert!(validate_password(&"x".repeat(1025)).is_err());
    }

    #[test]
    fn account_snapshots() {
        let c = Credentials { user_id: UserId::new("alice"), password: "pw".into() };
        let json = serde_json::to_string(&c).expect("serialize");
        assert_eq!(json, r#"{"userID":"alice","password":"pw"}"#);
        assert_eq!(serde_json::from_str::<Credentials>(&json).expect("parse"), c);
        let g = Grant {
            user_id: UserId::new("alice"),
            user_sig: "s".into(),
            sdk_app_id: 1_400_000_000,
            expire_at: 9,
        };
        let json = serde_json::to_string(&g).expect("serialize");
        assert_eq!(json, r#"{"userID":"alice","userSig":"s","sdkAppID":1400000000,"expireAt":9}"#);
        assert_eq!(serde_json::from_str::<Grant>(&json).expect("parse"), g);
    }
}
