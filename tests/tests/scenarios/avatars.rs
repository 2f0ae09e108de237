//! Avatars in the file service (Confab extension): alice makes her avatar
//! from a picture (`upload_avatar`: centre square, at most 256 px) and
//! sets it with `updateMyProfile`; bob and carol, who share nothing with
//! her, see it in her profile and download it; carol may not take alice's
//! file as her own avatar (90009); an avatar elsewhere ends the sharing;
//! what is not a picture gets TIM's image codes.

use confab_proto::code;
use confab_sdk::ProfilePatch;
use confab_tests::{code_of, within, TestClient, TestServer};
use std::path::{Path, PathBuf};

/// A `width`×`height` RGB PNG: left half red, right half blue.
fn picture(dir: &Path, width: u32, height: u32) -> PathBuf {
    let image = image::RgbImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            image::Rgb([220, 30, 30])
        } else {
            image::Rgb([30, 30, 220])
        }
    });
    let path = dir.join(format!("picture-{width}x{height}.png"));
    image.save(&path).expect("write png");
    path
}

fn avatar(url: &str) -> ProfilePatch {
    ProfilePatch { avatar: Some(url.to_owned()), ..ProfilePatch::default() }
}

#[tokio::test]
async fn an_uploaded_avatar_is_seen_by_everyone_while_it_is_the_avatar() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;
    let dir = tempfile::tempdir().expect("temp dir");

    let url = within("upload", alice.tim.upload_avatar(&picture(dir.path(), 900, 600)))
        .await
        .expect("upload the avatar");
    assert!(url.contains("/files/"), "{url}");
    // Not yet anyone's avatar: only alice holds it.
    assert_eq!(
        code_of(within("early", bob.tim.download_avatar(&url)).await),
        code::FILE_ACCESS_DENIED
    );
    within("set", alice.tim.update_my_profile(avatar(&url))).await.expect("set the avatar");

    // Bob reads her profile and downloads the avatar: a 256 px square, the
    // centre of the picture (red left, blue right).
    let profile =
        within("profile", bob.tim.get_user_profile(vec!["alice".into()])).await.expect("profile");
    assert_eq!(profile[0].avatar, url);
    let path = within("download", bob.tim.download_avatar(&url)).await.expect("download");
    let image = image::open(&path).expect("an image").to_rgb8();
    assert_eq!(image.dimensions(), (256, 256));
    assert!(image.get_pixel(10, 128)[0] > 150, "red on the left");
    assert!(image.get_pixel(245, 128)[2] > 150, "blue on the right");
    let again = within("cached", bob.tim.download_avatar(&url)).await.expect("cached");
    assert_eq!(again, path);

    // Carol may not make alice's file her avatar; her profile keeps none.
    assert_eq!(
        code_of(within("steal", carol.tim.update_my_profile(avatar(&url))).await),
        code::FILE_ACCESS_DENIED
    );
    let carol_profile = within("carol", bob.tim.get_user_profile(vec!["carol".into()]))
        .await
        .expect("carol's profile");
    assert_eq!(carol_profile[0].avatar, "");

    // An avatar elsewhere ends the sharing (carol never cached it).
    within("change", alice.tim.update_my_profile(avatar("https://example.invalid/a.png")))
        .await
        .expect("outside avatar");
    assert_eq!(
        code_of(within("after", carol.tim.download_avatar(&url)).await),
        code::FILE_ACCESS_DENIED
    );

    // A small picture stays its size (a square of its short side); what is
    // not a picture, or nothing at all, gets TIM's image codes.
    let small = within("small", alice.tim.upload_avatar(&picture(dir.path(), 40, 90)))
        .await
        .expect("small avatar");
    within("set small", alice.tim.update_my_profile(avatar(&small))).await.expect("set");
    let small_path = within("small download", carol.tim.download_avatar(&small)).await.expect("dl");
    assert_eq!(image::open(&small_path).expect("image").to_rgb8().dimensions(), (40, 40));
    let text = dir.path().join("notes.png");
    std::fs::write(&text, "not a picture").expect("write");
    assert_eq!(
        code_of(within("text", alice.tim.upload_avatar(&text)).await),
        code::MESSAGE_IMAGE_TYPES_LIMIT
    );
    assert_eq!(
        code_of(within("missing", alice.tim.upload_avatar(&dir.path().join("nope.png"))).await),
        code::MESSAGE_IMAGE_SELECT_FILE_FIRST
    );
    assert_eq!(
        code_of(
            within("not ours", alice.tim.download_avatar("https://example.invalid/a.png")).await
        ),
        code::MESSAGE_FILE_URL_IS_EMPTY
    );
}
