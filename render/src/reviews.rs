//! Customers' approved reviews, as the server put them in the manifest (newest first):
//!
//! - `Slide`: one review at a time, large enough to read from across a café: a row of five
//!   drawn stars (the rating's in the brand's accent, the price colour, the rest dim), the
//!   review as a quotation, wrapped and centred, shrunk to fit but never below a readable size
//!   (then ellipsized), and who wrote it about which store. The reviews take turns every
//!   `TURN_SECONDS` of the item's showing (`Env::shown_for`), the clock a menu's pages turn by.
//! - `Ticker`: all of them in one scrolling line, through the ticker's own renderer.
//!
//! `lang` sets the direction: Persian reads from the right (its stars fill from the right too),
//! English from the left. Stars are drawn, not typed: none of the bundled typefaces has ★.

use egui::{Color32, Pos2, Rect, Shape, Stroke, Vec2, pos2, vec2};
use vitrin_shared::content::{Lang, Review, ReviewStyle};

use super::text::{Align, Direction, Flow, TextStyle};
use super::{Env, Outcome};

/// A review shows this long before the next one (a menu's page as long).
pub const TURN_SECONDS: f64 = crate::menu::PAGE_SECONDS;
/// Stars of the best rating.
pub const STARS: u8 = 5;
/// The quotation's wanted size, as a share of the zone's shorter side. It may shrink to
/// `text::MIN_SHRINK` (0.45) of this, about 1/28 of the side: above a menu item's smallest
/// size (`menu::MIN_TEXT`), so still readable from across the room.
const QUOTE_TEXT: f32 = 0.08;
/// The reviews ticker's speed, pixels per second at 1080p (the ticker content's default).
const TICKER_SPEED: u32 = 120;
/// Stands for a star in the ticker's line (ARABIC FIVE POINTED STAR, in Vazirmatn and Sahel;
/// cosmic-text falls back to them for Parastoo).
const TICKER_STAR: char = '\u{066D}';

/// The reviews to show: with text, at least `min_rating` stars, at most `max_items`, in the
/// manifest's order. The server already chose them by these rules; applying them again keeps
/// a manifest edited by hand (or a rule changed since) from showing what the item excludes.
pub fn shown_reviews(reviews: &[Review], min_rating: u8, max_items: u32) -> Vec<&Review> {
    reviews
        .iter()
        .filter(|r| !r.text.trim().is_empty() && r.rating >= min_rating)
        .take(max_items.max(1) as usize)
        .collect()
}

/// Shows `reviews` (as `shown_reviews` chose them) in `style`.
pub fn show(
    ui: &mut egui::Ui,
    rect: Rect,
    style: ReviewStyle,
    lang: Lang,
    reviews: &[&Review],
    env: &mut Env,
) -> Outcome {
    if reviews.is_empty() {
        return Outcome::Failed("no approved reviews yet".into());
    }
    let dir = Direction::from(lang);
    match style {
        ReviewStyle::Slide => {
            let turn = crate::menu::current_page(ui, reviews.len(), env.shown_for);
            show_slide(ui, rect, reviews[turn], dir, env)
        }
        ReviewStyle::Ticker => {
            let items: Vec<String> = reviews.iter().map(|r| ticker_item(r, dir)).collect();
            let items: Vec<&str> = items.iter().map(String::as_str).collect();
            crate::ticker::show_items(ui, rect, &items, false, TICKER_SPEED, dir, env)
        }
    }
}

/// One review on the whole zone: stars, the quotation, the signature.
fn show_slide(
    ui: &mut egui::Ui,
    rect: Rect,
    review: &Review,
    dir: Direction,
    env: &mut Env,
) -> Outcome {
    crate::paint_background(ui, rect, env);
    let short = rect.width().min(rect.height());
    let margin = short * 0.06;
    let area = rect.shrink(margin);
    let gap = margin * 0.5;

    let stars_height = (area.height() * 0.14).min(area.width() / 6.0);
    let stars = Rect::from_min_size(area.min, vec2(area.width(), stars_height));
    paint_stars(ui, stars, review.rating, dir, env);

    let mut quote_area = Rect::from_min_max(pos2(area.left(), stars.bottom() + gap), area.max);
    let signature = signature(review, dir);
    if let Some(signature) = &signature {
        let height = (area.height() * 0.1).max(12.0);
        let line = Rect::from_min_max(pos2(area.left(), area.bottom() - height), area.max);
        let style = TextStyle::new(height / LINE, env.palette.muted, dir).align(Align::Center);
        env.text.paint(ui, line, signature, &style, Flow::Line);
        quote_area.max.y = line.top() - gap;
    }
    if quote_area.height() >= 1.0 {
        let text = quotation(&review.text, dir);
        let style = TextStyle::new((short * QUOTE_TEXT).max(12.0), env.palette.text, dir)
            .align(Align::Center);
        paint_centred(ui, quote_area, &text, &style, env);
    }
    Outcome::Shown
}

/// A line of text is this many times its size high (`text::LINE_HEIGHT`).
const LINE: f32 = crate::text::LINE_HEIGHT;

/// Paints a wrapped text in `area` as `TextCache::paint` does, but centred vertically: the
/// box is as tall as the fitted text.
fn paint_centred(ui: &mut egui::Ui, area: Rect, text: &str, style: &TextStyle, env: &mut Env) {
    let fitted = env.text.fit(text, style, Flow::Wrapped, area.size());
    if fitted.ellipsized {
        env.text.paint(ui, area, text, style, Flow::Wrapped);
        return;
    }
    let style = style.size(fitted.size);
    let height = env
        .text
        .measure(text, &style, Flow::Wrapped, area.width())
        .y
        .min(area.height());
    let top = area.center().y - height / 2.0;
    let boxed = Rect::from_min_size(pos2(area.left(), top), vec2(area.width(), height));
    env.text.paint(ui, boxed, text, &style, Flow::Wrapped);
}

/// The review in the language's quotation marks, as one paragraph (its line breaks become
/// spaces: a customer's comment reads as one, and the text engine bounds an ellipsized
/// text's height a paragraph at a time).
pub fn quotation(text: &str, dir: Direction) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match dir {
        Direction::Rtl => format!("«{text}»"),
        Direction::Ltr => format!("\u{201c}{text}\u{201d}"),
    }
}

/// `— سارا، شعبه ونک`, `— Sara, Vanak branch`: who wrote it about which store, leaving out
/// what is empty; `None` when both are.
pub fn signature(review: &Review, dir: Direction) -> Option<String> {
    let parts: Vec<&str> = [review.by.trim(), review.store.trim()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return None;
    }
    let comma = match dir {
        Direction::Rtl => "، ",
        Direction::Ltr => ", ",
    };
    Some(format!("— {}", parts.join(comma)))
}

/// A review as an item of the scrolling line: `٭٭٭٭٭ «text» — by`.
pub fn ticker_item(review: &Review, dir: Direction) -> String {
    let stars: String =
        std::iter::repeat_n(TICKER_STAR, usize::from(review.rating.clamp(1, STARS))).collect();
    let mut item = format!("{stars} {}", quotation(&review.text, dir));
    if !review.by.trim().is_empty() {
        item.push_str(" — ");
        item.push_str(review.by.trim());
    }
    item
}

/// The stars' accessible name: `۴ از ۵ ستاره`, `4 of 5 stars`.
pub fn stars_label(rating: u8, dir: Direction) -> String {
    let rating = rating.clamp(1, STARS);
    match dir {
        Direction::Rtl => {
            let digit = |n: u8| char::from_u32(0x06F0 + u32::from(n)).unwrap_or('?');
            format!("{} از {} ستاره", digit(rating), digit(STARS))
        }
        Direction::Ltr => format!("{rating} of {STARS} stars"),
    }
}

/// Five stars centred in `row`, as large as its height allows: the first `rating` (from the
/// reading start) in the accent colour, the others dim.
fn paint_stars(ui: &mut egui::Ui, row: Rect, rating: u8, dir: Direction, env: &Env) {
    let rating = rating.clamp(1, STARS);
    let side = row.height().min(row.width() / (f32::from(STARS) * 1.25));
    let step = side * 1.25;
    let width = step * f32::from(STARS) - (step - side);
    let strip = Rect::from_center_size(row.center(), vec2(width, side));
    let dim = env.palette.muted.gamma_multiply(0.35);
    for i in 0..STARS {
        let offset = step * f32::from(i);
        let left = match dir {
            Direction::Ltr => strip.left() + offset,
            Direction::Rtl => strip.right() - offset - side,
        };
        let cell = Rect::from_min_size(pos2(left, strip.top()), Vec2::splat(side));
        let colour = if i < rating { env.palette.accent } else { dim };
        paint_star(ui, cell, colour);
    }
    let label = stars_label(rating, dir);
    ui.allocate_rect(strip, egui::Sense::hover())
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &label));
}

/// A five-pointed star filling `cell`: a fan of triangles from its centre (the star is not
/// convex, which egui's polygon fill needs), edged with a thin outline for smooth edges.
fn paint_star(ui: &egui::Ui, cell: Rect, colour: Color32) {
    let outer = cell.width() / 2.0;
    let inner = outer * 0.48;
    // A star's points reach less far down than up: lower it to look centred.
    let centre = cell.center() + vec2(0.0, outer * 0.1);
    let points: Vec<Pos2> = (0..10)
        .map(|k| {
            let angle = -std::f32::consts::FRAC_PI_2 + k as f32 * std::f32::consts::PI / 5.0;
            let radius = if k % 2 == 0 { outer } else { inner };
            centre + radius * Vec2::angled(angle)
        })
        .collect();
    let mut mesh = egui::Mesh::default();
    mesh.colored_vertex(centre, colour);
    for point in &points {
        mesh.colored_vertex(*point, colour);
    }
    for k in 0..10u32 {
        mesh.add_triangle(0, 1 + k, 1 + (k + 1) % 10);
    }
    let painter = ui.painter();
    painter.add(Shape::mesh(mesh));
    painter.add(Shape::closed_line(
        points,
        Stroke::new((outer * 0.04).max(1.0), colour),
    ));
}
