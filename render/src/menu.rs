//! Menu boards: a title, then categories and their items in one or more columns, each item
//! with its name, optional description and image, and its price (Persian digits and Toman for
//! a Persian menu) or a sold-out mark. Everything is sized from the zone: rows get as tall as
//! the zone allows, and texts that are still too long shrink, then ellipsize.

use egui::{Rect, Vec2};
use vitrin_shared::calendar::Digits;
use vitrin_shared::content::{Menu, MenuItem};

use super::currency::format_money;
use super::text::{Align, Direction, Flow, TextStyle};
use super::{Env, ImageState, Outcome};

/// Automatic layouts use at most this many columns.
const MAX_AUTO_COLUMNS: usize = 4;
/// A row wants a column this many times as wide as the row is tall (name, then price).
const ROW_ASPECT: f32 = 9.0;

/// One row of the board.
enum Row<'a> {
    Category(&'a str),
    Item(&'a MenuItem),
}

pub fn show(ui: &mut egui::Ui, rect: egui::Rect, menu: &Menu, env: &mut Env) -> Outcome {
    let rows: Vec<Row> = menu
        .categories
        .iter()
        .flat_map(|c| std::iter::once(Row::Category(&c.name)).chain(c.items.iter().map(Row::Item)))
        .collect();
    if !rows.iter().any(|r| matches!(r, Row::Item(_))) {
        return Outcome::Failed("the menu has no items".to_owned());
    }
    let dir = Direction::of_text(&format!(
        "{}{}",
        menu.title,
        menu.categories.first().map_or("", |c| c.name.as_str())
    ));
    let digits = match dir {
        Direction::Rtl => Digits::Persian,
        Direction::Ltr => Digits::Latin,
    };
    crate::paint_background(ui, rect, env);
    let margin = rect.width().min(rect.height()) * 0.03;
    let mut area = rect.shrink(margin);

    if !menu.title.trim().is_empty() {
        let title_height = (area.height() * 0.12).min(160.0);
        let title = Rect::from_min_size(area.min, Vec2::new(area.width(), title_height));
        let style = TextStyle::new(title_height * 0.7, env.palette.accent, dir)
            .bold()
            .align(Align::Center);
        env.text.paint(ui, title, &menu.title, &style, Flow::Line);
        area.min.y += title_height + margin;
    }

    let columns = column_count(menu.columns, rows.len(), area.size());
    let gap = margin;
    let column_width = (area.width() - gap * (columns - 1) as f32) / columns as f32;
    let per_column = rows.len().div_ceil(columns);
    let row_height = (area.height() / per_column as f32).min(area.height() / 4.0);
    for (c, column_rows) in split_columns(&rows, columns).into_iter().enumerate() {
        // Persian reads from the right: the first column is the rightmost.
        let slot = match dir {
            Direction::Rtl => columns - 1 - c,
            Direction::Ltr => c,
        };
        let left = area.left() + slot as f32 * (column_width + gap);
        for (r, row) in column_rows.iter().enumerate() {
            let top = area.top() + r as f32 * row_height;
            let row_rect =
                Rect::from_min_size(egui::pos2(left, top), Vec2::new(column_width, row_height));
            match row {
                Row::Category(name) => {
                    let style = TextStyle::new(row_height * 0.6, env.palette.accent, dir).bold();
                    env.text.paint(
                        ui,
                        row_rect.shrink2(Vec2::new(0.0, row_height * 0.1)),
                        name,
                        &style,
                        Flow::Line,
                    );
                }
                Row::Item(item) => paint_item(ui, row_rect, item, menu, dir, digits, env),
            }
        }
    }
    Outcome::Shown
}

/// The columns to use: the menu's own choice, or the count that makes rows tallest while
/// leaving each row a column wide enough for its name and price.
fn column_count(wanted: u8, rows: usize, area: Vec2) -> usize {
    if wanted > 0 {
        return usize::from(wanted).min(rows.max(1));
    }
    (1..=MAX_AUTO_COLUMNS.min(rows.max(1)))
        .max_by(|&a, &b| row_scale(a, rows, area).total_cmp(&row_scale(b, rows, area)))
        .unwrap_or(1)
}

/// How tall a row can be with `columns` columns.
fn row_scale(columns: usize, rows: usize, area: Vec2) -> f32 {
    let by_height = area.y / rows.div_ceil(columns) as f32;
    let by_width = area.x / columns as f32 / ROW_ASPECT;
    by_height.min(by_width)
}

/// Splits rows into `columns` runs of at most `rows / columns` (rounded up), moving a category
/// name that would end a column to the top of the next one.
fn split_columns<'r, 'a>(rows: &'r [Row<'a>], columns: usize) -> Vec<&'r [Row<'a>]> {
    let per_column = rows.len().div_ceil(columns).max(1);
    let mut out = Vec::with_capacity(columns);
    let mut start = 0;
    while start < rows.len() {
        let mut end = (start + per_column).min(rows.len());
        if end < rows.len() && end - start > 1 && matches!(rows[end - 1], Row::Category(_)) {
            end -= 1;
        }
        out.push(&rows[start..end]);
        start = end;
    }
    out
}

fn paint_item(
    ui: &mut egui::Ui,
    rect: Rect,
    item: &MenuItem,
    menu: &Menu,
    dir: Direction,
    digits: Digits,
    env: &mut Env,
) {
    let height = rect.height();
    let mut text_area = rect.shrink2(Vec2::new(0.0, height * 0.06));
    // The picture sits at the start (the right for Persian), before the name.
    if let Some(media) = &item.image {
        let side = text_area.height();
        let picture = match dir {
            Direction::Rtl => Rect::from_min_size(
                egui::pos2(text_area.right() - side, text_area.top()),
                Vec2::splat(side),
            ),
            Direction::Ltr => Rect::from_min_size(text_area.min, Vec2::splat(side)),
        };
        match env
            .media
            .image(ui.ctx(), media, picture.size() * ui.pixels_per_point())
        {
            ImageState::Ready(texture) => {
                paint_contained(ui, picture, &texture, &format!("picture: {}", item.name));
            }
            // Text first; the picture appears when decoded (the loader asks for a repaint).
            ImageState::Loading => {}
            ImageState::Failed(reason) => {
                tracing::warn!(item = %item.name, %reason, "menu item picture not shown");
            }
        }
        let spacing = side + height * 0.15;
        match dir {
            Direction::Rtl => text_area.max.x -= spacing,
            Direction::Ltr => text_area.min.x += spacing,
        }
    }
    let price_width = text_area.width() * 0.36;
    let (name_area, price_area) = match dir {
        Direction::Rtl => (
            Rect::from_min_max(
                egui::pos2(text_area.left() + price_width, text_area.top()),
                text_area.max,
            ),
            Rect::from_min_size(text_area.min, Vec2::new(price_width, text_area.height())),
        ),
        Direction::Ltr => (
            Rect::from_min_max(
                text_area.min,
                egui::pos2(text_area.right() - price_width, text_area.bottom()),
            ),
            Rect::from_min_max(
                egui::pos2(text_area.right() - price_width, text_area.top()),
                text_area.max,
            ),
        ),
    };
    let (name_colour, price_colour) = if item.sold_out {
        (env.palette.muted, env.palette.warn)
    } else {
        (env.palette.text, env.palette.text)
    };
    let name_style = TextStyle::new(height * 0.5, name_colour, dir);
    if item.description.trim().is_empty() {
        env.text
            .paint(ui, name_area, &item.name, &name_style, Flow::Line);
    } else {
        let (name_line, description_line) = name_area.split_top_bottom_at_fraction(0.6);
        env.text.paint(
            ui,
            name_line,
            &item.name,
            &name_style.size(height * 0.4),
            Flow::Line,
        );
        let description_style = TextStyle::new(height * 0.26, env.palette.muted, dir);
        env.text.paint(
            ui,
            description_line,
            &item.description,
            &description_style,
            Flow::Line,
        );
    }
    let price = if item.sold_out {
        sold_out_label(dir).to_owned()
    } else {
        format_money(item.price, menu.unit, digits)
    };
    let price_style = TextStyle::new(height * 0.45, price_colour, dir)
        .bold()
        .align(Align::End);
    env.text.paint(
        ui,
        price_area.shrink2(Vec2::new(0.0, height * 0.05)),
        &price,
        &price_style,
        Flow::Line,
    );
}

/// The mark shown instead of a sold-out item's price.
pub fn sold_out_label(dir: Direction) -> &'static str {
    match dir {
        Direction::Rtl => "ناموجود",
        Direction::Ltr => "Sold out",
    }
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
