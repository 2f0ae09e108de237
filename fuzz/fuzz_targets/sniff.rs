//! The upload content sniffer: the type a stored file is served with comes
//! from its first bytes only. Input: the head of an uploaded file.
//!
//! Beyond "does not panic": a recognized type is a plain `type/subtype`
//! (it becomes a `Content-Type` header).

#![no_main]

use confab_server::fuzzing::sniff;
use libfuzzer_sys::fuzz_target;

/// The file service's `sniff::HEAD_BYTES`.
const HEAD_BYTES: usize = 4096;

fuzz_target!(|data: &[u8]| {
    let head = &data[..data.len().min(HEAD_BYTES)];
    if let Some(mime) = sniff(head) {
        let (kind, subtype) = mime.split_once('/').expect("type/subtype");
        assert!(!kind.is_empty() && !subtype.is_empty());
        assert!(mime.bytes().all(|b| b.is_ascii_alphanumeric() || b"/.+-".contains(&b)));
    }
});
