//! `Range: bytes=…` requests on a download (RFC 9110 §14): one range is
//! served with 206; several ranges, other units and malformed values are
//! ignored (the whole file is served), as the RFC allows.

/// What to serve of a file of known size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ranged {
    /// The whole file (200).
    Full,
    /// Bytes `start..=end` (206).
    Part {
        /// First byte.
        start: u64,
        /// Last byte, inclusive.
        end: u64,
    },
    /// The range lies outside the file (416).
    Unsatisfiable,
}

/// Interprets a `Range` header value for a file of `size` bytes.
pub(crate) fn parse(header: Option<&str>, size: u64) -> Ranged {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Ranged::Full;
    };
    if spec.contains(',') {
        return Ranged::Full;
    }
    let Some((first, last)) = spec.trim().split_once('-') else { return Ranged::Full };
    let number = |s: &str| -> Option<u64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    match (first.trim(), last.trim()) {
        ("", suffix) => match number(suffix) {
            None => Ranged::Full,
            Some(0) => Ranged::Unsatisfiable,
            Some(_) if size == 0 => Ranged::Unsatisfiable,
            Some(n) => Ranged::Part { start: size.saturating_sub(n), end: size - 1 },
        },
        (first, last) => {
            let Some(start) = number(first) else { return Ranged::Full };
            let end = match last {
                "" => None,
                last => match number(last) {
                    Some(end) if end >= start => Some(end),
                    _ => return Ranged::Full,
                },
            };
            if start >= size {
                return Ranged::Unsatisfiable;
            }
            Ranged::Part { start, end: end.map_or(size - 1, |e| e.min(size - 1)) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_ranges_are_served() {
        assert_eq!(parse(None, 10), Ranged::Full);
        assert_eq!(parse(Some("bytes=0-3"), 10), Ranged::Part { start: 0, end: 3 });
        assert_eq!(parse(Some("bytes=4-"), 10), Ranged::Part { start: 4, end: 9 });
        assert_eq!(parse(Some("bytes=-3"), 10), Ranged::Part { start: 7, end: 9 });
        assert_eq!(parse(Some("bytes=-30"), 10), Ranged::Part { start: 0, end: 9 });
        assert_eq!(parse(Some("bytes=5-100"), 10), Ranged::Part { start: 5, end: 9 });
        assert_eq!(parse(Some("bytes=9-9"), 10), Ranged::Part { start: 9, end: 9 });
    }

    #[test]
    fn ranges_outside_the_file_are_unsatisfiable() {
        assert_eq!(parse(Some("bytes=10-"), 10), Ranged::Unsatisfiable);
        assert_eq!(parse(Some("bytes=10-20"), 10), Ranged::Unsatisfiable);
        assert_eq!(parse(Some("bytes=-0"), 10), Ranged::Unsatisfiable);
    }

    #[test]
    fn malformed_and_multiple_ranges_are_ignored() {
        for header in [
            "items=0-1",
            "bytes=",
            "bytes=a-b",
            "bytes=5-2",
            "bytes=0-1,3-4",
            "bytes=-",
            "bytes=+1-2",
        ] {
            assert_eq!(parse(Some(header), 10), Ranged::Full, "{header}");
        }
    }
}
