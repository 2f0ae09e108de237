//! My avatar in the file service (a Confab extension: TIM's `avatar` is a
//! URL the app hosts somewhere; Confab hosts it in confabd).
//!
//! [`upload`] turns a picture into the avatar file: its centre square,
//! scaled down to at most [`AVATAR_SIDE`] pixels, as JPEG (PNG when it has
//! transparency), written to the download cache and uploaded as an image
//! in one request. Its URL then goes into `updateMyProfile({avatar})`:
//! confabd lets every signed-in user download a file while it is someone's
//! avatar. [`download`] fetches an avatar URL of this server into the
//! cache (verified against its file ID) for showing.

use super::http::{self, Appended, Failure};
use super::upload::FileService;
use crate::TimError;
use confab_proto::code;
use confab_proto::files::{CreateUpload, FileKind};
use confab_proto::message::file_id_of_url;
use std::path::{Path, PathBuf};

/// Largest side of an avatar, in pixels.
pub(crate) const AVATAR_SIDE: u32 = 256;
/// Largest picture an avatar is made from, in bytes.
pub(crate) const MAX_AVATAR_SOURCE_BYTES: u64 = 20 * 1024 * 1024;
/// JPEG quality of an avatar.
const JPEG_QUALITY: u8 = 88;

/// The avatar made from `source`: its path (in `dir`) and size.
fn make(source: &Path, dir: &Path) -> Result<(PathBuf, u64), TimError> {
    let size = std::fs::metadata(source)
        .map_err(|e| {
            TimError::new(code::MESSAGE_IMAGE_SELECT_FILE_FIRST, format!("cannot read it: {e}"))
        })?
        .len();
    if size == 0 {
        return Err(TimError::new(code::MESSAGE_IMAGE_SELECT_FILE_FIRST, "the picture is empty"));
    }
    if size > MAX_AVATAR_SOURCE_BYTES {
        return Err(TimError::new(
            code::MESSAGE_IMAGE_SIZE_LIMIT,
            format!("an avatar is made from a picture of at most {MAX_AVATAR_SOURCE_BYTES} bytes"),
        ));
    }
    let not_a_picture =
        |e: &dyn std::fmt::Display| TimError::new(code::MESSAGE_IMAGE_TYPES_LIMIT, e.to_string());
    let image = image::ImageReader::open(source)
        .map_err(|e| not_a_picture(&e))?
        .with_guessed_format()
        .map_err(|e| not_a_picture(&e))?
        .decode()
        .map_err(|e| not_a_picture(&e))?;
    let side = image.width().min(image.height());
    if side == 0 {
        return Err(not_a_picture(&"the picture has no pixels"));
    }
    let square =
        image.crop_imm((image.width() - side) / 2, (image.height() - side) / 2, side, side);
    let out_side = side.min(AVATAR_SIDE);
    let scaled = if out_side == side {
        square
    } else {
        square.resize_exact(out_side, out_side, image::imageops::FilterType::Lanczos3)
    };
    let alpha = scaled.color().has_alpha();
    confab_private_fs::create_dir_all(dir).map_err(|e| TimError::internal(e.to_string()))?;
    let path = dir.join(format!(
        "avatar-{:016x}.{}",
        rand::random::<u64>(),
        if alpha { "png" } else { "jpg" }
    ));
    let file = std::io::BufWriter::new(
        confab_private_fs::create_file(&path).map_err(|e| TimError::internal(e.to_string()))?,
    );
    let encoded = if alpha {
        scaled.to_rgba8().write_with_encoder(image::codecs::png::PngEncoder::new(file))
    } else {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(file, JPEG_QUALITY);
        scaled.to_rgb8().write_with_encoder(encoder)
    };
    encoded.map_err(|e| TimError::internal(format!("writing the avatar: {e}")))?;
    let written = std::fs::metadata(&path).map_err(|e| TimError::internal(e.to_string()))?.len();
    Ok((path, written))
}

fn failed(f: Failure) -> TimError {
    match f {
        Failure::Final(e) => e,
        Failure::Retry(why) => TimError::network(format!("avatar upload failed: {why}")),
    }
}

/// Makes an avatar from the picture at `source` and uploads it; its URL.
/// Errors: 2251 unreadable or empty, 2253 over 20 MB, 2252 not a picture
/// (JPEG, PNG, GIF, BMP, WEBP), the file service's code (quota 90021,
/// storage 90022), 2800 when the server cannot be reached.
pub(crate) async fn upload(service: &FileService, source: &Path) -> Result<String, TimError> {
    let ctx = &service.ctx;
    let source = source.to_path_buf();
    let dir = ctx.cache_dir.clone();
    let (path, size) = tokio::task::spawn_blocking(move || make(&source, &dir))
        .await
        .map_err(|e| TimError::internal(format!("making the avatar: {e}")))??;
    let result = async {
        let request = CreateUpload { file_name: "avatar".into(), kind: FileKind::Image, size };
        let created = http::create_upload(ctx, &request, code::MESSAGE_IMAGE_TYPES_LIMIT)
            .await
            .map_err(failed)?;
        let body = http::chunk_body(&path, 0, size)
            .await
            .map_err(|e| TimError::internal(format!("reading the avatar: {e}")))?;
        match http::append(ctx, &created.upload_id, 0, size, body, code::MESSAGE_IMAGE_TYPES_LIMIT)
            .await
            .map_err(failed)?
        {
            Appended::At(at) => at
                .file
                .map(|f| f.url)
                .ok_or_else(|| TimError::network("the avatar upload did not finish")),
            Appended::Conflict(_) | Appended::Gone => {
                Err(TimError::network("the avatar upload was interrupted"))
            }
        }
    }
    .await;
    if let Err(e) = tokio::fs::remove_file(&path).await {
        tracing::debug!("removing {}: {e}", path.display());
    }
    result
}

/// Fetches the avatar at `url` (a `…/files/<id>` URL of this server) into
/// the cache, or finds it there; its path. 2403 for any other URL, the
/// server's 90009 when it is nobody's avatar (and not shared with me).
pub(crate) async fn download(service: &FileService, url: &str) -> Result<PathBuf, TimError> {
    let id = file_id_of_url(url).ok_or_else(|| {
        TimError::new(code::MESSAGE_FILE_URL_IS_EMPTY, "not a file URL of this server")
    })?;
    super::download::download_image(service, id).await
}
