//! Media probing of local files before they are sent: image format and
//! dimensions (and the thumbnails an image message carries), video
//! duration and dimensions from the ISO-BMFF `moov` box, WAV duration from
//! its header.
//!
//! Everything here is blocking file I/O; callers on the runtime use
//! `spawn_blocking` for the heavy parts (decoding for thumbnails). Header
//! probes read a few KiB (the MP4 `moov` box at most [`MAX_MOOV`]).

use image::ImageFormat;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Longest side of the big thumbnail (TIM's 720 px).
pub(crate) const BIG_SIDE: u32 = 720;
/// Longest side of the small thumbnail (TIM's 198 px).
pub(crate) const SMALL_SIDE: u32 = 198;
/// Largest `moov` box read into memory; a bigger one counts as unknown.
const MAX_MOOV: u64 = 16 << 20;
/// JPEG quality of thumbnails.
const JPEG_QUALITY: u8 = 85;

/// Why a probe failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ProbeError {
    /// The file could not be read.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// The content is not of a supported type.
    #[error("unsupported: {0}")]
    Unsupported(String),
}

/// What an image file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ImageProbe {
    /// The format sniffed from the content.
    pub(crate) format: ImageFormat,
    /// Width in pixels.
    pub(crate) width: u32,
    /// Height in pixels.
    pub(crate) height: u32,
}

impl ImageProbe {
    /// TIM `imageFormat`: 1 JPG, 2 GIF, 3 PNG, 4 BMP, 255 other.
    pub(crate) fn tim_format(&self) -> i64 {
        tim_image_format(self.format)
    }
}

/// TIM `imageFormat` of an image format.
pub(crate) fn tim_image_format(format: ImageFormat) -> i64 {
    match format {
        ImageFormat::Jpeg => 1,
        ImageFormat::Gif => 2,
        ImageFormat::Png => 3,
        ImageFormat::Bmp => 4,
        _ => 255,
    }
}

/// Sniffs an image (JPEG, PNG, GIF, BMP or WebP) and reads its dimensions
/// from the header, without decoding the pixels.
pub(crate) fn probe_image(path: &Path) -> Result<ImageProbe, ProbeError> {
    let reader = image::ImageReader::open(path)?.with_guessed_format()?;
    let format = match reader.format() {
        Some(
            f @ (ImageFormat::Jpeg
            | ImageFormat::Png
            | ImageFormat::Gif
            | ImageFormat::Bmp
            | ImageFormat::WebP),
        ) => f,
        Some(other) => return Err(ProbeError::Unsupported(format!("{other:?} images"))),
        None => return Err(ProbeError::Unsupported("not an image".into())),
    };
    let (width, height) =
        reader.into_dimensions().map_err(|e| ProbeError::Unsupported(e.to_string()))?;
    Ok(ImageProbe { format, width, height })
}

/// Which thumbnail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ThumbnailKind {
    /// Long side ≤ 720 px (`imageInfoArray` type 1).
    Big,
    /// Long side ≤ 198 px (type 2).
    Small,
}

/// An encoded thumbnail on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Thumbnail {
    /// Big or small.
    pub(crate) kind: ThumbnailKind,
    /// Where it was written.
    pub(crate) path: PathBuf,
    /// Width in pixels.
    pub(crate) width: u32,
    /// Height in pixels.
    pub(crate) height: u32,
    /// `jpg` or `png`.
    pub(crate) extension: &'static str,
}

/// Dimensions that fit `(width, height)` into a `max` long side, keeping
/// the aspect ratio; `None` when the image is not larger than that.
pub(crate) fn fit(width: u32, height: u32, max: u32) -> Option<(u32, u32)> {
    let long = width.max(height);
    if long <= max || width == 0 || height == 0 {
        return None;
    }
    let scale = |side: u32| -> u32 {
        let scaled = (u64::from(side) * u64::from(max) + u64::from(long) / 2) / u64::from(long);
        u32::try_from(scaled).unwrap_or(max).max(1)
    };
    Some((scale(width), scale(height)))
}

/// Writes the big and small thumbnails of an image into `dir` (JPEG, or
/// PNG when the image has alpha), named `<stem>-big.<ext>` and
/// `<stem>-small.<ext>`. A thumbnail the original is not larger than is
/// skipped (the original stands in for it), and GIFs get none (the original
/// stays animated).
pub(crate) fn make_thumbnails(
    source: &Path,
    probe: &ImageProbe,
    dir: &Path,
    stem: &str,
) -> Result<Vec<Thumbnail>, ProbeError> {
    if probe.format == ImageFormat::Gif {
        return Ok(Vec::new());
    }
    let wanted: Vec<(ThumbnailKind, (u32, u32))> = [
        (ThumbnailKind::Big, fit(probe.width, probe.height, BIG_SIDE)),
        (ThumbnailKind::Small, fit(probe.width, probe.height, SMALL_SIDE)),
    ]
    .into_iter()
    .filter_map(|(kind, size)| size.map(|s| (kind, s)))
    .collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let image = image::ImageReader::open(source)?
        .with_guessed_format()?
        .decode()
        .map_err(|e| ProbeError::Unsupported(e.to_string()))?;
    let alpha = image.color().has_alpha();
    confab_private_fs::create_dir_all(dir)?;
    let mut out = Vec::with_capacity(wanted.len());
    for (kind, (width, height)) in wanted {
        let resized = image.resize_exact(width, height, image::imageops::FilterType::Triangle);
        let suffix = match kind {
            ThumbnailKind::Big => "big",
            ThumbnailKind::Small => "small",
        };
        let extension = if alpha { "png" } else { "jpg" };
        let path = dir.join(format!("{stem}-{suffix}.{extension}"));
        let file = std::io::BufWriter::new(confab_private_fs::create_file(&path)?);
        let encoded = if alpha {
            resized.to_rgba8().write_with_encoder(image::codecs::png::PngEncoder::new(file))
        } else {
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(file, JPEG_QUALITY);
            resized.to_rgb8().write_with_encoder(encoder)
        };
        encoded.map_err(|e| ProbeError::Io(std::io::Error::other(e)))?;
        out.push(Thumbnail { kind, path, width, height, extension });
    }
    Ok(out)
}

/// A video's cover image, as the caller gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Cover {
    /// The image (absolute when it could be resolved).
    pub(crate) path: PathBuf,
    /// Its size in bytes.
    pub(crate) size: u64,
    /// Width in pixels.
    pub(crate) width: u32,
    /// Height in pixels.
    pub(crate) height: u32,
    /// `jpg` or `png`: `thumbFormat`, and the extension in the cache.
    pub(crate) extension: String,
}

/// Largest cover image accepted (a frame, not a photo album).
pub(crate) const MAX_COVER_SIZE: u64 = 10 * 1024 * 1024;

/// Checks a video cover: a readable, non-empty JPEG or PNG of at most
/// [`MAX_COVER_SIZE`]; the reason as text otherwise.
pub(crate) fn probe_cover(path: &Path) -> Result<Cover, String> {
    let metadata = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !metadata.is_file() {
        return Err("not a file".into());
    }
    let size = metadata.len();
    if size == 0 {
        return Err("empty".into());
    }
    if size > MAX_COVER_SIZE {
        return Err(format!("{size} bytes; the limit is {MAX_COVER_SIZE}"));
    }
    let probe = probe_image(path).map_err(|e| e.to_string())?;
    let extension = match probe.format {
        ImageFormat::Jpeg => "jpg",
        ImageFormat::Png => "png",
        other => return Err(format!("{other:?} covers are not supported (JPEG or PNG)")),
    };
    if probe.width == 0 || probe.height == 0 {
        return Err("no pixels".into());
    }
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    Ok(Cover { path, size, width: probe.width, height: probe.height, extension: extension.into() })
}

/// What a video file is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct VideoProbe {
    /// `mp4`, `mov` or `webm`.
    pub(crate) format: String,
    /// Duration in milliseconds (0 when unknown).
    pub(crate) duration_ms: u64,
    /// Width in pixels (0 when unknown).
    pub(crate) width: u32,
    /// Height in pixels (0 when unknown).
    pub(crate) height: u32,
}

/// Sniffs a video (MP4/MOV by their `ftyp` box, or WebM by its EBML
/// magic) and reads duration and dimensions from MP4/MOV's `moov` box.
pub(crate) fn probe_video(path: &Path) -> Result<VideoProbe, ProbeError> {
    let mut file = File::open(path)?;
    let length = file.metadata()?.len();
    let mut head = [0u8; 12];
    let got = read_up_to(&mut file, &mut head)?;
    if got >= 4 && head[..4] == [0x1A, 0x45, 0xDF, 0xA3] {
        return Ok(VideoProbe { format: "webm".into(), ..VideoProbe::default() });
    }
    if got < 12 || &head[4..8] != b"ftyp" {
        return Err(ProbeError::Unsupported("not an MP4, MOV or WebM video".into()));
    }
    // ISO-BMFF brands of audio and still images are not videos (the file
    // service refuses them as video too).
    let brand = &head[8..12];
    const NOT_VIDEO: &[&[u8; 4]] = &[
        b"M4A ", b"M4B ", b"M4P ", b"avif", b"avis", b"heic", b"heix", b"hevc", b"heim", b"heis",
        b"mif1", b"msf1",
    ];
    if NOT_VIDEO.iter().any(|b| b.as_slice() == brand) {
        return Err(ProbeError::Unsupported("an ISO-BMFF file that is not a video".into()));
    }
    let format = if brand == b"qt  " { "mov" } else { "mp4" };
    let mut probe = VideoProbe { format: format.into(), ..VideoProbe::default() };
    if let Some(moov) = find_top_level_box(&mut file, length, *b"moov")? {
        parse_moov(&moov, &mut probe);
    }
    Ok(probe)
}

fn read_up_to(file: &mut File, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// The body of the first top-level box of type `wanted`, if it is small
/// enough to read.
fn find_top_level_box(
    file: &mut File,
    length: u64,
    wanted: [u8; 4],
) -> Result<Option<Vec<u8>>, ProbeError> {
    let mut position = 0u64;
    while position + 8 <= length {
        file.seek(SeekFrom::Start(position))?;
        let mut header = [0u8; 16];
        let got = read_up_to(file, &mut header)?;
        if got < 8 {
            break;
        }
        let small = u64::from(u32::from_be_bytes([header[0], header[1], header[2], header[3]]));
        let kind = [header[4], header[5], header[6], header[7]];
        let (size, header_len) = match small {
            0 => (length - position, 8),
            1 if got >= 16 => (be_u64(&header[8..16]), 16),
            1 => break,
            n => (n, 8),
        };
        if size < header_len {
            break;
        }
        if kind == wanted {
            let body = size - header_len;
            if body > MAX_MOOV || position + size > length {
                return Ok(None);
            }
            let mut data = vec![0u8; usize::try_from(body).unwrap_or(0)];
            file.seek(SeekFrom::Start(position + header_len))?;
            file.read_exact(&mut data)?;
            return Ok(Some(data));
        }
        position = position.saturating_add(size);
    }
    Ok(None)
}

fn be_u32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn be_u64(b: &[u8]) -> u64 {
    u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

/// The child boxes of a container body: `(type, body)`.
fn boxes(data: &[u8]) -> Vec<([u8; 4], &[u8])> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at + 8 <= data.len() {
        let small = be_u32(&data[at..]) as usize;
        let kind = [data[at + 4], data[at + 5], data[at + 6], data[at + 7]];
        let (size, header) = match small {
            0 => (data.len() - at, 8),
            1 if at + 16 <= data.len() => {
                (usize::try_from(be_u64(&data[at + 8..])).unwrap_or(usize::MAX), 16)
            }
            1 => break,
            n => (n, 8),
        };
        if size < header || at + size > data.len() {
            break;
        }
        out.push((kind, &data[at + header..at + size]));
        at += size;
    }
    out
}

fn parse_moov(moov: &[u8], probe: &mut VideoProbe) {
    for (kind, body) in boxes(moov) {
        match &kind {
            b"mvhd" => {
                if let Some((timescale, duration)) = parse_mvhd(body) {
                    if timescale > 0 {
                        probe.duration_ms = duration.saturating_mul(1000) / u64::from(timescale);
                    }
                }
            }
            b"trak" if probe.width == 0 => {
                for (inner, tkhd) in boxes(body) {
                    if &inner == b"tkhd" {
                        if let Some((w, h)) = parse_tkhd(tkhd) {
                            if w > 0 && h > 0 {
                                probe.width = w;
                                probe.height = h;
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// `(timescale, duration)` of an `mvhd` body.
fn parse_mvhd(body: &[u8]) -> Option<(u32, u64)> {
    let version = *body.first()?;
    if version == 1 {
        // version+flags 4, creation 8, modification 8, timescale 4, duration 8
        let b = body.get(4..32)?;
        Some((be_u32(&b[16..]), be_u64(&b[20..])))
    } else {
        // version+flags 4, creation 4, modification 4, timescale 4, duration 4
        let b = body.get(4..20)?;
        let duration = be_u32(&b[12..]);
        let duration = if duration == u32::MAX { 0 } else { u64::from(duration) };
        Some((be_u32(&b[8..]), duration))
    }
}

/// `(width, height)` in whole pixels of a `tkhd` body (16.16 fixed point).
fn parse_tkhd(body: &[u8]) -> Option<(u32, u32)> {
    let version = *body.first()?;
    // After version+flags: times, track ID, reserved, duration.
    let fixed = if version == 1 { 4 + 8 + 8 + 4 + 4 + 8 } else { 4 + 4 + 4 + 4 + 4 + 4 };
    // reserved 8, layer 2, alternate group 2, volume 2, reserved 2, matrix 36.
    let at = fixed + 8 + 2 + 2 + 2 + 2 + 36;
    let b = body.get(at..at + 8)?;
    Some((be_u32(b) >> 16, be_u32(&b[4..]) >> 16))
}

/// Duration of a WAV file from its `fmt ` and `data` chunks; `None` when
/// the file is not a readable WAV.
pub(crate) fn wav_duration_ms(path: &Path) -> Result<Option<u64>, ProbeError> {
    let mut file = File::open(path)?;
    let length = file.metadata()?.len();
    let mut head = [0u8; 12];
    if read_up_to(&mut file, &mut head)? < 12 || &head[..4] != b"RIFF" || &head[8..12] != b"WAVE" {
        return Ok(None);
    }
    let mut position = 12u64;
    let mut byte_rate = None;
    let mut data_size = None;
    while position + 8 <= length && (byte_rate.is_none() || data_size.is_none()) {
        file.seek(SeekFrom::Start(position))?;
        let mut header = [0u8; 8];
        file.read_exact(&mut header)?;
        let size = u64::from(u32::from_le_bytes([header[4], header[5], header[6], header[7]]));
        match &header[..4] {
            b"fmt " => {
                let mut fmt = [0u8; 16];
                if size < 16 || read_up_to(&mut file, &mut fmt)? < 16 {
                    return Ok(None);
                }
                byte_rate = Some(u32::from_le_bytes([fmt[8], fmt[9], fmt[10], fmt[11]]));
            }
            // A streamed WAV may leave the size unset; count to the end.
            b"data" => data_size = Some(size.min(length - position - 8)),
            _ => {}
        }
        // Chunks are padded to an even size.
        position += 8 + size + (size & 1);
    }
    Ok(match (byte_rate, data_size) {
        (Some(rate), Some(size)) if rate > 0 => Some(size.saturating_mul(1000) / u64::from(rate)),
        _ => None,
    })
}

/// Whole seconds of a duration in milliseconds, rounded; at least 1 for
/// any non-zero duration.
pub(crate) fn seconds(duration_ms: u64) -> u64 {
    if duration_ms == 0 {
        0
    } else {
        ((duration_ms + 500) / 1000).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use confab_testkit::mp4::{mp4_box, tkhd};
    use image::{Rgb, RgbImage, Rgba, RgbaImage};

    fn write_rgb(dir: &Path, name: &str, w: u32, h: u32, format: ImageFormat) -> PathBuf {
        let path = dir.join(name);
        let img = RgbImage::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 7]));
        img.save_with_format(&path, format).expect("write image");
        path
    }

    #[test]
    fn images_are_sniffed_by_content_with_their_dimensions() {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, format, tim) in [
            ("a.png", ImageFormat::Png, 3),
            ("b.jpg", ImageFormat::Jpeg, 1),
            ("c.gif", ImageFormat::Gif, 2),
            ("d.bmp", ImageFormat::Bmp, 4),
            ("e.webp", ImageFormat::WebP, 255),
        ] {
            let path = write_rgb(dir.path(), name, 31, 17, format);
            // The name does not matter, the bytes do.
            let renamed = dir.path().join(format!("{name}.bin"));
            std::fs::rename(&path, &renamed).expect("rename");
            let probe = probe_image(&renamed).expect("probe");
            assert_eq!((probe.format, probe.width, probe.height), (format, 31, 17), "{name}");
            assert_eq!(probe.tim_format(), tim);
        }
        let text = dir.path().join("x.png");
        std::fs::write(&text, b"definitely not a picture").expect("write");
        assert!(matches!(probe_image(&text), Err(ProbeError::Unsupported(_))));
        assert!(matches!(probe_image(&dir.path().join("missing")), Err(ProbeError::Io(_))));
    }

    #[test]
    fn thumbnails_fit_the_long_side_and_keep_alpha() {
        let dir = tempfile::tempdir().expect("tempdir");
        let big = write_rgb(dir.path(), "big.png", 1000, 500, ImageFormat::Png);
        let probe = probe_image(&big).expect("probe");
        let thumbs = make_thumbnails(&big, &probe, &dir.path().join("t"), "x").expect("thumbs");
        assert_eq!(thumbs.len(), 2);
        assert_eq!(
            (thumbs[0].kind, thumbs[0].width, thumbs[0].height),
            (ThumbnailKind::Big, 720, 360)
        );
        assert_eq!(
            (thumbs[1].kind, thumbs[1].width, thumbs[1].height),
            (ThumbnailKind::Small, 198, 99)
        );
        for t in &thumbs {
            let p = probe_image(&t.path).expect("thumb probe");
            assert_eq!((p.format, p.width, p.height), (ImageFormat::Jpeg, t.width, t.height));
        }

        // Alpha stays: PNG thumbnails. Only the small one is needed.
        let path = dir.path().join("alpha.png");
        RgbaImage::from_pixel(300, 400, Rgba([1, 2, 3, 128])).save(&path).expect("write");
        let probe = probe_image(&path).expect("probe");
        let thumbs = make_thumbnails(&path, &probe, &dir.path().join("t"), "y").expect("thumbs");
        assert_eq!(thumbs.len(), 1);
        assert_eq!(
            (thumbs[0].kind, thumbs[0].width, thumbs[0].height),
            (ThumbnailKind::Small, 149, 198)
        );
        assert_eq!(probe_image(&thumbs[0].path).expect("probe").format, ImageFormat::Png);

        // Small images and GIFs need none.
        let tiny = write_rgb(dir.path(), "tiny.jpg", 100, 80, ImageFormat::Jpeg);
        let probe = probe_image(&tiny).expect("probe");
        assert!(make_thumbnails(&tiny, &probe, dir.path(), "z").expect("none").is_empty());
        let gif = write_rgb(dir.path(), "anim.gif", 900, 900, ImageFormat::Gif);
        let probe = probe_image(&gif).expect("probe");
        assert!(make_thumbnails(&gif, &probe, dir.path(), "g").expect("none").is_empty());
    }

    #[test]
    fn fitting_rounds_and_never_reaches_zero() {
        assert_eq!(fit(720, 100, 720), None);
        assert_eq!(fit(721, 1, 720), Some((720, 1)));
        assert_eq!(fit(5000, 3, 198), Some((198, 1)));
        assert_eq!(fit(300, 1000, 198), Some((59, 198)));
    }

    /// A minimal MP4: ftyp, a big mdat first, then moov with mvhd and two
    /// tracks (audio without dimensions, then video).
    fn tiny_mp4(brand: &[u8; 4], mvhd_v1: bool) -> Vec<u8> {
        let mut mvhd = Vec::new();
        if mvhd_v1 {
            mvhd.extend_from_slice(&[1, 0, 0, 0]);
            mvhd.extend_from_slice(&[0u8; 16]);
            mvhd.extend_from_slice(&600u32.to_be_bytes());
            mvhd.extend_from_slice(&(600u64 * 7 + 300).to_be_bytes());
        } else {
            mvhd.extend_from_slice(&[0u8; 12]);
            mvhd.extend_from_slice(&1000u32.to_be_bytes());
            mvhd.extend_from_slice(&7500u32.to_be_bytes());
        }
        mvhd.extend_from_slice(&[0u8; 80]);
        let audio = mp4_box(b"trak", &tkhd(0, 0));
        let video = mp4_box(b"trak", &[tkhd(640, 360), mp4_box(b"mdia", &[0u8; 8])].concat());
        let moov = mp4_box(b"moov", &[mp4_box(b"mvhd", &mvhd), audio, video].concat());
        let mut ftyp_body = brand.to_vec();
        ftyp_body.extend_from_slice(&[0, 0, 2, 0]);
        ftyp_body.extend_from_slice(b"isommp41");
        [mp4_box(b"ftyp", &ftyp_body), mp4_box(b"mdat", &vec![9u8; 5000]), moov].concat()
    }

    #[test]
    fn mp4_duration_and_size_come_from_mvhd_and_tkhd() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("v.mp4");
        std::fs::write(&path, tiny_mp4(b"isom", false)).expect("write");
        let probe = probe_video(&path).expect("probe");
        assert_eq!(
            probe,
            VideoProbe { format: "mp4".into(), duration_ms: 7500, width: 640, height: 360 }
        );
        std::fs::write(&path, tiny_mp4(b"qt  ", true)).expect("write");
        let probe = probe_video(&path).expect("probe");
        assert_eq!(
            probe,
            VideoProbe { format: "mov".into(), duration_ms: 7500, width: 640, height: 360 }
        );
        // Without a moov box: a video of unknown duration.
        std::fs::write(&path, &tiny_mp4(b"isom", false)[..5040]).expect("write");
        assert_eq!(probe_video(&path).expect("probe").duration_ms, 0);
        std::fs::write(&path, [0x1A, 0x45, 0xDF, 0xA3, 1, 2]).expect("write");
        assert_eq!(probe_video(&path).expect("probe").format, "webm");
        std::fs::write(&path, tiny_mp4(b"M4A ", false)).expect("write");
        assert!(matches!(probe_video(&path), Err(ProbeError::Unsupported(_))));
        std::fs::write(&path, b"RIFF....AVI LIST").expect("write");
        assert!(matches!(probe_video(&path), Err(ProbeError::Unsupported(_))));
    }

    /// A PCM WAV header with `data_len` bytes of samples.
    pub(crate) fn wav(sample_rate: u32, channels: u16, data_len: u32) -> Vec<u8> {
        let byte_rate = sample_rate * u32::from(channels) * 2;
        let mut out = b"RIFF".to_vec();
        out.extend_from_slice(&(36 + 10 + data_len).to_le_bytes());
        out.extend_from_slice(b"WAVE");
        out.extend_from_slice(b"fmt ");
        out.extend_from_slice(&16u32.to_le_bytes());
        out.extend_from_slice(&1u16.to_le_bytes());
        out.extend_from_slice(&channels.to_le_bytes());
        out.extend_from_slice(&sample_rate.to_le_bytes());
        out.extend_from_slice(&byte_rate.to_le_bytes());
        out.extend_from_slice(&(channels * 2).to_le_bytes());
        out.extend_from_slice(&16u16.to_le_bytes());
        // An odd-sized chunk before the data, padded.
        out.extend_from_slice(b"LIST");
        out.extend_from_slice(&1u32.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(b"data");
        out.extend_from_slice(&data_len.to_le_bytes());
        out.extend(std::iter::repeat_n(0u8, data_len as usize));
        out
    }

    #[test]
    fn wav_duration_from_its_header() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.wav");
        std::fs::write(&path, wav(8000, 1, 8000 * 2 * 3 / 2)).expect("write");
        assert_eq!(wav_duration_ms(&path).expect("probe"), Some(1500));
        std::fs::write(&path, b"ID3 not a wav").expect("write");
        assert_eq!(wav_duration_ms(&path).expect("probe"), None);
        assert_eq!(seconds(0), 0);
        assert_eq!(seconds(200), 1);
        assert_eq!(seconds(1499), 1);
        assert_eq!(seconds(1500), 2);
    }
}
