//! Persian menu lines drawn by the player's text engine (cosmic-text, rasterised into a texture
//! and rendered by egui's wgpu renderer on the CPU, Mesa lavapipe) against a reference drawing
//! of the same strings by HarfBuzz through Debian's `pango-view`, using the same bundled font
//! file, for every bundled typeface (Vazirmatn, Sahel, Parastoo).
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
use vitrin_shared::brand::Typeface;

/// Pixels per em for both renderers.
const SIZE: f32 = 48.0;
/// Per typeface, the share of ink within a pixel of the other rendering's ink that a correct
/// rendering reaches. Measured on these lines (correct / words reversed / letters unjoined):
/// - Vazirmatn: 0.990–1.000 / 0.415–0.499 / 0.501–0.837;
/// - Sahel: 0.987–0.999 / 0.368–0.441 / 0.446–0.823;
/// - Parastoo (a Naskh face: more overhangs and swashes, so a little lower when correct):
///   0.973–0.988 / 0.336–0.422 / 0.415–0.827.
///
/// Each threshold lies about midway between the worst correct line and the best wrong one.
const SAME: [(Typeface, f64); 3] = [
    (Typeface::Vazirmatn, 0.90),
    (Typeface::Sahel, 0.90),
    (Typeface::Parastoo, 0.90),
];

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
fn pango_render(
    pango: &Path,
    work: &Path,
    face: Typeface,
    text: &str,
    dir: Direction,
) -> GrayImage {
    let out = work.join("reference.png");
    let mut command = Command::new(pango);
    command
        .env("FONTCONFIG_FILE", fontconfig(work))
        .arg(format!("--font={} {SIZE}", face.family()))
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
fn engine_render(face: Typeface, texts: &[(String, Direction)]) -> Vec<GrayImage> {
    let owned = texts.to_vec();
    let mut cache = TextCache::new();
    cache.set_typeface(face);
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

/// Compares every line in `face` with pango's drawing; returns a failure per line that
/// does not match, or whose reversed or unjoined forms still match.
fn compare_face(pango: &Path, face: Typeface, same: f64) -> Vec<String> {
    let work = tempfile::tempdir().unwrap();
    // Per line: the text, its words reversed, its letters unjoined.
    let variants: Vec<(String, Direction)> = LINES
        .iter()
        .flat_map(|(text, dir)| {
            [text.to_string(), reversed_words(text), unjoined(text)].map(|t| (t, *dir))
        })
        .collect();
    let ours = engine_render(face, &variants);
    let mut failures = Vec::new();
    for (i, (text, dir)) in LINES.iter().enumerate() {
        let reference = pango_render(pango, work.path(), face, text, *dir);
        let [correct, reversed, unjoined] = [0, 1, 2].map(|v| ink(&ours[i * 3 + v]));
        let reference_ink = ink(&reference);
        let [correct, reversed, unjoined] =
            [correct, reversed, unjoined].map(|ours| near_overlap(&reference_ink, &ours));
        eprintln!(
            "{face:?} {text:?}: same {correct:.3}, reversed {reversed:.3}, unjoined {unjoined:.3}"
        );
        if correct < same {
            let name = format!("{face:?}-{i}");
            let a = save_for_inspection(&format!("{name}-pango"), &reference);
            let b = save_for_inspection(&format!("{name}-ours"), &ours[i * 3]);
            failures.push(format!(
                "{face:?} {text:?}: ink overlap {correct:.3} < {same} (see {a:?} and {b:?})"
            ));
        }
        if reversed >= same {
            failures.push(format!(
                "{face:?} {text:?}: reversed word order still overlaps {reversed:.3}"
            ));
        }
        if unjoined >= same {
            failures.push(format!(
                "{face:?} {text:?}: unjoined letters still overlap {unjoined:.3}"
            ));
        }
    }
    failures
}

#[test]
fn persian_menu_lines_match_harfbuzz_and_reversed_or_unjoined_text_does_not() {
    let Some(pango) = pango_view() else { return };
    assert_eq!(
        SAME.map(|(face, _)| face),
        Typeface::ALL,
        "a threshold for every bundled typeface"
    );
    let failures: Vec<String> = SAME
        .iter()
        .flat_map(|(face, same)| compare_face(&pango, *face, *same))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fonts_dir_holds_the_bundled_typefaces() {
    for face in [
        "Vazirmatn-Regular.ttf",
        "Vazirmatn-Bold.ttf",
        "OFL-Vazirmatn.txt",
        "Sahel.ttf",
        "Sahel-Bold.ttf",
        "OFL-Sahel.txt",
        "Parastoo.ttf",
        "Parastoo-Bold.ttf",
        "OFL-Parastoo.txt",
    ] {
        assert!(fonts_dir().join(face).is_file(), "{face}");
    }
}
