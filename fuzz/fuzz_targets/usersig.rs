//! The UserSig parser and verifier (`confab_server::usersig`), reached the
//! ways a client reaches it. The first byte picks how the rest is used:
//!
//! - 0: the rest is a UserSig as presented in `login`;
//! - 1: the rest is the JSON inside a UserSig, compressed and encoded here
//!   so the fuzzer works on the JSON layer (its signature will not verify);
//! - 2: the rest is an `Authorization` header value of the file service;
//! - 3: the rest chooses the fields of a UserSig minted with the server's
//!   key: `gen_user_sig` then `verify_user_sig` must agree on every field.
//!
//! Beyond "does not panic": a sig that verifies was issued for the user,
//! application and time it was checked for.

#![no_main]

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use confab_server::fuzzing::authorization_credentials;
use confab_server::usersig::{gen_user_sig, verify_user_sig, SigError};
use libfuzzer_sys::fuzz_target;
use std::io::Write as _;

const APP: u64 = 1_400_000_000;
const KEY: &str = "fuzzing-key-fuzzing-key-fuzzing-key-0123";
const USER: &str = "alice";
const NOW: i64 = 1_764_115_200;

fn check(app: u64, identifier: &str, sig: &str, now: i64) {
    if let Ok(verified) = verify_user_sig(app, KEY, identifier, sig, now) {
        assert_eq!(verified.identifier, identifier);
        assert_eq!(verified.sdk_app_id, app);
        assert!(now < verified.expire_at);
    }
}

fn to_sig(compressed: &[u8]) -> String {
    STANDARD
        .encode(compressed)
        .chars()
        .map(|c| match c {
            '+' => '*',
            '/' => '-',
            '=' => '_',
            c => c,
        })
        .collect()
}

fn take_i64(bytes: &[u8]) -> (i64, &[u8]) {
    let mut buf = [0u8; 8];
    let n = bytes.len().min(8);
    buf[..n].copy_from_slice(&bytes[..n]);
    (i64::from_le_bytes(buf), &bytes[n..])
}

fn mint_and_verify(rest: &[u8]) {
    let (app, rest) = take_i64(rest);
    let (time, rest) = take_i64(rest);
    let (expire, rest) = take_i64(rest);
    let (now, rest) = take_i64(rest);
    let app = app as u64;
    let identifier = String::from_utf8_lossy(rest);
    let sig = gen_user_sig(app, KEY, &identifier, expire, time);
    let expire_at = time.saturating_add(expire);
    match verify_user_sig(app, KEY, &identifier, &sig, now) {
        Ok(verified) => {
            assert!(now < expire_at);
            assert_eq!(verified.identifier, identifier);
            assert_eq!(
                (verified.sdk_app_id, verified.time, verified.expire, verified.expire_at),
                (app, time, expire, expire_at)
            );
            assert_eq!(verified.user_buf, None);
        }
        Err(SigError::Expired { expire_at: at }) => {
            assert!(now >= expire_at);
            assert_eq!(at, expire_at);
        }
        Err(e) => panic!("a minted UserSig does not verify: {e:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    match mode % 4 {
        0 => check(APP, USER, &String::from_utf8_lossy(rest), NOW),
        1 => {
            let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), Default::default());
            encoder.write_all(rest).expect("compressing into a Vec");
            check(APP, USER, &to_sig(&encoder.finish().expect("compressing into a Vec")), NOW);
        }
        2 => {
            if let Some((user, sig)) = authorization_credentials(rest) {
                check(APP, &user, &sig, NOW);
            }
        }
        _ => mint_and_verify(rest),
    }
});
