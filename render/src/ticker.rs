//! Tickers: one line of text moving across a strip, in the reading direction: English moves
//! right to left, Persian left to right. The line is one texture moved by elapsed time, so a
//! frame costs one textured quad; repaints are capped at `FPS`. Items that together are wider
//! than the GPU's largest texture are split into several lines that follow each other.

use std::time::Duration;

use egui::emath::GuiRounding;
use egui::{Pos2, Rect, UiBuilder};
use vitrin_shared::content::{Lang, TickerSource};
use vitrin_shared::feed::FeedData;

use super::text::{Direction, Flow, TextStyle, paint_stale_mark};
use super::{Env, Outcome};

/// Repaints per second while a ticker moves: smooth enough to read, a third of the CPU of an
/// uncapped loop on software rendering (FIELD-NOTES).
pub const FPS: f64 = 30.0;
/// Between two items.
const SEPARATOR: &str = "   •   ";

/// The items a ticker shows and whether they are stale, or why it cannot show any.
pub fn ticker_items<'s, 'a: 's>(
    source: &'s TickerSource,
    env: &Env<'a>,
) -> Result<(Vec<&'s str>, bool), String> {
    let (items, stale): (Vec<&str>, bool) = match source {
        TickerSource::Static { lines } => (lines.iter().map(String::as_str).collect(), false),
        TickerSource::Feed { feed, max_items } => {
            let snapshot = env.feed(*feed)?;
            let FeedData::News { items } = &snapshot.data else {
                return Err(format!(
                    "feed {feed} is a {} feed, not a news feed",
                    snapshot.data.kind()
                ));
            };
            let titles = items
                .iter()
                .take(*max_items as usize)
                .map(|i| i.title.as_str())
                .collect();
            (titles, snapshot.stale)
        }
    };
    let items: Vec<&str> = items
        .into_iter()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    if items.is_empty() {
        return Err("the ticker has no text to show".to_owned());
    }
    Ok((items, stale))
}

/// The items joined into lines, each no wider than `max_width` (the largest texture the GPU
/// takes), so a long feed scrolls line after line instead of being cut off. An item wider on
/// its own gets a line to itself (the text engine ellipsizes it).
fn lines(items: &[&str], max_width: f32, mut width_of: impl FnMut(&str) -> f32) -> Vec<String> {
    // Measuring pieces apart misses kerning and joining across them: keep some slack.
    let max_width = max_width * 0.95;
    let separator = width_of(SEPARATOR);
    let mut lines = Vec::new();
    let (mut line, mut width) = (String::new(), 0.0);
    for item in items {
        let item_width = width_of(item);
        if !line.is_empty() && width + separator + item_width > max_width {
            lines.push(std::mem::take(&mut line));
            width = 0.0;
        }
        if !line.is_empty() {
            line.push_str(SEPARATOR);
            width += separator;
        }
        line.push_str(item);
        width += item_width;
    }
    lines.push(line);
    lines
}

/// The left edge of a line `line_width` wide in `strip` when it has `travelled` points since
/// it started: it enters at the reading start and leaves at the other side.
pub fn line_left(strip: Rect, line_width: f32, dir: Direction, travelled: f64) -> f32 {
    let travelled = travelled as f32;
    match dir {
        // Enters at the right edge, moves left.
        Direction::Ltr => strip.right() - travelled,
        // Enters at the left edge, moves right.
        Direction::Rtl => strip.left() - line_width + travelled,
    }
}

/// Which of the lines (given their widths) is in `strip` after `travelled` points in all, and
/// how far it has travelled itself: each line crosses the whole strip, then the next one
/// comes, and after the last the first again.
pub fn current_line(widths: &[f32], strip_width: f32, travelled: f64) -> (usize, f64) {
    let cycle = |w: f32| f64::from(w + strip_width);
    let total: f64 = widths.iter().map(|w| cycle(*w)).sum();
    let mut left = travelled.max(0.0) % total.max(1.0);
    for (i, w) in widths.iter().enumerate() {
        if left < cycle(*w) {
            return (i, left);
        }
        left -= cycle(*w);
    }
    (0, 0.0)
}

pub fn show(
    ui: &mut egui::Ui,
    rect: egui::Rect,
    source: &TickerSource,
    speed: u32,
    lang: Lang,
    env: &mut Env,
) -> Outcome {
    let (items, stale) = match ticker_items(source, env) {
        Ok(items) => items,
        Err(reason) => return Outcome::Failed(reason),
    };
    show_items(ui, rect, &items, stale, speed, Direction::from(lang), env)
}

/// Scrolls `items` (non-empty, already trimmed) across `rect` in `dir`'s reading direction at
/// `speed` (pixels per second at 1080p), with the stale mark when `stale`. The ticker content
/// and other renderers that show a scrolling line (the reviews ticker) share it.
pub fn show_items(
    ui: &mut egui::Ui,
    rect: egui::Rect,
    items: &[&str],
    stale: bool,
    speed: u32,
    dir: Direction,
    env: &mut Env,
) -> Outcome {
    if items.is_empty() {
        return Outcome::Failed("the ticker has no text to show".to_owned());
    }
    ui.painter().rect_filled(rect, 0.0, env.palette.band);
    let style = TextStyle::new(rect.height() * 0.55, env.palette.text, dir);
    // The texture also carries a margin for overhanging ink of about half the size.
    let max_width =
        ui.ctx().input(|i| i.max_texture_side) as f32 / ui.pixels_per_point() - style.size;
    let lines = lines(items, max_width, |text| {
        env.text.measure(text, &style, Flow::Line, f32::INFINITY).x
    });
    let widths: Vec<f32> = lines
        .iter()
        .map(|line| env.text.measure(line, &style, Flow::Line, f32::INFINITY).x)
        .collect();
    // `speed` is in pixels per second on a 1080-high screen (the content field's unit), so
    // the same setting looks the same on a 720p or 4K screen. Scaling by the strip's own
    // height instead would crawl: a 100-point strip would move at a tenth of the speed.
    let screen_height = ui.ctx().content_rect().height().max(1.0);
    let speed = speed as f32 * screen_height / 1080.0;
    let (current, travelled) =
        current_line(&widths, rect.width(), env.shown_for * f64::from(speed));
    let rendered = env.text.render(
        ui.ctx(),
        &lines[current],
        &style,
        Flow::Line,
        max_width,
        None,
    );
    let left = line_left(rect, rendered.size.x, dir, travelled);
    let top = rect.center().y - rendered.size.y / 2.0;
    let mut strip = ui.new_child(UiBuilder::new().max_rect(rect));
    strip.set_clip_rect(rect.intersect(ui.clip_rect()));
    let min = Pos2::new(left, top).round_to_pixels(ui.pixels_per_point());
    rendered.paint(&mut strip, min);
    if stale {
        paint_stale_mark(ui, env.text, rect, dir, &env.palette);
    }
    ui.ctx()
        .request_repaint_after(Duration::from_secs_f64(1.0 / FPS));
    Outcome::Shown
}
