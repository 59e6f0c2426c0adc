//! The picture renderer's decoding: EXIF orientation, fit and fill geometry, failures, and
//! decoding off the UI thread with a bounded number of textures.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use image::{ImageEncoder, Rgb, RgbImage};
use vitrin_player::render::image::{ImageLoader, KEEP_TEXTURES, decode, placement, request_size};
use vitrin_player::render::{ImageState, MediaTextures};
use vitrin_shared::content::{Fit, MediaRef};

const RED: Rgb<u8> = Rgb([220, 20, 20]);
const BLUE: Rgb<u8> = Rgb([20, 20, 220]);

/// A 40×20 JPEG, red on the left half and blue on the right, tagged with EXIF `orientation`.
fn tagged_jpeg(orientation: u16) -> Vec<u8> {
    let picture = RgbImage::from_fn(40, 20, |x, _| if x < 20 { RED } else { BLUE });
    // A big-endian TIFF header and one IFD entry: 0x0112 Orientation, SHORT, 1 value.
    let mut exif = b"MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01".to_vec();
    exif.extend_from_slice(&orientation.to_be_bytes());
    exif.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let mut bytes = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 95);
    encoder.set_exif_metadata(exif).unwrap();
    encoder
        .write_image(picture.as_raw(), 40, 20, image::ExtendedColorType::Rgb8)
        .unwrap();
    bytes
}

fn near(pixel: egui::Color32, want: Rgb<u8>) -> bool {
    let [r, g, b, _] = pixel.to_array();
    [r, g, b]
        .iter()
        .zip(want.0)
        .all(|(a, b)| a.abs_diff(b) < 40)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn exif_orientation_turns_the_picture_upright() {
    let dir = tempfile::tempdir().unwrap();
    let plain = decode(&write(dir.path(), "plain.jpg", &tagged_jpeg(1)), [100, 100]).unwrap();
    assert_eq!(plain.size, [40, 20]);
    assert!(near(plain.pixels[5 * 40 + 2], RED) && near(plain.pixels[5 * 40 + 37], BLUE));

    // 6 = "rotate 90° clockwise to view": the left (red) half ends up on top.
    let turned = decode(
        &write(dir.path(), "turned.jpg", &tagged_jpeg(6)),
        [100, 100],
    )
    .unwrap();
    assert_eq!(turned.size, [20, 40], "width and height swap");
    assert!(near(turned.pixels[2 * 20 + 10], RED), "top is red");
    assert!(near(turned.pixels[37 * 20 + 10], BLUE), "bottom is blue");
}

#[test]
fn pictures_shrink_to_the_zone_keeping_their_aspect_and_never_grow() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "p.jpg", &tagged_jpeg(1));
    assert_eq!(decode(&path, [10, 10]).unwrap().size, [10, 5]);
    assert_eq!(decode(&path, [1000, 1000]).unwrap().size, [40, 20]);
}

#[test]
fn contain_letterboxes_and_cover_crops() {
    let zone = egui::Rect::from_min_size(egui::pos2(100.0, 0.0), egui::vec2(400.0, 200.0));
    // A square picture in a 2:1 zone.
    let (dest, uv) = placement(egui::vec2(50.0, 50.0), zone, Fit::Contain);
    assert_eq!(
        dest,
        egui::Rect::from_center_size(zone.center(), egui::vec2(200.0, 200.0))
    );
    assert_eq!(
        uv,
        egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0))
    );

    let (dest, uv) = placement(egui::vec2(50.0, 50.0), zone, Fit::Cover);
    assert_eq!(dest, zone, "cover fills the zone");
    // Scaled to 400×400, only the middle half of its height shows.
    assert!(
        (uv.min.y - 0.25).abs() < 1e-6 && (uv.max.y - 0.75).abs() < 1e-6,
        "{uv:?}"
    );
    assert_eq!((uv.min.x, uv.max.x), (0.0, 1.0));

    // Cover decodes big enough to still fill the zone after cropping.
    let media = MediaRef {
        sha256: "0".repeat(64),
        size: 0,
        mime: "image/jpeg".into(),
        width: Some(1000),
        height: Some(1000),
        duration_ms: None,
    };
    assert_eq!(
        request_size(&media, egui::vec2(400.0, 200.0), Fit::Contain),
        egui::vec2(400.0, 200.0)
    );
    assert_eq!(
        request_size(&media, egui::vec2(400.0, 200.0), Fit::Cover),
        egui::vec2(800.0, 400.0)
    );
}

fn media(sha: &str) -> MediaRef {
    MediaRef {
        sha256: sha.into(),
        size: 0,
        mime: String::new(),
        width: None,
        height: None,
        duration_ms: None,
    }
}

/// Asks once per "frame" until the loader stops saying `Loading`.
fn settle(loader: &mut ImageLoader, ctx: &egui::Context, sha: &str, max: egui::Vec2) -> ImageState {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        loader.begin_frame();
        match loader.image(ctx, &media(sha), max) {
            ImageState::Loading if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5))
            }
            state => return state,
        }
    }
}

/// A loader over `dir`, where a blob's file is named by its "sha".
fn loader(dir: &Path) -> ImageLoader {
    let dir = dir.to_path_buf();
    ImageLoader::new(Arc::new(move |sha: &str| {
        let path = dir.join(sha);
        path.is_file().then_some(path)
    }))
}

#[test]
fn undecodable_or_missing_pictures_fail_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "garbage", b"this is not a picture at all");
    let mut loader = loader(dir.path());
    let ctx = egui::Context::default();
    match settle(&mut loader, &ctx, "garbage", egui::vec2(100.0, 100.0)) {
        ImageState::Failed(reason) => assert!(reason.contains("cannot be decoded"), "{reason}"),
        _ => panic!("garbage must fail"),
    }
    match settle(&mut loader, &ctx, "absent", egui::vec2(100.0, 100.0)) {
        ImageState::Failed(reason) => {
            assert!(reason.contains("not in the media cache"), "{reason}")
        }
        _ => panic!("a missing file must fail"),
    }
}

#[test]
fn decoding_happens_off_the_ui_thread_and_few_textures_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    // Large enough that decoding takes a while.
    let big = RgbImage::from_fn(3000, 2000, |x, y| {
        Rgb([(x % 251) as u8, (y % 241) as u8, 90])
    });
    for i in 0..6 {
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(big.as_raw(), 3000, 2000, image::ExtendedColorType::Rgb8)
            .unwrap();
        write(dir.path(), &format!("big{i}"), &png);
    }
    let mut loader = loader(dir.path());
    let ctx = egui::Context::default();
    loader.begin_frame();
    let first = loader.image(&ctx, &media("big0"), egui::vec2(300.0, 300.0));
    assert!(
        matches!(first, ImageState::Loading),
        "the UI thread does not wait for the decode"
    );
    // The decode runs meanwhile; the UI thread only polls.
    let ready = settle(&mut loader, &ctx, "big0", egui::vec2(300.0, 300.0));
    let ImageState::Ready(texture) = ready else {
        panic!("a good picture becomes ready")
    };
    assert_eq!(texture.size(), [300, 200], "downscaled to the zone");

    for i in 1..6 {
        let ImageState::Ready(_) = settle(
            &mut loader,
            &ctx,
            &format!("big{i}"),
            egui::vec2(300.0, 300.0),
        ) else {
            panic!("big{i} becomes ready")
        };
        assert!(
            loader.textures() <= KEEP_TEXTURES,
            "{} textures held",
            loader.textures()
        );
    }
    loader.begin_frame();
    let _ = loader.image(&ctx, &media("big5"), egui::vec2(300.0, 300.0));
    assert!(
        loader.textures() <= KEEP_TEXTURES,
        "{} textures held",
        loader.textures()
    );
}
