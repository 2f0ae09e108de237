//! File messages end to end: image, video, audio and file messages created
//! from local files, uploaded with progress through confabd's resumable
//! upload, delivered with the same payload, kept in both local stores and
//! the server's history, and downloaded byte for byte; uploads interrupted
//! (cancel, server restart, SDK restart) finish once; limits give TIM's
//! codes and lose nothing.

use confab_proto::constants::types;
use confab_sdk::{
    CreateMessageOptions, Event, EventName, FileSource, Message, MessageStatus, Rendition,
    SendMessageOptions,
};
use confab_testkit::mp4::{mp4_box, mvhd_v0_body, tkhd};
use confab_testkit::{noise, write_file as write};
use confab_tests::{within, TestClient, TestServer};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A noisy RGB PNG (so it is large and needs both thumbnails).
fn png(dir: &Path, name: &str, width: u32, height: u32) -> PathBuf {
    let bytes = noise((width * height * 3) as usize, 7);
    let image = image::RgbImage::from_raw(width, height, bytes).expect("image buffer");
    let path = dir.join(name);
    image.save(&path).expect("write png");
    path
}

/// A minimal MP4: `ftyp`, an `mdat` of `payload` bytes, and `moov` with a
/// 4.2 s `mvhd` and a 320x240 video track.
fn mp4(payload: usize) -> Vec<u8> {
    let mvhd = mp4_box(b"mvhd", &mvhd_v0_body(1000, 4200));
    let moov = mp4_box(b"moov", &[mvhd, mp4_box(b"trak", &tkhd(320, 240))].concat());
    let ftyp = mp4_box(b"ftyp", b"isom\0\0\x02\0isomiso2mp41");
    [ftyp, mp4_box(b"mdat", &noise(payload, 3)), moov].concat()
}

/// A PCM WAV of `seconds` at 8 kHz, mono, 16 bit.
fn wav(seconds: u32) -> Vec<u8> {
    let data_len = 8000 * 2 * seconds;
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&8000u32.to_le_bytes());
    out.extend_from_slice(&16000u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    out.extend_from_slice(&noise(data_len as usize, 5));
    out
}

fn source(path: &Path) -> CreateMessageOptions<FileSource> {
    CreateMessageOptions::c2c("bob".into(), FileSource::new(path))
}

/// The upload progress events of `message` so far: `(loaded, total)`.
fn progress_of(events: &[Event], random: u64) -> Vec<(u64, u64)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::MessageUploadProgress { random: r, loaded, total, .. } if *r == random => {
                Some((*loaded, *total))
            }
            _ => None,
        })
        .collect()
}

/// Waits for the progress of `message` to reach its total; asserts it
/// never went back.
async fn wait_progress_done(client: &TestClient, message: &Message) -> Vec<(u64, u64)> {
    let random = message.random;
    let progress = client
        .events
        .wait_for("upload progress to reach the total", |events| {
            let p = progress_of(events, random);
            p.last().is_some_and(|(loaded, total)| loaded == total).then_some(p)
        })
        .await;
    for pair in progress.windows(2) {
        assert!(pair[0].0 <= pair[1].0, "progress went back: {progress:?}");
        assert_eq!(pair[0].1, pair[1].1, "the total changed: {progress:?}");
    }
    progress
}

async fn send(client: &TestClient, message: &Message) -> Message {
    within("send a file message", client.tim.send_message(message, SendMessageOptions::default()))
        .await
        .expect("the file message is sent")
        .message
}

/// Sends `message` from alice to bob and checks everything both sides
/// see; returns (alice's sent message, bob's received message).
async fn round_trip(alice: &TestClient, bob: &TestClient, message: &Message) -> (Message, Message) {
    assert_eq!(message.status, MessageStatus::UnSend);
    let sent = send(alice, message).await;
    delivered(alice, bob, message, sent).await
}

/// Checks a sent file message on both sides.
async fn delivered(
    alice: &TestClient,
    bob: &TestClient,
    message: &Message,
    sent: Message,
) -> (Message, Message) {
    assert_eq!(sent.status, MessageStatus::Success);
    assert_eq!(sent.random, message.random);
    assert_eq!(sent.r#type, message.r#type);
    assert_ne!(sent.payload, message.payload, "the upload filled in file IDs and URLs");
    let element = sent.element().expect("typed payload");
    assert!(!element.file_ids().is_empty(), "the sent payload names its files");

    let progress = wait_progress_done(alice, message).await;
    assert!(!progress.is_empty());

    let received = bob.events.wait_received(1).await;
    assert_eq!(received.len(), 1, "exactly one message reaches bob");
    let got = received[0].clone();
    assert_eq!(got.id, sent.id);
    assert_eq!(got.r#type, sent.r#type);
    assert_eq!(got.payload, sent.payload, "bob gets the same payload");
    assert_eq!(got.cloud_custom_data, message.cloud_custom_data);

    // Both local stores hold it.
    let mine = alice.history("C2Cbob").await;
    let stored = mine.iter().find(|m| m.id == sent.id).expect("in alice's store");
    assert_eq!((stored.status, &stored.payload), (MessageStatus::Success, &sent.payload));
    assert_eq!(mine.iter().filter(|m| m.random == sent.random).count(), 1);
    let theirs = bob.history("C2Calice").await;
    let stored = theirs.iter().find(|m| m.id == sent.id).expect("in bob's store");
    assert_eq!(stored.payload, sent.payload);
    (sent, got)
}

/// Bob downloads a rendition; a second call is served from the cache.
async fn download(bob: &TestClient, message: &Message, rendition: Rendition) -> Vec<u8> {
    let path = within("download", bob.tim.download_file(message, rendition))
        .await
        .expect("download succeeds");
    let bytes = std::fs::read(&path).expect("read the download");
    let events_before = bob.events.all().len();
    let again =
        within("cached download", bob.tim.download_file(message, rendition)).await.expect("cached");
    assert_eq!(again, path, "the second download is the cached file");
    let downloads_after = bob.events.all()[events_before..]
        .iter()
        .filter(|e| matches!(e, Event::FileDownloadProgress { .. }))
        .count();
    assert_eq!(downloads_after, 0, "a cached file is not fetched again");
    bytes
}

/// History as a fresh instance of bob gets it from the server.
async fn server_history_has(server: &TestServer, sent: &Message) {
    let fresh = TestClient::login(server, "bob").await;
    let history = fresh.history("C2Calice").await;
    let found = history.iter().find(|m| m.id == sent.id).expect("the server's history has it");
    assert_eq!(found.payload, sent.payload);
}

/// A server, alice and bob logged in, and a directory for their files.
async fn alice_and_bob() -> (TestServer, TestClient, TestClient, tempfile::TempDir) {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    (server, alice, bob, tempfile::tempdir().expect("tempdir"))
}

/// Starts sending `message` in a task and returns once its upload has
/// taken its first bytes (so a cut lands mid-upload).
async fn send_until_upload_started(
    alice: &TestClient,
    message: &Message,
) -> tokio::task::JoinHandle<Result<confab_sdk::SendResult, confab_sdk::TimError>> {
    let sending = {
        let tim = alice.tim.clone();
        let message = message.clone();
        tokio::spawn(async move { tim.send_message(&message, SendMessageOptions::default()).await })
    };
    alice
        .events
        .wait_for("the upload to start", |events| {
            progress_of(events, message.random).iter().any(|(loaded, _)| *loaded > 0).then_some(())
        })
        .await;
    sending
}

#[tokio::test]
async fn image_message_uploads_with_thumbnails_and_downloads() {
    let (server, alice, bob, dir) = alice_and_bob().await;
    let path = png(dir.path(), "photo.png", 1200, 800);
    let original = std::fs::read(&path).expect("read");

    let mut options = source(&path);
    options.cloud_custom_data = "custom".into();
    let message = alice.tim.create_image_message(options).expect("create image message");
    assert_eq!(message.r#type, types::MSG_IMAGE);
    assert_eq!(message.payload["imageFormat"], 3);
    assert_eq!(message.payload["uuid"], "");
    let infos = message.payload["imageInfoArray"].as_array().expect("renditions").clone();
    let dims: Vec<(u64, u64, u64)> = infos
        .iter()
        .map(|i| {
            (
                i["type"].as_u64().unwrap_or(9),
                i["width"].as_u64().unwrap_or(0),
                i["height"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(dims, [(0, 1200, 800), (1, 720, 480), (2, 198, 132)]);
    assert_eq!(infos[0]["size"], original.len() as u64);

    let (sent, got) = round_trip(&alice, &bob, &message).await;
    let infos = sent.payload["imageInfoArray"].as_array().expect("renditions").clone();
    assert_eq!(infos.len(), 3);
    for info in &infos {
        assert!(info["url"].as_str().is_some_and(|u| u.contains("/files/")), "{info}");
    }
    assert_eq!(sent.payload["uuid"].as_str().map(str::len), Some(64));
    assert_ne!(infos[0]["url"], infos[1]["url"], "a big thumbnail was uploaded");
    let progress = progress_of(&alice.events.all(), message.random);
    let total = progress.last().expect("progress").1;
    let sizes: u64 = infos.iter().map(|i| i["size"].as_u64().unwrap_or(0)).sum();
    assert_eq!(total, sizes, "progress counts the original and both thumbnails");

    assert_eq!(download(&bob, &got, Rendition::Original).await, original);
    for (rendition, width, height) in [(Rendition::Big, 720, 480), (Rendition::Small, 198, 132)] {
        let bytes = download(&bob, &got, rendition).await;
        let thumb = image::load_from_memory(&bytes).expect("a thumbnail decodes");
        assert_eq!((thumb.width(), thumb.height()), (width, height));
    }
    // The sender finds her own thumbnails in her cache already.
    let small = within("alice small", alice.tim.download_file(&sent, Rendition::Small))
        .await
        .expect("alice's thumbnail");
    assert!(small.exists());
    server_history_has(&server, &sent).await;
}

#[tokio::test]
async fn video_message_round_trip() {
    let (server, alice, bob, dir) = alice_and_bob().await;
    let bytes = mp4(1_300_000);
    let path = write(dir.path(), "clip.mp4", &bytes);

    let message = alice.tim.create_video_message(source(&path)).expect("create video message");
    assert_eq!(message.r#type, types::MSG_VIDEO);
    assert_eq!(message.payload["videoFormat"], "mp4");
    assert_eq!(message.payload["videoSecond"], 4);
    assert_eq!(
        (message.payload["videoWidth"].as_u64(), message.payload["videoHeight"].as_u64()),
        (Some(320), Some(240))
    );
    assert_eq!(message.payload["videoSize"], bytes.len() as u64);
    assert_eq!(message.payload["videoUrl"], "");

    let (sent, got) = round_trip(&alice, &bob, &message).await;
    assert_eq!(sent.payload["videoUUID"].as_str().map(str::len), Some(64));
    let progress = progress_of(&alice.events.all(), message.random);
    assert!(progress.len() >= 3, "a 1.3 MB upload reports several steps: {progress:?}");
    assert_eq!(progress.last(), Some(&(bytes.len() as u64, bytes.len() as u64)));
    assert_eq!(download(&bob, &got, Rendition::Original).await, bytes);
    let cover = within("no cover", bob.tim.download_file(&got, Rendition::VideoCover)).await;
    assert_eq!(cover.map(|_| ()).unwrap_err().code, 2403, "no cover image was made");
    server_history_has(&server, &sent).await;
}

/// A JPEG frame of `width`×`height` (what the UI takes from a `<video>`).
fn jpeg(dir: &Path, name: &str, width: u32, height: u32) -> PathBuf {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 200])
    });
    let path = dir.join(name);
    image.save_with_format(&path, image::ImageFormat::Jpeg).expect("write jpeg");
    path
}

#[tokio::test]
async fn video_message_with_a_cover_delivers_and_downloads_it() {
    let (server, alice, bob, dir) = alice_and_bob().await;
    let bytes = mp4(700_000);
    let path = write(dir.path(), "clip.mp4", &bytes);
    let cover_path = jpeg(dir.path(), "cover.jpg", 320, 240);
    let cover = std::fs::read(&cover_path).expect("read cover");

    let options =
        CreateMessageOptions::c2c("bob".into(), FileSource::new(&path).with_snapshot(&cover_path));
    let message = alice.tim.create_video_message(options).expect("create video message");
    let p = &message.payload;
    assert_eq!((p["snapshotWidth"].as_u64(), p["snapshotHeight"].as_u64()), (Some(320), Some(240)));
    assert_eq!((p["thumbWidth"].as_u64(), p["thumbHeight"].as_u64()), (Some(320), Some(240)));
    assert_eq!(p["thumbFormat"], "jpg");
    assert_eq!((p["thumbUrl"].as_str(), p["thumbUUID"].as_str()), (Some(""), Some("")));

    let (sent, got) = round_trip(&alice, &bob, &message).await;
    let p = &got.payload;
    let thumb_uuid = p["thumbUUID"].as_str().expect("thumbUUID");
    assert_eq!(thumb_uuid.len(), 64);
    assert_ne!(thumb_uuid, p["videoUUID"].as_str().expect("videoUUID"));
    assert!(p["thumbUrl"].as_str().is_some_and(|u| u.contains(thumb_uuid)), "{p}");
    assert_eq!(p["snapshotUrl"], p["thumbUrl"]);
    assert_eq!(p["thumbSize"], cover.len() as u64);
    assert_eq!((p["snapshotWidth"].as_u64(), p["snapshotHeight"].as_u64()), (Some(320), Some(240)));
    assert_eq!((p["thumbWidth"].as_u64(), p["thumbHeight"].as_u64()), (Some(320), Some(240)));
    assert_eq!(p["thumbFormat"], "jpg");
    let progress = progress_of(&alice.events.all(), message.random);
    let total = (bytes.len() + cover.len()) as u64;
    assert_eq!(progress.last(), Some(&(total, total)), "progress counts video and cover");

    assert_eq!(download(&bob, &got, Rendition::VideoCover).await, cover);
    assert_eq!(download(&bob, &got, Rendition::Original).await, bytes);
    // The sender's cache has a copy of her cover; her file stays.
    let mine = within("alice cover", alice.tim.download_file(&sent, Rendition::VideoCover))
        .await
        .expect("alice's cover");
    assert_eq!(std::fs::read(mine).expect("read"), cover);
    assert!(cover_path.exists(), "the caller's cover file is not moved");
    server_history_has(&server, &sent).await;
}

#[tokio::test]
async fn a_bad_video_cover_is_left_out_and_the_video_still_goes() {
    let (_server, alice, bob, dir) = alice_and_bob().await;
    let bytes = mp4(20_000);
    let path = write(dir.path(), "clip.mp4", &bytes);
    let not_an_image = write(dir.path(), "cover.jpg", b"not a picture at all");

    for snapshot in [dir.path().join("missing.jpg"), not_an_image] {
        let options =
            CreateMessageOptions::c2c("bob".into(), FileSource::new(&path).with_snapshot(snapshot));
        let message = alice.tim.create_video_message(options).expect("the video is created");
        assert_eq!(message.payload["thumbWidth"], 0);
        assert_eq!(message.payload["thumbFormat"], "");
        let sent = send(&alice, &message).await;
        assert_eq!(sent.payload["thumbUUID"], "");
        assert_eq!(sent.payload["videoUUID"].as_str().map(str::len), Some(64));
    }
    let received = bob.events.wait_received(2).await;
    assert_eq!(received.len(), 2);
    let cover =
        within("no cover", bob.tim.download_file(&received[0], Rendition::VideoCover)).await;
    assert_eq!(cover.map(|_| ()).unwrap_err().code, 2403);

    // A cover that goes missing after create: the upload leaves it out.
    let cover_path = jpeg(dir.path(), "later.jpg", 64, 48);
    let options =
        CreateMessageOptions::c2c("bob".into(), FileSource::new(&path).with_snapshot(&cover_path));
    let message = alice.tim.create_video_message(options).expect("create");
    assert_eq!(message.payload["thumbWidth"], 64);
    std::fs::remove_file(&cover_path).expect("remove the cover");
    let sent = send(&alice, &message).await;
    assert_eq!(sent.status, MessageStatus::Success);
    assert_eq!(sent.payload["thumbUUID"], "");
    assert_eq!(sent.payload["thumbWidth"], 0, "no cover, no cover dimensions");
    assert_eq!(sent.payload["snapshotUrl"], "");
}

#[tokio::test]
async fn audio_message_round_trip() {
    let (server, alice, bob, dir) = alice_and_bob().await;
    let bytes = wav(3);
    let path = write(dir.path(), "voice.wav", &bytes);

    let message = alice.tim.create_audio_message(source(&path)).expect("create audio message");
    assert_eq!(message.r#type, types::MSG_SOUND);
    assert_eq!(message.payload["second"], 3, "from the WAV header");
    assert_eq!(message.payload["size"], bytes.len() as u64);
    // The caller's duration wins (TIM Web's file.duration, in ms).
    let with_duration = alice
        .tim
        .create_audio_message(CreateMessageOptions::c2c(
            "bob".into(),
            FileSource::new(&path).with_duration_ms(7400),
        ))
        .expect("create");
    assert_eq!(with_duration.payload["second"], 7);

    let (sent, got) = round_trip(&alice, &bob, &message).await;
    assert!(sent.payload["url"]
        .as_str()
        .is_some_and(|u| u.ends_with(sent.payload["uuid"].as_str().unwrap_or("?"))));
    let path = within("download", bob.tim.download_file(&got, Rendition::Original))
        .await
        .expect("download");
    assert_eq!(path.extension().and_then(|e| e.to_str()), Some("wav"), "named by content type");
    assert_eq!(download(&bob, &got, Rendition::Original).await, bytes);
    server_history_has(&server, &sent).await;
}

#[tokio::test]
async fn file_message_round_trip() {
    let (server, alice, bob, dir) = alice_and_bob().await;
    let bytes = noise(1_100_000, 11);
    let path = write(dir.path(), "report.final.pdf", &bytes);

    let message = alice.tim.create_file_message(source(&path)).expect("create file message");
    assert_eq!(message.r#type, types::MSG_FILE);
    assert_eq!(message.payload["fileName"], "report.final.pdf");
    assert_eq!(message.payload["fileSize"], bytes.len() as u64);

    // Shown at once, before the upload ends: an unsent last message.
    let sending = {
        let tim = alice.tim.clone();
        let message = message.clone();
        tokio::spawn(async move { tim.send_message(&message, SendMessageOptions::default()).await })
    };
    alice
        .events
        .wait_for("the unsent message in the conversation list", |events| {
            events.iter().find_map(|e| match e {
                Event::ConversationListUpdated(list) => list
                    .iter()
                    .find(|c| {
                        c.last_message_summary()
                            .is_some_and(|l| l.r#type == types::MSG_FILE && l.last_sequence == 0)
                    })
                    .cloned(),
                _ => None,
            })
        })
        .await;
    // A second send of the same message joins the running upload.
    let sent = send(&alice, &message).await;
    let first = within("the first send", sending).await.expect("task").expect("sent");
    assert_eq!(first.message.id, sent.id, "both sends resolve to the one message");
    let (sent, got) = delivered(&alice, &bob, &message, sent).await;
    assert_eq!(sent.payload["fileName"], "report.final.pdf");
    let path = within("download", bob.tim.download_file(&got, Rendition::Original))
        .await
        .expect("download");
    // Named by what the server sniffed (noise: nothing), never by the
    // sender's "report.final.pdf".
    assert_eq!(path.extension().and_then(|e| e.to_str()), Some("bin"));
    assert_eq!(std::fs::read(&path).expect("read"), bytes);
    assert!(path.starts_with(bob.data_dir()), "the cache is under the SDK's data dir");
    server_history_has(&server, &sent).await;
}

#[tokio::test]
async fn cancelled_upload_fails_and_resend_resumes_it() {
    let (_server, alice, bob, dir) = alice_and_bob().await;
    let bytes = noise(3 * 1024 * 1024, 13);
    let path = write(dir.path(), "big.bin", &bytes);
    let message = alice.tim.create_file_message(source(&path)).expect("create");

    // Cancel from the first progress event in the middle of the upload.
    let cancelled = Arc::new(AtomicBool::new(false));
    let handler = {
        let tim = alice.tim.clone();
        let message = message.clone();
        let cancelled = Arc::clone(&cancelled);
        alice.tim.on(EventName::MessageUploadProgress, move |event| {
            if let Event::MessageUploadProgress { random, loaded, total, .. } = event {
                if *random == message.random
                    && *loaded > 0
                    && loaded < total
                    && !cancelled.swap(true, Ordering::SeqCst)
                {
                    tim.cancel_upload(&message).expect("cancel while uploading");
                }
            }
        })
    };
    let error = within(
        "the cancelled send",
        alice.tim.send_message(&message, SendMessageOptions::default()),
    )
    .await
    .expect_err("a cancelled upload fails the send");
    assert_eq!(error.code, 2400);
    assert!(cancelled.load(Ordering::SeqCst));
    alice.tim.off(handler);
    let failed = alice.tim.find_message(&message.id).expect("still stored");
    assert_eq!(failed.status, MessageStatus::Fail);
    alice
        .events
        .wait_for("status fail", |events| {
            events.iter().any(|e| matches!(e, Event::MessageStatusChanged(list)
                if list.iter().any(|m| m.random == message.random && m.status == MessageStatus::Fail)))
            .then_some(())
        })
        .await;
    assert!(alice.tim.cancel_upload(&message).is_err(), "nothing left to cancel");
    let before = progress_of(&alice.events.all(), message.random);
    let stopped_at = before.last().expect("progress").0;

    let resent = within("resend", alice.tim.resend_message(&failed)).await.expect("resend works");
    assert_eq!(resent.message.status, MessageStatus::Success);
    let all = wait_progress_done(&alice, &message).await;
    assert!(
        all[before.len()..].iter().all(|(loaded, _)| *loaded >= stopped_at),
        "the resend continued from the server's offset: {all:?}"
    );
    let got = bob.events.wait_received(1).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].payload, resent.message.payload);
    assert_eq!(download(&bob, &got[0], Rendition::Original).await, bytes);
    let mine = alice.history("C2Cbob").await;
    assert_eq!(mine.len(), 1, "one message, sent once: {mine:?}");
}

#[tokio::test]
async fn server_restart_mid_upload_completes_once() {
    let mut server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = noise(8 * 1024 * 1024, 17);
    let path = write(dir.path(), "movie.bin", &bytes);
    let message = alice.tim.create_file_message(source(&path)).expect("create");
    let sending = send_until_upload_started(&alice, &message).await;
    server.restart().await;
    let sent = within("the send across a restart", sending).await.expect("task").expect("sent");
    assert_eq!(sent.message.status, MessageStatus::Success);
    wait_progress_done(&alice, &message).await;
    let got = bob.events.wait_received(1).await;
    assert_eq!(got.len(), 1);
    assert_eq!(download(&bob, &got[0], Rendition::Original).await, bytes);
    assert_eq!(bob.history("C2Calice").await.len(), 1);
}

#[tokio::test]
async fn sdk_restart_mid_upload_resumes_at_login() {
    let (server, alice, bob, dir) = alice_and_bob().await;
    let bytes = noise(6 * 1024 * 1024, 19);
    let path = write(dir.path(), "archive.zip", &bytes);
    let message = alice.tim.create_file_message(source(&path)).expect("create");
    let sending = send_until_upload_started(&alice, &message).await;
    within("logout", alice.tim.logout()).await.expect("logout");
    // The send either finished just before the logout or was cut by it.
    let first = within("the send ends", sending).await.expect("task");
    let keep = alice.keep_dir();
    let data_dir = alice.data_dir().to_path_buf();
    drop(alice);

    let alice = TestClient::login_at(&server, "alice", &data_dir).await;
    let got = bob.events.wait_received(1).await;
    assert_eq!(got.len(), 1);
    assert_eq!(download(&bob, &got[0], Rendition::Original).await, bytes);
    let stored = alice
        .events
        .wait_for("alice's copy succeeds", |_| {
            alice.tim.find_message(&got[0].id).filter(|m| m.status == MessageStatus::Success)
        })
        .await;
    assert_eq!(stored.payload, got[0].payload);
    if let Ok(first) = first {
        assert_eq!(first.message.id, got[0].id);
    }
    assert_eq!(alice.history("C2Cbob").await.len(), 1, "sent once");
    drop(keep);
}

#[tokio::test]
async fn limits_and_types_give_tim_codes_and_lose_nothing() {
    let server = TestServer::start_with(|config| config.max_file_bytes = 4096).await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let dir = tempfile::tempdir().expect("tempdir");

    // Local checks, before any upload.
    let empty = write(dir.path(), "empty.txt", b"");
    let code = |r: Result<Message, confab_sdk::TimError>| r.map(|_| ()).unwrap_err().code;
    assert_eq!(code(alice.tim.create_file_message(source(&empty))), 2108);
    assert_eq!(code(alice.tim.create_image_message(source(&empty))), 2108);
    let missing = dir.path().join("missing.png");
    assert_eq!(code(alice.tim.create_image_message(source(&missing))), 2251);
    assert_eq!(code(alice.tim.create_file_message(source(&missing))), 2401);
    let text = write(dir.path(), "notes.txt", b"just words");
    assert_eq!(code(alice.tim.create_image_message(source(&text))), 2252);
    assert_eq!(code(alice.tim.create_video_message(source(&text))), 2352);
    let huge = dir.path().join("huge.bin");
    std::fs::File::create(&huge)
        .expect("create")
        .set_len(confab_sdk::MAX_FILE_SIZE + 1)
        .expect("sparse file");
    assert_eq!(code(alice.tim.create_file_message(source(&huge))), 2402);
    assert_eq!(code(alice.tim.create_image_message(source(&huge))), 2253);
    assert_eq!(code(alice.tim.create_video_message(source(&huge))), 2351);
    assert_eq!(code(alice.tim.create_audio_message(source(&huge))), 2301);

    // The server's smaller limit: the send fails with its code, the message
    // stays (fail) and can be resent (failing again), later sends work.
    let big = write(dir.path(), "big.bin", &noise(10_000, 23));
    let message = alice.tim.create_file_message(source(&big)).expect("create");
    let error = within("refused", alice.tim.send_message(&message, SendMessageOptions::default()))
        .await
        .expect_err("the server refuses");
    assert_eq!(error.code, 2402);
    let failed = alice.tim.find_message(&message.id).expect("kept");
    assert_eq!(failed.status, MessageStatus::Fail);
    let again =
        within("resend", alice.tim.resend_message(&failed)).await.expect_err("still too big");
    assert_eq!(again.code, 2402);

    let small = write(dir.path(), "small.txt", b"fits");
    let fits = alice.tim.create_file_message(source(&small)).expect("create");
    send(&alice, &fits).await;
    alice.send_text("bob", "and a text").await;
    let got = bob.events.wait_received(2).await;
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].payload["fileName"], "small.txt");
    let mine = alice.history("C2Cbob").await;
    assert_eq!(mine.len(), 3, "the refused message stays in the list: {mine:?}");
    assert!(mine.iter().any(|m| m.id == message.id && m.status == MessageStatus::Fail));
}
