//! Session keys: what makes a UserSig stop working before it expires.
//!
//! A UserSig is a signed ticket the server cannot take back by itself; this
//! module adds the server-side state that can:
//!
//! - **Password-issued UserSigs** (register, password login, renewal,
//!   password change) carry a mark in `TLS.userbuf`:
//!   `confab.v1:<generation>:<serial>`, where `generation` is the user's
//!   session generation when it was issued and `serial` 128 random bits in
//!   hex. Such a sig logs in only while its generation is the user's
//!   current one and its serial is not revoked. Signing out of all devices
//!   and changing the password bump the generation (so every earlier sig
//!   fails at once, whatever second it was issued in); a plain `logout`
//!   and a renewal revoke the one serial they retire.
//! - **UserSigs minted elsewhere** (an application backend holding the
//!   secret key, `confabd mint-sig`) carry no mark. A bump also sets the
//!   user's floor to the second after the bump; such a sig logs in only
//!   when its `TLS.time` is at or after the floor. A sig minted in the very
//!   second of a bump is therefore refused too (whole seconds cannot tell
//!   before from after); the backend mints again a second later. A plain
//!   logout does not revoke these: TIM lets an application log in again
//!   with the sig it holds, and Confab keeps that.
//!
//! A refused sig gets 70001 (`ACCOUNT_A2KEY_EXPIRED`), as an expired one
//! does: the sig is genuine but no longer valid; the client needs a new
//! one.
//!
//! Invariant: the checks run at every login and every file-service
//! request, against committed state; after a bump or revocation committed,
//! the user's live sessions that it concerns are closed by the caller
//! (see the gateway), and a login racing with the bump re-checks after it
//! registered its session.

use crate::server::ServerContext;
use crate::store::SessionStanding;
use crate::usersig::{self, VerifiedSig};
use confab_proto::{code, ErrorBody, UserId};

/// Prefix of the mark in a password-issued UserSig's `TLS.userbuf`.
const MARK_PREFIX: &str = "confab.v1:";

/// Random bytes in a serial.
const SERIAL_BYTES: usize = 16;

/// The mark of a password-issued UserSig.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SigMark {
    /// The session generation it was issued in.
    pub generation: u64,
    /// Its serial (hex), the key of a single revocation.
    pub serial: String,
}

impl SigMark {
    fn fresh(generation: u64) -> Self {
        use rand::RngCore as _;
        let mut bytes = [0u8; SERIAL_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        let serial = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Self { generation, serial }
    }

    fn encode(&self) -> String {
        format!("{MARK_PREFIX}{}:{}", self.generation, self.serial)
    }

    /// The mark in a verified sig's user buffer; `None` for sigs minted
    /// elsewhere (no buffer, or one that is not Confab's).
    pub(crate) fn parse(user_buf: Option<&[u8]>) -> Option<Self> {
        let text = std::str::from_utf8(user_buf?).ok()?;
        let (generation, serial) = text.strip_prefix(MARK_PREFIX)?.split_once(':')?;
        let valid_serial = serial.len() == SERIAL_BYTES * 2
            && serial.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !valid_serial {
            return None;
        }
        Some(Self { generation: generation.parse().ok()?, serial: serial.to_owned() })
    }
}

/// The UserSig a session works with: what is needed to retire it and to
/// kick the session when it expires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SessionSig {
    /// The mark when the server issued it for a password.
    pub mark: Option<SigMark>,
    /// Issue time, seconds since the epoch.
    pub issued_at: i64,
    /// Expiry, seconds since the epoch.
    pub expire_at: i64,
}

impl SessionSig {
    /// Whether the server renews it (`renewUserSig`).
    pub fn renewable(&self) -> bool {
        self.mark.is_some()
    }
}

/// A freshly issued password UserSig.
pub(crate) struct Issued {
    /// The UserSig.
    pub user_sig: String,
    /// What a session keeps of it.
    pub sig: SessionSig,
}

fn refused(message: &str) -> ErrorBody {
    ErrorBody::new(code::ACCOUNT_A2KEY_EXPIRED, message)
}

/// Whether a verified sig still stands, given the user's standing.
fn judge(verified: &VerifiedSig, standing: SessionStanding) -> Result<SessionSig, ErrorBody> {
    let mark = SigMark::parse(verified.user_buf.as_deref());
    match &mark {
        Some(mark) if mark.generation != standing.generation => {
            return Err(refused(
                "the UserSig was issued before the account signed out of all devices \
                 or changed its password",
            ));
        }
        Some(_) if standing.revoked => {
            return Err(refused("the UserSig was retired by a logout or a renewal"));
        }
        Some(_) => {}
        None if verified.time < standing.sigs_valid_from => {
            return Err(refused(
                "the UserSig was issued before the account signed out of all devices \
                 or changed its password",
            ));
        }
        None => {}
    }
    Ok(SessionSig { mark, issued_at: verified.time, expire_at: verified.expire_at })
}

/// Checks a verified sig of `user` against the stored standing.
pub(crate) async fn admit(
    ctx: &ServerContext,
    user: &UserId,
    verified: &VerifiedSig,
) -> Result<SessionSig, ErrorBody> {
    let serial = SigMark::parse(verified.user_buf.as_deref()).map(|m| m.serial);
    let standing = ctx
        .store
        .session_standing(user.clone(), serial)
        .await
        .map_err(crate::handlers::store_error)?;
    judge(verified, standing)
}

/// Whether a session's sig still stands (after the session registered, to
/// close the race with a concurrent bump).
pub(crate) async fn still_stands(
    ctx: &ServerContext,
    user: &UserId,
    sig: &SessionSig,
) -> Result<(), ErrorBody> {
    let Some(mark) = &sig.mark else {
        let standing = ctx
            .store
            .session_standing(user.clone(), None)
            .await
            .map_err(crate::handlers::store_error)?;
        return if sig.issued_at < standing.sigs_valid_from {
            Err(refused("the account signed out of all devices"))
        } else {
            Ok(())
        };
    };
    let standing = ctx
        .store
        .session_standing(user.clone(), Some(mark.serial.clone()))
        .await
        .map_err(crate::handlers::store_error)?;
    if standing.generation != mark.generation || standing.revoked {
        return Err(refused("the UserSig no longer stands"));
    }
    Ok(())
}

/// Issues a password UserSig of `generation` for `user`, valid for the
/// configured `user_sig_expire_secs` from the server clock's now.
pub(crate) fn issue(ctx: &ServerContext, user: &UserId, generation: u64) -> Issued {
    let mark = SigMark::fresh(generation);
    let now = ctx.clock.now_secs();
    let expire = ctx.config.user_sig_expire_secs;
    let user_sig = usersig::gen_user_sig_with_userbuf(
        ctx.config.sdk_app_id,
        &ctx.secret_key,
        user.as_str(),
        expire,
        now,
        Some(mark.encode().as_bytes()),
    );
    Issued {
        user_sig,
        sig: SessionSig { mark: Some(mark), issued_at: now, expire_at: now.saturating_add(expire) },
    }
}

/// Issues a password UserSig for `user` in the current generation (for
/// register and password login).
pub(crate) async fn issue_current(ctx: &ServerContext, user: &UserId) -> Result<Issued, ErrorBody> {
    let standing = ctx
        .store
        .session_standing(user.clone(), None)
        .await
        .map_err(crate::handlers::store_error)?;
    Ok(issue(ctx, user, standing.generation))
}

/// Retires a session's password-issued sig (logout, renewal); sigs minted
/// elsewhere are left alone.
pub(crate) async fn retire(
    ctx: &ServerContext,
    user: &UserId,
    sig: &SessionSig,
) -> Result<(), ErrorBody> {
    let Some(mark) = &sig.mark else { return Ok(()) };
    ctx.store
        .revoke_user_sig(user.clone(), mark.serial.clone(), sig.expire_at, ctx.clock.now_secs())
        .await
        .map_err(crate::handlers::store_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verified(user_buf: Option<&str>, time: i64) -> VerifiedSig {
        VerifiedSig {
            identifier: "alice".into(),
            sdk_app_id: 1,
            time,
            expire: 100,
            expire_at: time + 100,
            user_buf: user_buf.map(|b| b.as_bytes().to_vec()),
        }
    }

    #[test]
    fn marks_round_trip_and_foreign_buffers_are_not_marks() {
        let mark = SigMark::fresh(7);
        assert_eq!(SigMark::parse(Some(mark.encode().as_bytes())), Some(mark));
        for foreign in ["", "hello", "confab.v1:x:00", "confab.v1:1:short", "confab.v2:1:00"] {
            assert_eq!(SigMark::parse(Some(foreign.as_bytes())), None, "{foreign:?}");
        }
        assert_eq!(SigMark::parse(None), None);
    }

    #[test]
    fn generation_revocation_and_floor_decide() {
        let mark = SigMark::fresh(2).encode();
        let current = SessionStanding { generation: 2, sigs_valid_from: 0, revoked: false };
        assert!(judge(&verified(Some(&mark), 10), current).is_ok());
        let bumped = SessionStanding { generation: 3, ..current };
        assert_eq!(
            judge(&verified(Some(&mark), 10), bumped).expect_err("old generation").code,
            code::ACCOUNT_A2KEY_EXPIRED
        );
        let revoked = SessionStanding { revoked: true, ..current };
        assert!(judge(&verified(Some(&mark), 10), revoked).is_err());
        // Minted elsewhere: only the floor applies, inclusive.
        let floor = SessionStanding { generation: 3, sigs_valid_from: 11, revoked: false };
        assert!(judge(&verified(None, 10), floor).is_err());
        assert!(judge(&verified(None, 11), floor).is_ok());
        assert!(judge(&verified(Some("app data"), 11), floor).is_ok());
    }
}
