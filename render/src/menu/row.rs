//! One row of a list: the item's name at the start, its badges after it, leader dots, and its
//! price (or its variants' prices in columns) at the end; under it a small line with the
//! description and calories. And a category's header row, which names the variant columns
//! when all its items share them.
//!
//! Sizes here are in `u`, the size of an item's name in points: a list measures its rows once
//! and then tries sizes until they fit.

use egui::{Rect, pos2, vec2};
use vitrin_shared::content::MenuItem;

use super::{
    Board, badge_width, calories_label, paint_badge, sold_out_label, strike, width_per_point,
};
use crate::Env;
use crate::text::{Align, Flow, TextStyle};

/// Height of the name line.
pub const NAME_LINE: f32 = 1.5;
/// Size and line height of the description and calories line.
pub const SUB_SIZE: f32 = 0.6;
pub const SUB_LINE: f32 = 0.9;
/// Space under every item row.
pub const ROW_GAP: f32 = 0.35;
pub const PRICE_SIZE: f32 = 0.95;
/// A category's name, and the space above it when it does not open a column.
pub const HEADER_SIZE: f32 = 1.1;
pub const HEADER_LINE: f32 = 1.65;
pub const HEADER_SPACE: f32 = 0.5;
/// Height of a badge's pill.
pub const BADGE_HEIGHT: f32 = 0.8;
/// Space between things on one line.
pub const GAP: f32 = 0.4;
/// Space between variant price columns.
const VARIANT_GAP: f32 = 0.9;
/// The shortest run of leader dots a row keeps.
const LEADER_MIN: f32 = 1.5;
/// Widths measured at one size are a little off at another (advances round to pixels):
/// boxes get this much more room so their text never has to shrink.
const SLACK: f32 = 1.02;
/// Variant names in a header are this size.
const VARIANT_NAME_SIZE: f32 = 0.62;

/// How a category's prices are laid out at the end of its rows.
pub struct Prices {
    /// Width of each variant column, in reading order (the first nearest the names).
    slots: Vec<f32>,
    /// The variant names, when every item with variants has the same ones: shown once in
    /// the header, and the rows show bare prices under them.
    pub shared: Option<Vec<String>>,
    /// The whole price block's width.
    pub width: f32,
}

impl Prices {
    pub fn of(items: &[&MenuItem], board: &Board, env: &mut Env) -> Prices {
        let dir = board.dir;
        let with_variants: Vec<&MenuItem> = items
            .iter()
            .copied()
            .filter(|i| !i.variants.is_empty())
            .collect();
        let names = |item: &MenuItem| -> Vec<String> {
            item.variants.iter().map(|v| v.name.clone()).collect()
        };
        let shared = with_variants
            .first()
            .map(|first| names(first))
            .filter(|first| with_variants.iter().all(|item| names(item) == *first));
        let columns = with_variants
            .iter()
            .map(|i| i.variants.len())
            .max()
            .unwrap_or(0);
        let mut slots = vec![0.0f32; columns];
        for item in &with_variants {
            let skip = columns - item.variants.len();
            for (i, variant) in item.variants.iter().enumerate() {
                let text = variant_text(variant, shared.is_some(), board);
                let width = width_per_point(env, &text, true, dir) * PRICE_SIZE * SLACK + 0.05;
                slots[skip + i] = slots[skip + i].max(width);
            }
        }
        if let Some(names) = &shared {
            for (i, name) in names.iter().enumerate() {
                let width =
                    width_per_point(env, name, false, dir) * VARIANT_NAME_SIZE * SLACK + 0.05;
                slots[i] = slots[i].max(width);
            }
        }
        let mut width: f32 =
            slots.iter().sum::<f32>() + VARIANT_GAP * columns.saturating_sub(1) as f32;
        for item in items {
            if item.sold_out {
                width =
                    width.max(width_per_point(env, sold_out_label(dir), true, dir) * PRICE_SIZE);
            } else if item.variants.is_empty() {
                width = width
                    .max(width_per_point(env, &board.money(item.price), true, dir) * PRICE_SIZE);
            }
        }
        Prices {
            slots,
            shared,
            width: width * SLACK + 0.05,
        }
    }

    /// Variant column `i` (in reading order) inside the price block `block`, `u` the size.
    fn slot(&self, i: usize, block: Rect, u: f32, board: &Board) -> Rect {
        let after: f32 = self.slots[i + 1..].iter().map(|w| w + VARIANT_GAP).sum();
        board.at_end(block, after * u, self.slots[i] * u)
    }
}

/// Numbers in a column line up by their last digit, which is on the right in both
/// directions (digits run left to right in Persian too).
fn numbers_align(board: &Board) -> Align {
    match board.dir {
        crate::text::Direction::Rtl => Align::Start,
        crate::text::Direction::Ltr => Align::End,
    }
}

/// A variant's text in its column: its price alone under a shared header, else its name and
/// price (`کوچک ۴۵٬۰۰۰`).
pub fn variant_text(
    variant: &vitrin_shared::content::MenuVariant,
    shared: bool,
    board: &Board,
) -> String {
    if shared {
        board.number(variant.price)
    } else {
        format!("{} {}", variant.name, board.number(variant.price))
    }
}

/// Whether the item has a second, small line.
pub fn has_sub_line(item: &MenuItem) -> bool {
    !item.description.trim().is_empty() || item.calories.is_some()
}

/// An item row's height, space under it included.
pub fn item_height(item: &MenuItem) -> f32 {
    NAME_LINE + if has_sub_line(item) { SUB_LINE } else { 0.0 } + ROW_GAP
}

/// A header row's height; `top` when it opens a column (no space above it).
pub fn header_height(top: bool) -> f32 {
    HEADER_LINE + if top { 0.0 } else { HEADER_SPACE }
}

/// The badges' total width, gaps included, at size `u` = 1.
fn badges_width(item: &MenuItem, board: &Board, env: &mut Env) -> f32 {
    item.badges
        .iter()
        .map(|b| badge_width(*b, BADGE_HEIGHT * 100.0, board.dir, env) / 100.0 + GAP * 0.6)
        .sum()
}

/// The width an item's row needs, at `u` = 1.
pub fn item_width(item: &MenuItem, prices: &Prices, board: &Board, env: &mut Env) -> f32 {
    let dir = board.dir;
    let name = width_per_point(env, &item.name, false, dir);
    let line = name + GAP + badges_width(item, board, env) + LEADER_MIN + GAP + prices.width;
    let mut sub = 0.0;
    if !item.description.trim().is_empty() {
        sub += width_per_point(env, &item.description, false, dir) * SUB_SIZE + GAP;
    }
    if let Some(kcal) = item.calories {
        sub += width_per_point(env, &calories_label(kcal, dir), false, dir) * SUB_SIZE;
    }
    line.max(sub)
}

/// The width a category's header needs, at `u` = 1.
pub fn header_width(name: &str, prices: &Prices, board: &Board, env: &mut Env) -> f32 {
    let name = width_per_point(env, name, true, board.dir) * HEADER_SIZE;
    match prices.shared {
        Some(_) => name + GAP * 2.0 + prices.width,
        None => name,
    }
}

/// Paints an item's row in `rect` (its top `item_height(item) * u`).
#[allow(clippy::too_many_arguments)]
pub fn paint_item(
    ui: &mut egui::Ui,
    rect: Rect,
    item: &MenuItem,
    prices: &Prices,
    u: f32,
    leader: bool,
    board: &Board,
    env: &mut Env,
) {
    let dir = board.dir;
    let palette = env.palette;
    let line = Rect::from_min_size(rect.min, vec2(rect.width(), NAME_LINE * u));
    let block_width = (prices.width * u).min(rect.width() * 0.6);
    let block = board.at_end(line, 0.0, block_width);
    paint_prices(ui, block, item, prices, u, board, env);

    let badges = badges_width(item, board, env) * u;
    let room = rect.width()
        - block_width
        - badges
        - if leader { LEADER_MIN * u } else { GAP * u }
        - GAP * u;
    let name_colour = if item.sold_out {
        palette.muted
    } else {
        palette.text
    };
    let style = TextStyle::new(u, name_colour, dir);
    let painted = env.text.paint(
        ui,
        board.at_start(line, 0.0, room.max(u)),
        &item.name,
        &style,
        Flow::Line,
    );
    if item.sold_out {
        strike(ui, painted, palette.muted);
    }
    let mut offset = painted.width() + GAP * u * 0.8;
    for badge in &item.badges {
        let width = badge_width(*badge, BADGE_HEIGHT * u, dir, env);
        let pill = board.at_start(line, offset, width);
        let pill = Rect::from_center_size(pill.center(), vec2(width, BADGE_HEIGHT * u));
        paint_badge(ui, pill, *badge, dir, env);
        offset += width + GAP * u * 0.6;
    }
    if leader {
        let from = board.at_start(line, offset + GAP * u * 0.4, 0.0).left();
        let to = board.at_end(line, block_width + GAP * u, 0.0).left();
        let (left, right) = (from.min(to), from.max(to));
        let y = line.center().y + u * 0.28;
        let step = u * 0.42;
        if right - left >= u {
            let count = ((right - left) / step).floor() as usize;
            let colour = palette.muted.gamma_multiply(0.7);
            // Dots from the price's side, so they end at the same place on every row.
            for i in 0..=count {
                let x = match dir {
                    crate::text::Direction::Rtl => left + i as f32 * step,
                    crate::text::Direction::Ltr => right - i as f32 * step,
                };
                ui.painter()
                    .circle_filled(pos2(x, y), (u * 0.055).max(1.0), colour);
            }
        }
    }

    if has_sub_line(item) {
        let sub = Rect::from_min_size(
            pos2(rect.left(), line.bottom()),
            vec2(rect.width(), SUB_LINE * u),
        );
        paint_sub_line(ui, sub, item, u * SUB_SIZE, board, env);
    }
}

/// The description, then the calories, on one small muted line.
pub fn paint_sub_line(
    ui: &mut egui::Ui,
    line: Rect,
    item: &MenuItem,
    size: f32,
    board: &Board,
    env: &mut Env,
) {
    let dir = board.dir;
    let style = TextStyle::new(size, env.palette.muted, dir);
    let calories = item.calories.map(|kcal| calories_label(kcal, dir));
    let calories_width = calories
        .as_ref()
        .map_or(0.0, |c| width_per_point(env, c, false, dir) * size + 1.0);
    let mut offset = 0.0;
    if !item.description.trim().is_empty() {
        let room = (line.width() - calories_width - GAP * size * 2.0).max(size);
        let painted = env.text.paint(
            ui,
            board.at_start(line, 0.0, room),
            &item.description,
            &style,
            Flow::Line,
        );
        offset = painted.width() + GAP * size * 2.0;
    }
    if let Some(calories) = calories {
        let rect = board.at_start(line, offset, calories_width.min(line.width() - offset));
        env.text.paint(ui, rect, &calories, &style, Flow::Line);
    }
}

/// An item's prices in the price block: its price, its variants' prices in their columns, or
/// the sold-out word.
fn paint_prices(
    ui: &mut egui::Ui,
    block: Rect,
    item: &MenuItem,
    prices: &Prices,
    u: f32,
    board: &Board,
    env: &mut Env,
) {
    let style = TextStyle::new(u * PRICE_SIZE, env.palette.text, board.dir)
        .bold()
        .align(Align::End);
    if item.sold_out {
        let style = style.color(env.palette.warn);
        env.text
            .paint(ui, block, sold_out_label(board.dir), &style, Flow::Line);
    } else if item.variants.is_empty() || prices.slots.is_empty() {
        env.text
            .paint(ui, block, &board.money(item.price), &style, Flow::Line);
    } else {
        let skip = prices.slots.len().saturating_sub(item.variants.len());
        let style = style.align(numbers_align(board));
        for (i, variant) in item.variants.iter().enumerate() {
            let slot = prices.slot(skip + i, block, u, board);
            let text = variant_text(variant, prices.shared.is_some(), board);
            env.text.paint(ui, slot, &text, &style, Flow::Line);
        }
    }
}

/// A category's header in `rect` (its bottom `HEADER_LINE * u`): its name in the accent
/// colour with a hairline under it, and the shared variant names over their columns.
pub fn paint_header(
    ui: &mut egui::Ui,
    rect: Rect,
    name: &str,
    prices: Option<&Prices>,
    u: f32,
    board: &Board,
    env: &mut Env,
) {
    let dir = board.dir;
    let line = Rect::from_min_max(pos2(rect.left(), rect.bottom() - HEADER_LINE * u), rect.max);
    let accent = env.palette.accent;
    let shared = prices.filter(|p| p.shared.is_some());
    let block_width = shared.map_or(0.0, |p| (p.width * u).min(rect.width() * 0.6));
    let style = TextStyle::new(u * HEADER_SIZE, accent, dir).bold();
    env.text.paint(
        ui,
        board.at_start(line, 0.0, line.width() - block_width - GAP * u),
        name,
        &style,
        Flow::Line,
    );
    if let Some(prices) = shared {
        let block = board.at_end(line, 0.0, block_width);
        let style = TextStyle::new(u * VARIANT_NAME_SIZE, env.palette.muted, dir)
            .align(numbers_align(board));
        for (i, variant) in prices.shared.iter().flatten().enumerate() {
            let slot = prices.slot(i, block, u, board);
            env.text.paint(ui, slot, variant, &style, Flow::Line);
        }
    }
    let y = line.bottom() - u * 0.08;
    ui.painter().line_segment(
        [pos2(line.left(), y), pos2(line.right(), y)],
        egui::Stroke::new((u * 0.04).max(1.0), accent.gamma_multiply(0.35)),
    );
}
