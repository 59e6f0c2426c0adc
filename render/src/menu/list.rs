//! The list theme (and the hero theme's list): categories and their rows in columns.
//!
//! A column is as wide as its widest row needs, never wider than `MAX_COLUMN` times the text
//! size, so a price stays next to its item on a wide screen; the columns stand centred in the
//! zone, the first on the start side. The text takes the largest size at which everything
//! fits in the columns the zone has room for (or the menu asks for); when even the smallest
//! readable size does not fit, the columns are split into pages.

use egui::{Rect, pos2, vec2};
use vitrin_shared::content::MenuItem;

use super::row::{self, Prices};
use super::{Board, Paging, Section, current_page};
use crate::Env;
use crate::text::Direction;

/// Automatic layouts use at most this many columns.
const MAX_AUTO_COLUMNS: usize = 4;
/// A column is at most this many times as wide as its text is tall.
const MAX_COLUMN: f32 = 24.0;
/// ...and at least this many (a short menu still reads as a board).
const MIN_COLUMN: f32 = 12.0;
/// Space between columns, in text sizes.
const COLUMN_GAP: f32 = 2.0;
/// Each try shrinks the text by this.
const STEP: f32 = 0.93;

enum Line<'a> {
    Header(usize),
    Item(usize, &'a MenuItem),
}

/// A line placed in a column: which line, and whether it is a category's header repeated at
/// the top of a column its items continue in.
type Placed = usize;

/// Paints `sections` as a list in `body`; `columns` as the menu asks (0: as many as fit).
pub(super) fn paint(
    ui: &mut egui::Ui,
    body: Rect,
    sections: &[Section],
    columns: u8,
    board: &Board,
    env: &mut Env,
) -> Paging {
    paint_list(ui, body, sections, columns, true, board, env)
}

pub(super) fn paint_list(
    ui: &mut egui::Ui,
    body: Rect,
    sections: &[Section],
    columns: u8,
    leader: bool,
    board: &Board,
    env: &mut Env,
) -> Paging {
    if sections.is_empty() || body.width() < 1.0 || body.height() < 1.0 {
        return Paging::ONE;
    }
    let prices: Vec<Prices> = sections
        .iter()
        .map(|s| Prices::of(&s.items, board, env))
        .collect();
    let mut lines = Vec::new();
    let mut headers = Vec::new();
    for (s, section) in sections.iter().enumerate() {
        headers.push(lines.len());
        lines.push(Line::Header(s));
        lines.extend(section.items.iter().map(|item| Line::Item(s, item)));
    }
    // The widest line, in text sizes.
    let mut content: f32 = MIN_COLUMN;
    for line in &lines {
        let width = match line {
            Line::Header(s) => row::header_width(sections[*s].name, &prices[*s], board, env),
            Line::Item(s, item) => row::item_width(item, &prices[*s], board, env),
        };
        content = content.max(width);
    }
    let content = content.min(MAX_COLUMN);

    let column_width = |u: f32| -> (f32, usize) {
        let gap = COLUMN_GAP * u;
        let mut width = (content * u).min(body.width());
        let count = if columns > 0 {
            let count = usize::from(columns);
            width = width.min((body.width() - gap * (count - 1) as f32) / count as f32);
            count
        } else {
            (((body.width() + gap) / (width + gap)).floor() as usize).clamp(1, MAX_AUTO_COLUMNS)
        };
        (width, count)
    };

    // The largest size at which everything fits on one page, or the smallest readable one.
    let mut u = board.max_text;
    let (mut width, mut available, mut packed);
    loop {
        (width, available) = column_width(u);
        packed = pack(&lines, &headers, body.height() / u);
        if packed.len() <= available || u <= board.min_text {
            break;
        }
        u = (u * STEP).max(board.min_text);
    }
    if packed.len() > 1 && packed.len() <= available {
        // Balanced columns: the shortest height that still needs no more of them.
        let wanted = packed.len();
        let total: f32 = packed.iter().map(|c| column_height(&lines, c)).sum();
        let mut capacity = total / wanted as f32;
        while capacity < body.height() / u {
            let balanced = pack(&lines, &headers, capacity);
            if balanced.len() <= wanted {
                packed = balanced;
                break;
            }
            capacity += 0.25;
        }
    }
    let available = available.max(1);
    let pages: Vec<&[Vec<Placed>]> = packed.chunks(available).collect();
    let page = current_page(ui, pages.len(), env.shown_for);
    let shown = pages[page];

    let gap = COLUMN_GAP * u;
    let total = shown.len() as f32 * width + (shown.len() - 1) as f32 * gap;
    let tallest = shown
        .iter()
        .map(|c| column_height(&lines, c) * u)
        .fold(0.0, f32::max);
    // A board that fits stands in the middle of its zone; pages start at the top.
    let top = if pages.len() == 1 {
        body.top() + ((body.height() - tallest) / 2.0).max(0.0)
    } else {
        body.top()
    };
    let left = body.center().x - total / 2.0;
    for (c, column) in shown.iter().enumerate() {
        // Persian reads from the right: the first column is the rightmost.
        let slot = match board.dir {
            Direction::Rtl => shown.len() - 1 - c,
            Direction::Ltr => c,
        };
        let x = left + slot as f32 * (width + gap);
        let mut y = top;
        for (i, &placed) in column.iter().enumerate() {
            let height = line_height(&lines[placed], i == 0) * u;
            let rect = Rect::from_min_size(pos2(x, y), vec2(width, height));
            match lines[placed] {
                Line::Header(s) => {
                    row::paint_header(ui, rect, sections[s].name, Some(&prices[s]), u, board, env);
                }
                Line::Item(s, item) => {
                    row::paint_item(ui, rect, item, &prices[s], u, leader, board, env);
                }
            }
            y += height;
        }
    }
    Paging {
        page,
        pages: pages.len(),
    }
}

fn line_height(line: &Line, top: bool) -> f32 {
    match line {
        Line::Header(_) => row::header_height(top),
        Line::Item(_, item) => row::item_height(item),
    }
}

fn column_height(lines: &[Line], column: &[Placed]) -> f32 {
    column
        .iter()
        .enumerate()
        .map(|(i, &l)| line_height(&lines[l], i == 0))
        .sum()
}

/// The lines in columns of at most `capacity` (in text sizes): a header never ends a column,
/// and a category that goes on in the next column has its header repeated there.
fn pack(lines: &[Line], headers: &[usize], capacity: f32) -> Vec<Vec<Placed>> {
    let mut columns: Vec<Vec<Placed>> = Vec::new();
    let mut column: Vec<Placed> = Vec::new();
    let mut height = 0.0;
    for (i, line) in lines.iter().enumerate() {
        let needed = line_height(line, column.is_empty());
        if !column.is_empty() && height + needed > capacity + 1e-3 {
            // A header with fewer than two of its items would be left at the column's foot:
            // it moves to the next column with them.
            let header_at = column
                .iter()
                .rposition(|&l| matches!(lines[l], Line::Header(_)))
                .filter(|&at| at > 0 && column.len() - at <= 2);
            let carried = header_at.map(|at| column.split_off(at)).unwrap_or_default();
            columns.push(std::mem::take(&mut column));
            height = 0.0;
            if carried.is_empty()
                && let Line::Item(s, _) = line
            {
                column.push(headers[*s]);
            }
            column.extend(carried);
            height += column_height(lines, &column);
        }
        height += line_height(line, column.is_empty());
        column.push(i);
    }
    if !column.is_empty() {
        columns.push(column);
    }
    columns
}
