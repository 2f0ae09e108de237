//! How files in the download cache are named: `<file ID>.<extension>`,
//! where the file ID is the SHA-256 of the content and the extension comes
//! only from a short allow-list per kind of message, keyed by the content
//! type the *server* sniffed from the bytes.
//!
//! Invariant: nothing a peer declares (`imageFormat`, `thumbFormat`,
//! `videoFormat`, a file name) ever becomes part of a cached file's name,
//! and no cached file gets an extension a browser or a desktop would run
//! or render as a document (`html`, `svg`, `js`, `desktop`, `sh`, …): a
//! type off the list is stored as [`FALLBACK_EXTENSION`].

/// Extension of a cached file whose type is not on its kind's allow-list.
pub(crate) const FALLBACK_EXTENSION: &str = "bin";

/// Still images an image message (or a video's cover) may be.
const IMAGE_TYPES: &[(&str, &str)] = &[
    ("image/jpeg", "jpg"),
    ("image/png", "png"),
    ("image/gif", "gif"),
    ("image/webp", "webp"),
    ("image/bmp", "bmp"),
];

/// Video containers a video message may be.
const VIDEO_TYPES: &[(&str, &str)] = &[
    ("video/mp4", "mp4"),
    ("video/quicktime", "mov"),
    ("video/webm", "webm"),
    ("video/3gpp", "3gp"),
];

/// Audio formats a sound message may be (a browser's WebM or MP4
/// recording is sniffed as `video/…`: the container says no more).
const AUDIO_TYPES: &[(&str, &str)] = &[
    ("audio/wav", "wav"),
    ("audio/mpeg", "mp3"),
    ("audio/mp4", "m4a"),
    ("audio/aac", "aac"),
    ("audio/ogg", "ogg"),
    ("audio/flac", "flac"),
    ("audio/amr", "amr"),
    ("audio/webm", "webm"),
    ("video/webm", "webm"),
    ("video/mp4", "mp4"),
];

/// Document types a file message keeps an extension for, besides media.
/// Everything else (text, HTML, SVG, scripts, executables, unknown) is
/// [`FALLBACK_EXTENSION`].
const DOCUMENT_TYPES: &[(&str, &str)] = &[("application/pdf", "pdf"), ("application/zip", "zip")];

/// A merger message's body (read by the SDK, never rendered).
const MERGER_TYPES: &[(&str, &str)] = &[("application/json", "json")];

/// What a cached file is expected to be: selects the allow-list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CacheKind {
    /// An image message's picture or thumbnail, or a video's cover.
    Image,
    /// A video message's video.
    Video,
    /// A sound message's audio.
    Audio,
    /// A file message's file.
    File,
    /// A merger message's body.
    Merger,
}

impl CacheKind {
    /// The allow-list: (sniffed MIME type, extension) pairs.
    fn types(self) -> &'static [&'static [(&'static str, &'static str)]] {
        match self {
            Self::Image => &[IMAGE_TYPES],
            Self::Video => &[VIDEO_TYPES],
            Self::Audio => &[AUDIO_TYPES],
            Self::File => &[IMAGE_TYPES, VIDEO_TYPES, AUDIO_TYPES, DOCUMENT_TYPES],
            Self::Merger => &[MERGER_TYPES],
        }
    }

    /// Every extension a cached file of this kind may have, besides
    /// [`FALLBACK_EXTENSION`].
    pub(crate) fn extensions(self) -> impl Iterator<Item = &'static str> {
        self.types().iter().flat_map(|list| list.iter().map(|&(_, ext)| ext))
    }

    /// The extension of a file of this kind whose content the server
    /// sniffed as `content_type` (a `Content-Type` value; parameters and
    /// case are ignored); [`FALLBACK_EXTENSION`] when it is off the list.
    pub(crate) fn extension_for(self, content_type: &str) -> &'static str {
        let mime = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        self.types()
            .iter()
            .flat_map(|list| list.iter())
            .find(|&&(allowed, _)| allowed == mime)
            .map_or(FALLBACK_EXTENSION, |&(_, ext)| ext)
    }
}

/// Whether the system may be asked to open the file at `path`: its
/// extension is one the download cache gives to a type the server sniffed
/// (an image, a video, audio, a PDF or a ZIP archive). A
/// [`FALLBACK_EXTENSION`] file, a merger body, or any other name is not
/// opened: a desktop would pick a handler from the bytes or the name, and
/// both are the sender's (a browser for HTML, a shell for a script).
pub fn is_safe_to_open(path: &std::path::Path) -> bool {
    let Some(ext) = path.extension().and_then(|e| e.to_str()) else { return false };
    [CacheKind::Image, CacheKind::Video, CacheKind::Audio, CacheKind::File]
        .iter()
        .flat_map(|kind| kind.extensions())
        .any(|allowed| allowed == ext)
}

/// The cache's name for content `uuid` (a validated file ID) of `kind`
/// that the server sniffed as `content_type`.
pub(crate) fn cache_file_name(uuid: &str, kind: CacheKind, content_type: &str) -> String {
    format!("{uuid}.{}", kind.extension_for(content_type))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KINDS: [CacheKind; 5] =
        [CacheKind::Image, CacheKind::Video, CacheKind::Audio, CacheKind::File, CacheKind::Merger];

    #[test]
    fn sniffed_media_types_keep_their_extension() {
        assert_eq!(CacheKind::Image.extension_for("image/png"), "png");
        assert_eq!(CacheKind::Image.extension_for("IMAGE/GIF; charset=x"), "gif");
        assert_eq!(CacheKind::Video.extension_for("video/quicktime"), "mov");
        assert_eq!(CacheKind::Audio.extension_for("audio/mpeg"), "mp3");
        assert_eq!(CacheKind::Audio.extension_for("video/webm"), "webm");
        assert_eq!(CacheKind::File.extension_for("application/pdf"), "pdf");
        assert_eq!(CacheKind::File.extension_for("image/jpeg"), "jpg");
        assert_eq!(CacheKind::Merger.extension_for("application/json"), "json");
    }

    #[test]
    fn types_off_a_kinds_list_fall_back_to_bin() {
        // A type from another kind's list does not carry over.
        assert_eq!(CacheKind::Image.extension_for("video/mp4"), "bin");
        assert_eq!(CacheKind::Video.extension_for("image/png"), "bin");
        assert_eq!(CacheKind::Merger.extension_for("application/pdf"), "bin");
        assert_eq!(CacheKind::File.extension_for("application/json"), "bin");
        assert_eq!(CacheKind::File.extension_for("application/octet-stream"), "bin");
        assert_eq!(CacheKind::Image.extension_for(""), "bin");
    }

    #[test]
    fn nothing_renderable_or_runnable_is_ever_an_extension() {
        let dangerous = [
            "html", "htm", "xhtml", "shtml", "svg", "svgz", "xml", "xsl", "js", "mjs", "css",
            "swf", "desktop", "sh", "bash", "py", "pl", "exe", "bat", "cmd", "com", "ps1", "vbs",
            "jar", "app", "lnk", "url", "php", "txt", "md",
        ];
        let types = [
            "text/html",
            "application/xhtml+xml",
            "image/svg+xml",
            "text/javascript",
            "application/javascript",
            "text/xml",
            "application/xml",
            "text/plain",
            "text/css",
            "application/x-desktop",
            "application/x-sh",
            "application/x-msdownload",
            "application/x-shockwave-flash",
        ];
        for kind in KINDS {
            for ext in kind.extensions() {
                assert!(!dangerous.contains(&ext), "{kind:?} allows .{ext}");
                assert!(ext.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
            }
            for mime in types {
                assert_eq!(kind.extension_for(mime), FALLBACK_EXTENSION, "{kind:?} {mime}");
            }
        }
    }

    #[test]
    fn only_allow_listed_cache_names_are_opened() {
        let id = "a".repeat(64);
        for ok in ["png", "gif", "mp4", "mov", "mp3", "pdf", "zip"] {
            assert!(is_safe_to_open(std::path::Path::new(&format!("/c/{id}.{ok}"))), "{ok}");
        }
        for bad in ["bin", "json", "html", "HTML", "svg", "desktop", "sh", "PNG", ""] {
            let path = format!("/c/{id}.{bad}");
            assert!(!is_safe_to_open(std::path::Path::new(&path)), "{bad}");
        }
        assert!(!is_safe_to_open(std::path::Path::new("/c/noextension")));
    }

    #[test]
    fn names_are_the_file_id_and_an_allowed_extension() {
        let id = "a".repeat(64);
        assert_eq!(cache_file_name(&id, CacheKind::Image, "image/gif"), format!("{id}.gif"));
        assert_eq!(cache_file_name(&id, CacheKind::File, "text/html"), format!("{id}.bin"));
    }
}
