//! Content type sniffing by magic bytes: what a file is, from its first
//! bytes, never from its name or the client's word.
//!
//! Images accepted as `image`: JPEG, PNG, GIF, BMP, WEBP. Videos accepted as
//! `video`: ISO-BMFF (`ftyp` box: MP4, MOV, 3GP) and WEBM. A few audio and
//! document types are recognized only to label downloads.

/// How many leading bytes [`sniff`] wants to see.
pub(crate) const HEAD_BYTES: usize = 4096;

/// What family a sniffed type belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    /// An image format the `image` kind accepts.
    Image,
    /// A video container the `video` kind accepts.
    Video,
    /// An audio format.
    Audio,
    /// Anything else recognized (documents, archives, other image formats).
    Other,
}

/// A recognized content type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Sniffed {
    /// MIME type served as `Content-Type`.
    pub mime: &'static str,
    /// Its family.
    pub family: Family,
}

const fn sniffed(mime: &'static str, family: Family) -> Option<Sniffed> {
    Some(Sniffed { mime, family })
}

/// The type of a content starting with `head` (its first
/// [`HEAD_BYTES`] bytes, or all of it when shorter), if recognized.
pub(crate) fn sniff(head: &[u8]) -> Option<Sniffed> {
    let at = |offset: usize, magic: &[u8]| head.get(offset..offset + magic.len()) == Some(magic);
    if at(0, &[0xFF, 0xD8, 0xFF]) {
        return sniffed("image/jpeg", Family::Image);
    }
    if at(0, b"\x89PNG\r\n\x1a\n") {
        return sniffed("image/png", Family::Image);
    }
    if at(0, b"GIF87a") || at(0, b"GIF89a") {
        return sniffed("image/gif", Family::Image);
    }
    // BITMAPFILEHEADER (14 bytes) then a DIB header whose size field is one
    // of the known ones (12, 40, 52, 56, 64, 108, 124).
    if at(0, b"BM") && head.len() >= 18 {
        let dib = u32::from_le_bytes([head[14], head[15], head[16], head[17]]);
        if matches!(dib, 12 | 40 | 52 | 56 | 64 | 108 | 124) {
            return sniffed("image/bmp", Family::Image);
        }
    }
    if at(0, b"RIFF") && at(8, b"WEBP") {
        return sniffed("image/webp", Family::Image);
    }
    if at(4, b"ftyp") {
        return iso_bmff(head.get(8..12).unwrap_or_default());
    }
    if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) {
        // EBML: the DocType element says WebM or Matroska.
        if contains(head, b"webm") {
            return sniffed("video/webm", Family::Video);
        }
        return sniffed("video/x-matroska", Family::Other);
    }
    if at(0, b"RIFF") && at(8, b"WAVE") {
        return sniffed("audio/wav", Family::Audio);
    }
    if at(0, b"ID3") {
        return sniffed("audio/mpeg", Family::Audio);
    }
    if at(0, b"OggS") {
        return sniffed("audio/ogg", Family::Audio);
    }
    if at(0, b"fLaC") {
        return sniffed("audio/flac", Family::Audio);
    }
    if at(0, b"#!AMR") {
        return sniffed("audio/amr", Family::Audio);
    }
    // MPEG audio frame sync: 11 set bits. ADTS (AAC) has layer bits 00.
    if let [0xFF, second, ..] = head {
        if second & 0xF6 == 0xF0 {
            return sniffed("audio/aac", Family::Audio);
        }
        if second & 0xE0 == 0xE0 {
            return sniffed("audio/mpeg", Family::Audio);
        }
    }
    if at(0, b"%PDF-") {
        return sniffed("application/pdf", Family::Other);
    }
    if at(0, b"PK\x03\x04") {
        return sniffed("application/zip", Family::Other);
    }
    None
}

/// An ISO base media file by its major brand.
fn iso_bmff(brand: &[u8]) -> Option<Sniffed> {
    match brand {
        b"qt  " => sniffed("video/quicktime", Family::Video),
        b"M4A " | b"M4B " | b"M4P " => sniffed("audio/mp4", Family::Audio),
        b"avif" | b"avis" => sniffed("image/avif", Family::Other),
        b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1" => {
            sniffed("image/heic", Family::Other)
        }
        b"3gp4" | b"3gp5" | b"3gp6" | b"3g2a" => sniffed("video/3gpp", Family::Video),
        _ => sniffed("video/mp4", Family::Video),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn family(head: &[u8]) -> Option<(&'static str, Family)> {
        sniff(head).map(|s| (s.mime, s.family))
    }

    #[test]
    fn images_are_recognized_by_their_magic_bytes() {
        assert_eq!(family(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some(("image/jpeg", Family::Image)));
        assert_eq!(family(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(("image/png", Family::Image)));
        assert_eq!(family(b"GIF89a\x01\0\x01\0"), Some(("image/gif", Family::Image)));
        let mut bmp = b"BM".to_vec();
        bmp.extend_from_slice(&[0; 12]);
        bmp.extend_from_slice(&40u32.to_le_bytes());
        assert_eq!(family(&bmp), Some(("image/bmp", Family::Image)));
        assert_eq!(family(b"BMnot a bitmap at all"), None);
        assert_eq!(family(b"RIFF\x10\0\0\0WEBPVP8 "), Some(("image/webp", Family::Image)));
    }

    #[test]
    fn videos_are_recognized_by_container() {
        assert_eq!(family(b"\0\0\0\x20ftypisom\0\0\x02\0"), Some(("video/mp4", Family::Video)));
        assert_eq!(family(b"\0\0\0\x14ftypqt  \0\0\0\0"), Some(("video/quicktime", Family::Video)));
        assert_eq!(family(b"\0\0\0\x1cftypavif\0\0\0\0").map(|f| f.1), Some(Family::Other));
        assert_eq!(family(b"\0\0\0\x1cftypM4A \0\0\0\0").map(|f| f.1), Some(Family::Audio));
        let webm = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm";
        assert_eq!(family(webm), Some(("video/webm", Family::Video)));
        let mkv = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska";
        assert_eq!(family(mkv).map(|f| f.1), Some(Family::Other));
    }

    #[test]
    fn other_content_is_not_an_image_or_video() {
        assert_eq!(family(b"hello, world"), None);
        assert_eq!(family(b""), None);
        assert_eq!(family(b"\xff"), None);
        assert_eq!(family(b"ID3\x04\0").map(|f| f.1), Some(Family::Audio));
        assert_eq!(family(b"%PDF-1.7").map(|f| f.1), Some(Family::Other));
        // Truncated magic is not a match.
        assert_eq!(family(b"\x89PN"), None);
        assert_eq!(family(b"\0\0\0\x20fty"), None);
    }
}
