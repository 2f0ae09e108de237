//! Test fixtures shared by the workspace's tests (a dev-only crate, never
//! published): the bytes of sample files and their file IDs. Everything is
//! deterministic (no RNG, no clock), so a failing test fails the same way
//! every run.
//!
//! - [`noise`]: incompressible-enough filler.
//! - [`sniffable_png`], [`sniffable_mp4`]: contents that are a PNG or an
//!   MP4 as far as type sniffing goes (signature, then filler).
//! - [`mp4`]: the boxes a minimal MP4/MOV is built from.
//! - [`sha256_hex`]: a content's file ID.
//! - [`write_file`]: a sample written into a test directory.

use sha2::{Digest as _, Sha256};
use std::path::{Path, PathBuf};

pub mod mp4;

/// `len` deterministic filler bytes from `seed` (a linear congruential
/// generator: incompressible enough, no RNG needed).
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as u8
        })
        .collect()
}

/// The PNG signature.
pub const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The `ftyp` box of an ISO-BMFF (`isom`) file, as sniffing reads it.
pub const MP4_FTYP: &[u8] = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2";

/// A PNG as far as sniffing goes: the signature, then filler; `len` bytes
/// in all (at least the signature's 8).
pub fn sniffable_png(len: usize) -> Vec<u8> {
    let mut bytes = PNG_SIGNATURE.to_vec();
    bytes.extend((0..len.saturating_sub(PNG_SIGNATURE.len())).map(|i| (i % 251) as u8));
    bytes
}

/// An MP4 as far as sniffing goes: an `ftyp` box, then filler; `len`
/// bytes in all (at least the box's 24).
pub fn sniffable_mp4(len: usize) -> Vec<u8> {
    let mut bytes = MP4_FTYP.to_vec();
    bytes.extend((0..len.saturating_sub(MP4_FTYP.len())).map(|i| (i % 241) as u8));
    bytes
}

/// Lowercase hex SHA-256 of `bytes`: the file ID the file service gives
/// that content.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `bytes` to `dir/name` and returns the path.
///
/// # Panics
/// When the file cannot be written (a test's setup failed).
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    if let Err(e) = std::fs::write(&path, bytes) {
        panic!("write test file {}: {e}", path.display());
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_have_their_length_and_signature() {
        let png = sniffable_png(100);
        assert_eq!((png.len(), &png[..8]), (100, PNG_SIGNATURE));
        let mp4 = sniffable_mp4(4024);
        assert_eq!((mp4.len(), &mp4[..24]), (4024, MP4_FTYP));
        assert_eq!(noise(16, 7), noise(16, 7));
        assert_ne!(noise(16, 7), noise(16, 8));
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
