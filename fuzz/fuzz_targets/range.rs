//! The download `Range` header. Input: `<file size>\n<header value>`; a
//! size that is not a number is taken as the byte length of that line. The
//! header is also tried against empty and one-byte files.
//!
//! Beyond "does not panic": a part served lies inside the file, and a
//! request is unsatisfiable only when it starts past the end.

#![no_main]

use confab_server::fuzzing::{range, RangeOutcome};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (size_line, header) = match data.iter().position(|&b| b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (&data[..0], data),
    };
    let size = std::str::from_utf8(size_line)
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(size_line.len() as u64);
    // What `HeaderValue::to_str` lets through: visible ASCII, space and tab.
    let header = std::str::from_utf8(header)
        .ok()
        .filter(|h| h.bytes().all(|b| b == b'\t' || (0x20..0x7f).contains(&b)));
    for size in [size, 0, 1, u64::MAX] {
        match range(header, size) {
            RangeOutcome::Full => {}
            RangeOutcome::Part { start, end } => {
                assert!(start <= end, "{header:?} on {size}: {start}-{end}");
                assert!(end < size, "{header:?} on {size}: {start}-{end}");
            }
            RangeOutcome::Unsatisfiable => {
                assert!(header.is_some_and(|h| h.contains("bytes=")));
            }
        }
    }
});
