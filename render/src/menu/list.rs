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
    // On a wall the body is cut where its screens meet: each column stays on one screen.
    let cells = env.seams.cells(body, board.dir);
    paint_list(ui, &cells, sections, columns, true, board, env)
}

/// Paints `sections` as a list over `cells`: the parts of the zone on each screen, screen
/// row after screen row, each row in reading order (a screen of its own has one).
pub(super) fn paint_list(
    ui: &mut egui::Ui,
    cells: &[Rect],
    sections: &[Section],
    columns: u8,
    leader: bool,
    board: &Board,
    env: &mut Env,
) -> Paging {
    let cells: Vec<Rect> = cells
        .iter()
        .copied()
        .filter(|c| c.width() >= 1.0 && c.height() >= 1.0)
        .collect();
    if sections.is_empty() || cells.is_empty() {
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

    let narrowest = cells.iter().map(Rect::width).fold(f32::INFINITY, f32::min);
    // The columns a menu asks for stand across the wall: the widest screen row shares them.
    let widest_row = cells
        .iter()
        .map(|c| cells.iter().filter(|o| same_row(c, o)).count())
        .max()
        .unwrap_or(1);
    // The column width and how many columns each screen's part of the body takes.
    let column_width = |u: f32| -> (f32, usize) {
        let gap = COLUMN_GAP * u;
        let mut width = (content * u).min(narrowest);
        let count = if columns > 0 {
            let count = usize::from(columns).div_ceil(widest_row);
            width = width.min((narrowest - gap * (count - 1) as f32) / count as f32);
            count
        } else {
            (((narrowest + gap) / (width + gap)).floor() as usize).clamp(1, MAX_AUTO_COLUMNS)
        };
        (width, count)
    };
    let slots = |per_cell: usize| Slots {
        cells: &cells,
        per_cell,
    };

    // The largest size at which everything fits on one page, or the smallest readable one.
    let mut u = board.max_text;
    let (mut width, mut per_cell, mut packed);
    loop {
        (width, per_cell) = column_width(u);
        packed = pack(&lines, &headers, |c| slots(per_cell).capacity(c, u));
        if packed.len() <= slots(per_cell).count() || u <= board.min_text {
            break;
        }
        u = (u * STEP).max(board.min_text);
    }
    if packed.len() <= slots(per_cell).count() {
        // Spread over the wall's screens: as few columns on each as still fit them all.
        while per_cell > 1 {
            let fewer = pack(&lines, &headers, |c| slots(per_cell - 1).capacity(c, u));
            if fewer.len() > slots(per_cell - 1).count() {
                break;
            }
            per_cell -= 1;
            packed = fewer;
        }
    }
    let slots = slots(per_cell);
    let one_row = cells.iter().all(|c| same_row(c, &cells[0]));
    if one_row && packed.len() > 1 && packed.len() <= slots.count() {
        // Balanced columns: the shortest height that still needs no more of them.
        let wanted = packed.len();
        let total: f32 = packed.iter().map(|c| column_height(&lines, c)).sum();
        let mut capacity = total / wanted as f32;
        while capacity < cells[0].height() / u {
            let balanced = pack(&lines, &headers, |_| capacity);
            if balanced.len() <= wanted {
                packed = balanced;
                break;
            }
            capacity += 0.25;
        }
    }
    let pages: Vec<&[Vec<Placed>]> = packed.chunks(slots.count()).collect();
    let page = current_page(ui, pages.len(), env.shown_for);
    let shown = pages[page];

    let gap = COLUMN_GAP * u;
    for (c, column) in shown.iter().enumerate() {
        let (cell, slot) = slots.place(c);
        // The columns sharing this screen's part of the body stand centred in it.
        let count = (0..shown.len())
            .filter(|&o| slots.place(o).0 == cell)
            .count();
        let total = count as f32 * width + (count - 1) as f32 * gap;
        let area = cells[cell];
        let left = area.center().x - total / 2.0;
        // Persian reads from the right: the first column is the rightmost.
        let slot = match board.dir {
            Direction::Rtl => count - 1 - slot,
            Direction::Ltr => slot,
        };
        let x = left + slot as f32 * (width + gap);
        // Below a seam the text keeps off the screen's edge.
        let area = if env.seams.is_horizontal_seam(area.top()) {
            area.with_min_y(area.top() + u * 0.5)
        } else {
            area
        };
        // A board that fits stands in the middle of its zone (the columns of a screen row
        // all start at one height); pages start at the top.
        let mut y = if pages.len() == 1 {
            let tallest = (0..shown.len())
                .filter(|&o| same_row(&cells[slots.place(o).0], &cells[cell]))
                .map(|o| column_height(&lines, &shown[o]) * u)
                .fold(0.0, f32::max);
            area.top() + ((area.height() - tallest) / 2.0).max(0.0)
        } else {
            area.top()
        };
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

/// Where the columns go: `per_cell` columns on each screen's part of the body, cell after
/// cell.
struct Slots<'a> {
    cells: &'a [Rect],
    per_cell: usize,
}

impl Slots<'_> {
    /// Columns on one page.
    fn count(&self) -> usize {
        self.cells.len() * self.per_cell
    }

    /// The cell and the place in it of column `c` of a page.
    fn place(&self, c: usize) -> (usize, usize) {
        let c = c % self.count();
        (c / self.per_cell, c % self.per_cell)
    }

    /// The height column `c` has room for, in text sizes of `u` points.
    fn capacity(&self, c: usize, u: f32) -> f32 {
        self.cells[self.place(c).0].height() / u
    }
}

/// Whether two screens' parts of the body lie in one screen row.
fn same_row(a: &Rect, b: &Rect) -> bool {
    (a.top() - b.top()).abs() < 1.0
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

/// The lines in columns, column `c` of at most `capacity(c)` (in text sizes): a header never
/// ends a column, and a category that goes on in the next column has its header repeated
/// there.
fn pack(lines: &[Line], headers: &[usize], capacity: impl Fn(usize) -> f32) -> Vec<Vec<Placed>> {
    let mut columns: Vec<Vec<Placed>> = Vec::new();
    let mut column: Vec<Placed> = Vec::new();
    let mut height = 0.0;
    for (i, line) in lines.iter().enumerate() {
        let needed = line_height(line, column.is_empty());
        if !column.is_empty() && height + needed > capacity(columns.len()) + 1e-3 {
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
