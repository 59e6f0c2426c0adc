//! The cards theme: each category's items as a grid of cards in the brand's surface colour,
//! each with its photo (or a drawn plate) on top, its badges over the photo's start corner,
//! then its name, description, calories and price. Cards take the largest size at which the
//! whole menu fits; past the smallest readable size the rows of cards are split into pages.

use egui::{Rect, pos2, vec2};
use vitrin_shared::content::MenuItem;

use super::row::{self, GAP, HEADER_LINE};
use super::{
    Board, Paging, Section, badge_width, corner_radius, current_page, paint_badge, paint_photo,
    sold_out_label, strike, width_per_point,
};
use crate::Env;
use crate::text::{Align, Flow, TextStyle};

/// A card's width and parts, in text sizes.
const CARD_WIDTH: f32 = 10.0;
const PAD: f32 = 0.35;
const PHOTO: f32 = 5.2;
const NAME: f32 = 1.5;
/// Two lines of description.
const DESCRIPTION: f32 = 1.8;
const PRICE: f32 = 1.5;
const CARD_HEIGHT: f32 = PAD + PHOTO + 0.2 + NAME + DESCRIPTION + PRICE + PAD;
/// Space between cards.
const CARD_GAP: f32 = 0.7;
const STEP: f32 = 0.93;

/// A run of one section's cards on a shelf: section, items `start..end`, and whether its
/// category's name stands above it (the first run of a category, or the first on a page).
#[derive(Debug, Clone, Copy)]
struct Run {
    section: usize,
    start: usize,
    end: usize,
    header: bool,
}

/// A row of cards across the zone: several short categories side by side, or one row of a
/// long one.
type Shelf = Vec<Run>;

pub(super) fn paint(
    ui: &mut egui::Ui,
    body: Rect,
    sections: &[Section],
    board: &Board,
    env: &mut Env,
) -> Paging {
    // On a wall the body is cut where its screens meet, screen rows first, each row in
    // reading order: every screen shows whole shelves, a page of them each.
    let cells = env.seams.cells(body, board.dir);
    let width = cells.iter().map(Rect::width).fold(f32::INFINITY, f32::min);
    let height = cells.iter().map(Rect::height).fold(f32::INFINITY, f32::min);
    let fit = |u: f32| pack(sections, columns_at(u, width), width / u, height / u);
    let mut u = board.max_text;
    let mut pages;
    loop {
        pages = fit(u);
        if pages.len() <= cells.len() || u <= board.min_text {
            break;
        }
        u = (u * STEP).max(board.min_text);
    }
    let screenfuls: Vec<&[Vec<Shelf>]> = pages.chunks(cells.len()).collect();
    let page = current_page(ui, screenfuls.len(), env.shown_for);
    for (cell, shelves) in cells.iter().zip(screenfuls[page]) {
        let centred = screenfuls.len() == 1;
        paint_shelves(ui, *cell, shelves, centred, u, sections, board, env);
    }
    Paging {
        page,
        pages: screenfuls.len(),
    }
}

/// One page of shelves in `area`: in its middle when the whole menu fits (`centred`), from
/// its top when it pages.
#[allow(clippy::too_many_arguments)]
fn paint_shelves(
    ui: &mut egui::Ui,
    area: Rect,
    shelves: &[Shelf],
    centred: bool,
    u: f32,
    sections: &[Section],
    board: &Board,
    env: &mut Env,
) {
    let card_width = (CARD_WIDTH * u).min(area.width());
    let gap = CARD_GAP * u;
    let height: f32 = shelves.iter().map(shelf_height).sum::<f32>() * u;
    let mut y = if centred {
        area.top() + ((area.height() - height) / 2.0).max(0.0)
    } else {
        area.top()
    };
    for shelf in shelves {
        let h = shelf_height(shelf) * u;
        let cards: usize = shelf.iter().map(|r| r.end - r.start).sum();
        let width = cards as f32 * card_width
            + (cards - shelf.len()) as f32 * gap
            + (shelf.len() - 1) as f32 * SECTION_GAP * u;
        let row = Rect::from_center_size(
            pos2(area.center().x, y + h / 2.0),
            vec2(width.min(area.width()), h),
        );
        let headed = shelf.iter().any(|r| r.header);
        let mut offset = 0.0;
        for run in shelf {
            let count = run.end - run.start;
            let run_width = count as f32 * card_width + (count - 1) as f32 * gap;
            let area = board.at_start(row, offset, run_width);
            let mut top = area.top();
            if headed {
                let header = Rect::from_min_size(area.min, vec2(area.width(), HEADER_LINE * u));
                if run.header {
                    row::paint_header(ui, header, sections[run.section].name, None, u, board, env);
                }
                top += (HEADER_LINE + 0.3) * u;
            }
            for (n, item) in sections[run.section].items[run.start..run.end]
                .iter()
                .enumerate()
            {
                let slot = board.at_start(area, n as f32 * (card_width + gap), card_width);
                let card =
                    Rect::from_min_size(pos2(slot.left(), top), vec2(card_width, CARD_HEIGHT * u));
                paint_card(ui, card, item, u, board, env);
            }
            offset += run_width + SECTION_GAP * u;
        }
        y += h;
    }
}

/// Space between two categories side by side on a shelf.
const SECTION_GAP: f32 = 1.6;

/// Cards in a row of `width` at size `u`.
fn columns_at(u: f32, width: f32) -> usize {
    let gap = CARD_GAP * u;
    (((width + gap) / (CARD_WIDTH * u + gap)).floor() as usize).max(1)
}

fn shelf_height(shelf: &Shelf) -> f32 {
    let header = if shelf.iter().any(|r| r.header) {
        HEADER_LINE + 0.3
    } else {
        0.0
    };
    header + CARD_HEIGHT + CARD_GAP
}

/// Runs of cards on shelves, shelves on pages at most `capacity` tall (in text sizes). A
/// category that fits in what is left of a shelf goes beside the one before it; a long one
/// takes whole shelves; a category that goes on in the next page has its name repeated.
fn pack(sections: &[Section], columns: usize, width: f32, capacity: f32) -> Vec<Vec<Shelf>> {
    // Every run, in order, as if on one long page.
    let mut runs = Vec::new();
    for (s, section) in sections.iter().enumerate() {
        let mut start = 0;
        while start < section.items.len() {
            let end = (start + columns).min(section.items.len());
            runs.push(Run {
                section: s,
                start,
                end,
                header: start == 0,
            });
            start = end;
        }
    }
    // A category goes beside the ones before it when the shelf still has room for it.
    let run_width = |run: &Run| {
        let cards = (run.end - run.start) as f32;
        cards * CARD_WIDTH + (cards - 1.0) * CARD_GAP
    };
    let fits = |shelf: &Shelf, run: &Run| {
        let used: f32 = shelf.iter().map(|r| run_width(r) + SECTION_GAP).sum();
        run.header && used + run_width(run) <= width + 1e-3
    };
    let mut pages: Vec<Vec<Shelf>> = Vec::new();
    let mut page: Vec<Shelf> = Vec::new();
    let mut shelf: Shelf = Vec::new();
    let mut height = 0.0;
    let close = |shelf: &mut Shelf,
                 page: &mut Vec<Shelf>,
                 height: &mut f32,
                 pages: &mut Vec<Vec<Shelf>>| {
        if shelf.is_empty() {
            return;
        }
        let h = shelf_height(shelf);
        if !page.is_empty() && *height + h > capacity + 1e-3 {
            pages.push(std::mem::take(page));
            *height = 0.0;
            // The category goes on here: its name again.
            shelf[0].header = true;
        }
        *height += shelf_height(shelf);
        page.push(std::mem::take(shelf));
    };
    for run in runs {
        if !shelf.is_empty() && !fits(&shelf, &run) {
            close(&mut shelf, &mut page, &mut height, &mut pages);
        }
        shelf.push(run);
    }
    close(&mut shelf, &mut page, &mut height, &mut pages);
    if !page.is_empty() {
        pages.push(page);
    }
    pages
}

fn paint_card(
    ui: &mut egui::Ui,
    card: Rect,
    item: &MenuItem,
    u: f32,
    board: &Board,
    env: &mut Env,
) {
    let dir = board.dir;
    let palette = env.palette;
    let radius = u * 0.45;
    ui.painter()
        .rect_filled(card, corner_radius(radius), palette.band);
    let inner = card.shrink(PAD * u);
    let photo = Rect::from_min_size(inner.min, vec2(inner.width(), PHOTO * u));
    paint_photo(ui, photo, item, radius * 0.7, env);
    // Badges over the photo's start corner.
    let mut offset = u * 0.3;
    let badge_line = Rect::from_min_size(
        pos2(photo.left(), photo.top() + u * 0.3),
        vec2(photo.width(), row::BADGE_HEIGHT * u),
    );
    for badge in &item.badges {
        let width = badge_width(*badge, row::BADGE_HEIGHT * u, dir, env);
        if offset + width > photo.width() {
            break;
        }
        paint_badge(
            ui,
            board.at_start(badge_line, offset, width),
            *badge,
            dir,
            env,
        );
        offset += width + GAP * u * 0.5;
    }

    let mut y = photo.bottom() + 0.2 * u;
    let mut take = |height: f32| {
        let rect = Rect::from_min_size(pos2(inner.left(), y), vec2(inner.width(), height));
        y += height;
        rect
    };
    let name_colour = if item.sold_out {
        palette.muted
    } else {
        palette.text
    };
    let style = TextStyle::new(u, name_colour, dir).bold();
    let painted = env
        .text
        .paint(ui, take(NAME * u), &item.name, &style, Flow::Line);
    if item.sold_out {
        strike(ui, painted, palette.muted);
    }
    let description = take(DESCRIPTION * u);
    if !item.description.trim().is_empty() {
        let style = TextStyle::new(u * 0.58, palette.muted, dir);
        env.text
            .paint(ui, description, &item.description, &style, Flow::Wrapped);
    }
    let bottom = take(PRICE * u);
    let price_style = TextStyle::new(u * 0.95, palette.accent, dir)
        .bold()
        .align(Align::End);
    // Calories at the start, the price at the end.
    let mut price_room = bottom.width();
    if let Some(kcal) = item.calories {
        let label = super::calories_label(kcal, dir);
        let size = u * 0.55;
        let width = width_per_point(env, &label, false, dir) * size + 1.0;
        let style = TextStyle::new(size, palette.muted, dir);
        env.text.paint(
            ui,
            board.at_start(bottom, 0.0, width.min(bottom.width() * 0.4)),
            &label,
            &style,
            Flow::Line,
        );
        price_room -= width.min(bottom.width() * 0.4) + GAP * u;
    }
    let block = board.at_end(bottom, 0.0, price_room.max(u));
    if item.sold_out {
        env.text.paint(
            ui,
            block,
            sold_out_label(dir),
            &price_style.color(palette.warn),
            Flow::Line,
        );
    } else if item.variants.is_empty() {
        env.text.paint(
            ui,
            block,
            &board.money(item.price),
            &price_style,
            Flow::Line,
        );
    } else {
        // The variants from the end, the last one at the card's end edge.
        let size = u * 0.8;
        let texts: Vec<String> = item
            .variants
            .iter()
            .map(|v| row::variant_text(v, false, board))
            .collect();
        let widths: Vec<f32> = texts
            .iter()
            .map(|t| width_per_point(env, t, true, dir) * size + 1.0)
            .collect();
        let spacing = GAP * u;
        let total: f32 = widths.iter().sum::<f32>() + spacing * (texts.len() - 1) as f32;
        let squeeze = (block.width() / total).min(1.0);
        let mut offset = 0.0;
        for (text, width) in texts.iter().zip(widths).rev() {
            let rect = board.at_end(block, offset, width * squeeze);
            env.text
                .paint(ui, rect, text, &price_style.size(size), Flow::Line);
            offset += (width + spacing) * squeeze;
        }
    }
}
