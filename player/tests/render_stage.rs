//! The stage (zones and transitions) drawn by egui's wgpu renderer on the CPU (Mesa lavapipe)
//! and read back pixel by pixel: a free layout's zones land at their rects, and a slide or a
//! push between two pictures shows both items partly, offset by the expected fraction, with no
//! frame where the zone shows the window's background.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use egui::{Color32, Vec2};
use egui_kittest::Harness;
use image::RgbaImage;
use serde_json::json;
use vitrin_player::render::stage::{self, Host, Motion, Stage};
use vitrin_player::render::{ImageState, MediaTextures, Outcome};
use vitrin_shared::content::MediaRef;
use vitrin_shared::manifest::Manifest;
use vitrin_shared::showing::{LayerView, Showing};

/// The window's background, which no frame may show inside a zone.
const BACKGROUND: Color32 = Color32::from_rgb(255, 0, 255);
const RED: Color32 = Color32::from_rgb(220, 30, 30);
/// The red picture's left edge (a tenth of its width), to see where it is during a push.
const DARK_RED: Color32 = Color32::from_rgb(90, 0, 0);
const GREEN: Color32 = Color32::from_rgb(30, 200, 60);
const BLUE: Color32 = Color32::from_rgb(30, 60, 220);
const YELLOW: Color32 = Color32::from_rgb(240, 220, 20);

/// Pictures as solid colours (the red one with a dark left edge), each ready once
/// `ready_after` frames have asked for it.
struct Pictures {
    ready_after: BTreeMap<String, u32>,
    asked: BTreeMap<String, u32>,
    textures: Vec<egui::TextureHandle>,
}

fn colour_of(name: &str) -> Color32 {
    match name {
        "red" => RED,
        "green" => GREEN,
        "blue" => BLUE,
        _ => YELLOW,
    }
}

impl MediaTextures for Pictures {
    fn image(&mut self, ctx: &egui::Context, media: &MediaRef, _max: Vec2) -> ImageState {
        let asked = self.asked.entry(media.sha256.clone()).or_default();
        *asked += 1;
        if *asked <= self.ready_after.get(&media.sha256).copied().unwrap_or(0) {
            return ImageState::Loading;
        }
        let (w, h) = (80, 45);
        let colour = colour_of(&media.sha256);
        let mut image = egui::ColorImage::filled([w, h], colour);
        if media.sha256 == "red" {
            for y in 0..h {
                for x in 0..w / 10 {
                    image.pixels[y * w + x] = DARK_RED;
                }
            }
        }
        let texture = ctx.load_texture(&media.sha256, image, egui::TextureOptions::NEAREST);
        self.textures.push(texture.clone());
        ImageState::Ready(texture)
    }
}

impl Host for Pictures {
    fn video(
        &mut self,
        _ui: &mut egui::Ui,
        _rect: egui::Rect,
        _key: &str,
        _content: i64,
        _media: &MediaRef,
        _muted: bool,
    ) -> Outcome {
        Outcome::Failed("no videos here".into())
    }

    fn keep_videos(&mut self, _keep: &dyn Fn(&str, i64) -> bool) {}
}

fn picture(id: i64, name: &str) -> serde_json::Value {
    json!({"id": id, "name": name, "type": "image", "fit": "cover",
           "media": {"sha256": name, "size": 1, "mime": "image/png", "width": 80, "height": 45}})
}

/// A manifest with one free layout of `regions`, zone `z` playing playlist `z` of `entries`.
fn manifest(regions: serde_json::Value, playlists: &[(&str, serde_json::Value)]) -> Manifest {
    let names: Vec<&str> = playlists.iter().map(|(n, _)| *n).collect();
    serde_json::from_value(json!({
        "api_version": 1,
        "version": 1,
        "server_time": "2026-11-22T06:45:00Z",
        "screen": {"id": 1, "name": "Shelf", "store": 1, "timezone": "Asia/Tehran",
                   "heartbeat_secs": 60, "default_layout": 1},
        "layouts": [{"id": 1, "name": "Free", "template": "free", "regions": regions,
                     "zones": names.iter().enumerate()
                        .map(|(i, n)| json!({"zone": n, "playlist": i + 1}))
                        .collect::<Vec<_>>()}],
        "playlists": playlists.iter().enumerate()
            .map(|(i, (n, entries))| json!({"id": i + 1, "name": n, "entries": entries}))
            .collect::<Vec<_>>(),
        "content": [picture(11, "red"), picture(12, "green"), picture(13, "blue"),
                    picture(14, "yellow"),
                    {"id": 15, "name": "Notice", "type": "text", "title": "۲۰٪", "body": ""}],
        "rules": []
    }))
    .expect("a valid manifest")
}

fn showing(zones: &[(&str, i64)]) -> Showing {
    Showing {
        manifest_version: 1,
        main: Some(LayerView {
            rule: None,
            layout: Some(1),
            zones: zones
                .iter()
                .map(|(z, c)| ((*z).to_owned(), Some(*c)))
                .collect(),
        }),
        overlays: vec![],
        emergency: None,
    }
}

struct Scene {
    stage: Stage,
    host: Pictures,
    manifest: Manifest,
    showing: Showing,
}

/// A harness drawing the stage over the background, the scene shared with the test.
fn harness(size: Vec2, scene: Rc<RefCell<Scene>>) -> Harness<'static> {
    let now: jiff::Zoned = "2026-11-22T10:15:30+03:30[Asia/Tehran]".parse().unwrap();
    Harness::builder().with_size(size).build_ui(move |ui| {
        let screen = ui.ctx().content_rect();
        ui.painter().rect_filled(screen, 0.0, BACKGROUND);
        let scene = &mut *scene.borrow_mut();
        scene.stage.draw(
            ui,
            screen,
            &scene.showing,
            &scene.manifest,
            &now,
            None,
            &mut scene.host,
        );
    })
}

fn pixel(image: &RgbaImage, x: u32, y: u32) -> Color32 {
    let p = image.get_pixel(x, y).0;
    Color32::from_rgb(p[0], p[1], p[2])
}

fn near(a: Color32, b: Color32) -> bool {
    [
        a.r().abs_diff(b.r()),
        a.g().abs_diff(b.g()),
        a.b().abs_diff(b.b()),
    ]
    .iter()
    .all(|d| *d <= 12)
}

#[test]
fn a_free_shelf_strips_zones_are_drawn_at_their_rects_with_the_overlay_on_top() {
    let regions = json!([
        {"name": "right", "rect": {"x": 0.75, "y": 0.0, "w": 0.25, "h": 1.0}},
        {"name": "price", "rect": {"x": 0.45, "y": 0.5, "w": 0.1, "h": 0.5}, "overlay": true},
        {"name": "left", "rect": {"x": 0.0, "y": 0.0, "w": 0.25, "h": 1.0}},
        {"name": "middle", "rect": {"x": 0.25, "y": 0.0, "w": 0.5, "h": 1.0}}
    ]);
    let entry = |c: i64| json!([{"content": c, "duration_ms": 10000}]);
    let manifest = manifest(
        regions,
        &[
            ("right", entry(13)),
            ("price", entry(14)),
            ("left", entry(11)),
            ("middle", entry(12)),
        ],
    );
    let scene = Rc::new(RefCell::new(Scene {
        stage: Stage::default(),
        host: Pictures {
            ready_after: BTreeMap::new(),
            asked: BTreeMap::new(),
            textures: vec![],
        },
        manifest,
        showing: showing(&[("left", 11), ("middle", 12), ("right", 13), ("price", 14)]),
    }));
    let mut harness = harness(Vec2::new(1920.0, 360.0), scene.clone());
    harness.step();
    harness.step();
    let frame = harness.render().expect("wgpu renders on lavapipe");
    assert_eq!((frame.width(), frame.height()), (1920, 360));
    // Left zone: 0–480, middle 480–1440, right 1440–1920.
    for (x, y, want) in [
        (300, 180, RED),
        (478, 350, RED),
        (482, 10, GREEN),
        (960, 100, GREEN),
        (1437, 350, GREEN),
        (1442, 10, BLUE),
        (1917, 350, BLUE),
        // The overlay lies over the middle zone's lower half, drawn on top of it.
        (866, 182, YELLOW),
        (960, 300, YELLOW),
        (1053, 357, YELLOW),
        (960, 178, GREEN),
        (862, 300, GREEN),
    ] {
        let got = pixel(&frame, x, y);
        assert!(near(got, want), "at ({x}, {y}): {got:?}, want {want:?}");
    }
    for x in 0..1920 {
        for y in [0, 179, 359] {
            assert!(
                !near(pixel(&frame, x, y), BACKGROUND),
                "background at ({x}, {y})"
            );
        }
    }
}

#[test]
fn on_a_cleared_frame_an_overlay_zone_still_hides_the_zone_beneath() {
    // The window clears its frames to the brand's background, so zones lying on the frame
    // leave their background fill out; an overlay zone lies on another zone and must not.
    let regions = json!([
        {"name": "notice", "rect": {"x": 0.4, "y": 0.25, "w": 0.2, "h": 0.5}, "overlay": true},
        {"name": "main", "rect": {"x": 0.0, "y": 0.0, "w": 1.0, "h": 1.0}}
    ]);
    let entry = |c: i64| json!([{"content": c, "duration_ms": 10000}]);
    let manifest = manifest(regions, &[("notice", entry(15)), ("main", entry(12))]);
    let scene = Rc::new(RefCell::new(Scene {
        stage: Stage::on_cleared_frames(),
        host: Pictures {
            ready_after: BTreeMap::new(),
            asked: BTreeMap::new(),
            textures: vec![],
        },
        manifest,
        showing: showing(&[("main", 12), ("notice", 15)]),
    }));
    let mut harness = harness(Vec2::new(1280.0, 720.0), scene.clone());
    harness.step();
    harness.step();
    let frame = harness.render().expect("wgpu renders on lavapipe");
    let background = scene.borrow().stage.palette().background;
    // The notice spans 512–768 × 180–540; its corners hold no text.
    for (x, y, want) in [
        (100, 100, GREEN),
        (508, 300, GREEN),
        (516, 186, background),
        (764, 534, background),
    ] {
        let got = pixel(&frame, x, y);
        assert!(near(got, want), "at ({x}, {y}): {got:?}, want {want:?}");
    }
}

/// Red shows, then green comes in by `transition`: every frame is checked, and the frames
/// that were drawn are returned with their progress.
fn transition(transition: serde_json::Value, motion: Motion) -> Vec<f32> {
    // One zone in the middle of a 1280×720 screen: 640×360 at (320, 180).
    let regions = json!([{"name": "main", "rect": {"x": 0.25, "y": 0.25, "w": 0.5, "h": 0.5}}]);
    let entries = json!([
        {"content": 11, "duration_ms": 10000},
        {"content": 12, "duration_ms": 10000, "transition": transition}
    ]);
    let scene = Rc::new(RefCell::new(Scene {
        stage: Stage::default(),
        host: Pictures {
            // Green takes three frames to decode: until then red stays, whole and still.
            ready_after: [("green".to_owned(), 3)].into(),
            asked: BTreeMap::new(),
            textures: vec![],
        },
        manifest: manifest(regions, &[("main", entries)]),
        showing: showing(&[("main", 11)]),
    }));
    let mut harness = harness(Vec2::new(1280.0, 720.0), scene.clone());
    harness.step();
    harness.step();
    assert!(scene.borrow().stage.transition("main/main").is_none());
    scene.borrow_mut().showing = showing(&[("main", 12)]);
    let (left, top, w, h) = (320u32, 180u32, 640u32, 360u32);
    let mut seen = Vec::new();
    for frame_number in 0..400 {
        harness.step();
        let state = scene.borrow().stage.transition("main/main");
        let frame = harness.render().expect("wgpu renders on lavapipe");
        let Some(state) = state else {
            // Done: green alone, in place.
            assert!(near(pixel(&frame, left + 2, top + 2), GREEN));
            assert!(near(pixel(&frame, left + w - 3, top + h - 3), GREEN));
            break;
        };
        assert_eq!((state.from, state.to, state.motion), (11, 12, motion));
        let p = state.progress;
        if frame_number < 3 {
            assert_eq!(p, 0.0, "nothing moves before the picture is ready");
        }
        seen.push(p);
        // Green covers the zone's first `covered` columns, from the left.
        let covered = (stage::ease(p) * w as f32).round() as u32;
        for y in [top + 1, top + h / 2, top + h - 2] {
            for x in left..left + w {
                let got = pixel(&frame, x, y);
                assert!(
                    !near(got, BACKGROUND),
                    "{motion:?} at {p}: background at ({x}, {y})"
                );
                let dx = x - left;
                if dx + 1 < covered {
                    assert!(near(got, GREEN), "{motion:?} at {p}: ({x}, {y}) is {got:?}");
                } else if dx > covered {
                    // Under a slide, red stays where it was (its dark edge covered first);
                    // under a push it moves along, its dark edge just right of green.
                    let red_x = match motion {
                        Motion::Push => dx - covered,
                        _ => dx,
                    };
                    let want = if red_x < w / 10 - 1 {
                        DARK_RED
                    } else if red_x > w / 10 + 1 {
                        RED
                    } else {
                        got
                    };
                    assert!(
                        near(got, want),
                        "{motion:?} at {p}: ({x}, {y}) is {got:?}, want {want:?}"
                    );
                }
            }
            // Clipped to the zone: the screen's background just outside it.
            assert!(near(pixel(&frame, left - 2, y), BACKGROUND));
            assert!(near(pixel(&frame, left + w + 1, y), BACKGROUND));
        }
        assert!(near(pixel(&frame, left + w / 2, top - 2), BACKGROUND));
    }
    assert!(
        scene.borrow().stage.transition("main/main").is_none(),
        "the transition ends"
    );
    eprintln!("{motion:?}: the frames drawn had come {seen:?} of the way");
    assert!(
        seen.iter().any(|p| (0.15..0.85).contains(p)),
        "a frame mid-way, with both partly visible: {seen:?}"
    );
    seen
}

#[test]
fn a_slide_brings_the_next_picture_in_over_the_last_from_the_left() {
    transition(json!({"type": "slide", "ms": 1500}), Motion::Slide);
}

#[test]
fn a_push_moves_the_last_picture_out_as_the_next_comes_in() {
    transition(json!({"type": "push", "ms": 1500}), Motion::Push);
}
