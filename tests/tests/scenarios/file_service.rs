//! The file service over real HTTP: resumable uploads (cut and resumed),
//! limits and type checks with TIM's codes, downloads with ranges, and
//! access granted only by uploading or by a committed message.

use confab_proto::message::{FilePayload, MessageElement};
use confab_proto::{code, ops};
use confab_testkit::{sha256_hex, sniffable_mp4 as mp4, sniffable_png as png};
use confab_tests::files::FileClient;
use confab_tests::{within, RawClient, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A C2C message whose element is a file of the file service.
fn file_message(to: &str, random: u64, uuid: &str) -> ops::SendMessage {
    let mut send = ops::SendMessage::c2c_text(to, random, "");
    send.message.element = MessageElement::File(FilePayload {
        uuid: uuid.into(),
        file_name: "report.bin".into(),
        ..Default::default()
    });
    send
}

#[tokio::test]
async fn a_cut_upload_resumes_at_the_servers_offset_and_finishes_with_the_content_hash() {
    let server = TestServer::start().await;
    let alice = FileClient::new(&server, "alice");
    let content = png(200_000);
    let upload = alice.create_ok("image", "cat.png", content.len()).await;

    // First PATCH: a streamed body that sends 64 KiB, then breaks.
    let (chunks, received) = tokio::sync::mpsc::channel::<std::io::Result<Vec<u8>>>(1);
    let body = futures_util::stream::unfold(received, |mut received| async move {
        received.recv().await.map(|item| (item, received))
    });
    let cut = alice
        .request(Method::PATCH, &format!("/files/uploads/{upload}"))
        .header("Upload-Offset", "0")
        .body(reqwest::Body::wrap_stream(body))
        .send();
    let cut = tokio::spawn(cut);
    let first = 64 * 1024;
    chunks.send(Ok(content[..first].to_vec())).await.expect("body stream open");
    within("the server to hold the first chunk", async {
        loop {
            let (status, body) = alice.offset(&upload).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            if body["offset"] == first {
                break;
            }
            tokio::task::yield_now().await;
        }
    })
    .await;
    chunks.send(Err(std::io::Error::other("cable pulled"))).await.expect("body stream open");
    drop(chunks);
    assert!(within("the cut request", cut).await.expect("task").is_err(), "the request failed");

    // The server kept what arrived.
    let (status, body) = alice.offset(&upload).await;
    assert_eq!((status, body["offset"].as_u64()), (StatusCode::OK, Some(first as u64)));

    // Continuing from the wrong offset is refused with the right one.
    let (status, body) = alice.patch(&upload, 10, &content[10..]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], code::MESSAGE_FILE_UPLOAD_FAIL);
    assert_eq!(body["offset"], first);

    // Two more PATCHes finish it.
    let middle = 150_000;
    let (status, body) = alice.patch(&upload, first, &content[first..middle]).await;
    assert_eq!((status, &body), (StatusCode::OK, &json!({"offset": middle})));
    let (status, body) = alice.patch(&upload, middle, &content[middle..]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id = sha256_hex(&content);
    assert_eq!(
        body,
        json!({
            "offset": content.len(),
            "file": {
                "uuid": id,
                "url": format!("{}/files/{id}", server.http_url()),
                "size": content.len(),
                "kind": "image",
                "fileName": "cat.png",
                "contentType": "image/png",
            }
        })
    );
    // The upload is over; the stored bytes are the content.
    assert_eq!(alice.offset(&upload).await.1["code"], code::UPLOAD_NOT_FOUND);
    let response = alice.get(&format!("/files/{id}/cat.png"), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(within("bytes", response.bytes()).await.expect("bytes"), content);
    let stored = server.data_dir().join("files").join(&id[..2]).join(&id);
    assert_eq!(std::fs::read(stored).expect("content-addressed file"), content);

    // The same content again is stored once.
    let again = alice.upload("file", "copy.bin", &content).await;
    assert_eq!(again["uuid"], id);
    assert_eq!(again["contentType"], "image/png");
}

#[tokio::test]
async fn an_upload_survives_a_server_restart() {
    let mut server = TestServer::start().await;
    let content = mp4(10_000);
    let upload = {
        let alice = FileClient::new(&server, "alice");
        let upload = alice.create_ok("video", "clip.mp4", content.len()).await;
        let (status, _) = alice.patch(&upload, 0, &content[..4_000]).await;
        assert_eq!(status, StatusCode::OK);
        upload
    };
    server.restart().await;
    let alice = FileClient::new(&server, "alice");
    assert_eq!(alice.offset(&upload).await.1["offset"], 4_000);
    let (status, body) = alice.patch(&upload, 4_000, &content[4_000..]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["file"]["uuid"], sha256_hex(&content), "hash rebuilt from the kept bytes");
    assert_eq!(body["file"]["contentType"], "video/mp4");
}

#[tokio::test]
async fn limits_and_types_are_refused_with_tim_codes() {
    let server = TestServer::start_with(|c| {
        c.max_image_bytes = 1_000;
        c.max_video_bytes = 2_000;
        c.max_audio_bytes = 3_000;
        c.max_file_bytes = 4_000;
    })
    .await;
    let alice = FileClient::new(&server, "alice");
    for kind in ["image", "video", "audio", "file", "merger"] {
        let (status, body) = alice.create(kind, "x", 0).await;
        assert_eq!(
            (status, &body["code"]),
            (StatusCode::BAD_REQUEST, &json!(code::MESSAGE_FILE_IS_EMPTY)),
            "{kind}"
        );
    }
    for (kind, size, expected) in [
        ("image", 1_001, code::MESSAGE_IMAGE_SIZE_LIMIT),
        ("video", 2_001, code::MESSAGE_VIDEO_SIZE_LIMIT),
        ("audio", 3_001, code::MESSAGE_AUDIO_SIZE_LIMIT),
        ("file", 4_001, code::MESSAGE_FILE_SIZE_LIMIT),
    ] {
        let (status, body) = alice.create(kind, "x", size).await;
        assert_eq!(
            (status, &body["code"]),
            (StatusCode::PAYLOAD_TOO_LARGE, &json!(expected)),
            "{kind}"
        );
    }
    // At the limit is fine.
    assert_eq!(alice.upload("image", "a.png", &png(1_000)).await["size"], 1_000);

    // A body longer than declared is refused while streaming.
    let upload = alice.create_ok("file", "f", 10).await;
    let (status, body) = alice.patch(&upload, 0, &[7; 11]).await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::PAYLOAD_TOO_LARGE, &json!(code::MESSAGE_FILE_SIZE_LIMIT))
    );

    // Content that is not what the kind says.
    let text = b"just some text, certainly not a picture".to_vec();
    let upload = alice.create_ok("image", "fake.png", text.len()).await;
    let (status, body) = alice.patch(&upload, 0, &text).await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, &json!(code::MESSAGE_IMAGE_TYPES_LIMIT))
    );
    assert_eq!(
        alice.offset(&upload).await.1["code"],
        code::UPLOAD_NOT_FOUND,
        "a refused upload is gone"
    );
    let upload = alice.create_ok("video", "fake.mp4", 100).await;
    let (status, body) = alice.patch(&upload, 0, &png(100)).await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, &json!(code::MESSAGE_VIDEO_TYPES_LIMIT))
    );
    // The same bytes are fine as a plain file.
    assert_eq!(
        alice.upload("file", "notes.txt", &text).await["contentType"],
        "application/octet-stream"
    );

    // Malformed creation requests.
    let (status, body) = alice
        .send(
            "bad kind",
            alice
                .request(Method::POST, "/files/uploads")
                .json(&json!({"kind": "movie", "size": 1})),
        )
        .await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::BAD_REQUEST, &json!(code::ERR_SVR_MSG_PKG_PARSE_FAILED))
    );
}

#[tokio::test]
async fn a_file_message_lets_its_receiver_download_and_nobody_else() {
    let server = TestServer::start().await;
    let mut alice_ws = RawClient::login(&server, "alice").await;
    let mut carol_ws = RawClient::login(&server, "carol").await;
    let _bob_ws = RawClient::login(&server, "bob").await;
    let (alice, bob, carol) = (
        FileClient::new(&server, "alice"),
        FileClient::new(&server, "bob"),
        FileClient::new(&server, "carol"),
    );
    let content: Vec<u8> = (0..5_000u32).map(|i| (i * 7 % 256) as u8).collect();
    let info = alice.upload("file", "report.bin", &content).await;
    let id = info["uuid"].as_str().expect("uuid").to_owned();
    let path = format!("/files/{id}");

    // Before any message, only alice may download.
    assert_eq!(bob.error_of(&path).await, (StatusCode::NOT_FOUND, code::FILE_ACCESS_DENIED));

    alice_ws.call(&file_message("bob", 1, &id)).await.expect("alice shares the file with bob");
    let response = bob.get(&path, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-length"], "5000");
    assert_eq!(response.headers()["accept-ranges"], "bytes");
    assert_eq!(within("bytes", response.bytes()).await.expect("bytes"), content);

    // Ranges.
    let response = bob.get(&format!("{path}/report.bin"), Some("bytes=100-199")).await;
    assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(response.headers()["content-range"], "bytes 100-199/5000");
    assert_eq!(within("bytes", response.bytes()).await.expect("bytes"), content[100..200]);
    let response = bob.get(&path, Some("bytes=-10")).await;
    assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(within("bytes", response.bytes()).await.expect("bytes"), content[4_990..]);
    let response = bob.get(&path, Some("bytes=5000-")).await;
    assert_eq!(response.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(response.headers()["content-range"], "bytes */5000");

    // HEAD: headers only.
    let response =
        within("head", bob.request(Method::HEAD, &path).send()).await.expect("head completes");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-length"], "5000");
    assert_eq!(response.headers()["content-type"], "application/octet-stream");

    // Contents never change: a cached copy is still good.
    let cached = bob.request(Method::GET, &path).header("If-None-Match", format!("\"{id}\""));
    let response = within("conditional get", cached.send()).await.expect("completes");
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);

    // Carol was in no message: refused, and unknown files look the same to her code-wise.
    assert_eq!(carol.error_of(&path).await, (StatusCode::NOT_FOUND, code::FILE_ACCESS_DENIED));
    let unknown = format!("/files/{}", "0".repeat(64));
    assert_eq!(carol.error_of(&unknown).await, (StatusCode::NOT_FOUND, code::FILE_ACCESS_DENIED));

    // Naming the hash in a message does not hand it to her either.
    let err = carol_ws.call(&file_message("bob", 2, &id)).await.expect_err("not hers to send");
    assert_eq!(err.code, code::FILE_ACCESS_DENIED);
    let err =
        carol_ws.call(&file_message("alice", 3, &"0".repeat(64))).await.expect_err("no such file");
    assert_eq!(err.code, code::FILE_ACCESS_DENIED);
    assert_eq!(carol.error_of(&path).await, (StatusCode::NOT_FOUND, code::FILE_ACCESS_DENIED));

    // Bob received it, so he may pass it on (here as an onlineUserOnly message).
    let mut bob_ws = RawClient::login(&server, "bob").await;
    let mut forward = file_message("carol", 4, &id);
    forward.online_user_only = true;
    bob_ws.call(&forward).await.expect("bob forwards");
    assert_eq!(carol.get(&path, None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn bad_ids_and_credentials_are_refused_before_any_file_access() {
    let server = TestServer::start().await;
    let alice = FileClient::new(&server, "alice");
    for bad in [
        "/files/..%2F..%2Fetc%2Fpasswd",
        "/files/..%2F..%2Fetc%2Fpasswd/x",
        "/files/not-hex",
        &format!("/files/{}", "A".repeat(64)),
        &format!("/files/{}", "a".repeat(63)),
    ] {
        assert_eq!(
            alice.error_of(bad).await,
            (StatusCode::BAD_REQUEST, code::FILE_ACCESS_DENIED),
            "{bad}"
        );
    }
    for bad in ["/files/uploads/..%2F..%2Fconfab.db", "/files/uploads/xyz"] {
        assert_eq!(
            alice.error_of(bad).await,
            (StatusCode::NOT_FOUND, code::UPLOAD_NOT_FOUND),
            "{bad}"
        );
    }

    let file = alice.upload("file", "a", b"abc").await;
    let path = format!("/files/{}", file["uuid"].as_str().expect("uuid"));
    let http = reqwest::Client::new();
    let status_code = |response: reqwest::Response| async move {
        let status = response.status();
        let body: Value = response.json().await.expect("JSON error");
        (status, body["code"].as_i64().expect("code") as i32)
    };
    let none = within("no auth", http.get(alice.url(&path)).send()).await.expect("sent");
    assert_eq!(status_code(none).await, (StatusCode::UNAUTHORIZED, code::NO_USERSIG));
    // Bob's valid sig presented as alice.
    let forged = format!("UserSig alice:{}", server.user_sig("bob"));
    let forged =
        within("forged", http.get(alice.url(&path)).header("Authorization", forged).send())
            .await
            .expect("sent");
    assert_eq!(status_code(forged).await.0, StatusCode::UNAUTHORIZED);
    let expired = format!("UserSig alice:{}", server.user_sig_expiring("alice", 10));
    server.clock.advance_ms(11_000);
    let expired =
        within("expired", http.get(alice.url(&path)).header("Authorization", expired).send())
            .await
            .expect("sent");
    assert_eq!(status_code(expired).await, (StatusCode::UNAUTHORIZED, code::ACCOUNT_A2KEY_EXPIRED));
}

#[tokio::test]
async fn uploads_belong_to_their_creator_can_be_cancelled_and_expire() {
    let server = TestServer::start_with(|c| c.upload_expire_secs = 3_600).await;
    let (alice, bob) = (FileClient::new(&server, "alice"), FileClient::new(&server, "bob"));
    let upload = alice.create_ok("file", "secret.txt", 10).await;
    assert_eq!(alice.patch(&upload, 0, b"12345").await.1["offset"], 5);

    let (status, body) = bob.patch(&upload, 5, b"evil!").await;
    assert_eq!((status, &body["code"]), (StatusCode::FORBIDDEN, &json!(code::FILE_ACCESS_DENIED)));
    assert_eq!(bob.offset(&upload).await.0, StatusCode::FORBIDDEN);
    let (status, _) = bob
        .send("bob cancels", bob.request(Method::DELETE, &format!("/files/uploads/{upload}")))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(alice.offset(&upload).await.1["offset"], 5, "bob changed nothing");

    let tmp = server.data_dir().join("files").join("tmp");
    assert_eq!(std::fs::read_dir(&tmp).expect("tmp").count(), 2, "bytes and record");
    let (status, _) = alice
        .send("cancel", alice.request(Method::DELETE, &format!("/files/uploads/{upload}")))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        alice.offset(&upload).await,
        (
            StatusCode::NOT_FOUND,
            json!({"code": code::UPLOAD_NOT_FOUND, "message": "no such unfinished upload"})
        )
    );
    assert_eq!(std::fs::read_dir(&tmp).expect("tmp").count(), 0, "temp data removed");

    // An unfinished upload is gone once its time is up.
    let upload = alice.create_ok("file", "slow.txt", 10).await;
    server.clock.advance_ms(3_600_000);
    let alice = FileClient::new(&server, "alice");
    let (status, body) = alice.patch(&upload, 0, b"0123456789").await;
    assert_eq!((status, &body["code"]), (StatusCode::NOT_FOUND, &json!(code::UPLOAD_NOT_FOUND)));
    // The request or the periodic sweep (woken by the same clock jump) removes it.
    within("expired data removed", async {
        while std::fs::read_dir(&tmp).expect("tmp").count() > 0 {
            tokio::task::yield_now().await;
        }
    })
    .await;
}
