//! The hero theme: the featured item (the first marked so, else the first with a picture)
//! large on a panel with its photo, on the start side of a landscape zone (the right in
//! Persian) or on top of a portrait one; the other items as a list beside or under it. On a
//! wall the featured item has the first screen to itself and the list flows over the others.

use egui::{Rect, pos2, vec2};
use vitrin_shared::content::MenuItem;

use super::row::{self, GAP};
use super::{
    Board, Paging, Section, badge_width, corner_radius, list, paint_badge, paint_photo,
    sold_out_label, strike, width_per_point,
};
use crate::Env;
use crate::text::{Align, Flow, TextStyle};

pub(super) fn paint(
    ui: &mut egui::Ui,
    body: Rect,
    sections: &[Section],
    columns: u8,
    board: &Board,
    env: &mut Env,
) -> Paging {
    let items = || sections.iter().flat_map(|s| s.items.iter().copied());
    let hero = items()
        .find(|i| i.featured)
        .or_else(|| items().find(|i| i.image.is_some()))
        .or_else(|| items().next())
        .expect("a menu with items");
    let rest: Vec<Section> = sections
        .iter()
        .map(|s| Section {
            name: s.name,
            items: s
                .items
                .iter()
                .copied()
                .filter(|i| !std::ptr::eq(*i, hero))
                .collect(),
        })
        .filter(|s| !s.items.is_empty())
        .collect();
    let gap = body.width().min(body.height()) * 0.04;
    let cells = env.seams.cells(body, board.dir);
    let (panel, list_cells) = if cells.len() > 1 {
        (
            off_the_seams(cells[0], body, gap / 2.0),
            cells[1..].to_vec(),
        )
    } else if rest.is_empty() {
        (body, Vec::new())
    } else if body.width() >= body.height() {
        let width = body.width() * 0.44;
        (
            board.at_start(body, 0.0, width),
            vec![board.at_end(body, 0.0, body.width() - width - gap)],
        )
    } else {
        let (top, bottom) = body.split_top_bottom_at_fraction(0.42);
        (
            top,
            vec![Rect::from_min_max(
                pos2(bottom.left(), bottom.top() + gap),
                bottom.max,
            )],
        )
    };
    paint_hero(ui, panel, hero, board, env);
    if rest.is_empty() {
        return Paging::ONE;
    }
    list::paint_list(ui, &list_cells, &rest, columns, true, board, env)
}

/// `cell` kept `margin` off the seams around it; its sides on the body's edge stay.
fn off_the_seams(cell: Rect, body: Rect, margin: f32) -> Rect {
    let mut kept = cell;
    if cell.left() > body.left() + 1.0 {
        kept.min.x += margin;
    }
    if cell.right() < body.right() - 1.0 {
        kept.max.x -= margin;
    }
    if cell.top() > body.top() + 1.0 {
        kept.min.y += margin;
    }
    if cell.bottom() < body.bottom() - 1.0 {
        kept.max.y -= margin;
    }
    kept
}

/// The featured item on its panel: the photo, then its badges, name, description, calories
/// and price — under the photo on a tall panel, beside it on a wide one.
fn paint_hero(ui: &mut egui::Ui, panel: Rect, item: &MenuItem, board: &Board, env: &mut Env) {
    let dir = board.dir;
    let palette = env.palette;
    let radius = panel.width().min(panel.height()) * 0.04;
    ui.painter()
        .rect_filled(panel, corner_radius(radius), palette.band);
    let pad = panel.width().min(panel.height()) * 0.05;
    let inner = panel.shrink(pad);
    let (photo, text) = if panel.height() >= panel.width() {
        let (photo, text) = inner.split_top_bottom_at_fraction(0.56);
        (
            photo,
            Rect::from_min_max(pos2(text.left(), text.top() + pad), text.max),
        )
    } else {
        let side = inner.height().min(inner.width() * 0.5);
        (
            board.at_start(inner, 0.0, side),
            board.at_end(inner, 0.0, inner.width() - side - pad),
        )
    };
    paint_photo(ui, photo, item, radius * 0.7, env);

    // Rows, in sizes of `h`: badges 1.0, name 1.6, description 2 × 0.9, calories 0.9, price 1.8.
    let has_description = !item.description.trim().is_empty();
    let mut units = 1.6 + 1.8;
    units += if item.badges.is_empty() { 0.0 } else { 1.0 };
    units += if has_description { 1.8 } else { 0.0 };
    units += if item.calories.is_some() { 0.9 } else { 0.0 };
    let h = (text.height() / units)
        .min(board.max_text * 1.25)
        .min(text.width() / 8.0);
    let mut y = text.top();
    let mut take = |height: f32| {
        let rect = Rect::from_min_size(pos2(text.left(), y), vec2(text.width(), height));
        y += height;
        rect
    };
    if !item.badges.is_empty() {
        let line = take(h);
        let mut offset = 0.0;
        for badge in &item.badges {
            let height = h * 0.8;
            let width = badge_width(*badge, height, dir, env);
            let pill = board.at_start(line, offset, width);
            paint_badge(
                ui,
                Rect::from_center_size(pill.center(), vec2(width, height)),
                *badge,
                dir,
                env,
            );
            offset += width + GAP * h * 0.6;
        }
    }
    let name_colour = if item.sold_out {
        palette.muted
    } else {
        palette.text
    };
    let name_style = TextStyle::new(h * 1.05, name_colour, dir).bold();
    let painted = env
        .text
        .paint(ui, take(h * 1.6), &item.name, &name_style, Flow::Line);
    if item.sold_out {
        strike(ui, painted, palette.muted);
    }
    if has_description {
        let style = TextStyle::new(h * 0.58, palette.muted, dir);
        env.text
            .paint(ui, take(h * 1.8), &item.description, &style, Flow::Wrapped);
    }
    if let Some(kcal) = item.calories {
        let style = TextStyle::new(h * 0.55, palette.muted, dir);
        let label = super::calories_label(kcal, dir);
        env.text
            .paint(ui, take(h * 0.9), &label, &style, Flow::Line);
    }
    let price_line = take(h * 1.8);
    let style = TextStyle::new(h * 1.1, palette.accent, dir).bold();
    if item.sold_out {
        env.text.paint(
            ui,
            price_line,
            sold_out_label(dir),
            &style.color(palette.warn),
            Flow::Line,
        );
    } else if item.variants.is_empty() {
        env.text
            .paint(ui, price_line, &board.money(item.price), &style, Flow::Line);
    } else {
        // Each variant with its name, one after the other from the start.
        let size = h * 0.85;
        let texts: Vec<String> = item
            .variants
            .iter()
            .map(|v| row::variant_text(v, false, board))
            .collect();
        let widths: Vec<f32> = texts
            .iter()
            .map(|t| width_per_point(env, t, true, dir) * size + 1.0)
            .collect();
        let spacing = GAP * size * 2.0;
        let total: f32 = widths.iter().sum::<f32>() + spacing * (texts.len() - 1) as f32;
        let squeeze = (price_line.width() / total).min(1.0);
        let mut offset = 0.0;
        for (text, width) in texts.iter().zip(widths) {
            let rect = board.at_start(price_line, offset, width * squeeze);
            let style = TextStyle::new(size, palette.accent, dir)
                .bold()
                .align(Align::Start);
            env.text.paint(ui, rect, text, &style, Flow::Line);
            offset += (width + spacing) * squeeze;
        }
    }
}
