//! Menu boards, designed: a title row (with the brand's logo in its end corner), then the
//! categories in one of three themes, all in the brand kit's colours and typeface:
//!
//! - `List` (`list`): rows of name, badges, leader dots and price, in columns no wider than
//!   their content needs, so a price stays next to its item on a wide screen;
//! - `Cards` (`cards`): a grid of cards, each with its photo (or a drawn placeholder), name,
//!   description and price;
//! - `Hero` (`hero`): the featured item large with its photo on the start side, the rest as a
//!   list on the other.
//!
//! Persian menus read from the right: names on the right, prices on the left, Persian digits;
//! English the mirror, with Latin digits. An item's variants (small, large...) show their
//! prices in columns that line up across a category's rows. Text never shrinks below a
//! readable size (`MIN_TEXT`): what does not fit is split into pages that take turns every
//! `PAGE_SECONDS`, with a small page indicator.

mod cards;
mod hero;
mod list;
mod row;

use std::time::Duration;

use egui::{Color32, Rect, pos2, vec2};
use vitrin_shared::calendar::{Digits, format_number};
use vitrin_shared::content::{Badge, Fit, Menu, MenuItem, MenuTheme, MoneyUnit};

use super::currency::format_money;
use super::text::{Align, Direction, Flow, TextStyle};
use super::{Env, ImageState, Outcome};

/// A page of a menu that does not fit shows this long before the next one.
pub const PAGE_SECONDS: f64 = 8.0;
/// The smallest size of an item's name, as a share of the zone's shorter side (30 px on a
/// 1080-pixel screen): readable from across a shop. Below it the board pages instead.
pub const MIN_TEXT: f32 = 1.0 / 36.0;
/// The largest size of an item's name, as a share of the zone's shorter side.
const MAX_TEXT: f32 = 1.0 / 16.0;

/// How a board is written: its direction, digits and money unit, and the sizes its text may
/// take.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Board {
    pub dir: Direction,
    pub digits: Digits,
    pub unit: MoneyUnit,
    /// Item names are never smaller than this (points)...
    pub min_text: f32,
    /// ...nor larger than this.
    pub max_text: f32,
}

impl Board {
    /// The part of `rect` `width` wide that starts `offset` from its start edge (the right
    /// edge in Persian).
    pub fn at_start(&self, rect: Rect, offset: f32, width: f32) -> Rect {
        match self.dir {
            Direction::Rtl => Rect::from_min_max(
                pos2(rect.right() - offset - width, rect.top()),
                pos2(rect.right() - offset, rect.bottom()),
            ),
            Direction::Ltr => Rect::from_min_max(
                pos2(rect.left() + offset, rect.top()),
                pos2(rect.left() + offset + width, rect.bottom()),
            ),
        }
    }

    /// The part of `rect` `width` wide that ends `offset` from its end edge (the left edge in
    /// Persian).
    pub fn at_end(&self, rect: Rect, offset: f32, width: f32) -> Rect {
        match self.dir {
            Direction::Rtl => Rect::from_min_max(
                pos2(rect.left() + offset, rect.top()),
                pos2(rect.left() + offset + width, rect.bottom()),
            ),
            Direction::Ltr => Rect::from_min_max(
                pos2(rect.right() - offset - width, rect.top()),
                pos2(rect.right() - offset, rect.bottom()),
            ),
        }
    }

    /// A price with its unit: `۱۲۰٬۰۰۰ تومان`, `120,000 Toman`.
    pub fn money(&self, amount: i64) -> String {
        format_money(amount, self.unit, self.digits)
    }

    /// A price alone, for variant columns whose unit the board names once.
    pub fn number(&self, amount: i64) -> String {
        format_number(amount, self.digits)
    }
}

/// A category as a theme draws it (the hero theme leaves its featured item out).
pub(crate) struct Section<'a> {
    pub name: &'a str,
    pub items: Vec<&'a MenuItem>,
}

/// Which page of how many a board shows now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Paging {
    pub page: usize,
    pub pages: usize,
}

impl Paging {
    pub const ONE: Paging = Paging { page: 0, pages: 1 };
}

pub fn show(ui: &mut egui::Ui, rect: egui::Rect, menu: &Menu, env: &mut Env) -> Outcome {
    let sections: Vec<Section> = menu
        .categories
        .iter()
        .filter(|c| !c.items.is_empty())
        .map(|c| Section {
            name: &c.name,
            items: c.items.iter().collect(),
        })
        .collect();
    if sections.is_empty() {
        return Outcome::Failed("the menu has no items".to_owned());
    }
    let dir = Direction::of_text(&format!(
        "{}{}",
        menu.title,
        menu.categories.first().map_or("", |c| c.name.as_str())
    ));
    let short = rect.width().min(rect.height());
    let board = Board {
        dir,
        digits: match dir {
            Direction::Rtl => Digits::Persian,
            Direction::Ltr => Digits::Latin,
        },
        unit: menu.unit,
        min_text: (short * MIN_TEXT).max(12.0),
        max_text: (short * MAX_TEXT).max(12.0),
    };
    crate::paint_background(ui, rect, env);
    let margin = short * 0.03;
    let frame = rect.shrink(margin);
    let mut body = frame;
    if !menu.title.trim().is_empty() || env.brand.logo.is_some() {
        let height = (frame.height() * 0.11).min(150.0);
        let title_row = Rect::from_min_size(frame.min, vec2(frame.width(), height));
        // On a wall the title (and logo) stay on the first screen in reading order.
        let title_row = env.seams.segments(title_row, board.dir)[0];
        paint_title(ui, title_row, &menu.title, &board, env);
        body.min.y += height + margin * 0.6;
    }
    // A strip under the board for the page indicator and the unit of unit-less prices.
    body.max.y -= margin * 0.3;
    let paging = match menu.theme {
        MenuTheme::List => list::paint(ui, body, &sections, menu.columns, &board, env),
        MenuTheme::Cards => cards::paint(ui, body, &sections, &board, env),
        MenuTheme::Hero => hero::paint(ui, body, &sections, menu.columns, &board, env),
    };
    let footer = Rect::from_min_max(pos2(frame.left(), body.bottom()), rect.right_bottom());
    let footer = Rect::from_min_max(
        footer.min,
        pos2(frame.right(), footer.bottom() - margin * 0.1),
    );
    let has_variants = sections
        .iter()
        .flat_map(|s| &s.items)
        .any(|i| !i.variants.is_empty());
    paint_footer(ui, footer, paging, has_variants, &board, env);
    Outcome::Shown
}

/// The page to show now of `pages`, turning every `PAGE_SECONDS` of the item's showing; asks
/// for a repaint when the next page is due (a static page needs none before).
pub(crate) fn current_page(ui: &egui::Ui, pages: usize, shown_for: f64) -> usize {
    if pages <= 1 {
        return 0;
    }
    let turns = (shown_for.max(0.0) / PAGE_SECONDS).floor();
    let next = (turns + 1.0) * PAGE_SECONDS - shown_for;
    ui.ctx()
        .request_repaint_after(Duration::from_secs_f64(next.max(0.05)));
    turns as usize % pages
}

/// The title in the middle of its row, the logo contained in the row's end corner.
fn paint_title(ui: &mut egui::Ui, row: Rect, title: &str, board: &Board, env: &mut Env) {
    let side = row.height();
    let mut title_rect = row;
    if let Some(logo) = &env.brand.logo {
        let corner = board.at_end(row, 0.0, side).shrink(side * 0.06);
        let want =
            crate::picture::request_size(logo, corner.size() * ui.pixels_per_point(), Fit::Contain);
        match env.media.image(ui.ctx(), logo, want) {
            ImageState::Ready(texture) => paint_contained(ui, corner, &texture, "logo"),
            // Text first; the logo appears when decoded.
            ImageState::Loading => {}
            ImageState::Failed(reason) => {
                tracing::warn!(%reason, "the brand's logo is not shown");
            }
        }
        // Kept centred: the same room on both sides.
        title_rect = row.shrink2(vec2(side * 1.1, 0.0));
    }
    let style = TextStyle::new(row.height() * 0.62, env.palette.accent, board.dir)
        .bold()
        .align(Align::Center);
    env.text.paint(ui, title_rect, title, &style, Flow::Line);
}

/// The page indicator (`۱/۲`) in the end corner, and the unit of prices shown without it
/// (variant columns) in the start corner.
fn paint_footer(
    ui: &mut egui::Ui,
    strip: Rect,
    paging: Paging,
    unit_note: bool,
    board: &Board,
    env: &mut Env,
) {
    let size = (strip.height() / 1.6).max(8.0);
    let style = TextStyle::new(size, env.palette.muted, board.dir);
    // On a wall: the note on the first screen, the page on the last one.
    let screens = env.seams.segments(strip, board.dir);
    let (first, last) = (screens[0], screens[screens.len() - 1]);
    if paging.pages > 1 {
        let label = page_label(paging.page, paging.pages, board.digits);
        let corner = board.at_end(last, 0.0, last.width() * 0.3);
        env.text
            .paint(ui, corner, &label, &style.align(Align::End), Flow::Line);
    }
    if unit_note {
        let note = prices_note(board.unit, board.dir);
        let corner = board.at_start(first, 0.0, first.width() * 0.5);
        env.text.paint(ui, corner, note, &style, Flow::Line);
    }
}

/// `۱/۲`: the page shown (from 1) of how many.
pub fn page_label(page: usize, pages: usize, digits: Digits) -> String {
    format!(
        "{}/{}",
        format_number(page as i64 + 1, digits),
        format_number(pages as i64, digits)
    )
}

/// The note that names the unit of prices shown as bare numbers.
pub fn prices_note(unit: MoneyUnit, dir: Direction) -> &'static str {
    match (unit, dir) {
        (MoneyUnit::Toman, Direction::Rtl) => "قیمت‌ها به تومان",
        (MoneyUnit::Rial, Direction::Rtl) => "قیمت‌ها به ریال",
        (MoneyUnit::Toman, Direction::Ltr) => "Prices in Toman",
        (MoneyUnit::Rial, Direction::Ltr) => "Prices in Rial",
    }
}

/// The mark shown instead of a sold-out item's price.
pub fn sold_out_label(dir: Direction) -> &'static str {
    match dir {
        Direction::Rtl => "ناموجود",
        Direction::Ltr => "Sold out",
    }
}

/// A badge's word.
pub fn badge_label(badge: Badge, dir: Direction) -> &'static str {
    match (badge, dir) {
        (Badge::New, Direction::Rtl) => "جدید",
        (Badge::ChefsPick, Direction::Rtl) => "پیشنهاد سرآشپز",
        (Badge::Spicy, Direction::Rtl) => "تند",
        (Badge::Vegetarian, Direction::Rtl) => "گیاهی",
        (Badge::Vegan, Direction::Rtl) => "وگان",
        (Badge::New, Direction::Ltr) => "New",
        (Badge::ChefsPick, Direction::Ltr) => "Chef's pick",
        (Badge::Spicy, Direction::Ltr) => "Spicy",
        (Badge::Vegetarian, Direction::Ltr) => "Vegetarian",
        (Badge::Vegan, Direction::Ltr) => "Vegan",
    }
}

/// An item's energy: `۲۵۰ کیلوکالری`, `250 kcal`.
pub fn calories_label(kcal: u32, dir: Direction) -> String {
    match dir {
        Direction::Rtl => format!(
            "{} کیلوکالری",
            format_number(i64::from(kcal), Digits::Persian)
        ),
        Direction::Ltr => format!("{} kcal", format_number(i64::from(kcal), Digits::Latin)),
    }
}

/// The colours of a badge's pill: its fill and its word.
fn badge_colours(badge: Badge, env: &Env) -> (Color32, Color32) {
    let fill = match badge {
        Badge::New | Badge::ChefsPick => env.palette.accent,
        Badge::Spicy => env.palette.warn,
        Badge::Vegetarian | Badge::Vegan => Color32::from_rgb(0x2f, 0x9e, 0x5b),
    };
    (fill, readable_on(fill))
}

/// Near-black or white, whichever reads better on `fill`.
fn readable_on(fill: Color32) -> Color32 {
    let luminance = 0.2126 * f32::from(fill.r()) / 255.0
        + 0.7152 * f32::from(fill.g()) / 255.0
        + 0.0722 * f32::from(fill.b()) / 255.0;
    if luminance > 0.45 {
        Color32::from_rgb(0x16, 0x14, 0x12)
    } else {
        Color32::WHITE
    }
}

/// Paints a badge as a pill in `rect` (its height sets the word's size).
fn paint_badge(ui: &mut egui::Ui, rect: Rect, badge: Badge, dir: Direction, env: &mut Env) {
    let (fill, ink) = badge_colours(badge, env);
    ui.painter()
        .rect_filled(rect, corner_radius(rect.height() / 2.0), fill);
    let style = TextStyle::new(rect.height() / 1.6, ink, dir)
        .bold()
        .align(Align::Center);
    env.text.paint(
        ui,
        rect.shrink2(vec2(rect.height() * 0.3, 0.0)),
        badge_label(badge, dir),
        &style,
        Flow::Line,
    );
}

/// A badge's pill width for a pill `height` high.
fn badge_width(badge: Badge, height: f32, dir: Direction, env: &mut Env) -> f32 {
    let style = TextStyle::new(height / 1.6, Color32::WHITE, dir).bold();
    env.text
        .measure(badge_label(badge, dir), &style, Flow::Line, f32::INFINITY)
        .x
        + height * 0.6
        + 1.0
}

pub(crate) fn corner_radius(radius: f32) -> egui::CornerRadius {
    egui::CornerRadius::same(radius.round().clamp(0.0, 255.0) as u8)
}

/// An item's photo covering `rect` with rounded corners (dimmed when sold out), or a drawn
/// plate while it decodes or when the item has none.
fn paint_photo(ui: &mut egui::Ui, rect: Rect, item: &MenuItem, radius: f32, env: &mut Env) {
    if let Some(media) = &item.image {
        let want =
            crate::picture::request_size(media, rect.size() * ui.pixels_per_point(), Fit::Cover);
        match env.media.image(ui.ctx(), media, want) {
            ImageState::Ready(texture) => {
                let (_, uv) = crate::picture::placement(texture.size_vec2(), rect, Fit::Cover);
                let tint = if item.sold_out {
                    Color32::from_gray(110)
                } else {
                    Color32::WHITE
                };
                ui.put(
                    rect,
                    egui::Image::new((texture.id(), rect.size()))
                        .uv(uv)
                        .fit_to_exact_size(rect.size())
                        .corner_radius(corner_radius(radius))
                        .tint(tint)
                        .alt_text(format!("picture: {}", item.name)),
                );
                return;
            }
            // Text first; the picture appears when decoded (the loader asks for a repaint).
            ImageState::Loading => {}
            ImageState::Failed(reason) => {
                tracing::warn!(item = %item.name, %reason, "menu item picture not shown");
            }
        }
    }
    paint_placeholder(ui, rect, radius, env);
}

/// Where a photo would be: a quiet panel with a plate drawn on it.
fn paint_placeholder(ui: &mut egui::Ui, rect: Rect, radius: f32, env: &Env) {
    let palette = &env.palette;
    let panel = mix(palette.band, palette.text, 0.06);
    let painter = ui.painter();
    painter.rect_filled(rect, corner_radius(radius), panel);
    let plate = rect.width().min(rect.height()) * 0.3;
    let ink = mix(panel, palette.muted, 0.55);
    let stroke = egui::Stroke::new((plate * 0.06).max(1.0), ink);
    painter.circle_stroke(rect.center(), plate, stroke);
    painter.circle_stroke(rect.center(), plate * 0.62, stroke);
    // A fork and a knife either side of the plate.
    for side in [-1.0f32, 1.0] {
        let x = rect.center().x + side * plate * 1.45;
        painter.line_segment(
            [
                pos2(x, rect.center().y - plate * 0.8),
                pos2(x, rect.center().y + plate * 0.8),
            ],
            stroke,
        );
    }
}

/// `a` moved `t` of the way to `b`.
fn mix(a: Color32, b: Color32, t: f32) -> Color32 {
    let lerp = |x: u8, y: u8| (f32::from(x) + (f32::from(y) - f32::from(x)) * t).round() as u8;
    Color32::from_rgb(lerp(a.r(), b.r()), lerp(a.g(), b.g()), lerp(a.b(), b.b()))
}

/// A line through a sold-out item's name.
fn strike(ui: &egui::Ui, painted: Rect, colour: Color32) {
    if painted.width() <= 0.0 {
        return;
    }
    let y = painted.center().y + painted.height() * 0.04;
    ui.painter().line_segment(
        [pos2(painted.left(), y), pos2(painted.right(), y)],
        egui::Stroke::new((painted.height() * 0.05).max(1.5), colour),
    );
}

/// Paints `texture` as large as fits in `rect`, centred, keeping its aspect ratio; `alt` names
/// it for AccessKit.
pub(super) fn paint_contained(
    ui: &mut egui::Ui,
    rect: Rect,
    texture: &egui::TextureHandle,
    alt: &str,
) {
    let size = texture.size_vec2();
    if size.x <= 0.0 || size.y <= 0.0 {
        return;
    }
    let scale = (rect.width() / size.x).min(rect.height() / size.y);
    let shown = Rect::from_center_size(rect.center(), size * scale);
    ui.put(
        shown,
        egui::Image::new((texture.id(), shown.size()))
            .fit_to_exact_size(shown.size())
            .alt_text(alt),
    );
}

/// The size `text` takes per point of text size, on one line.
fn width_per_point(env: &mut Env, text: &str, bold: bool, dir: Direction) -> f32 {
    /// Measured once at this size and scaled: shaping is linear in the size.
    const REFERENCE: f32 = 100.0;
    let mut style = TextStyle::new(REFERENCE, Color32::WHITE, dir);
    if bold {
        style = style.bold();
    }
    env.text.measure(text, &style, Flow::Line, f32::INFINITY).x / REFERENCE
}
