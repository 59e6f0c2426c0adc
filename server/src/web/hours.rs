//! Opening hours at `/hours` (the organization's, which every store follows) and
//! `/stores/{id}/hours` (a store's own): the week, exceptions (closed days, special hours for
//! a date range), Iran's official holidays offered for confirmation, Ramadan hours, and the
//! dayparts the weekly grid paints.
//!
//! Hours are typed as people write them on a shop door: `08:00–14:00, 17:00–23:00`, with
//! Persian or Latin digits; an empty day is closed.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use jiff::civil::{Date, Time};
use serde::Deserialize;
use vitrin_shared::ValidationErrors;
use vitrin_shared::calendar::{self, Digits, normalize_digits};
use vitrin_shared::schedule::DateRange;
use vitrin_shared::schedule::hours::{
    Daypart, HoursException, Interval, StoreHours, WEEK_FROM_SATURDAY, WeeklyHours, weekday_key,
};

use super::form::{FormErrors, Pairs};
use super::i18n::{Entry, Lang};
use super::page::{Page, Signed, redirect_flash, render_status};
use crate::domain::store_time::{self, EffectiveTime, HolidayOffer, TimeSettings};
use crate::domain::stores;
use crate::error::{ApiError, ApiResult};
use crate::extract::Id;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/hours", get(org_page).post(org_post))
        .route("/stores/{id}/hours", get(store_page).post(store_post))
}

/// Whose hours a page edits.
#[derive(Debug, Clone, Copy)]
enum Owner {
    Org,
    Store(i64),
}

impl Owner {
    fn base(self) -> String {
        match self {
            Owner::Org => "/hours".into(),
            Owner::Store(id) => format!("/stores/{id}/hours"),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

struct DayRow {
    key: &'static str,
    label: String,
    value: String,
}

struct ExceptionRow {
    index: usize,
    name: String,
    dates: String,
    hours: String,
}

struct HolidayRow {
    offer: HolidayOffer,
    /// The day in the page's calendar, and as the confirm form sends it (ISO).
    day_text: String,
    day_value: String,
}

#[derive(Template)]
#[template(path = "hours/edit.html")]
struct HoursPage<'a> {
    page: &'a Page,
    title: String,
    base: String,
    is_store: bool,
    /// The week's rows say what is in force; `mode` whether it is set here.
    mode: String,
    days: Vec<DayRow>,
    exceptions: Vec<ExceptionRow>,
    /// A store's page: the organization's exceptions, which it keeps.
    inherited: Vec<ExceptionRow>,
    parts_mode: String,
    /// name, start, end; one blank row more for a new daypart.
    parts: Vec<(String, String, String)>,
    year: i32,
    holidays: Vec<HolidayRow>,
    /// The Ramadan that begins in `year`, as the form's default dates.
    ramadan: Option<(String, String)>,
    /// On the organization's page: each store, and whether it has hours of its own.
    stores: Vec<(i64, String, bool)>,
    form: Pairs,
    errors: FormErrors,
}

impl HoursPage<'_> {
    fn year_text(&self) -> String {
        self.page.lang.digits_in(&self.year.to_string())
    }

    /// The value typed in the form sent back, else what is saved.
    fn value(&self, name: impl AsRef<str>, fallback: impl AsRef<str>) -> String {
        let (name, fallback) = (name.as_ref(), fallback.as_ref());
        match self.form.one(name) {
            v if v.is_empty() && !self.form.0.iter().any(|(n, _)| n == name) => fallback.to_owned(),
            v => v,
        }
    }
}

/// `08:00–14:00, 17:00–23:00` in the page's digits; empty for a closed day.
fn intervals_text(lang: Lang, intervals: &[Interval]) -> String {
    let text: Vec<String> = intervals
        .iter()
        .map(|i| format!("{}–{}", i.open.strftime("%H:%M"), i.close.strftime("%H:%M")))
        .collect();
    lang.digits_in(&text.join(", "))
}

fn parse_time(text: &str) -> Option<Time> {
    let text = text.trim();
    let (h, m) = text.split_once(':').unwrap_or((text, "0"));
    let (h, m): (i8, i8) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    // 24:00 closes at midnight.
    if h == 24 && m == 0 {
        return Some(Time::midnight());
    }
    Time::new(h, m, 0, 0).ok()
}

/// Reads `08:00–14:00, 17:00–23:00` (any dash, `تا`, Persian digits); empty or "closed"
/// (`تعطیل`, `بسته`) is a closed day.
fn parse_intervals(text: &str) -> Option<Vec<Interval>> {
    let text = normalize_digits(text.trim()).to_lowercase();
    if ["", "closed", "تعطیل", "بسته"].contains(&text.as_str()) {
        return Some(Vec::new());
    }
    text.split([',', '،', ';'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let part = part.replace("تا", "-");
            let (open, close) = part.split_once(['–', '-', '—', '‒'])?;
            Some(Interval::new(parse_time(open)?, parse_time(close)?))
        })
        .collect()
}

fn day_label(lang: Lang, day: jiff::civil::Weekday) -> String {
    match lang {
        Lang::Fa => calendar::persian_weekday_name(day).to_owned(),
        Lang::En => {
            let key = weekday_key(day);
            let mut label = key[..1].to_uppercase();
            label.push_str(&key[1..]);
            label
        }
    }
}

fn day_text(lang: Lang, day: Date) -> String {
    match lang {
        Lang::Fa => calendar::format_jalali(calendar::to_jalali(day), Digits::Persian),
        Lang::En => format!(
            "{day} ({})",
            calendar::format_jalali(calendar::to_jalali(day), Digits::Latin)
        ),
    }
}

async fn current(state: &AppState, signed: &Signed, owner: Owner) -> ApiResult<EffectiveTime> {
    match owner {
        Owner::Org => store_time::for_org(state, &signed.principal).await,
        Owner::Store(id) => store_time::for_store(state, &signed.principal, id).await,
    }
}

async fn show(
    state: &AppState,
    signed: &Signed,
    owner: Owner,
    year: Option<i32>,
    form: Pairs,
    errors: FormErrors,
) -> ApiResult<Response> {
    let lang = signed.page.lang;
    let time = current(state, signed, owner).await?;
    let title = match owner {
        Owner::Org => lang.t("hours.title").to_owned(),
        Owner::Store(id) => lang.tf(
            "hours.store_title",
            &[(
                "store",
                &stores::visible_store(state, &signed.principal, id)
                    .await?
                    .name,
            )],
        ),
    };
    let this_year = calendar::to_jalali(
        jiff::Zoned::now()
            .with_time_zone(signed.page.tz.clone())
            .date(),
    )
    .year;
    let year = year.unwrap_or(this_year).clamp(1300, 1500);
    let week = time.hours.as_ref().map(|h| &h.weekly);
    let days = WEEK_FROM_SATURDAY
        .iter()
        .map(|&day| DayRow {
            key: weekday_key(day),
            label: day_label(lang, day),
            value: week.map_or_else(String::new, |w| intervals_text(lang, w.day(day))),
        })
        .collect();
    // Exceptions set here (removable), then those of the organization a store keeps.
    let in_force: &[HoursException] = time
        .hours
        .as_ref()
        .map(|h| h.exceptions.as_slice())
        .unwrap_or_default();
    let own = time.own.hours.as_ref().map_or(0, |h| h.exceptions.len());
    let row = |(index, e): (usize, &HoursException)| ExceptionRow {
        index,
        name: e.name.clone(),
        dates: if e.dates.from == e.dates.until {
            day_text(lang, e.dates.from)
        } else {
            format!(
                "{} – {}",
                day_text(lang, e.dates.from),
                day_text(lang, e.dates.until)
            )
        },
        hours: if e.hours.is_empty() {
            lang.t("hours.closed").to_owned()
        } else {
            intervals_text(lang, &e.hours)
        },
    };
    let exceptions = in_force[..own].iter().enumerate().map(row).collect();
    let inherited = in_force[own..].iter().enumerate().map(row).collect();
    let mut parts: Vec<(String, String, String)> = time
        .dayparts
        .iter()
        .map(|d| {
            (
                d.name.clone(),
                d.start.strftime("%H:%M").to_string(),
                d.end.strftime("%H:%M").to_string(),
            )
        })
        .collect();
    // A refused dayparts form shows what was typed.
    let typed = form.all("part_name");
    if !typed.is_empty() {
        let (starts, ends) = (form.all("part_start"), form.all("part_end"));
        parts = typed
            .into_iter()
            .enumerate()
            .map(|(n, name)| {
                let at = |v: &[String]| v.get(n).cloned().unwrap_or_default();
                (name, at(&starts), at(&ends))
            })
            .filter(|(n, s, e)| !(n.is_empty() && s.is_empty() && e.is_empty()))
            .collect();
    }
    parts.push(Default::default());
    let holidays = store_time::offers(year, in_force)?
        .into_iter()
        .map(|offer| HolidayRow {
            day_text: day_text(lang, offer.date),
            day_value: offer.date.to_string(),
            offer,
        })
        .collect();
    let stores = match owner {
        Owner::Store(_) => Vec::new(),
        Owner::Org => store_time::stores_with_own_hours(state, &signed.principal).await?,
    };
    let ramadan = vitrin_shared::holidays::ramadan(year)
        .map(|(from, until)| (from.to_string(), until.to_string()));
    let mode = match (owner, &time.own.hours) {
        (Owner::Store(_), None) => "follow",
        (Owner::Org, None) => "always",
        (_, Some(_)) => "own",
    };
    let parts_mode = if time.own.dayparts.is_some() {
        "own"
    } else {
        "follow"
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_status(
        status,
        &HoursPage {
            page: &signed.page,
            title,
            base: owner.base(),
            is_store: matches!(owner, Owner::Store(_)),
            mode: mode.into(),
            days,
            exceptions,
            inherited,
            parts_mode: parts_mode.into(),
            parts,
            year,
            holidays,
            ramadan,
            stores,
            form,
            errors,
        },
    ))
}

async fn org_page(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<YearQuery>,
) -> ApiResult<Response> {
    show(
        &state,
        &signed,
        Owner::Org,
        q.year,
        Pairs(Vec::new()),
        FormErrors::none(),
    )
    .await
}

async fn store_page(
    State(state): State<AppState>,
    signed: Signed,
    Id(id): Id,
    Query(q): Query<YearQuery>,
) -> ApiResult<Response> {
    show(
        &state,
        &signed,
        Owner::Store(id),
        q.year,
        Pairs(Vec::new()),
        FormErrors::none(),
    )
    .await
}

async fn org_post(
    State(state): State<AppState>,
    signed: Signed,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    post(&state, &signed, Owner::Org, Pairs(pairs)).await
}

async fn store_post(
    State(state): State<AppState>,
    signed: Signed,
    Id(id): Id,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    post(&state, &signed, Owner::Store(id), Pairs(pairs)).await
}

/// The hours a change starts from: those set here, else the week in force (a store keeps
/// the organization's exceptions anyway), else open around the clock (an exception needs a
/// week to be an exception to).
fn hours_to_edit(time: &EffectiveTime) -> StoreHours {
    time.own.hours.clone().unwrap_or_else(|| StoreHours {
        weekly: time.hours.as_ref().map_or_else(
            || WeeklyHours::every_day(&[Interval::new(Time::midnight(), Time::midnight())]),
            |h| h.weekly.clone(),
        ),
        exceptions: Vec::new(),
    })
}

/// Applies one form of the page to the settings, or the form's own field errors.
fn apply(lang: Lang, time: &EffectiveTime, form: &Pairs) -> Result<TimeSettings, FormErrors> {
    let mut settings = time.own.clone();
    let mut errors = FormErrors::none();
    let day = |field: &str, errors: &mut FormErrors| {
        crate::reports::parse_day(field, &form.one(field))
            .map_err(|_| errors.add(field, lang.t("hours.bad_date")))
            .ok()
    };
    match form.one("action").as_str() {
        "week" => match form.one("mode").as_str() {
            "follow" | "always" => settings.hours = None,
            _ => {
                let mut hours = hours_to_edit(time);
                for d in WEEK_FROM_SATURDAY {
                    let field = format!("day.{}", weekday_key(d));
                    match parse_intervals(&form.one(&field)) {
                        Some(intervals) => *hours.weekly.day_mut(d) = intervals,
                        None => errors.add(&field, lang.t("hours.bad_hours")),
                    }
                }
                settings.hours = Some(hours);
            }
        },
        "exception" | "ramadan" | "holiday" => {
            let mut hours = hours_to_edit(time);
            let from = day("from", &mut errors);
            let until = if form.one("until").trim().is_empty() {
                from
            } else {
                day("until", &mut errors)
            };
            let intervals = parse_intervals(&form.one("hours_text"));
            if intervals.is_none() {
                errors.add("hours_text", lang.t("hours.bad_hours"));
            }
            let name = form.one("name");
            if name.trim().is_empty() {
                errors.add("name", lang.t("err.required"));
            }
            if let (Some(from), Some(until), Some(intervals)) = (from, until, intervals) {
                let holiday = Some(form.one("holiday")).filter(|k| !k.is_empty());
                // A holiday confirmed again a day or two off replaces its earlier date (the
                // same lunar holiday may come twice in a year, months apart: both stay).
                if let Some(key) = &holiday {
                    hours.exceptions.retain(|e| {
                        e.holiday.as_ref() != Some(key) || !store_time::near(e.dates.from, from)
                    });
                }
                hours.exceptions.push(HoursException {
                    name,
                    dates: DateRange { from, until },
                    hours: intervals,
                    holiday,
                });
                hours.exceptions.sort_by_key(|e| e.dates.from);
            }
            settings.hours = Some(hours);
        }
        "remove" => {
            let mut hours = hours_to_edit(time);
            if let Ok(index) = form.one("index").parse::<usize>()
                && index < hours.exceptions.len()
            {
                hours.exceptions.remove(index);
            }
            settings.hours = Some(hours);
        }
        "dayparts" => {
            if form.one("parts_mode") == "follow" {
                settings.dayparts = None;
            } else {
                let (names, starts, ends) = (
                    form.all("part_name"),
                    form.all("part_start"),
                    form.all("part_end"),
                );
                let mut parts = Vec::new();
                for (n, name) in names.iter().enumerate() {
                    let (start, end) = (
                        starts.get(n).map(String::as_str).unwrap_or(""),
                        ends.get(n).map(String::as_str).unwrap_or(""),
                    );
                    if name.trim().is_empty() && start.trim().is_empty() && end.trim().is_empty() {
                        continue;
                    }
                    match (
                        parse_time(&normalize_digits(start)),
                        parse_time(&normalize_digits(end)),
                    ) {
                        (Some(start), Some(end)) => parts.push(Daypart {
                            name: name.trim().to_owned(),
                            start,
                            end,
                        }),
                        _ => errors.add(&format!("dayparts.{n}"), lang.t("hours.bad_daypart")),
                    }
                }
                settings.dayparts = Some(parts);
            }
        }
        _ => errors.add("action", lang.t("err.invalid")),
    }
    if errors.is_empty() {
        Ok(settings)
    } else {
        Err(errors)
    }
}

/// The page's field for an error of the domain: a weekday's row, the exception form, a
/// daypart's row.
fn page_field(field: &str) -> String {
    let parts: Vec<&str> = field.split('.').collect();
    match parts.as_slice() {
        ["hours", "weekly", day, ..] => format!("day.{day}"),
        ["hours", "exceptions", ..] => "hours_text".into(),
        ["dayparts", n, ..] => format!("dayparts.{n}"),
        _ => field.to_owned(),
    }
}

async fn post(state: &AppState, signed: &Signed, owner: Owner, form: Pairs) -> ApiResult<Response> {
    let lang = signed.page.lang;
    let time = current(state, signed, owner).await?;
    let year = form.one("year").parse().ok();
    let settings = match apply(lang, &time, &form) {
        Ok(settings) => settings,
        Err(errors) => return show(state, signed, owner, year, form, errors).await,
    };
    let saved = match owner {
        Owner::Org => store_time::set_org(state, &signed.principal, settings).await,
        Owner::Store(id) => store_time::set_store(state, &signed.principal, id, settings).await,
    };
    match saved {
        Ok(_) => {
            let to = match year {
                Some(y) => format!("{}?year={y}", owner.base()),
                None => owner.base(),
            };
            Ok(redirect_flash(&to, true, "hours.saved", ""))
        }
        Err(ApiError::Validation(v)) => {
            let moved = ValidationErrors {
                errors: v
                    .errors
                    .into_iter()
                    .map(|mut e| {
                        e.field = page_field(&e.field);
                        e
                    })
                    .collect(),
            };
            let mut errors = FormErrors::none();
            errors.add_validation(lang, &moved);
            show(state, signed, owner, year, form, errors).await
        }
        Err(other) => Err(other),
    }
}

pub const TEXT: &[Entry] = &[
    ("nav.hours", "Opening hours", "ساعت کاری"),
    ("hours.title", "Opening hours", "ساعت کاری"),
    (
        "hours.store_title",
        "Opening hours of {store}",
        "ساعت کاری {store}",
    ),
    (
        "hours.of_store",
        "The store's opening hours",
        "ساعت کاری فروشگاه",
    ),
    (
        "hours.intro",
        "Screens sleep outside opening hours and rules can play “while open”. Write hours like 08:00–14:00, 17:00–23:00; an empty day is closed; 00:00–00:00 is open all day.",
        "نمایشگرها بیرون از ساعت کاری خاموش می‌شوند و قانون‌ها می‌توانند «در ساعت کاری» پخش شوند. ساعت‌ها را مثل ۰۸:۰۰–۱۴:۰۰، ۱۷:۰۰–۲۳:۰۰ بنویسید؛ روز خالی یعنی تعطیل؛ ۰۰:۰۰–۰۰:۰۰ یعنی شبانه‌روزی.",
    ),
    ("hours.week", "Every week", "هر هفته"),
    (
        "hours.mode.always",
        "Always open (no opening hours)",
        "همیشه باز (بدون ساعت کاری)",
    ),
    (
        "hours.mode.follow",
        "Follow the organization's hours",
        "مانند ساعت کاری سازمان",
    ),
    ("hours.mode.own", "These hours", "این ساعت‌ها"),
    ("hours.closed", "closed", "تعطیل"),
    ("hours.exceptions", "Exceptions", "استثناها"),
    (
        "hours.no_exceptions",
        "No exceptions: every week is the same.",
        "استثنایی نیست: همه‌ی هفته‌ها یکسان است.",
    ),
    ("hours.add_exception", "Add an exception", "افزودن استثنا"),
    ("hours.name", "Name", "نام"),
    ("hours.from", "First day", "روز نخست"),
    ("hours.until", "Last day", "روز آخر"),
    (
        "hours.hours_text",
        "Hours (empty: closed)",
        "ساعت‌ها (خالی: تعطیل)",
    ),
    ("hours.remove", "Remove", "حذف"),
    (
        "hours.holidays",
        "Official holidays of {year}",
        "تعطیلات رسمی {year}",
    ),
    (
        "hours.holidays_hint",
        "Lunar holidays are computed; the official date follows the sighting of the moon and may differ by a day: check the date, then confirm.",
        "تاریخ تعطیلات قمری محاسبه‌ای است؛ تاریخ رسمی به رؤیت ماه بستگی دارد و ممکن است یک روز فرق کند: تاریخ را بررسی و سپس تأیید کنید.",
    ),
    ("hours.lunar", "estimated", "تخمینی"),
    (
        "hours.confirm_closed",
        "Closed on this day",
        "این روز تعطیل است",
    ),
    ("hours.confirmed", "confirmed", "تأیید شده"),
    ("hours.ramadan", "Ramadan hours", "ساعت کاری ماه رمضان"),
    ("hours.ramadan_name", "Ramadan", "ماه رمضان"),
    (
        "hours.add_ramadan",
        "Use these hours in Ramadan",
        "این ساعت‌ها در ماه رمضان",
    ),
    ("hours.dayparts", "Dayparts", "وعده‌ها"),
    (
        "hours.dayparts_hint",
        "The weekly grid paints these rows; changing one moves every rule built from it.",
        "جدول هفتگی این ردیف‌ها را دارد؛ تغییر هر کدام همه‌ی قانون‌های ساخته‌شده از آن را جابه‌جا می‌کند.",
    ),
    (
        "hours.parts_mode.follow",
        "Follow the organization's dayparts",
        "مانند وعده‌های سازمان",
    ),
    ("hours.parts_mode.own", "These dayparts", "این وعده‌ها"),
    ("hours.part_name", "Daypart", "وعده"),
    ("hours.part_start", "Start", "شروع"),
    ("hours.part_end", "End", "پایان"),
    ("hours.saved", "Opening hours saved", "ساعت کاری ذخیره شد"),
    (
        "hours.bad_hours",
        "Write hours like 08:00–14:00, 17:00–23:00 (empty: closed)",
        "ساعت را مثل ۰۸:۰۰–۱۴:۰۰، ۱۷:۰۰–۲۳:۰۰ بنویسید (خالی: تعطیل)",
    ),
    (
        "hours.bad_date",
        "A date like 1405-01-13 or 2026-04-02",
        "تاریخی مثل ۱۴۰۵-۰۱-۱۳ یا 2026-04-02",
    ),
    (
        "hours.bad_daypart",
        "A name, a start and an end like 07:00",
        "نام، شروع و پایانی مثل ۰۷:۰۰",
    ),
    ("hours.year", "Year", "سال"),
    ("hours.show", "Show", "نمایش"),
    ("hours.stores", "Stores", "فروشگاه‌ها"),
    (
        "hours.inherited",
        "From the organization (every store keeps them)",
        "از سازمان (همه‌ی فروشگاه‌ها دارند)",
    ),
    ("hours.store_prices", "its menu prices", "قیمت‌های منوی آن"),
    ("hours.store_own", "its own hours", "ساعت کاری خودش"),
    ("hours.store_follows", "follows these hours", "همین ساعت‌ها"),
    (
        "err.overlap",
        "Overlaps another interval",
        "با بازه‌ی دیگری هم‌پوشانی دارد",
    ),
    (
        "err.inverted",
        "Only the last interval of a day can close after midnight",
        "فقط آخرین بازه‌ی روز می‌تواند بعد از نیمه‌شب ببندد",
    ),
    (
        "err.equals_open",
        "Opening and closing are the same time",
        "ساعت باز و بسته شدن یکی است",
    ),
    (
        "err.after_closing",
        "Ends after closing time",
        "بعد از ساعت بسته شدن تمام می‌شود",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_read_as_written_on_a_shop_door() {
        let t = |h, m| Time::new(h, m, 0, 0).unwrap();
        assert_eq!(
            parse_intervals("۰۸:۰۰–۱۴:۰۰، ۱۷:۳۰ تا ۲۴"),
            Some(vec![
                Interval::new(t(8, 0), t(14, 0)),
                Interval::new(t(17, 30), Time::midnight())
            ])
        );
        assert_eq!(parse_intervals(" تعطیل "), Some(Vec::new()));
        assert_eq!(parse_intervals("8-25"), None);
        assert_eq!(parse_intervals("morning"), None);
        assert_eq!(
            intervals_text(Lang::En, &[Interval::new(t(18, 0), t(2, 0))]),
            "18:00–02:00"
        );
    }
}
