//! What the file service reads from an upload `PATCH`: the upload ID in the
//! path, `Upload-Offset` and `Content-Length`. Input: the three values
//! separated by newlines (`<id>\n<offset>\n<length>`).
//!
//! Beyond "does not panic": an ID accepted as an upload ID is safe in a
//! file name (32 lowercase hex characters).

#![no_main]

use confab_server::fuzzing::upload_patch;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == b'\n');
    let id = parts.next().unwrap_or_default();
    let offset = parts.next().unwrap_or_default();
    let length = parts.next().unwrap_or_default();
    let id = String::from_utf8_lossy(id);
    let patch = upload_patch(&id, offset, length);
    if patch.valid_id {
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    }
});
