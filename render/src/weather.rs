//! Weather: today (icon, temperature, condition, place) above a row of forecast days. The
//! icons are drawn here with egui shapes (sun, moon, clouds, rain, snow, lightning, fog), not
//! downloaded, so a screen needs nothing from the internet.

use std::f32::consts::TAU;

use egui::{Color32, Painter, Pos2, Rect, Shape, Stroke, Vec2};
use vitrin_shared::calendar::{Digits, persian_weekday_name};
use vitrin_shared::content::Lang;
use vitrin_shared::feed::{FeedData, WeatherDay, WeatherIcon};
use vitrin_shared::ids::FeedId;

use super::text::{Align, Direction, Flow, TextStyle, paint_stale_mark};
use super::{Env, Outcome};

/// Forecast days shown after today, at most.
const FORECAST_DAYS: usize = 5;

const SUN: Color32 = Color32::from_rgb(0xf8, 0xc1, 0x3a);
const MOON: Color32 = Color32::from_rgb(0xe8, 0xe4, 0xc9);
const CLOUD: Color32 = Color32::from_rgb(0xd5, 0xdb, 0xe3);
const DARK_CLOUD: Color32 = Color32::from_rgb(0x8a, 0x94, 0xa3);
const RAIN: Color32 = Color32::from_rgb(0x5c, 0xa8, 0xf0);
const SNOW: Color32 = Color32::WHITE;
const BOLT: Color32 = Color32::from_rgb(0xff, 0xd7, 0x3b);

pub fn show(
    ui: &mut egui::Ui,
    rect: egui::Rect,
    feed: FeedId,
    lang: Lang,
    env: &mut Env,
) -> Outcome {
    let snapshot = match env.feed(feed) {
        Ok(snapshot) => snapshot,
        Err(reason) => return Outcome::Failed(reason),
    };
    let FeedData::Weather(weather) = &snapshot.data else {
        return Outcome::Failed(format!(
            "feed {feed} is a {} feed, not a weather feed",
            snapshot.data.kind()
        ));
    };
    let stale = snapshot.stale;
    let dir = Direction::from(lang);
    let digits = match lang {
        Lang::Fa => Digits::Persian,
        Lang::En => Digits::Latin,
    };
    let label = |c: &vitrin_shared::feed::Condition| match lang {
        Lang::Fa => c.fa.clone(),
        Lang::En => c.en.clone(),
    };

    crate::paint_background(ui, rect, env);
    let margin = rect.width().min(rect.height()) * 0.04;
    let area = rect.shrink(margin);
    let forecast: Vec<&WeatherDay> = weather.days.iter().skip(1).take(FORECAST_DAYS).collect();
    let (today, days_area) = if forecast.is_empty() {
        (area, Rect::NOTHING)
    } else {
        area.split_top_bottom_at_fraction(0.6)
    };

    // Today: the icon at the reading start, then the temperature and the words.
    let icon_side = today.height().min(today.width() * 0.4);
    let (icon_rect, words) = match dir {
        Direction::Rtl => (
            Rect::from_min_size(
                Pos2::new(today.right() - icon_side, today.top()),
                Vec2::splat(icon_side),
            ),
            Rect::from_min_max(
                today.min,
                Pos2::new(today.right() - icon_side - margin, today.bottom()),
            ),
        ),
        Direction::Ltr => (
            Rect::from_min_size(today.min, Vec2::splat(icon_side)),
            Rect::from_min_max(
                Pos2::new(today.left() + icon_side + margin, today.top()),
                today.max,
            ),
        ),
    };
    paint_icon(
        ui,
        icon_rect.shrink(icon_side * 0.08),
        weather.current.condition.icon,
        weather.current.is_day,
    );
    let line = words.height() / 4.0;
    let row = |i: f32, n: f32| {
        Rect::from_min_size(
            Pos2::new(words.left(), words.top() + i * line),
            Vec2::new(words.width(), n * line),
        )
    };
    let temperature = temperature_text(weather.current.temperature, digits);
    env.text.paint(
        ui,
        row(0.0, 2.0),
        &temperature,
        &TextStyle::new(line * 1.6, env.palette.text, dir).bold(),
        Flow::Line,
    );
    env.text.paint(
        ui,
        row(2.0, 1.0),
        &label(&weather.current.condition),
        &TextStyle::new(line * 0.6, env.palette.accent, dir),
        Flow::Line,
    );
    let mut details = weather.place.clone().unwrap_or_default();
    if let Some(day) = weather.days.first() {
        let range = format!(
            "{} / {}",
            temperature_text(day.max, digits),
            temperature_text(day.min, digits)
        );
        details = if details.is_empty() {
            range
        } else {
            format!("{details}  {range}")
        };
    }
    env.text.paint(
        ui,
        row(3.0, 1.0),
        &details,
        &TextStyle::new(line * 0.5, env.palette.muted, dir),
        Flow::Line,
    );

    // Forecast: one cell per day, in reading order.
    if !forecast.is_empty() {
        let band = days_area.shrink2(Vec2::new(0.0, margin * 0.25));
        ui.painter()
            .rect_filled(band, margin * 0.5, env.palette.band);
        let cell_width = band.width() / forecast.len() as f32;
        for (i, day) in forecast.iter().enumerate() {
            let slot = match dir {
                Direction::Rtl => forecast.len() - 1 - i,
                Direction::Ltr => i,
            };
            let cell = Rect::from_min_size(
                Pos2::new(band.left() + slot as f32 * cell_width, band.top()),
                Vec2::new(cell_width, band.height()),
            )
            .shrink(margin * 0.3);
            let (name_row, rest) = cell.split_top_bottom_at_fraction(0.25);
            let (icon_row, range_row) = rest.split_top_bottom_at_fraction(0.7);
            let weekday = match lang {
                Lang::Fa => persian_weekday_name(day.date.weekday()).to_owned(),
                Lang::En => day.date.strftime("%a").to_string(),
            };
            let centred =
                TextStyle::new(name_row.height() * 0.7, env.palette.text, dir).align(Align::Center);
            env.text.paint(ui, name_row, &weekday, &centred, Flow::Line);
            let side = icon_row.height().min(icon_row.width());
            paint_icon(
                ui,
                Rect::from_center_size(icon_row.center(), Vec2::splat(side * 0.9)),
                day.condition.icon,
                true,
            );
            let range = format!(
                "{} / {}",
                temperature_text(day.max, digits),
                temperature_text(day.min, digits)
            );
            env.text.paint(
                ui,
                range_row,
                &range,
                &centred
                    .size(range_row.height() * 0.7)
                    .color(env.palette.muted),
                Flow::Line,
            );
        }
    }
    if stale {
        paint_stale_mark(ui, env.text, rect, dir, &env.palette);
    }
    Outcome::Shown
}

/// `23°` or `-3°`, rounded to whole degrees, in `digits`.
pub fn temperature_text(degrees: f32, digits: Digits) -> String {
    let whole = degrees.round() as i64;
    digits.apply(&format!("{whole}°"))
}

/// The accessible name of an icon (`weather icon: rain`).
pub fn icon_name(icon: WeatherIcon) -> String {
    let name = serde_json::to_value(icon)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned());
    format!("weather icon: {name}")
}

/// Draws `icon` in `rect` (a square) and names it for AccessKit.
pub fn paint_icon(ui: &mut egui::Ui, rect: Rect, icon: WeatherIcon, is_day: bool) {
    use WeatherIcon::*;
    let painter = ui.painter_at(rect);
    let s = rect.width().min(rect.height());
    let c = rect.center();
    // The cloud sits low when something falls from it, and the sky object peeks behind it.
    let cloud_centre = |falls: bool| {
        if falls {
            c - Vec2::new(0.0, s * 0.12)
        } else {
            c + Vec2::new(0.0, s * 0.08)
        }
    };
    match icon {
        Clear => sky(&painter, c, s * 0.42, is_day),
        MostlyClear => {
            sky(&painter, c - Vec2::splat(s * 0.08), s * 0.36, is_day);
            cloud(&painter, c + Vec2::new(s * 0.12, s * 0.22), s * 0.45, CLOUD);
        }
        PartlyCloudy => {
            sky(&painter, c - Vec2::new(s * 0.15, s * 0.15), s * 0.3, is_day);
            cloud(&painter, cloud_centre(false), s * 0.8, CLOUD);
        }
        Overcast => {
            cloud(
                &painter,
                c - Vec2::new(s * 0.12, s * 0.1),
                s * 0.6,
                DARK_CLOUD,
            );
            cloud(&painter, cloud_centre(false), s * 0.8, CLOUD);
        }
        Fog => {
            cloud(&painter, c - Vec2::new(0.0, s * 0.15), s * 0.7, DARK_CLOUD);
            for (i, width) in [0.8, 0.6, 0.7].iter().enumerate() {
                let y = c.y + s * (0.12 + 0.11 * i as f32);
                let half = s * width / 2.0;
                painter.line_segment(
                    [Pos2::new(c.x - half, y), Pos2::new(c.x + half, y)],
                    Stroke::new(s * 0.05, CLOUD),
                );
            }
        }
        Drizzle | FreezingDrizzle => {
            cloud(&painter, cloud_centre(true), s * 0.8, CLOUD);
            drops(&painter, c, s, 3, 0.12, RAIN);
            if icon == FreezingDrizzle {
                flakes(&painter, c + Vec2::new(0.0, s * 0.05), s, 2);
            }
        }
        Rain | HeavyRain | FreezingRain | RainShowers => {
            let colour = if icon == HeavyRain { DARK_CLOUD } else { CLOUD };
            if icon == RainShowers {
                sky(
                    &painter,
                    c - Vec2::new(s * 0.18, s * 0.25),
                    s * 0.22,
                    is_day,
                );
            }
            cloud(&painter, cloud_centre(true), s * 0.8, colour);
            let count = if icon == HeavyRain { 5 } else { 3 };
            drops(&painter, c, s, count, 0.25, RAIN);
            if icon == FreezingRain {
                flakes(&painter, c + Vec2::new(0.0, s * 0.05), s, 2);
            }
        }
        Snow | HeavySnow | SnowShowers => {
            if icon == SnowShowers {
                sky(
                    &painter,
                    c - Vec2::new(s * 0.18, s * 0.25),
                    s * 0.22,
                    is_day,
                );
            }
            cloud(&painter, cloud_centre(true), s * 0.8, CLOUD);
            flakes(&painter, c, s, if icon == HeavySnow { 5 } else { 3 });
        }
        Thunderstorm | ThunderstormHail => {
            cloud(&painter, cloud_centre(true), s * 0.8, DARK_CLOUD);
            bolt(&painter, c + Vec2::new(0.0, s * 0.22), s * 0.4);
            if icon == ThunderstormHail {
                for dx in [-0.25, 0.25] {
                    painter.circle_filled(c + Vec2::new(s * dx, s * 0.3), s * 0.05, SNOW);
                }
            }
        }
        Unknown => {
            painter.circle_stroke(c, s * 0.35, Stroke::new(s * 0.06, CLOUD));
            painter.circle_filled(c, s * 0.06, CLOUD);
        }
    }
    let name = icon_name(icon);
    ui.allocate_rect(rect, egui::Sense::hover())
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &name));
}

/// The sun with rays by day, a crescent moon by night.
fn sky(painter: &Painter, centre: Pos2, radius: f32, is_day: bool) {
    if is_day {
        let core = radius * 0.6;
        painter.circle_filled(centre, core, SUN);
        for i in 0..8 {
            let angle = i as f32 * TAU / 8.0;
            let dir = Vec2::angled(angle);
            painter.line_segment(
                [centre + dir * core * 1.25, centre + dir * radius],
                Stroke::new(radius * 0.12, SUN),
            );
        }
    } else {
        // A crescent: the outer arc of a circle, back along a smaller offset circle's arc.
        let inner_offset = Vec2::new(radius * 0.45, -radius * 0.2);
        let steps = 24;
        let mut points = Vec::with_capacity(steps * 2);
        for i in 0..=steps {
            let a = TAU * 0.15 + TAU * 0.7 * i as f32 / steps as f32;
            points.push(centre + Vec2::angled(a + TAU * 0.25) * radius * 0.8);
        }
        for i in (0..=steps).rev() {
            let a = TAU * 0.15 + TAU * 0.7 * i as f32 / steps as f32;
            points.push(centre + inner_offset + Vec2::angled(a + TAU * 0.25) * radius * 0.6);
        }
        painter.add(Shape::Path(egui::epaint::PathShape::closed_line(
            points,
            Stroke::new(radius * 0.1, MOON),
        )));
        painter.circle_filled(
            centre - Vec2::new(radius * 0.35, -radius * 0.1),
            radius * 0.25,
            MOON,
        );
    }
}

/// A cloud `width` wide centred on `centre`: three bumps on a flat base.
fn cloud(painter: &Painter, centre: Pos2, width: f32, colour: Color32) {
    let h = width * 0.5;
    let base = Rect::from_center_size(
        centre + Vec2::new(0.0, h * 0.15),
        Vec2::new(width * 0.9, h * 0.5),
    );
    painter.rect_filled(base, h * 0.25, colour);
    painter.circle_filled(centre + Vec2::new(-width * 0.22, 0.0), h * 0.3, colour);
    painter.circle_filled(centre + Vec2::new(width * 0.05, -h * 0.2), h * 0.42, colour);
    painter.circle_filled(centre + Vec2::new(width * 0.28, 0.02 * h), h * 0.28, colour);
}

/// Slanted rain lines under a cloud.
fn drops(painter: &Painter, centre: Pos2, s: f32, count: usize, length: f32, colour: Color32) {
    for i in 0..count {
        let x = centre.x + s * (i as f32 - (count - 1) as f32 / 2.0) * 0.17;
        let top = Pos2::new(x, centre.y + s * 0.12);
        painter.line_segment(
            [top, top + Vec2::new(-s * 0.06, s * length)],
            Stroke::new(s * 0.045, colour),
        );
    }
}

/// Snowflakes: small six-armed stars under a cloud.
fn flakes(painter: &Painter, centre: Pos2, s: f32, count: usize) {
    for i in 0..count {
        let x = centre.x + s * (i as f32 - (count - 1) as f32 / 2.0) * 0.2;
        let y = centre.y + s * if i % 2 == 0 { 0.22 } else { 0.34 };
        let flake = Pos2::new(x, y);
        for arm in 0..3 {
            let d = Vec2::angled(arm as f32 * TAU / 6.0) * s * 0.06;
            painter.line_segment([flake - d, flake + d], Stroke::new(s * 0.025, SNOW));
        }
    }
}

/// A lightning bolt `height` tall, its top at `top`.
fn bolt(painter: &Painter, top: Pos2, height: f32) {
    let w = height * 0.5;
    let upper = vec![
        top + Vec2::new(w * 0.1, 0.0),
        top + Vec2::new(-w * 0.4, height * 0.55),
        top + Vec2::new(w * 0.15, height * 0.5),
    ];
    let lower = vec![
        top + Vec2::new(-w * 0.2, height * 0.45),
        top + Vec2::new(w * 0.35, height * 0.45),
        top + Vec2::new(-w * 0.25, height),
    ];
    painter.add(Shape::convex_polygon(upper, BOLT, Stroke::NONE));
    painter.add(Shape::convex_polygon(lower, BOLT, Stroke::NONE));
}
