//! A screen that is a tile of a wall draws the whole wall's layout and shows its own part of it:
//! the middle screen of a 1×3 wall shows the middle third of a picture spanning the wall. Drawn
//! by the real stage through `stage::on_wall`, rendered on the CPU (wgpu on lavapipe).

use egui::Vec2;
use egui_kittest::Harness;
use vitrin_player::render::stage::on_wall;
use vitrin_player::render::stage::{Host, Stage};
use vitrin_player::render::{ImageState, MediaTextures, Outcome};
use vitrin_shared::content::MediaRef;
use vitrin_shared::manifest::{Loaded, Manifest, WallTile};
use vitrin_shared::showing::Showing;

const RED: egui::Color32 = egui::Color32::from_rgb(220, 30, 30);
const GREEN: egui::Color32 = egui::Color32::from_rgb(30, 200, 30);
const BLUE: egui::Color32 = egui::Color32::from_rgb(30, 30, 220);
/// One screen of the wall.
const SCREEN: Vec2 = Vec2::new(320.0, 180.0);

/// The picture: three bands, red | green | blue, as wide as the wall is (3 × 16:9).
struct Bands {
    texture: Option<egui::TextureHandle>,
}

impl MediaTextures for Bands {
    fn image(&mut self, ctx: &egui::Context, _media: &MediaRef, _max: Vec2) -> ImageState {
        let texture = self.texture.get_or_insert_with(|| {
            let (w, h) = (48usize, 9usize);
            let pixels = (0..w * h)
                .map(|i| match (i % w) * 3 / w {
                    0 => RED,
                    1 => GREEN,
                    _ => BLUE,
                })
                .collect();
            let image = egui::ColorImage::new([w, h], pixels);
            ctx.load_texture("bands", image, egui::TextureOptions::NEAREST)
        });
        ImageState::Ready(texture.clone())
    }
}

impl Host for Bands {
    fn video(
        &mut self,
        _ui: &mut egui::Ui,
        _rect: egui::Rect,
        _key: &str,
        _content: i64,
        _media: &MediaRef,
        _muted: bool,
    ) -> Outcome {
        Outcome::Failed("no video here".into())
    }

    fn keep_videos(&mut self, _keep: &dyn Fn(&str, i64) -> bool) {}
}

fn manifest(wall: Option<WallTile>) -> Manifest {
    serde_json::from_value(serde_json::json!({
        "api_version": 1, "version": 1, "server_time": "2026-11-22T06:00:00Z",
        "screen": {"id": 1, "name": "Wall", "store": 1, "timezone": "Asia/Tehran",
                   "heartbeat_secs": 60, "default_layout": 1, "wall": wall},
        "layouts": [{"id": 1, "name": "Full", "template": "fullscreen",
                     "zones": [{"zone": "main", "playlist": 1}]}],
        "playlists": [{"id": 1, "name": "Banner", "entries": [{"content": 1, "duration_ms": 3_600_000}]}],
        "content": [{"id": 1, "name": "Banner", "type": "image", "fit": "contain",
                     "media": {"sha256": "ab".repeat(32), "size": 1, "mime": "image/png",
                               "width": 48, "height": 9}}],
        "rules": [],
    }))
    .expect("a manifest")
}

struct Screen {
    stage: Stage,
    host: Bands,
    loaded: Loaded,
    showing: Showing,
}

/// What the screen at `col` of a 1×3 wall (or a screen of its own) shows.
fn render(wall: Option<WallTile>) -> image::RgbaImage {
    let loaded = Loaded::new(manifest(wall), String::new()).expect("loads");
    let at: jiff::Timestamp = "2026-11-22T08:00:00Z".parse().unwrap();
    let showing = Showing::of(&loaded.schedule.resolve(at, &loaded.tz), 1);
    let screen = Screen {
        stage: Stage::default(),
        host: Bands { texture: None },
        loaded,
        showing,
    };
    let mut harness = Harness::builder().with_size(SCREEN).build_ui_state(
        move |ui, s: &mut Screen| {
            // The whole frame, as the window's is (the harness's panel has a margin).
            let rect = egui::Rect::from_min_size(egui::Pos2::ZERO, SCREEN);
            let ui = &mut ui.new_child(egui::UiBuilder::new().max_rect(rect));
            ui.set_clip_rect(rect);
            let now = jiff::Timestamp::from_second(1_795_000_000)
                .unwrap()
                .to_zoned(s.loaded.tz.clone());
            let tile = s.loaded.manifest.screen.wall;
            let (stage, host) = (&mut s.stage, &mut s.host);
            on_wall(ui, rect, tile, |ui, canvas| {
                stage.draw(ui, canvas, &s.showing, &s.loaded.manifest, &now, None, host)
            });
        },
        screen,
    );
    harness.run_steps(6);
    harness.render().expect("wgpu renders on lavapipe")
}

fn near(pixel: &image::Rgba<u8>, colour: egui::Color32) -> bool {
    let [r, g, b, _] = pixel.0;
    [r, g, b]
        .iter()
        .zip([colour.r(), colour.g(), colour.b()])
        .all(|(a, b)| a.abs_diff(b) < 40)
}

/// The share of the frame's pixels (sampled on a grid inside a 4 px border) that are `colour`.
fn share(frame: &image::RgbaImage, colour: egui::Color32) -> f64 {
    let (w, h) = frame.dimensions();
    let (mut hits, mut all) = (0, 0);
    for y in (4..h - 4).step_by(5) {
        for x in (4..w - 4).step_by(5) {
            all += 1;
            if near(frame.get_pixel(x, y), colour) {
                hits += 1;
            }
        }
    }
    f64::from(hits) / f64::from(all)
}

fn tile(col: u8) -> Option<WallTile> {
    Some(WallTile {
        cols: 3,
        rows: 1,
        col,
        row: 0,
    })
}

#[test]
fn the_middle_tile_of_a_1x3_wall_shows_the_middle_third_of_a_picture_spanning_it() {
    let middle = render(tile(1));
    if let Ok(dir) = std::env::var("WALL_TILE_DUMP") {
        middle.save(format!("{dir}/middle.png")).unwrap();
        render(None).save(format!("{dir}/alone.png")).unwrap();
    }
    assert!(
        share(&middle, GREEN) > 0.99,
        "the middle screen is the picture's middle third: green {}, red {}, blue {}",
        share(&middle, GREEN),
        share(&middle, RED),
        share(&middle, BLUE)
    );
    let left = render(tile(0));
    assert!(share(&left, RED) > 0.99, "the left screen: red");
    let right = render(tile(2));
    assert!(share(&right, BLUE) > 0.99, "the right screen: blue");
    // A screen of its own shows the whole picture, letterboxed: all three bands.
    let alone = render(None);
    for colour in [RED, GREEN, BLUE] {
        let part = share(&alone, colour);
        assert!(
            part > 0.05 && part < 0.5,
            "a screen of its own: {colour:?} {part}"
        );
    }
}
