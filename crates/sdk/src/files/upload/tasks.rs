//! The upload tasks of one login ([`FileService`]).
//!
//! The job a task works through is [`super::job`]; the requests it sends
//! are [`crate::files::http`].
//!
//! Each file message being sent has one task: it makes the image's
//! thumbnails (once, persisted), uploads every file of the message through
//! the resumable protocol (`POST /files/uploads`, then `PATCH` chunks of
//! [`CHUNK`] bytes from the server's offset, each body streamed from disk),
//! emits `onMessageUploadProgress`, then fills the payload and hands the
//! message to the outbox. The job (upload IDs, finished files) is saved in
//! the store after every step, so a dropped connection resumes from the
//! server's offset (`GET /files/uploads/{id}`) after a backoff, and an SDK
//! restart resumes at login. A refusal with a code (4xx) is final: the
//! message fails with that code. [`FileService::cancel`] stops a task; the
//! message fails and `resend_message` resumes it.
//!
//! Tasks are owned by the [`FileService`], which aborts them when the
//! session ends; a task removes itself once its upload is finished or has
//! failed.

use super::job::{uploaded_element, PartRole, UploadJob, UploadPart};
use crate::actor::Command;
use crate::event::Event;
use crate::files::cache::{cache_file_name, CacheKind};
use crate::files::http::{self, Appended, Failure};
use crate::files::{media, FileInfo, FileKind};
use crate::model::Message;
use crate::options::ReconnectPolicy;
use crate::session::SessionCore;
use crate::tls::TlsConfig;
use crate::TimError;
use confab_proto::code;
use confab_proto::files::CreateUpload;
use confab_proto::message::{MessageControlInfo, MessageElement};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, Weak};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

/// Bytes per `PATCH` request (a resume point and a progress step).
pub(crate) const CHUNK: u64 = 512 * 1024;

/// What a `send_message` waiting on an upload gets: `None` while it runs.
pub(crate) type Outcome = Option<Result<Message, TimError>>;

/// What the tasks of one login share.
pub(crate) struct FileContext {
    pub(crate) core: Arc<SessionCore>,
    commands: mpsc::UnboundedSender<Command>,
    /// HTTP client of the file service.
    pub(crate) http: reqwest::Client,
    /// `http://host:port` of the file service.
    pub(crate) base_url: String,
    /// `<data_dir>/<sdkAppID>/<userID>.files`: the download cache.
    pub(crate) cache_dir: PathBuf,
    /// Backoff between retries.
    pub(crate) backoff: ReconnectPolicy,
}

struct Running {
    task: Option<JoinHandle<()>>,
    outcome: watch::Sender<Outcome>,
}

/// The file transfers of one login: running upload tasks (aborted on
/// drop) and the per-file download locks.
pub(crate) struct FileService {
    pub(crate) ctx: Arc<FileContext>,
    running: Mutex<HashMap<i64, Running>>,
    /// One lock per file ID, so two downloads of a file never write the
    /// same temp file.
    pub(crate) downloads: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl Drop for FileService {
    fn drop(&mut self) {
        self.abort_all();
    }
}

impl FileService {
    /// The service of a login.
    pub(crate) fn new(
        core: Arc<SessionCore>,
        commands: mpsc::UnboundedSender<Command>,
        base_url: String,
        tls: &TlsConfig,
        cache_dir: PathBuf,
        backoff: ReconnectPolicy,
        timeout: std::time::Duration,
    ) -> Result<Self, TimError> {
        // The same TLS configuration as the session's WebSocket.
        let http = tls
            .http_client(&base_url)?
            .connect_timeout(timeout)
            .read_timeout(timeout)
            .build()
            .map_err(|e| TimError::internal(format!("http client: {e}")))?;
        Ok(Self {
            ctx: Arc::new(FileContext { core, commands, http, base_url, cache_dir, backoff }),
            running: Mutex::new(HashMap::new()),
            downloads: Mutex::new(HashMap::new()),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Running>> {
        // Every critical section is a single map operation (or one store
        // transaction next to it): a poisoned map is still consistent.
        self.running.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs the upload of message `key` unless it already runs; returns a
    /// receiver of its outcome.
    pub(crate) fn start(self: &Arc<Self>, key: i64) -> watch::Receiver<Outcome> {
        let mut running = self.lock();
        if let Some(r) = running.get(&key) {
            return r.outcome.subscribe();
        }
        let (outcome, receiver) = watch::channel(None);
        let ctx = Arc::clone(&self.ctx);
        let service = Arc::downgrade(self);
        let task = tokio::spawn(run(ctx, service, key));
        running.insert(key, Running { task: Some(task), outcome });
        receiver
    }

    /// Stops every running task (the session ends); their jobs stay
    /// active and resume at the next login. Waiting sends fail with 2999.
    pub(crate) fn abort_all(&self) {
        for (_, running) in self.lock().drain() {
            if let Some(task) = running.task {
                task.abort();
            }
        }
    }

    /// Starts every active upload of the store (after a restart).
    pub(crate) fn resume_all(self: &Arc<Self>) {
        match self.ctx.core.store.active_uploads() {
            Ok(keys) => {
                for key in keys {
                    // Nobody awaits these: the outcome shows as events.
                    drop(self.start(key));
                }
            }
            Err(e) => self.ctx.core.report(e.into()),
        }
    }

    /// Stops the upload of message `key`: the message becomes `fail`
    /// (MESSAGE_STATUS_CHANGED) and a waiting `send_message` fails. False
    /// when it has no unfinished upload.
    pub(crate) fn cancel(&self, key: i64) -> Result<bool, TimError> {
        let core = &self.ctx.core;
        let kind = core
            .store
            .upload_job::<UploadJob>(key)?
            .map(|(job, _)| job.kind)
            .unwrap_or(FileKind::File);
        let (entry, stopped) = {
            let mut running = self.lock();
            let entry = running.remove(&key);
            if let Some(task) = entry.as_ref().and_then(|e| e.task.as_ref()) {
                task.abort();
            }
            // Under the same lock as the task's finish: either the upload
            // finished (no job left) or it stops here.
            (entry, core.store.stop_upload(key)?)
        };
        let changed = stopped.is_some();
        if let Some((message, conversation)) = stopped {
            core.emit(Event::MessageStatusChanged(vec![message]));
            if let Some(c) = conversation {
                core.emit(Event::ConversationListUpdated(vec![c]));
            }
        }
        if let Some(entry) = entry {
            let error = TimError::new(kind.upload_fail_code(), "the upload was cancelled");
            entry.outcome.send_replace(Some(Err(error)));
        }
        Ok(changed)
    }
}

/// The task of one upload.
async fn run(ctx: Arc<FileContext>, service: Weak<FileService>, key: i64) {
    let result = upload(&ctx, key).await;
    let Some(service) = service.upgrade() else { return };
    match result {
        Ok((element, control_info)) => {
            let control = match control_info.map(|c| serde_json::to_string(&c)).transpose() {
                Ok(c) => c,
                Err(e) => {
                    fail(&ctx, &service, key, TimError::from(e));
                    return;
                }
            };
            let (entry, finished) = {
                let mut running = service.lock();
                let finished = ctx.core.store.finish_upload(key, &element, control.as_deref());
                (running.remove(&key), finished)
            };
            drop(service);
            let Some(entry) = entry else { return };
            match finished {
                Ok(true) => {}
                Ok(false) => {
                    let error = TimError::new(code::MESSAGE_SEND_FAIL, "the message is gone");
                    entry.outcome.send_replace(Some(Err(error)));
                    return;
                }
                Err(e) => {
                    entry.outcome.send_replace(Some(Err(e.into())));
                    return;
                }
            }
            let (reply, answer) = oneshot::channel();
            let result = if ctx.commands.send(Command::Enqueued { key, reply }).is_err() {
                Err(TimError::not_ready())
            } else {
                answer.await.unwrap_or_else(|_| {
                    Err(TimError::new(
                        code::SDK_IS_NOT_READY,
                        "logged out before the server answered; the message stays queued",
                    ))
                })
            };
            entry.outcome.send_replace(Some(result));
        }
        Err(error) => fail(&ctx, &service, key, error),
    }
}

/// A final failure: the message fails with `error`.
fn fail(ctx: &FileContext, service: &FileService, key: i64, error: TimError) {
    ctx.core.log(tracing::Level::WARN, format_args!("upload of message {key} failed: {error}"));
    let (entry, stopped) = {
        let mut running = service.lock();
        (running.remove(&key), ctx.core.store.stop_upload(key))
    };
    match stopped {
        Ok(Some((message, conversation))) => {
            ctx.core.emit(Event::MessageStatusChanged(vec![message]));
            if let Some(c) = conversation {
                ctx.core.emit(Event::ConversationListUpdated(vec![c]));
            }
        }
        Ok(None) => {}
        Err(e) => ctx.core.report(e.into()),
    }
    if let Some(entry) = entry {
        entry.outcome.send_replace(Some(Err(error)));
    }
}

/// Progress of one message: a high-water mark, so `loaded` never goes
/// back when a resume repeats bytes.
struct Progress {
    id: String,
    random: u64,
    conversation_id: String,
    total: u64,
    reported: Option<u64>,
}

impl Progress {
    fn report(&mut self, core: &SessionCore, loaded: u64) {
        let loaded = loaded.min(self.total);
        if self.reported.is_some_and(|r| r >= loaded) {
            return;
        }
        self.reported = Some(loaded);
        core.emit(Event::MessageUploadProgress {
            id: self.id.clone(),
            random: self.random,
            conversation_id: self.conversation_id.clone(),
            loaded,
            total: self.total,
        });
    }
}

/// Uploads every file of message `key`; returns the payload with file IDs
/// and URLs, and the outbox control info.
async fn upload(
    ctx: &FileContext,
    key: i64,
) -> Result<(MessageElement, Option<MessageControlInfo>), TimError> {
    let store = &ctx.core.store;
    let message = store
        .message_by_key(key)?
        .ok_or_else(|| TimError::new(code::MESSAGE_SEND_FAIL, "the message is gone"))?;
    let (mut job, _) = store
        .upload_job::<UploadJob>(key)?
        .ok_or_else(|| TimError::new(code::MESSAGE_SEND_FAIL, "no upload for this message"))?;
    if !job.prepared {
        prepare_thumbnails(ctx, key, &message, &mut job).await?;
    }
    let mut progress = Progress {
        id: message.id.clone(),
        random: message.random,
        conversation_id: message.conversation_id.clone(),
        total: job.parts.iter().map(|p| p.size).sum(),
        reported: None,
    };
    let mut base = 0u64;
    let mut index = 0;
    while index < job.parts.len() {
        if job.parts[index].done.is_none() {
            let at = PartAt { key, index, base };
            let info = match upload_part(ctx, at, &mut job, &mut progress).await {
                Ok(info) => info,
                Err(e) if job.parts[index].role == PartRole::Cover => {
                    // The cover is optional: the video goes without it.
                    ctx.core.log(
                        tracing::Level::WARN,
                        format_args!("video cover of message {key} left out: {e}"),
                    );
                    progress.total -= job.parts[index].size;
                    job.parts.remove(index);
                    store.save_upload_job(key, &job)?;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let part = &mut job.parts[index];
            if part.extension.is_some() {
                keep_in_cache(ctx, &part.path, &info);
            }
            if part.role == PartRole::Cover {
                copy_cover_to_cache(ctx, job.kind, part, &info);
            }
            part.done = Some(info);
            store.save_upload_job(key, &job)?;
        }
        base += job.parts[index].size;
        index += 1;
    }
    progress.report(&ctx.core, progress.total);
    let element = uploaded_element(&message, &job)?;
    if job.kind == FileKind::Merger {
        keep_merger_body(ctx, &message, &element, &job)?;
    }
    Ok((element, job.control_info))
}

/// A merger body was uploaded: the local store keeps the list under its
/// file ID (the sender's copy stays complete while the message carries
/// an empty list on the wire) and the staged file goes.
fn keep_merger_body(
    ctx: &FileContext,
    message: &Message,
    uploaded: &MessageElement,
    job: &UploadJob,
) -> Result<(), TimError> {
    let (MessageElement::Merger(full), MessageElement::Merger(sent)) =
        (message.element()?, uploaded)
    else {
        return Err(TimError::internal("not a merger message"));
    };
    let body = serde_json::to_string(&full.message_list)?;
    ctx.core.store.save_merger_body(&sent.download_key, &body)?;
    for part in &job.parts {
        if let Err(e) = std::fs::remove_file(&part.path) {
            ctx.core.log(tracing::Level::DEBUG, format_args!("staged merger body: {e}"));
        }
    }
    Ok(())
}

/// Makes an image's thumbnails (blocking work, off the runtime) and adds
/// them to the job.
async fn prepare_thumbnails(
    ctx: &FileContext,
    key: i64,
    message: &Message,
    job: &mut UploadJob,
) -> Result<(), TimError> {
    let source = job.parts[0].path.clone();
    let dir = ctx.cache_dir.join("staging");
    let stem = format!("{key}-{}", message.random);
    let kind = job.kind;
    let made = tokio::task::spawn_blocking(move || {
        let probe = media::probe_image(&source)?;
        media::make_thumbnails(&source, &probe, &dir, &stem)
    })
    .await
    .map_err(|e| TimError::internal(format!("thumbnails: {e}")))?;
    let thumbnails = made.map_err(|e| match e {
        media::ProbeError::Io(e) => {
            TimError::new(kind.select_first_code(), format!("reading the image: {e}"))
        }
        media::ProbeError::Unsupported(why) => {
            TimError::new(code::MESSAGE_IMAGE_TYPES_LIMIT, format!("the image: {why}"))
        }
    })?;
    for thumbnail in thumbnails {
        let size = std::fs::metadata(&thumbnail.path)
            .map_err(|e| TimError::internal(format!("thumbnail: {e}")))?
            .len();
        job.parts.push(UploadPart {
            role: match thumbnail.kind {
                media::ThumbnailKind::Big => PartRole::Big,
                media::ThumbnailKind::Small => PartRole::Small,
            },
            path: thumbnail.path,
            size,
            width: thumbnail.width,
            height: thumbnail.height,
            extension: Some(thumbnail.extension.to_owned()),
            upload_id: None,
            done: None,
        });
    }
    job.prepared = true;
    ctx.core.store.save_upload_job(key, job)?;
    Ok(())
}

/// Moves a thumbnail the SDK made into the download cache under its file
/// ID (a later `download_file` finds it there), named as a download of it
/// would be: by the type the server sniffed.
fn keep_in_cache(ctx: &FileContext, path: &std::path::Path, info: &FileInfo) {
    if !crate::files::is_file_id(&info.uuid) {
        return;
    }
    let name = cache_file_name(&info.uuid, CacheKind::Image, &info.content_type);
    let target = ctx.cache_dir.join(name);
    let moved = if target.exists() {
        std::fs::remove_file(path)
    } else {
        confab_private_fs::create_dir_all(&ctx.cache_dir)
            .and_then(|()| confab_private_fs::restrict_file(path))
            .and_then(|()| std::fs::rename(path, &target))
    };
    if let Err(e) = moved {
        ctx.core.log(tracing::Level::INFO, format_args!("thumbnail into the cache: {e}"));
    }
}

/// Copies an uploaded video cover into the download cache under its file
/// ID (the caller's file stays where it is), so the sender's
/// `download_file(…, VideoCover)` needs no request.
fn copy_cover_to_cache(ctx: &FileContext, kind: FileKind, part: &UploadPart, info: &FileInfo) {
    if kind != FileKind::Video || !crate::files::is_file_id(&info.uuid) {
        return;
    }
    let name = cache_file_name(&info.uuid, CacheKind::Image, &info.content_type);
    let target = ctx.cache_dir.join(name);
    if target.exists() {
        return;
    }
    // Through a temp name: the cache holds only complete files.
    let temp = ctx.cache_dir.join(format!("{}.cover-part", info.uuid));
    let copied = confab_private_fs::create_dir_all(&ctx.cache_dir)
        .and_then(|()| confab_private_fs::copy_file(&part.path, &temp))
        .and_then(|()| std::fs::rename(&temp, &target));
    if let Err(e) = copied {
        if let Err(e) = std::fs::remove_file(&temp) {
            ctx.core.log(tracing::Level::DEBUG, format_args!("video cover temp file: {e}"));
        }
        ctx.core.log(tracing::Level::INFO, format_args!("video cover into the cache: {e}"));
    }
}

/// Which part of which message's job an upload attempt works on.
#[derive(Clone, Copy)]
struct PartAt {
    /// The message's key.
    key: i64,
    /// The part's index in the job.
    index: usize,
    /// Bytes of the job's earlier parts (the part's progress adds to it).
    base: u64,
}

/// Uploads one part with retries; returns the finished file.
async fn upload_part(
    ctx: &FileContext,
    at: PartAt,
    job: &mut UploadJob,
    progress: &mut Progress,
) -> Result<FileInfo, TimError> {
    let mut attempt: u32 = 0;
    loop {
        let before = progress.reported;
        match upload_part_once(ctx, at, job, progress).await {
            Ok(info) => return Ok(info),
            Err(Failure::Final(e)) => return Err(e),
            Err(Failure::Retry(why)) => {
                if progress.reported != before {
                    attempt = 0;
                }
                let delay = ctx.backoff.delay(attempt, rand::random());
                attempt = attempt.saturating_add(1);
                ctx.core.log(
                    tracing::Level::INFO,
                    format_args!("upload interrupted ({why}); retrying in {delay:?}"),
                );
                tokio::time::sleep(delay).await;
            }
        }
    }
}

/// One attempt at a part: resumes the part's upload from the server's
/// offset (or creates it) and sends the rest in [`CHUNK`]s.
async fn upload_part_once(
    ctx: &FileContext,
    at: PartAt,
    job: &mut UploadJob,
    progress: &mut Progress,
) -> Result<FileInfo, Failure> {
    let PartAt { key, index, base } = at;
    let part = job.parts[index].clone();
    let kind = part.upload_kind(job.kind);
    let fail_code = job.kind.upload_fail_code();
    let on_disk = tokio::fs::metadata(&part.path).await.map_err(|e| {
        TimError::new(kind.select_first_code(), format!("{}: {e}", part.path.display()))
    })?;
    if on_disk.len() != part.size {
        return Err(Failure::Final(TimError::new(
            fail_code,
            format!("{} changed since the message was created", part.path.display()),
        )));
    }
    let (upload_id, mut offset) = match part.upload_id.clone() {
        Some(id) => match http::upload_offset(ctx, &id, fail_code).await? {
            Some(offset) => (id, offset),
            None => {
                // Expired or finished without our seeing the answer: start over.
                job.parts[index].upload_id = None;
                ctx.core.store.save_upload_job(key, job).map_err(TimError::from)?;
                return Err(Failure::Retry(format!("upload {id} is gone on the server")));
            }
        },
        None => {
            let file_name = if part.role == PartRole::Original {
                job.file_name.clone()
            } else {
                part.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
            };
            let request = CreateUpload { file_name, kind, size: part.size };
            let created = http::create_upload(ctx, &request, fail_code).await?;
            job.parts[index].upload_id = Some(created.upload_id.clone());
            ctx.core.store.save_upload_job(key, job).map_err(TimError::from)?;
            (created.upload_id, created.offset)
        }
    };
    progress.report(&ctx.core, base + offset);
    loop {
        let length = CHUNK.min(part.size.saturating_sub(offset));
        let body = http::chunk_body(&part.path, offset, length).await.map_err(|e| {
            TimError::new(kind.select_first_code(), format!("{}: {e}", part.path.display()))
        })?;
        match http::append(ctx, &upload_id, offset, length, body, fail_code).await? {
            Appended::At(patched) => {
                offset = patched.offset;
                progress.report(&ctx.core, base + offset);
                if let Some(file) = patched.file {
                    return Ok(file);
                }
                if offset >= part.size {
                    return Err(Failure::Final(TimError::new(
                        fail_code,
                        "the server took every byte but named no file",
                    )));
                }
            }
            Appended::Conflict(at) => offset = at,
            Appended::Gone => {
                job.parts[index].upload_id = None;
                ctx.core.store.save_upload_job(key, job).map_err(TimError::from)?;
                return Err(Failure::Retry(format!("upload {upload_id} is gone on the server")));
            }
        }
    }
}
