//! Currency boards: one row per rate from a currency feed (name, value in Toman or Rial, and
//! an arrow for the last change: up, down or flat), Persian digits throughout.

use egui::{Color32, Rect, Vec2};
use vitrin_shared::calendar::{Digits, format_number};
use vitrin_shared::content::MoneyUnit;
use vitrin_shared::feed::{FeedData, Rate};
use vitrin_shared::ids::FeedId;

use super::text::{Align, Direction, Flow, Palette, TextStyle, paint_stale_mark};
use super::{Env, Outcome};

/// Rows shown at most; a longer list would be unreadable on one screen.
const MAX_ROWS: usize = 16;

/// Which way a rate last moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    Up,
    Down,
    Flat,
}

impl Trend {
    pub fn of(rate: &Rate) -> Trend {
        match rate.change() {
            Some(c) if c > 0 => Trend::Up,
            Some(c) if c < 0 => Trend::Down,
            _ => Trend::Flat,
        }
    }

    /// The arrow's accessible name.
    pub fn name(self) -> &'static str {
        match self {
            Trend::Up => "up",
            Trend::Down => "down",
            Trend::Flat => "flat",
        }
    }

    fn colour(self, palette: &Palette) -> Color32 {
        match self {
            Trend::Up => palette.up,
            Trend::Down => palette.down,
            Trend::Flat => palette.muted,
        }
    }
}

/// An amount with its unit, e.g. `۱۲۰٬۰۰۰ تومان` or `120,000 Toman`.
pub fn format_money(amount: i64, unit: MoneyUnit, digits: Digits) -> String {
    let name = match (unit, digits) {
        (MoneyUnit::Toman, Digits::Persian) => "تومان",
        (MoneyUnit::Rial, Digits::Persian) => "ریال",
        (MoneyUnit::Toman, Digits::Latin) => "Toman",
        (MoneyUnit::Rial, Digits::Latin) => "Rial",
    };
    format!("{} {name}", format_number(amount, digits))
}

pub fn show(
    ui: &mut egui::Ui,
    rect: egui::Rect,
    feed: FeedId,
    symbols: &[String],
    unit: MoneyUnit,
    env: &mut Env,
) -> Outcome {
    let snapshot = match env.feed(feed) {
        Ok(snapshot) => snapshot,
        Err(reason) => return Outcome::Failed(reason),
    };
    let FeedData::Currency { rates } = &snapshot.data else {
        return Outcome::Failed(format!(
            "feed {feed} is a {} feed, not a currency feed",
            snapshot.data.kind()
        ));
    };
    let stale = snapshot.stale;
    let shown: Vec<&Rate> = if symbols.is_empty() {
        rates.iter().collect()
    } else {
        symbols
            .iter()
            .filter_map(|s| rates.iter().find(|r| r.symbol.eq_ignore_ascii_case(s)))
            .collect()
    };
    if shown.is_empty() {
        return Outcome::Failed(format!("feed {feed} has none of the rates to show"));
    }
    let shown = &shown[..shown.len().min(MAX_ROWS)];
    let dir = Direction::Rtl;
    let digits = Digits::Persian;

    crate::paint_background(ui, rect, env);
    let margin = rect.width().min(rect.height()) * 0.04;
    let area = rect.shrink(margin);
    // A header row with the unit, then the rates.
    let row_height = (area.height() / (shown.len() + 1) as f32).min(area.height() / 5.0);
    let header = Rect::from_min_size(area.min, Vec2::new(area.width(), row_height));
    let unit_label = match unit {
        MoneyUnit::Toman => "نرخ\u{200c}ها به تومان",
        MoneyUnit::Rial => "نرخ\u{200c}ها به ریال",
    };
    let header_style = TextStyle::new(row_height * 0.5, env.palette.accent, dir).bold();
    env.text
        .paint(ui, header, unit_label, &header_style, Flow::Line);

    for (i, rate) in shown.iter().enumerate() {
        let row = Rect::from_min_size(
            egui::pos2(area.left(), area.top() + (i + 1) as f32 * row_height),
            Vec2::new(area.width(), row_height),
        );
        if i % 2 == 0 {
            ui.painter()
                .rect_filled(row, row_height * 0.1, env.palette.band);
        }
        paint_rate(
            ui,
            row.shrink2(Vec2::new(row_height * 0.3, 0.0)),
            rate,
            unit,
            digits,
            env,
        );
    }
    if stale {
        paint_stale_mark(ui, env.text, rect, dir, &env.palette);
    }
    Outcome::Shown
}

/// A row, right to left: name, value, then the arrow and the change at the left end.
fn paint_rate(
    ui: &mut egui::Ui,
    row: Rect,
    rate: &Rate,
    unit: MoneyUnit,
    digits: Digits,
    env: &mut Env,
) {
    let height = row.height();
    let dir = Direction::Rtl;
    let name = rate.label.as_deref().unwrap_or(&rate.symbol);
    let width = row.width();
    let name_area = Rect::from_min_max(egui::pos2(row.right() - width * 0.4, row.top()), row.max);
    let value_area = Rect::from_min_max(
        egui::pos2(row.right() - width * 0.75, row.top()),
        egui::pos2(row.right() - width * 0.4, row.bottom()),
    );
    let change_area = Rect::from_min_max(
        row.min,
        egui::pos2(row.right() - width * 0.75, row.bottom()),
    );
    let text = TextStyle::new(height * 0.5, env.palette.text, dir);
    env.text
        .paint(ui, name_area.shrink(height * 0.1), name, &text, Flow::Line);
    let value = format_number(rate.value_in(unit), digits);
    env.text.paint(
        ui,
        value_area.shrink(height * 0.1),
        &value,
        &text.bold().align(Align::Center),
        Flow::Line,
    );

    let trend = Trend::of(rate);
    let arrow = Rect::from_center_size(
        egui::pos2(change_area.left() + height * 0.5, row.center().y),
        Vec2::splat(height * 0.5),
    );
    paint_arrow(ui, arrow, trend, &rate.symbol, &env.palette);
    if let Some(change) = rate.change_in(unit).filter(|c| *c != 0) {
        let change_text = Rect::from_min_max(
            egui::pos2(arrow.right() + height * 0.2, row.top()),
            change_area.max,
        );
        let style = TextStyle::new(height * 0.4, trend.colour(&env.palette), dir).align(Align::End);
        env.text.paint(
            ui,
            change_text.shrink(height * 0.1),
            &format_number(change.abs(), digits),
            &style,
            Flow::Line,
        );
    }
}

/// A triangle pointing up or down, or a bar for no change, drawn in code. Its accessible name
/// is the trend and the rate's symbol (`up USD`).
fn paint_arrow(ui: &mut egui::Ui, rect: Rect, trend: Trend, symbol: &str, palette: &Palette) {
    let painter = ui.painter();
    let colour = trend.colour(palette);
    match trend {
        Trend::Up => painter.add(egui::Shape::convex_polygon(
            vec![rect.center_top(), rect.right_bottom(), rect.left_bottom()],
            colour,
            egui::Stroke::NONE,
        )),
        Trend::Down => painter.add(egui::Shape::convex_polygon(
            vec![rect.left_top(), rect.right_top(), rect.center_bottom()],
            colour,
            egui::Stroke::NONE,
        )),
        Trend::Flat => painter.add(egui::Shape::rect_filled(
            Rect::from_center_size(rect.center(), Vec2::new(rect.width(), rect.height() * 0.2)),
            0.0,
            colour,
        )),
    };
    let label = format!("{} {symbol}", trend.name());
    ui.allocate_rect(rect, egui::Sense::hover())
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &label));
}
