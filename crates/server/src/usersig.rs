//! UserSig (TLS-sig-api-v2): minting and verifying the signed tickets a
//! client presents in `login`.
//!
//! A UserSig is zlib-compressed JSON, base64-encoded with the URL-safe
//! substitutions `+`→`*`, `/`→`-`, `=`→`_`. The JSON carries the identifier,
//! SDKAppID, issue time and lifetime, and `TLS.sig`: the base64 HMAC-SHA256,
//! keyed with the secret key's bytes, of
//! `TLS.identifier:{id}\nTLS.sdkappid:{app}\nTLS.time:{time}\nTLS.expire:{expire}\n`
//! (plus `TLS.userbuf:{base64}\n` when a user buffer is present).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use confab_proto::code;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::io::{Read as _, Write as _};

type HmacSha256 = Hmac<Sha256>;

/// Largest decompressed UserSig JSON accepted (guards against zlib bombs).
const MAX_SIG_JSON_BYTES: u64 = 16 * 1024;

/// What a verified UserSig says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedSig {
    /// The user it was issued for.
    pub identifier: String,
    /// The application it was issued for.
    pub sdk_app_id: u64,
    /// Issue time, seconds since the Unix epoch.
    pub time: i64,
    /// Lifetime in seconds.
    pub expire: i64,
    /// When it stops being valid (`time + expire`), seconds since the epoch.
    pub expire_at: i64,
    /// The optional user buffer, decoded.
    pub user_buf: Option<Vec<u8>>,
}

/// Why a UserSig was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SigError {
    /// Not base64, not zlib, not the expected JSON.
    #[error("the UserSig cannot be decoded: {0}")]
    Undecodable(String),
    /// The HMAC does not verify with this server's key.
    #[error("the UserSig's signature does not verify")]
    BadSignature,
    /// Issued for another userID.
    #[error("the UserSig was issued for userID {issued_for:?}")]
    IdentifierMismatch {
        /// The identifier inside the sig.
        issued_for: String,
    },
    /// Issued for another SDKAppID.
    #[error("the UserSig was issued for SDKAppID {issued_for}")]
    SdkAppIdMismatch {
        /// The SDKAppID inside the sig.
        issued_for: u64,
    },
    /// Its lifetime is over.
    #[error("the UserSig expired at {expire_at}")]
    Expired {
        /// When it expired, seconds since the epoch.
        expire_at: i64,
    },
}

impl SigError {
    /// The TIM error code for this failure (70003, 70013, 70014 or 70001).
    pub fn code(&self) -> i32 {
        match self {
            Self::Undecodable(_) | Self::BadSignature => code::USERSIG_INVALID,
            Self::IdentifierMismatch { .. } => code::USERSIG_IDENTIFIER_MISMATCH,
            Self::SdkAppIdMismatch { .. } => code::USERSIG_SDKAPPID_MISMATCH,
            Self::Expired { .. } => code::ACCOUNT_A2KEY_EXPIRED,
        }
    }
}

fn content_to_sign(
    identifier: &str,
    sdk_app_id: u64,
    time: i64,
    expire: i64,
    user_buf_b64: Option<&str>,
) -> String {
    let mut content = format!(
        "TLS.identifier:{identifier}\nTLS.sdkappid:{sdk_app_id}\nTLS.time:{time}\nTLS.expire:{expire}\n"
    );
    if let Some(buf) = user_buf_b64 {
        content.push_str("TLS.userbuf:");
        content.push_str(buf);
        content.push('\n');
    }
    content
}

fn mac(key: &str, content: &str) -> HmacSha256 {
    let mut mac =
        HmacSha256::new_from_slice(key.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(content.as_bytes());
    mac
}

fn to_sig_alphabet(b64: &str) -> String {
    b64.chars()
        .map(|c| match c {
            '+' => '*',
            '/' => '-',
            '=' => '_',
            c => c,
        })
        .collect()
}

fn from_sig_alphabet(sig: &str) -> String {
    sig.chars()
        .map(|c| match c {
            '*' => '+',
            '-' => '/',
            '_' => '=',
            c => c,
        })
        .collect()
}

/// Mints a UserSig for `identifier`, issued at `now_secs` and valid for
/// `expire_secs` seconds.
pub fn gen_user_sig(
    sdk_app_id: u64,
    key: &str,
    identifier: &str,
    expire_secs: i64,
    now_secs: i64,
) -> String {
    gen_user_sig_with_userbuf(sdk_app_id, key, identifier, expire_secs, now_secs, None)
}

/// [`gen_user_sig`] with a user buffer (`TLS.userbuf`, signed with the rest).
pub fn gen_user_sig_with_userbuf(
    sdk_app_id: u64,
    key: &str,
    identifier: &str,
    expire_secs: i64,
    now_secs: i64,
    user_buf: Option<&[u8]>,
) -> String {
    let user_buf_b64 = user_buf.map(|b| STANDARD.encode(b));
    let content =
        content_to_sign(identifier, sdk_app_id, now_secs, expire_secs, user_buf_b64.as_deref());
    let signature = STANDARD.encode(mac(key, &content).finalize().into_bytes());
    let mut json = serde_json::json!({
        "TLS.ver": "2.0",
        "TLS.identifier": identifier,
        "TLS.sdkappid": sdk_app_id,
        "TLS.expire": expire_secs,
        "TLS.time": now_secs,
        "TLS.sig": signature,
    });
    if let Some(buf) = user_buf_b64 {
        json["TLS.userbuf"] = serde_json::Value::String(buf);
    }
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    let compressed = encoder
        .write_all(json.to_string().as_bytes())
        .and_then(|()| encoder.finish())
        .expect("compressing into a Vec cannot fail");
    to_sig_alphabet(&STANDARD.encode(compressed))
}

fn field_i64(json: &serde_json::Value, name: &str) -> Result<i64, SigError> {
    match &json[name] {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| SigError::Undecodable(format!("{name} is missing or not an integer")))
}

/// An SDKAppID is a `u64`: read it as one, so every ID this server can be
/// configured with round-trips through a UserSig it minted.
fn field_u64(json: &serde_json::Value, name: &str) -> Result<u64, SigError> {
    match &json[name] {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| SigError::Undecodable(format!("{name} is missing or not a u64")))
}

fn field_str<'a>(json: &'a serde_json::Value, name: &str) -> Result<&'a str, SigError> {
    json[name]
        .as_str()
        .ok_or_else(|| SigError::Undecodable(format!("{name} is missing or not a string")))
}

/// Verifies a UserSig presented by `identifier` for `sdk_app_id` at
/// `now_secs`. Checks, in order: decoding, the HMAC, the identifier, the
/// SDKAppID, the expiry.
pub fn verify_user_sig(
    sdk_app_id: u64,
    key: &str,
    identifier: &str,
    sig: &str,
    now_secs: i64,
) -> Result<VerifiedSig, SigError> {
    let compressed = STANDARD
        .decode(from_sig_alphabet(sig.trim()))
        .map_err(|e| SigError::Undecodable(format!("not base64: {e}")))?;
    let mut json_bytes = Vec::new();
    ZlibDecoder::new(compressed.as_slice())
        .take(MAX_SIG_JSON_BYTES)
        .read_to_end(&mut json_bytes)
        .map_err(|e| SigError::Undecodable(format!("not zlib: {e}")))?;
    let json: serde_json::Value = serde_json::from_slice(&json_bytes)
        .map_err(|e| SigError::Undecodable(format!("not JSON: {e}")))?;

    let issued_for = field_str(&json, "TLS.identifier")?.to_owned();
    let issued_app = field_u64(&json, "TLS.sdkappid")?;
    let time = field_i64(&json, "TLS.time")?;
    let expire = field_i64(&json, "TLS.expire")?;
    let signature = STANDARD
        .decode(field_str(&json, "TLS.sig")?)
        .map_err(|e| SigError::Undecodable(format!("TLS.sig is not base64: {e}")))?;
    let user_buf_b64 = match &json["TLS.userbuf"] {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.as_str()),
        _ => return Err(SigError::Undecodable("TLS.userbuf is not a string".into())),
    };
    let user_buf = user_buf_b64
        .map(|b| STANDARD.decode(b))
        .transpose()
        .map_err(|e| SigError::Undecodable(format!("TLS.userbuf is not base64: {e}")))?;

    let content = content_to_sign(&issued_for, issued_app, time, expire, user_buf_b64);
    mac(key, &content).verify_slice(&signature).map_err(|_| SigError::BadSignature)?;

    if issued_for != identifier {
        return Err(SigError::IdentifierMismatch { issued_for });
    }
    if issued_app != sdk_app_id {
        return Err(SigError::SdkAppIdMismatch { issued_for: issued_app });
    }
    let expire_at = time.saturating_add(expire);
    if now_secs >= expire_at {
        return Err(SigError::Expired { expire_at });
    }
    Ok(VerifiedSig {
        identifier: issued_for,
        sdk_app_id: issued_app,
        time,
        expire,
        expire_at,
        user_buf,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Vectors {
        sdkappid: u64,
        key: String,
        valid: Vec<Valid>,
        invalid: Vec<Invalid>,
    }

    #[derive(Deserialize)]
    struct Valid {
        identifier: String,
        time: i64,
        expire: i64,
        userbuf_utf8: Option<String>,
        sig: String,
    }

    #[derive(Deserialize)]
    struct Invalid {
        why: String,
        identifier: String,
        sig: String,
    }

    fn vectors() -> Vectors {
        let path =
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference/usersig-vectors.json");
        let text = std::fs::read_to_string(path).expect("usersig-vectors.json beside the repo");
        serde_json::from_str(&text).expect("vectors parse")
    }

    #[test]
    fn every_valid_vector_verifies_inside_its_lifetime_and_expires_after() {
        let v = vectors();
        assert!(!v.valid.is_empty());
        for case in &v.valid {
            for now in [case.time, case.time + case.expire / 2, case.time + case.expire - 1] {
                let ok = verify_user_sig(v.sdkappid, &v.key, &case.identifier, &case.sig, now)
                    .unwrap_or_else(|e| panic!("{} at {now}: {e}", case.identifier));
                assert_eq!(ok.identifier, case.identifier);
                assert_eq!(ok.expire_at, case.time + case.expire);
                assert_eq!(
                    ok.user_buf.as_deref(),
                    case.userbuf_utf8.as_deref().map(str::as_bytes),
                    "{}",
                    case.identifier
                );
            }
            let late = case.time + case.expire;
            let err = verify_user_sig(v.sdkappid, &v.key, &case.identifier, &case.sig, late)
                .expect_err("expired");
            assert_eq!(err.code(), code::ACCOUNT_A2KEY_EXPIRED);
        }
    }

    #[test]
    fn every_invalid_vector_fails_with_its_code() {
        let v = vectors();
        assert!(!v.invalid.is_empty());
        // Any instant inside the invalid sigs' own lifetime (they copy user1's).
        let now = 1_764_115_200 + 10;
        for case in &v.invalid {
            let err = verify_user_sig(v.sdkappid, &v.key, &case.identifier, &case.sig, now)
                .expect_err(&case.why);
            let expected = if case.why.contains("sdkappid") {
                code::USERSIG_SDKAPPID_MISMATCH
            } else if case.why.contains("identifier mismatch") {
                code::USERSIG_IDENTIFIER_MISMATCH
            } else {
                code::USERSIG_INVALID
            };
            assert_eq!(err.code(), expected, "{}: {err}", case.why);
        }
    }

    #[test]
    fn minted_sigs_verify_and_carry_their_fields() {
        let v = vectors();
        for case in v.valid.iter().filter(|c| c.userbuf_utf8.is_none()) {
            let sig = gen_user_sig(v.sdkappid, &v.key, &case.identifier, case.expire, case.time);
            let ok = verify_user_sig(v.sdkappid, &v.key, &case.identifier, &sig, case.time)
                .expect("minted sig verifies");
            assert_eq!(
                (ok.time, ok.expire, ok.sdk_app_id, ok.user_buf),
                (case.time, case.expire, v.sdkappid, None)
            );
            assert!(sig.chars().all(|c| c.is_ascii_alphanumeric() || "*-_".contains(c)));
        }
    }

    /// Found by the `usersig` fuzz target (fuzz/): an SDKAppID above
    /// `i64::MAX` was minted into a UserSig that then failed to decode.
    #[test]
    fn sdk_app_ids_above_i64_max_round_trip() {
        let fuzzed = u64::from_le_bytes([0, 195, 10, 175, 172, 10, 175, 172]);
        for app in [fuzzed, i64::MAX as u64 + 1, u64::MAX] {
            let sig = gen_user_sig(app, "k", "alice", 100, 1_000);
            let ok = verify_user_sig(app, "k", "alice", &sig, 1_050).expect("minted sig verifies");
            assert_eq!(ok.sdk_app_id, app);
            assert_eq!(
                verify_user_sig(app, "k", "alice", &sig, 1_100).expect_err("expired").code(),
                code::ACCOUNT_A2KEY_EXPIRED
            );
        }
    }

    #[test]
    fn minted_user_buffers_verify_and_are_signed() {
        let sig = gen_user_sig_with_userbuf(1, "k", "alice", 100, 1_000, Some(b"buf"));
        let ok = verify_user_sig(1, "k", "alice", &sig, 1_050).expect("verifies");
        assert_eq!(ok.user_buf.as_deref(), Some(&b"buf"[..]));
        assert_eq!(
            verify_user_sig(1, "other", "alice", &sig, 1_050).map(|_| ()),
            Err(SigError::BadSignature)
        );
    }

    #[test]
    fn round_trip_checks_each_field() {
        let sig = gen_user_sig(1_400_000_000, "k", "alice", 100, 1_000);
        assert!(verify_user_sig(1_400_000_000, "k", "alice", &sig, 1_050).is_ok());
        let code_of = |app, key: &str, id: &str, sig: &str, now| {
            verify_user_sig(app, key, id, sig, now).expect_err("must fail").code()
        };
        assert_eq!(code_of(1_400_000_000, "other", "alice", &sig, 1_050), code::USERSIG_INVALID);
        assert_eq!(
            code_of(1_400_000_000, "k", "bob", &sig, 1_050),
            code::USERSIG_IDENTIFIER_MISMATCH
        );
        assert_eq!(code_of(1, "k", "alice", &sig, 1_050), code::USERSIG_SDKAPPID_MISMATCH);
        assert_eq!(code_of(1_400_000_000, "k", "alice", &sig, 1_100), code::ACCOUNT_A2KEY_EXPIRED);
        assert_eq!(code_of(1_400_000_000, "k", "alice", "", 1_050), code::USERSIG_INVALID);
        assert_eq!(code_of(1_400_000_000, "k", "alice", "eJy*", 1_050), code::USERSIG_INVALID);
    }
}
