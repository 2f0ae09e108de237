//! Rules shared by the app's loopback HTTP servers (the desktop app's file
//! server, [`crate::local_files`], and the web host `confab-web`): which
//! `Host` headers they answer, the per-launch secrets they check, which
//! files of the SDK directory are user content they may serve, and the
//! headers every user-content response carries.
//!
//! Invariants: a loopback server answers only `Host: 127.0.0.1:PORT`,
//! `localhost:PORT` or `[::1]:PORT` of its own port (a DNS-rebinding page
//! sends its own name); of the SDK directory only the download cache's
//! complete files (`<sdkAppID>/<user>.files/<sha256>.<ext>`) are served,
//! never the SQLite stores, partial downloads or staged uploads; a user
//! content response always has `X-Content-Type-Options: nosniff`,
//! `Content-Security-Policy: sandbox`, a content type from
//! [`content_type_of`]'s allow-list, and `Content-Disposition: attachment`
//! unless it is an image, audio or video.

use axum::http::{header, HeaderMap, HeaderValue};
use std::path::{Component, Path, PathBuf};

/// The `Host` values a loopback server on `port` answers.
pub fn allowed_hosts(port: u16) -> [String; 3] {
    [format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")]
}

/// Whether the request's `Host` is one of [`allowed_hosts`] of `port`
/// (case-insensitive: `LOCALHOST:1` is the same host).
pub fn host_allowed(headers: &HeaderMap, port: u16) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    allowed_hosts(port).iter().any(|allowed| allowed.eq_ignore_ascii_case(host))
}

/// A new per-launch secret: 256 bits from the thread-local CSPRNG
/// (ChaCha seeded by the OS), as 64 lowercase hex characters.
pub fn random_token() -> String {
    rand::random::<[u8; 32]>().iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two secrets in time independent of where they differ.
pub fn secrets_equal(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Whether `name` is a complete file of the download cache:
/// `<64 lowercase hex>.<1–10 lowercase letters or digits>` (the SDK names
/// cached files by the SHA-256 of their content; `.part` files and
/// anything else are not served).
fn is_cache_file_name(name: &str) -> bool {
    let Some((hash, ext)) = name.split_once('.') else { return false };
    hash.len() == 64
        && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && (1..=10).contains(&ext.len())
        && ext.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && ext != "part"
}

/// The download-cache file that `relative` (a decoded URL path below the
/// SDK directory, `/`-separated) names, or `None` when it names anything
/// else: exactly `[<server dir>/]<sdkAppID digits>/<name>.files/<cache
/// file name>` (a remote server's stores have their own directory,
/// `remote-<16 hex>`), no `.`/`..`, no empty or hidden parts, no
/// backslashes.
pub fn cache_file(sdk_dir: &Path, relative: &str) -> Option<PathBuf> {
    let parts: Vec<&str> = relative.trim_start_matches('/').split('/').collect();
    let (server, rest) = match parts.as_slice() {
        [server, rest @ ..] if rest.len() == 3 => (Some(*server), rest),
        rest => (None, rest),
    };
    let [app, user, file] = rest else { return None };
    if server.is_some_and(|s| !crate::accounts::is_server_dir_name(s)) {
        return None;
    }
    let plain = |part: &str| {
        !part.is_empty()
            && !part.starts_with('.')
            && !part.contains(['\\', '\0'])
            && Path::new(part).components().all(|c| matches!(c, Component::Normal(_)))
    };
    let user_dir = user.strip_suffix(".files")?;
    let (app, user, file) = (*app, *user, *file);
    let ok = plain(app)
        && app.bytes().all(|b| b.is_ascii_digit())
        && plain(user)
        && !user_dir.is_empty()
        && plain(file)
        && is_cache_file_name(file);
    let base = match server {
        Some(server) => sdk_dir.join(server),
        None => sdk_dir.to_owned(),
    };
    ok.then(|| base.join(app).join(user).join(file))
}

/// Whether `path` (absolute) is a download-cache file inside `sdk_dir`
/// (see [`cache_file`]).
pub fn is_cache_path(sdk_dir: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(sdk_dir) else { return false };
    let Some(relative) = relative.to_str() else { return false };
    cache_file(sdk_dir, relative).is_some()
}

/// Media a user-content response may show inline, by lowercase file
/// extension. Anything else (HTML, SVG, scripts, unknown) is
/// `application/octet-stream` and downloaded.
const INLINE_TYPES: &[(&str, &str)] = &[
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("bmp", "image/bmp"),
    ("mp4", "video/mp4"),
    ("m4v", "video/mp4"),
    ("mov", "video/quicktime"),
    ("webm", "video/webm"),
    ("3gp", "video/3gpp"),
    ("mp3", "audio/mpeg"),
    ("m4a", "audio/mp4"),
    ("aac", "audio/aac"),
    ("ogg", "audio/ogg"),
    ("oga", "audio/ogg"),
    ("opus", "audio/ogg"),
    ("wav", "audio/wav"),
    ("amr", "audio/amr"),
    ("flac", "audio/flac"),
];

/// The content type of a user file from its extension's allow-list entry,
/// and whether it may be shown inline (image, audio, video); anything else
/// is `application/octet-stream`, never inline.
pub fn content_type_of(path: &Path) -> (&'static str, bool) {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    ext.and_then(|ext| INLINE_TYPES.iter().find(|(known, _)| *known == ext))
        .map_or(("application/octet-stream", false), |(_, mime)| (*mime, true))
}

/// Sets the headers every user-content response carries (see the module
/// docs): the allow-listed content type of `path`, `nosniff`,
/// `CSP: sandbox`, and `Content-Disposition: attachment` unless inline.
pub fn secure_user_content(headers: &mut HeaderMap, path: &Path) {
    let (mime, inline) = content_type_of(path);
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox"));
    if inline {
        headers.remove(header::CONTENT_DISPOSITION);
    } else {
        headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment"));
    }
}

/// Names the download of a user file that is an attachment (not shown
/// inline): `Content-Disposition: attachment; filename="…"; filename*=…`
/// with `name` made one plain component, its ASCII fallback and its UTF-8
/// form percent-encoded, so no byte of it can end or split the header.
/// Inline types keep their headers.
pub fn name_attachment(headers: &mut HeaderMap, path: &Path, name: &str) {
    if content_type_of(path).1 {
        return;
    }
    let name = confab_proto::files::safe_file_name(name);
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let mut encoded = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let value = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    if let Ok(value) = HeaderValue::from_str(&value) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachments_are_named_safely_and_inline_files_not_at_all() {
        let mut headers = HeaderMap::new();
        let page = Path::new("/c/1/a.files/ab.html");
        secure_user_content(&mut headers, page);
        name_attachment(&mut headers, page, "聊天 \"x\"\r\nSet-Cookie: a.html");
        let value = headers[header::CONTENT_DISPOSITION].to_str().expect("ascii");
        assert!(value.starts_with("attachment; filename=\""), "{value}");
        assert!(!value.contains('\r') && !value.contains('\n'), "{value}");
        assert!(value.contains("filename*=UTF-8''%E8%81%8A%E5%A4%A9"), "{value}");
        let mut image = HeaderMap::new();
        let png = Path::new("/c/1/a.files/ab.png");
        secure_user_content(&mut image, png);
        name_attachment(&mut image, png, "x.png");
        assert!(image.get(header::CONTENT_DISPOSITION).is_none(), "images stay inline");
    }

    #[test]
    fn hosts_of_the_own_port_only() {
        let mut headers = HeaderMap::new();
        assert!(!host_allowed(&headers, 80), "no Host");
        for (host, ok) in [
            ("127.0.0.1:5000", true),
            ("localhost:5000", true),
            ("LOCALHOST:5000", true),
            ("[::1]:5000", true),
            ("127.0.0.1:5001", false),
            ("127.0.0.1", false),
            ("evil.example:5000", false),
            ("attacker.rebind.example", false),
        ] {
            headers.insert(header::HOST, host.parse().expect("host"));
            assert_eq!(host_allowed(&headers, 5000), ok, "{host}");
        }
    }

    #[test]
    fn only_complete_cache_files_are_user_content() {
        let sdk = Path::new("/d/sdk");
        let hash = "ab".repeat(32);
        let ok = format!("1400/al%20ice.files/{hash}.png");
        assert_eq!(cache_file(sdk, &ok), Some(sdk.join(&ok)));
        // A remote server's own directory.
        let remote = format!("remote-0123456789abcdef/{ok}");
        assert_eq!(cache_file(sdk, &remote), Some(sdk.join(&remote)));
        for bad in [
            format!("remote-0123/{ok}"),
            format!("remote-0123456789ABCDEF/{ok}"),
            format!("../{ok}"),
            format!("x/{ok}"),
            format!("remote-0123456789abcdef/x/{ok}"),
            "1400/alice.sqlite".to_owned(),
            "1400/alice.sqlite-wal".to_owned(),
            "../settings.json".to_owned(),
            format!("1400/alice.files/../alice.sqlite/{hash}.png"),
            format!("1400/alice.files/{hash}.part"),
            format!("1400/alice.files/staging/{hash}.png"),
            format!("1400/.files/{hash}.png"),
            format!("x/alice.files/{hash}.png"),
            format!("1400/alice.files/{}.png", "AB".repeat(32)),
            format!("1400/alice.files/{hash}.p.ng"),
            format!("1400/alice.files/{hash}"),
            format!("1400/alice.files/{hash}.PNG"),
            "1400/alice.files/x.png".to_owned(),
        ] {
            assert_eq!(cache_file(sdk, &bad), None, "{bad}");
        }
        assert!(is_cache_path(sdk, &sdk.join(&ok)));
        assert!(!is_cache_path(sdk, Path::new("/d/settings.json")));
    }

    #[test]
    fn content_types_come_from_the_allow_list() {
        assert_eq!(content_type_of(Path::new("a.png")), ("image/png", true));
        assert_eq!(content_type_of(Path::new("a.webm")), ("video/webm", true));
        assert_eq!(content_type_of(Path::new("a.mp3")), ("audio/mpeg", true));
        for risky in ["a.html", "a.svg", "a.js", "a.xml", "a.pdf", "a", "a.exe"] {
            assert_eq!(content_type_of(Path::new(risky)), ("application/octet-stream", false));
        }
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
        secure_user_content(&mut headers, Path::new("x.html"));
        assert_eq!(headers[header::CONTENT_TYPE], "application/octet-stream");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], "sandbox");
        assert_eq!(headers[header::CONTENT_DISPOSITION], "attachment");
        secure_user_content(&mut headers, Path::new("x.gif"));
        assert_eq!(headers[header::CONTENT_TYPE], "image/gif");
        assert!(headers.get(header::CONTENT_DISPOSITION).is_none());
    }

    #[test]
    fn cookies_and_secrets() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, "a=1; confab_web_5=xyz".parse().expect("cookie"));
        headers.append(header::COOKIE, "b=2".parse().expect("cookie"));
        assert_eq!(cookie(&headers, "confab_web_5"), Some("xyz"));
        assert_eq!(cookie(&headers, "b"), Some("2"));
        assert_eq!(cookie(&headers, "confab_web"), None);
        let token = random_token();
        assert_eq!(token.len(), 64);
        assert_ne!(token, random_token());
        assert!(secrets_equal(token.as_bytes(), token.clone().as_bytes()));
        assert!(!secrets_equal(b"abc", b"abd"));
        assert!(!secrets_equal(b"abc", b"ab"));
    }
}
