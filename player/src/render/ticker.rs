//! Tickers: one line of text moving across a strip, in the reading direction: English moves
//! right to left, Persian left to right. The whole line is one texture moved by elapsed time,
//! so a frame costs one textured quad; repaints are capped at `FPS`.

use std::time::Duration;

use egui::emath::GuiRounding;
use egui::{Pos2, Rect, UiBuilder};
use vitrin_shared::content::{Lang, TickerSource};
use vitrin_shared::feed::FeedData;

use super::text::{Direction, Flow, TextStyle, paint_stale_mark, palette};
use super::{Env, Outcome};

/// Repaints per second while a ticker moves: smooth enough to read, a third of the CPU of an
/// uncapped loop on software rendering (FIELD-NOTES).
pub const FPS: f64 = 30.0;
/// Between two items.
const SEPARATOR: &str = "   •   ";

/// The line a ticker shows, or why it cannot show one.
pub fn ticker_text(source: &TickerSource, env: &Env) -> Result<(String, bool), String> {
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
    Ok((items.join(SEPARATOR), stale))
}

/// The left edge of the line `shown_for` seconds after it started, for a line `line_width`
/// wide in a strip `strip`: it enters at the reading start and leaves at the other side, then
/// starts again. `speed` is in points per second.
pub fn line_left(strip: Rect, line_width: f32, dir: Direction, speed: f32, shown_for: f64) -> f32 {
    let cycle = f64::from(line_width + strip.width());
    let travelled = (shown_for.max(0.0) * f64::from(speed)) % cycle;
    match dir {
        // Enters at the right edge, moves left.
        Direction::Ltr => strip.right() - travelled as f32,
        // Enters at the left edge, moves right.
        Direction::Rtl => strip.left() - line_width + travelled as f32,
    }
}

pub fn show(
    ui: &mut egui::Ui,
    rect: egui::Rect,
    source: &TickerSource,
    speed: u32,
    lang: Lang,
    env: &mut Env,
) -> Outcome {
    let (line, stale) = match ticker_text(source, env) {
        Ok(text) => text,
        Err(reason) => return Outcome::Failed(reason),
    };
    let dir = Direction::from(lang);
    ui.painter().rect_filled(rect, 0.0, palette::BAND);
    let style = TextStyle::new(rect.height() * 0.55, palette::TEXT, dir);
    // Unbounded: the texture module ellipsizes only what the GPU could not hold.
    let rendered = env
        .text
        .render(ui.ctx(), &line, &style, Flow::Line, f32::INFINITY, None);
    // `speed` is in pixels per second on a 1080-high screen (the content field's unit), so
    // the same setting looks the same on a 720p or 4K screen. Scaling by the strip's own
    // height instead would crawl: a 100-point strip would move at a tenth of the speed.
    let screen_height = ui.ctx().content_rect().height().max(1.0);
    let speed = speed as f32 * screen_height / 1080.0;
    let left = line_left(rect, rendered.size.x, dir, speed, env.shown_for);
    let top = rect.center().y - rendered.size.y / 2.0;
    let mut strip = ui.new_child(UiBuilder::new().max_rect(rect));
    strip.set_clip_rect(rect.intersect(ui.clip_rect()));
    let min = Pos2::new(left, top).round_to_pixels(ui.pixels_per_point());
    rendered.paint(&mut strip, min);
    if stale {
        paint_stale_mark(ui, env.text, rect, dir);
    }
    ui.ctx()
        .request_repaint_after(Duration::from_secs_f64(1.0 / FPS));
    Outcome::Shown
}
