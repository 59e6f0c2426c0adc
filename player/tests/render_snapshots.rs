//! Persian menu lines drawn by the player's text engine (cosmic-text, rasterised into a texture
//! and rendered by egui's wgpu renderer on the CPU, Mesa lavapipe) against a reference drawing
//! of the same strings by HarfBuzz through Debian's `pango-view`, using the same bundled
//! Vazirmatn file.
//!
//! The two rasterisers differ in antialiasing and subpixel placement, so the images are not
//! compared exactly: both are binarised, cropped to their ink's bounding box, and compared by
//! how much of each one's ink lies within a pixel of the other's, at the best shift of up to
//! three pixels. The threshold is tight enough that the mistakes that matter fail, which the
//! test proves on every line: words in the wrong order, letters left unjoined.

use std::path::{Path, PathBuf};
use std::process::Command;

use egui::{Color32, Pos2, Vec2};
use egui_kittest::Harness;
use image::{GrayImage, RgbaImage};
use vitrin_player::render::text::{Direction, Flow, TextCache, TextStyle};

/// Pixels per em for both renderers.
const SIZE: f32 = 48.0;
/// Share of ink within a pixel of the other rendering's ink that a correct rendering reaches
/// (measured on these lines: 0.99–1.00 when correct, 0.41–0.50 with the words reversed,
/// 0.50–0.84 with the letters unjoined).
const SAME: f64 = 0.90;

/// The lines of a Persian menu, with Latin words and numbers inside.
const LINES: [(&str, Direction); 4] = [
    ("کاپوچینو Cappuccino ۱۲۰٬۰۰۰", Direction::Rtl),
    ("قهوه ترک ۹۵٬۰۰۰ تومان", Direction::Rtl),
    ("Espresso اسپرسو 80,000", Direction::Ltr),
    ("چای سبز (Green tea) ۴۵٬۰۰۰", Direction::Rtl),
];

fn fonts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../render/assets/fonts")
}

/// `pango-view`, or `None` (with a notice) when it is missing outside CI.
fn pango_view() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("pango-view"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        if std::env::var_os("CI").is_some() {
            panic!("pango-view is not on PATH (Debian package pango1.0-tools)");
        }
        eprintln!("notice: pango-view not found; skipping the HarfBuzz comparison");
    }
    found
}

/// A fontconfig that knows the bundled fonts and nothing else, so pango cannot fall back to a
/// system font.
fn fontconfig(dir: &Path) -> PathBuf {
    let conf = dir.join("fonts.conf");
    std::fs::write(
        &conf,
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n\
             <dir>{}</dir>\n<cachedir>{}</cachedir>\n</fontconfig>\n",
            fonts_dir().display(),
            dir.join("cache").display()
        ),
    )
    .unwrap();
    conf
}

/// The reference: HarfBuzz shaping and pango's bidi, white on black.
fn pango_render(pango: &Path, work: &Path, text: &str, dir: Direction) -> GrayImage {
    let out = work.join("reference.png");
    let mut command = Command::new(pango);
    command
        .env("FONTCONFIG_FILE", fontconfig(work))
        .arg(format!("--font=Vazirmatn {SIZE}"))
        .args(["--pixels", "--hinting=none", "--antialias=gray"])
        .args([
            "--foreground=white",
            "--background=black",
            "--margin=20",
            "-q",
        ])
        .arg(format!("--output={}", out.display()))
        .arg(format!("--text={text}"));
    if dir == Direction::Rtl {
        command.args(["--rtl", "--align=right"]);
    }
    let status = command.status().expect("pango-view runs");
    assert!(status.success(), "pango-view failed for {text:?}");
    luminance(
        &image::open(&out)
            .expect("pango-view wrote a PNG")
            .to_rgba8(),
    )
}

/// Height of the band each text is drawn in.
const BAND: f32 = 160.0;

/// The engine under test, through egui and wgpu like on a screen: each text white on black
/// in its own band of one frame (one GPU setup for all of them), cut apart again.
fn engine_render(texts: &[(String, Direction)]) -> Vec<GrayImage> {
    let owned = texts.to_vec();
    let mut cache = TextCache::new();
    let mut harness = Harness::builder()
        .with_size(Vec2::new(1400.0, BAND * texts.len() as f32))
        .build_ui(move |ui| {
            let screen = ui.ctx().content_rect();
            ui.painter().rect_filled(screen, 0.0, Color32::BLACK);
            for (i, (text, dir)) in owned.iter().enumerate() {
                let style = TextStyle::new(SIZE, Color32::WHITE, *dir);
                let rendered =
                    cache.render(ui.ctx(), text, &style, Flow::Line, f32::INFINITY, None);
                rendered.paint(ui, Pos2::new(40.0, 40.0 + BAND * i as f32));
            }
        });
    harness.run_steps(2);
    let frame = luminance(&harness.render().expect("wgpu renders on lavapipe"));
    (0..texts.len())
        .map(|i| {
            image::imageops::crop_imm(
                &frame,
                0,
                BAND as u32 * i as u32,
                frame.width(),
                BAND as u32,
            )
            .to_image()
        })
        .collect()
}

fn luminance(image: &RgbaImage) -> GrayImage {
    GrayImage::from_fn(image.width(), image.height(), |x, y| {
        let [r, g, b, _] = image.get_pixel(x, y).0;
        image::Luma([((u32::from(r) * 3 + u32::from(g) * 6 + u32::from(b)) / 10) as u8])
    })
}

/// The ink (pixels brighter than mid-grey), cropped to its bounding box.
fn ink(image: &GrayImage) -> Vec<Vec<bool>> {
    let lit = |x: u32, y: u32| image.get_pixel(x, y).0[0] >= 128;
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (u32::MAX, u32::MAX, 0, 0);
    for y in 0..image.height() {
        for x in 0..image.width() {
            if lit(x, y) {
                (min_x, min_y) = (min_x.min(x), min_y.min(y));
                (max_x, max_y) = (max_x.max(x), max_y.max(y));
            }
        }
    }
    assert!(min_x <= max_x, "no ink at all");
    (min_y..=max_y)
        .map(|y| (min_x..=max_x).map(|x| lit(x, y)).collect())
        .collect()
}

/// The share of `a`'s ink within one pixel of `b`'s ink and the other way round, whichever is
/// lower, at the best small shift: antialiasing moves stroke edges by a pixel, which plain
/// intersection over union punishes on thin strokes.
fn near_overlap(a: &[Vec<bool>], b: &[Vec<bool>]) -> f64 {
    let at = |ink: &[Vec<bool>], x: i64, y: i64| {
        y >= 0 && x >= 0 && ink.get(y as usize).and_then(|row| row.get(x as usize)) == Some(&true)
    };
    let near = |ink: &[Vec<bool>], x: i64, y: i64| {
        (-1..=1).any(|dy| (-1..=1).any(|dx| at(ink, x + dx, y + dy)))
    };
    let share = |from: &[Vec<bool>], to: &[Vec<bool>], dx: i64, dy: i64| {
        let (mut ink, mut matched) = (0u64, 0u64);
        for (y, row) in from.iter().enumerate() {
            for (x, lit) in row.iter().enumerate() {
                if *lit {
                    ink += 1;
                    matched += u64::from(near(to, x as i64 + dx, y as i64 + dy));
                }
            }
        }
        matched as f64 / ink.max(1) as f64
    };
    let mut best: f64 = 0.0;
    for dy in -3..=3 {
        for dx in -3..=3 {
            best = best.max(share(a, b, dx, dy).min(share(b, a, -dx, -dy)));
        }
    }
    best
}

fn save_for_inspection(name: &str, image: &GrayImage) -> PathBuf {
    let path = std::env::temp_dir().join(format!("vitrin-text-{name}.png"));
    image.save(&path).unwrap();
    path
}

/// Words in reverse order: what a renderer without bidi (or with bidi applied twice) shows.
fn reversed_words(text: &str) -> String {
    text.split(' ').rev().collect::<Vec<_>>().join(" ")
}

/// Every letter in its isolated form: what a renderer that does not shape Arabic script shows.
fn unjoined(text: &str) -> String {
    text.chars()
        .flat_map(|c| [c, '\u{200C}'])
        .collect::<String>()
}

#[test]
fn persian_menu_lines_match_harfbuzz_and_reversed_or_unjoined_text_does_not() {
    let Some(pango) = pango_view() else { return };
    let work = tempfile::tempdir().unwrap();
    // Per line: the text, its words reversed, its letters unjoined.
    let variants: Vec<(String, Direction)> = LINES
        .iter()
        .flat_map(|(text, dir)| {
            [text.to_string(), reversed_words(text), unjoined(text)].map(|t| (t, *dir))
        })
        .collect();
    let ours = engine_render(&variants);
    for (i, (text, dir)) in LINES.iter().enumerate() {
        let reference = pango_render(&pango, work.path(), text, *dir);
        let [same, reversed, unjoined] = [0, 1, 2].map(|v| ink(&ours[i * 3 + v]));
        let reference_ink = ink(&reference);
        let [same, reversed, unjoined] =
            [same, reversed, unjoined].map(|ours| near_overlap(&reference_ink, &ours));
        eprintln!("{text:?}: same {same:.3}, reversed {reversed:.3}, unjoined {unjoined:.3}");
        if same < SAME {
            let a = save_for_inspection(&format!("{i}-pango"), &reference);
            let b = save_for_inspection(&format!("{i}-ours"), &ours[i * 3]);
            panic!("{text:?}: ink overlap {same:.3} < {SAME} (see {a:?} and {b:?})");
        }
        assert!(
            reversed < SAME,
            "{text:?}: reversed word order still overlaps {reversed:.3}"
        );
        assert!(
            unjoined < SAME,
            "{text:?}: unjoined letters still overlap {unjoined:.3}"
        );
    }
}

#[test]
fn fonts_dir_holds_the_bundled_vazirmatn() {
    for face in [
        "Vazirmatn-Regular.ttf",
        "Vazirmatn-Bold.ttf",
        "OFL-Vazirmatn.txt",
    ] {
        assert!(fonts_dir().join(face).is_file(), "{face}");
    }
}
