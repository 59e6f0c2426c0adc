//! Clocks: the time in big digits and the date in the Solar Hijri and/or Gregorian calendar,
//! with Persian or Latin digits. A clock asks for a repaint only when the shown text changes
//! (the next second, or the next minute without seconds), so a screen with a clock stays idle.

use std::time::Duration;

use egui::{Rect, Vec2};
use jiff::Zoned;
use vitrin_shared::calendar::{Digits, format_jalali_long, persian_weekday_name, to_jalali};
use vitrin_shared::content::{CalendarKind, DigitStyle};

use super::text::{Align, Direction, Flow, TextStyle};
use super::{Env, Outcome};

/// Gregorian month names as Persian speakers write them (January first).
const PERSIAN_GREGORIAN_MONTHS: [&str; 12] = [
    "ژانویه",
    "فوریه",
    "مارس",
    "آوریل",
    "مه",
    "ژوئن",
    "ژوئیه",
    "اوت",
    "سپتامبر",
    "اکتبر",
    "نوامبر",
    "دسامبر",
];

/// What a clock shows at `now`: the time, then one line per calendar.
pub fn clock_lines(
    now: &Zoned,
    calendar: CalendarKind,
    digits: DigitStyle,
    show_seconds: bool,
) -> (String, Vec<String>) {
    let digits = match digits {
        DigitStyle::Persian => Digits::Persian,
        DigitStyle::Latin => Digits::Latin,
    };
    let time = if show_seconds {
        format!("{:02}:{:02}:{:02}", now.hour(), now.minute(), now.second())
    } else {
        format!("{:02}:{:02}", now.hour(), now.minute())
    };
    let date = now.date();
    let solar_hijri = || {
        let weekday = match digits {
            Digits::Persian => persian_weekday_name(date.weekday()).to_owned(),
            Digits::Latin => date.strftime("%A").to_string(),
        };
        format!("{weekday} {}", format_jalali_long(to_jalali(date), digits))
    };
    let gregorian = || match digits {
        Digits::Persian => digits.apply(&format!(
            "{} {} {}",
            date.day(),
            PERSIAN_GREGORIAN_MONTHS[date.month() as usize - 1],
            date.year()
        )),
        Digits::Latin => date.strftime("%A %-d %B %Y").to_string(),
    };
    let dates = match calendar {
        CalendarKind::SolarHijri => vec![solar_hijri()],
        CalendarKind::Gregorian => vec![gregorian()],
        CalendarKind::Both => vec![solar_hijri(), gregorian()],
    };
    (digits.apply(&time), dates)
}

/// How long until the shown text changes: to the next second, or the next minute.
pub fn until_next_change(now: &Zoned, show_seconds: bool) -> Duration {
    let into_second = Duration::from_nanos(now.subsec_nanosecond().max(0) as u64);
    let to_next_second = Duration::from_secs(1).saturating_sub(into_second);
    if show_seconds {
        to_next_second
    } else {
        to_next_second + Duration::from_secs(59 - now.second().clamp(0, 59) as u64)
    }
}

pub fn show(
    ui: &mut egui::Ui,
    rect: egui::Rect,
    calendar: CalendarKind,
    digits: DigitStyle,
    show_seconds: bool,
    env: &mut Env,
) -> Outcome {
    let (time, dates) = clock_lines(env.now, calendar, digits, show_seconds);
    let dir = match digits {
        DigitStyle::Persian => Direction::Rtl,
        DigitStyle::Latin => Direction::Ltr,
    };
    crate::paint_background(ui, rect, env);
    let area = rect.shrink(rect.width().min(rect.height()) * 0.05);
    // The time takes the upper part, each date line a share of the rest.
    let time_share = if dates.len() > 1 { 0.5 } else { 0.6 };
    let (time_area, date_area) = area.split_top_bottom_at_fraction(time_share);
    // Digits and colons read left to right in both languages.
    let time_style = TextStyle::new(time_area.height() * 0.75, env.palette.text, Direction::Ltr)
        .bold()
        .align(Align::Center);
    env.text
        .paint(ui, time_area, &time, &time_style, Flow::Line);
    let line_height = date_area.height() / dates.len() as f32;
    for (i, date) in dates.iter().enumerate() {
        let line = Rect::from_min_size(
            egui::pos2(date_area.left(), date_area.top() + i as f32 * line_height),
            Vec2::new(date_area.width(), line_height),
        );
        let colour = if i == 0 {
            env.palette.accent
        } else {
            env.palette.muted
        };
        let style = TextStyle::new(line_height * 0.55, colour, dir).align(Align::Center);
        env.text.paint(ui, line, date, &style, Flow::Line);
    }
    ui.ctx()
        .request_repaint_after(until_next_change(env.now, show_seconds));
    Outcome::Shown
}
