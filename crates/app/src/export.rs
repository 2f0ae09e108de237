//! Exporting a conversation (`app.exportConversation`) and backing up or
//! restoring the whole local store (`app.backupLocalStore`,
//! `app.restoreLocalStore`).
//!
//! An export reads the conversation's whole history through
//! `getMessageList` (the local store first, the server for what was never
//! fetched) and writes one file: JSON (TIM's `Message` objects, oldest
//! first) or a self-contained HTML page people can read in any browser,
//! with images embedded (their "big" rendition, downloaded into the cache
//! first) and every text escaped. Exports and backups go into the login's
//! download cache named by the SHA-256 of their content, like any cached
//! file, so the shells serve and save them as they do downloads
//! (`app.saveFileAs` on the desktop, the `/local/…` URL in the browser).

use crate::core::{AppCore, PathPurpose};
use crate::error::{from_tim, internal, invalid};
use base64::Engine as _;
use confab_proto::ErrorBody;
use confab_sdk::{GetMessageListOptions, Message, Rendition, Tim};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Most messages one export holds.
pub const MAX_EXPORT_MESSAGES: usize = 200_000;
/// Most bytes of images one HTML export embeds; later images are named.
pub const MAX_EMBEDDED_IMAGE_BYTES: u64 = 64 * 1024 * 1024;

/// The format of an export.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// A self-contained page to read.
    Html,
    /// The messages as TIM `Message` objects.
    Json,
}

/// `app.exportConversation` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportConversationArgs {
    /// The conversation.
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    /// `html` or `json`.
    pub format: ExportFormat,
    /// The name shown as the page's title (the UI's name of the
    /// conversation); the conversation ID when absent.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub title: Option<String>,
    /// `zh` for Chinese labels in the page, else English.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub language: Option<String>,
}

/// A file written into the download cache: where, its URL, a suggested
/// file name for saving it, and (exports) how many messages it holds.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportedFile {
    /// Absolute path of the file (in the download cache).
    pub path: String,
    /// A URL the webview or browser loads it from.
    pub url: String,
    /// The name to suggest when saving it.
    pub file_name: String,
    /// Messages in an export (0 for a backup).
    pub message_count: u32,
}

/// Every message of a conversation, oldest first (deleted ones left out).
async fn whole_history(tim: &Tim, conversation_id: &str) -> Result<Vec<Message>, ErrorBody> {
    let mut pages = Vec::new();
    let mut count = 0;
    let mut next = None;
    loop {
        let page = tim
            .get_message_list(GetMessageListOptions {
                conversation_id: conversation_id.to_owned(),
                next_req_message_id: next,
            })
            .await
            .map_err(from_tim)?;
        count += page.message_list.len();
        let done = page.is_completed || page.message_list.is_empty();
        next = Some(page.next_req_message_id.clone());
        pages.push(page.message_list);
        if done || count >= MAX_EXPORT_MESSAGES {
            break;
        }
    }
    Ok(pages.into_iter().rev().flatten().filter(|m| !m.is_deleted).collect())
}

/// `s` with `&`, `<`, `>`, `"` and `'` escaped for HTML text and
/// attributes.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `YYYY-MM-DD HH:MM` (UTC) of Unix seconds.
pub(crate) fn utc_minute(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}", rest / 3600, rest % 3600 / 60)
}

/// The page's labels.
struct Labels {
    exported: &'static str,
    messages: &'static str,
    recalled: &'static str,
    image: &'static str,
    video: &'static str,
    audio: &'static str,
    file: &'static str,
    sticker: &'static str,
    location: &'static str,
    custom: &'static str,
    merger: &'static str,
    notice: &'static str,
}

const EN: Labels = Labels {
    exported: "Exported",
    messages: "messages",
    recalled: "Message recalled",
    image: "[Image]",
    video: "[Video]",
    audio: "[Voice]",
    file: "[File]",
    sticker: "[Sticker]",
    location: "[Location]",
    custom: "[Custom message]",
    merger: "[Chat history]",
    notice: "[Group notice]",
};

const ZH: Labels = Labels {
    exported: "导出于",
    messages: "条消息",
    recalled: "消息已撤回",
    image: "[图片]",
    video: "[视频]",
    audio: "[语音]",
    file: "[文件]",
    sticker: "[表情]",
    location: "[位置]",
    custom: "[自定义消息]",
    merger: "[聊天记录]",
    notice: "[群通知]",
};

fn payload_str<'a>(message: &'a Message, key: &str) -> &'a str {
    message.payload.get(key).and_then(|v| v.as_str()).unwrap_or_default()
}

/// Text with line breaks kept.
fn text_html(text: &str) -> String {
    escape(text).replace('\n', "<br>")
}

/// The body of one message in the page; `image` is an embedded picture's
/// `data:` URL when there is one.
fn body_html(message: &Message, labels: &Labels, image: Option<&str>) -> String {
    if message.is_revoked {
        return format!("<em class=\"muted\">{}</em>", labels.recalled);
    }
    let tagged = |label: &str, detail: &str| {
        if detail.is_empty() {
            format!("<span class=\"muted\">{label}</span>")
        } else {
            format!("<span class=\"muted\">{label}</span> {}", text_html(detail))
        }
    };
    match message.r#type.as_str() {
        "TIMTextElem" => text_html(payload_str(message, "text")),
        "TIMImageElem" => match image {
            Some(src) => format!("<img src=\"{src}\" alt=\"{}\">", escape(labels.image)),
            None => tagged(labels.image, ""),
        },
        "TIMVideoFileElem" => tagged(labels.video, ""),
        "TIMSoundElem" => tagged(labels.audio, ""),
        "TIMFileElem" => tagged(labels.file, payload_str(message, "fileName")),
        "TIMFaceElem" => tagged(labels.sticker, ""),
        "TIMLocationElem" => tagged(labels.location, payload_str(message, "description")),
        "TIMCustomElem" => tagged(labels.custom, payload_str(message, "description")),
        "TIMRelayElem" => tagged(labels.merger, payload_str(message, "title")),
        _ => tagged(labels.notice, ""),
    }
}

/// The image of an image message as a `data:` URL (its big rendition, or
/// the original), `None` when it cannot be had or `budget` is spent.
async fn embedded_image(tim: &Tim, message: &Message, budget: &mut u64) -> Option<String> {
    let path = match tim.download_file(message, Rendition::Big).await {
        Ok(path) => path,
        Err(_) => tim.download_file(message, Rendition::Original).await.ok()?,
    };
    let bytes = tokio::fs::read(&path).await.ok()?;
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > *budget {
        return None;
    }
    *budget -= size;
    let mime = match path.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "bmp" => "image/bmp",
        "jpg" | "jpeg" => "image/jpeg",
        _ => return None,
    };
    Some(format!("data:{mime};base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes)))
}

/// The HTML page of `messages`.
async fn html_page(
    tim: &Tim,
    title: &str,
    me: &str,
    messages: &[Message],
    labels: &Labels,
    now_secs: i64,
) -> String {
    let mut budget = MAX_EMBEDDED_IMAGE_BYTES;
    let mut rows = String::new();
    for message in messages {
        let image = if message.r#type == "TIMImageElem" && !message.is_revoked {
            embedded_image(tim, message, &mut budget).await
        } else {
            None
        };
        let sender = if message.nick.is_empty() { &message.from } else { &message.nick };
        let side = if message.from == me { "out" } else { "in" };
        let _ = writeln!(
            rows,
            "<div class=\"msg {side}\"><div class=\"meta\"><b>{}</b> <time>{}</time></div>\
             <div class=\"body\">{}</div></div>",
            escape(sender),
            utc_minute(message.time),
            body_html(message, labels, image.as_deref()),
        );
    }
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\
         <title>{title}</title><style>\
         body{{font:15px/1.45 system-ui,sans-serif;max-width:760px;margin:24px auto;padding:0 16px;color:#1d1f23;background:#fff}}\
         h1{{font-size:20px;margin:0 0 4px}} header p{{color:#6b7280;margin:0 0 20px;font-size:13px}}\
         .msg{{margin:10px 0;padding:8px 12px;border-radius:10px;background:#f3f4f6;max-width:80%}}\
         .msg.out{{margin-left:auto;background:#dbeafe}}\
         .meta{{font-size:12px;color:#4b5563;margin-bottom:2px}} time{{color:#6b7280;margin-left:6px}}\
         .body{{white-space:normal;overflow-wrap:anywhere}} .muted{{color:#6b7280}}\
         img{{max-width:100%;max-height:420px;border-radius:6px;display:block}}\
         @media (prefers-color-scheme: dark){{body{{background:#16181d;color:#e5e7eb}}.msg{{background:#262a33}}.msg.out{{background:#1e3a5f}}.meta,time,.muted,header p{{color:#9ca3af}}}}\
         </style></head><body><header><h1>{title}</h1><p>{} {} UTC · {} {}</p></header>\n{rows}</body></html>\n",
        labels.exported,
        utc_minute(now_secs),
        messages.len(),
        labels.messages,
        title = escape(title),
    )
}

/// A file name made of plain characters from `title`.
fn file_stem(title: &str) -> String {
    let mut stem = String::new();
    for c in title.chars().take(60) {
        let c = if c.is_alphanumeric() || c == '_' { c } else { '-' };
        if !(c == '-' && stem.ends_with('-')) {
            stem.push(c);
        }
    }
    let stem = stem.trim_matches('-');
    if stem.is_empty() {
        "conversation".to_owned()
    } else {
        stem.to_owned()
    }
}

/// Moves `temp` into `dir` as `<sha256>.<ext>` (a download-cache name).
async fn into_cache(dir: &Path, temp: PathBuf, ext: &str) -> Result<PathBuf, ErrorBody> {
    let hashed = temp.clone();
    let digest = tokio::task::spawn_blocking(move || -> std::io::Result<String> {
        let mut file = std::fs::File::open(&hashed)?;
        let mut hasher = sha2::Sha256::new();
        std::io::copy(&mut file, &mut hasher)?;
        Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
    })
    .await
    .map_err(|e| internal(&e))?
    .map_err(|e| internal(&e))?;
    let path = dir.join(format!("{digest}.{ext}"));
    tokio::fs::rename(&temp, &path).await.map_err(|e| internal(&e))?;
    Ok(path)
}

fn temp_in(dir: &Path) -> PathBuf {
    dir.join(format!("export-{:016x}.part", rand::random::<u64>()))
}

impl AppCore {
    fn cache_dir_of(tim: &Tim) -> Result<PathBuf, ErrorBody> {
        let dir =
            tim.file_cache_dir().ok_or_else(|| from_tim(confab_sdk::TimError::not_ready()))?;
        confab_private_fs::create_dir_all(&dir).map_err(|e| internal(&e))?;
        Ok(dir)
    }

    /// `app.exportConversation`.
    pub(crate) async fn export_conversation(
        &self,
        args: ExportConversationArgs,
    ) -> Result<ExportedFile, ErrorBody> {
        let tim = self.tim()?;
        let me = tim.user_id().unwrap_or_default();
        let messages = whole_history(&tim, &args.conversation_id).await?;
        let title = args.title.clone().filter(|t| !t.trim().is_empty());
        let title = title.unwrap_or_else(|| args.conversation_id.clone());
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
        let (bytes, ext) = match args.format {
            ExportFormat::Json => {
                let doc = serde_json::json!({
                    "conversationID": args.conversation_id,
                    "title": title,
                    "exportedAt": now,
                    "messageList": messages,
                });
                (serde_json::to_vec_pretty(&doc).map_err(|e| internal(&e))?, "json")
            }
            ExportFormat::Html => {
                let labels = if args.language.as_deref() == Some("zh") { &ZH } else { &EN };
                (html_page(&tim, &title, &me, &messages, labels, now).await.into_bytes(), "html")
            }
        };
        let dir = Self::cache_dir_of(&tim)?;
        let temp = temp_in(&dir);
        let write_to = temp.clone();
        tokio::task::spawn_blocking(move || confab_private_fs::write_atomic(&write_to, &bytes))
            .await
            .map_err(|e| internal(&e))?
            .map_err(|e| internal(&e))?;
        let path = into_cache(&dir, temp, ext).await?;
        Ok(ExportedFile {
            url: self.hooks().file_url(&path),
            path: path.to_string_lossy().into_owned(),
            file_name: format!("{}-{}.{ext}", file_stem(&title), &utc_minute(now)[..10]),
            message_count: u32::try_from(messages.len()).unwrap_or(u32::MAX),
        })
    }

    /// `app.backupLocalStore`.
    pub(crate) async fn backup_local_store(
        &self,
        _args: crate::commands::Empty,
    ) -> Result<ExportedFile, ErrorBody> {
        let tim = self.tim()?;
        let dir = Self::cache_dir_of(&tim)?;
        let temp = temp_in(&dir);
        tim.backup_local_store(&temp).await.map_err(from_tim)?;
        let path = into_cache(&dir, temp, "sqlite").await?;
        let user = tim.user_id().unwrap_or_default();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
        Ok(ExportedFile {
            url: self.hooks().file_url(&path),
            path: path.to_string_lossy().into_owned(),
            file_name: format!(
                "confab-backup-{}-{}.sqlite",
                file_stem(&user),
                &utc_minute(now)[..10]
            ),
            message_count: 0,
        })
    }

    /// `app.restoreLocalStore`: a backup the host lets commands read (the
    /// picker's choice, or a file staged by the browser).
    pub(crate) async fn restore_local_store(
        &self,
        args: crate::native::PathArgs,
    ) -> Result<crate::commands::Empty, ErrorBody> {
        let path = PathBuf::from(&args.path);
        if !path.is_absolute() {
            return Err(invalid(format!("{} is not an absolute path", path.display())));
        }
        if !self.hooks().path_allowed(&path, PathPurpose::Send) {
            return Err(crate::error::path_not_allowed(&path));
        }
        self.tim()?.restore_local_store(&path).await.map_err(from_tim)?;
        Ok(crate::commands::Empty {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_civil_dates() {
        assert_eq!(utc_minute(0), "1970-01-01 00:00");
        assert_eq!(utc_minute(1_764_115_200), "2025-11-26 00:00");
        assert_eq!(utc_minute(951_782_400 + 3_723), "2000-02-29 01:02");
    }

    #[test]
    fn text_is_escaped_and_file_names_are_plain() {
        assert_eq!(
            escape("<img src=x onerror='a'>&\""),
            "&lt;img src=x onerror=&#39;a&#39;&gt;&amp;&quot;"
        );
        assert_eq!(text_html("a\n<b>"), "a<br>&lt;b&gt;");
        assert_eq!(file_stem("../Team Chat!"), "Team-Chat");
        assert_eq!(file_stem("大家 群"), "大家-群");
        assert_eq!(file_stem("///"), "conversation");
    }
}
