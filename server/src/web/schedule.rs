//! The schedule: a weekly grid (days × dayparts) to paint breakfast, lunch and dinner, the
//! list of rules with their priorities, a rule form with cron in plain words, and the "what
//! plays when" picture of any screen and day.
//!
//! The grid is a view of ordinary rules: one normal rule per daypart and playlist, with the
//! weekdays it is painted on, the daypart's hours and the grid's priority. Saving the grid
//! replaces exactly those rules (in one change), so rules made any other way are left alone.
//! A rule that would tie with another (same layer, same priority, overlapping times in the
//! next two weeks, reaching a common screen) is refused with a message naming both; the
//! picture highlights ties and rules that never get shown.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use serde::Deserialize;
use vitrin_shared::calendar::{self, parse_jalali};
use vitrin_shared::ids::{GroupId, LayoutId, PlaylistId, RuleId, StoreId};
use vitrin_shared::layout::Layout;
use vitrin_shared::playlist::Playlist;
use vitrin_shared::schedule::hours::Daypart;
pub use vitrin_shared::schedule::hours::weekday_key;
use vitrin_shared::schedule::{
    DateRange, RuleKind, ScheduleRule, Scope, Target, Weekdays, When, Window,
};
use vitrin_shared::{FieldError, ValidationErrors};

use super::cron_text;
use super::form::FormErrors;
use super::i18n::{Entry, Lang};
use super::page::{Page, Signed, redirect_flash, render, render_status};
use super::timeline::{self, Conflict, DayTimeline, Labels};
use crate::auth::{Principal, Role};
use crate::changes::{Audit, Change};
use crate::domain::library;
use crate::domain::store_time;
use crate::domain::stores::Store;
use crate::error::{ApiError, ApiResult, RuleTie};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/schedule", get(overview))
        .route("/schedule/grid", post(save_grid))
        .route("/schedule/rules/new", get(new_rule).post(create_rule))
        .route("/schedule/rules/{id}", get(edit_rule).post(update_rule))
        .route("/schedule/rules/{id}/delete", post(delete_rule))
        .route("/schedule/cron", get(cron_explain))
        .route("/schedule/timeline", get(timeline_page))
        .route("/schedule/timeline.svg", get(timeline_svg))
}

/// The priority of rules painted on the grid for `scope`: a narrower grid outranks a wider
/// one (a store's breakfast beats the franchise's), so grids of different scopes never tie;
/// rules made in the rule form can outrank them all.
pub fn grid_priority(scope: &Scope) -> i32 {
    if !scope.screens.is_empty() {
        3
    } else if !scope.stores.is_empty() {
        2
    } else if !scope.groups.is_empty() || !scope.tags.is_empty() {
        1
    } else {
        0
    }
}

/// Grids saved before `grid_priority` used 0 for every scope; they are still the grid's.
const LEGACY_GRID_PRIORITY: i32 = 0;

/// The grid's key of a daypart, in its cells' field names (`cell.breakfast.monday`).
fn daypart_key(part: &Daypart) -> String {
    part.name.trim().to_lowercase()
}

/// A daypart's name for people: the built-in ones in the page's language, others as typed.
pub(super) fn daypart_label(lang: Lang, name: &str) -> String {
    match name.trim().to_lowercase().as_str() {
        key @ ("breakfast" | "lunch" | "dinner") => {
            lang.t(&format!("schedule.daypart.{key}")).to_owned()
        }
        _ => name.to_owned(),
    }
}

/// The dayparts the grid of `scope` paints: a single store's own, else the organization's.
async fn grid_dayparts(
    state: &AppState,
    principal: &Principal,
    scope: Option<&Scope>,
) -> ApiResult<Vec<Daypart>> {
    let time = match scope.map(|s| (s.stores.as_slice(), s)) {
        Some(([store], s)) if s.screens.is_empty() && s.groups.is_empty() && s.tags.is_empty() => {
            store_time::for_store(state, principal, store.0).await?
        }
        _ => store_time::for_org(state, principal).await?,
    };
    Ok(time.dayparts)
}

/// Weekdays in the order a week is written: from Saturday in Persian, from Monday in English.
pub(super) fn week(lang: Lang) -> [Weekday; 7] {
    use Weekday::*;
    match lang {
        Lang::Fa => [
            Saturday, Sunday, Monday, Tuesday, Wednesday, Thursday, Friday,
        ],
        Lang::En => [
            Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday,
        ],
    }
}

fn weekday_of_key(key: &str) -> Option<Weekday> {
    Weekday::Monday
        .cycle_forward()
        .take(7)
        .find(|d| weekday_key(*d) == key)
}

/// Where a rule applies, as the forms write it: `all`, `store:<id>` or `group:<id>`.
fn scope_code(scope: &Scope) -> String {
    if scope.all {
        return "all".into();
    }
    match (
        &scope.stores[..],
        &scope.groups[..],
        &scope.screens[..],
        &scope.tags[..],
    ) {
        ([store], [], [], []) => format!("store:{store}"),
        ([], [group], [], []) => format!("group:{group}"),
        _ => "custom".into(),
    }
}

fn scope_of_code(code: &str) -> Option<Scope> {
    let id = |s: &str| s.parse::<i64>().ok();
    match code.split_once(':') {
        None if code == "all" => Some(Scope {
            all: true,
            ..Scope::default()
        }),
        Some(("store", n)) => Some(Scope {
            stores: vec![StoreId(id(n)?)],
            ..Scope::default()
        }),
        Some(("group", n)) => Some(Scope {
            groups: vec![GroupId(id(n)?)],
            ..Scope::default()
        }),
        _ => None,
    }
}

/// A choice in a select.
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// The scopes this user may give a rule: store managers only their stores.
async fn scope_choices(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
) -> ApiResult<Vec<Choice>> {
    let mut choices = Vec::new();
    if principal.role != Role::StoreManager {
        choices.push(Choice {
            value: "all".into(),
            label: lang.t("schedule.scope.all").into(),
        });
    }
    let stores: Vec<Store> = crate::domain::stores::list(state, principal).await?;
    for store in stores {
        choices.push(Choice {
            value: format!("store:{}", store.id),
            label: lang.tf("schedule.scope.store", &[("name", &store.name)]),
        });
    }
    if principal.role != Role::StoreManager {
        let groups = crate::domain::groups::list(state, principal).await?;
        for group in groups {
            choices.push(Choice {
                value: format!("group:{}", group.id),
                label: lang.tf("schedule.scope.group", &[("name", &group.name)]),
            });
        }
    }
    Ok(choices)
}

/// What rules can show: playlists and layouts.
pub(super) async fn target_choices(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
) -> ApiResult<Vec<Choice>> {
    let playlists = library::list::<Playlist>(state, principal).await?;
    let layouts = library::list::<Layout>(state, principal).await?;
    Ok(playlists
        .iter()
        .map(|p| Choice {
            value: target_code(Target::Playlist(p.id)),
            label: lang.tf("schedule.target.playlist", &[("name", &p.name)]),
        })
        .chain(layouts.iter().map(|l| Choice {
            value: target_code(Target::Layout(l.id)),
            label: lang.tf("schedule.target.layout", &[("name", &l.name)]),
        }))
        .collect())
}

pub(super) fn target_code(target: Target) -> String {
    match target {
        Target::Playlist(id) => format!("playlist:{id}"),
        Target::Layout(id) => format!("layout:{id}"),
    }
}

pub(super) fn target_of_code(code: &str) -> Option<Target> {
    let (kind, id) = code.split_once(':')?;
    let id = id.parse().ok()?;
    match kind {
        "playlist" => Some(Target::Playlist(PlaylistId(id))),
        "layout" => Some(Target::Layout(LayoutId(id))),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// The weekly grid

/// Whether `rule` is one the grid paints for `scope`, and in which of `parts`: one that
/// follows a daypart by name, or (saved before dayparts had names) one with its hours.
fn grid_daypart(rule: &ScheduleRule, scope: &Scope, parts: &[Daypart]) -> Option<usize> {
    let plain = rule.kind == RuleKind::Normal
        && (rule.priority == grid_priority(scope) || rule.priority == LEGACY_GRID_PRIORITY)
        && rule.when.dates.is_none()
        && rule.when.active_from.is_none()
        && rule.when.active_until.is_none()
        && rule.when.weekdays.is_some()
        && matches!(rule.target, Target::Playlist(_))
        && rule.scope == *scope;
    if !plain {
        return None;
    }
    parts.iter().position(|part| match &rule.when.window {
        Window::Daypart { daypart } => daypart.trim().eq_ignore_ascii_case(part.name.trim()),
        Window::Daily { start, end } => (*start, *end) == (part.start, part.end),
        _ => false,
    })
}

/// One cell of the grid: a daypart on a weekday and the playlist painted there.
pub struct Cell {
    pub name: String,
    pub label: String,
    pub selected: String,
}

pub struct GridRow {
    pub key: String,
    pub label: String,
    pub hours: String,
    pub cells: Vec<Cell>,
}

pub struct RuleRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub priority: i64,
    pub when: String,
    pub target: String,
    pub scope: String,
}

#[derive(Template)]
#[template(path = "schedule/overview.html")]
struct OverviewPage<'a> {
    page: &'a Page,
    scope: String,
    scopes: Vec<Choice>,
    playlists: Vec<Choice>,
    days: Vec<String>,
    grid: Vec<GridRow>,
    errors: FormErrors,
    rules: Vec<RuleRow>,
    screens: Vec<Choice>,
    today: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ScopeQuery {
    scope: String,
}

async fn overview(
    State(state): State<AppState>,
    signed: Signed,
    Query(query): Query<ScopeQuery>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let scopes = scope_choices(&state, &principal, page.lang).await?;
    let scope_value = if scopes.iter().any(|c| c.value == query.scope) {
        query.scope
    } else {
        scopes.first().map(|c| c.value.clone()).unwrap_or_default()
    };
    let rules = library::list::<ScheduleRule>(&state, &principal).await?;
    let mut cells: BTreeMap<(usize, i8), String> = BTreeMap::new();
    if let Some(scope) = scope_of_code(&scope_value) {
        let parts = grid_dayparts(&state, &principal, Some(&scope)).await?;
        for rule in &rules {
            if let Some(part) = grid_daypart(rule, &scope, &parts) {
                for day in rule.when.weekdays.unwrap_or_default().iter() {
                    cells.insert(
                        (part, day.to_monday_zero_offset()),
                        target_code(rule.target),
                    );
                }
            }
        }
    }
    let page_html = overview_page(
        &state,
        &principal,
        &page,
        scope_value,
        &rules,
        cells,
        FormErrors::none(),
    )
    .await?;
    Ok(render(&page_html))
}

/// Everything the overview shows, with the grid's cells as given (saved, or as posted).
async fn overview_page<'a>(
    state: &AppState,
    principal: &Principal,
    page: &'a Page,
    scope: String,
    rules: &[ScheduleRule],
    cells: BTreeMap<(usize, i8), String>,
    errors: FormErrors,
) -> ApiResult<OverviewPage<'a>> {
    let lang = page.lang;
    let targets = target_choices(state, principal, lang).await?;
    // The grid's cells name playlists only, so their bare names are enough.
    let playlists = library::list::<Playlist>(state, principal)
        .await?
        .into_iter()
        .map(|p| Choice {
            value: target_code(Target::Playlist(p.id)),
            label: p.name,
        })
        .collect();
    let parts = grid_dayparts(state, principal, scope_of_code(&scope).as_ref()).await?;
    let grid = parts
        .iter()
        .enumerate()
        .map(|(part, daypart)| {
            let key = daypart_key(daypart);
            let label = daypart_label(lang, &daypart.name);
            GridRow {
                hours: lang.digits_in(&format!(
                    "{}–{}",
                    daypart.start.strftime("%H:%M"),
                    daypart.end.strftime("%H:%M")
                )),
                cells: week(lang)
                    .iter()
                    .map(|day| Cell {
                        name: format!("cell.{key}.{}", weekday_key(*day)),
                        label: format!(
                            "{label} {}",
                            lang.t(&format!("weekday.{}", weekday_key(*day)))
                        ),
                        selected: cells
                            .get(&(part, day.to_monday_zero_offset()))
                            .cloned()
                            .unwrap_or_default(),
                    })
                    .collect(),
                key,
                label,
            }
        })
        .collect();
    let screens = crate::domain::screens::list(state, principal)
        .await?
        .into_iter()
        .map(|s| Choice {
            value: s.id.to_string(),
            label: s.name,
        })
        .collect();
    let mut sorted: Vec<&ScheduleRule> = rules.iter().collect();
    sorted.sort_by_key(|r| (std::cmp::Reverse(r.priority), r.id));
    let target_names: BTreeMap<String, String> =
        targets.into_iter().map(|c| (c.value, c.label)).collect();
    let scope_names = scope_choices(state, principal, lang).await?;
    Ok(OverviewPage {
        page,
        scope,
        scopes: scope_choices(state, principal, lang).await?,
        playlists,
        days: week(lang)
            .iter()
            .map(|d| lang.t(&format!("weekday.{}", weekday_key(*d))).to_owned())
            .collect(),
        grid,
        errors,
        rules: sorted
            .into_iter()
            .map(|r| RuleRow {
                id: r.id.0,
                name: r.name.clone(),
                kind: lang.t(kind_key(&r.kind)).to_owned(),
                priority: i64::from(r.priority),
                when: describe_when(&r.when, lang),
                target: target_names
                    .get(&target_code(r.target))
                    .cloned()
                    .unwrap_or_default(),
                scope: scope_names
                    .iter()
                    .find(|c| c.value == scope_code(&r.scope))
                    .map_or_else(
                        || lang.t("schedule.scope.custom").to_owned(),
                        |c| c.label.clone(),
                    ),
            })
            .collect(),
        screens,
        today: Timestamp::now()
            .to_zoned(page.tz.clone())
            .date()
            .to_string(),
    })
}

fn kind_key(kind: &RuleKind) -> &'static str {
    match kind {
        RuleKind::Normal => "schedule.kind.normal",
        RuleKind::Interrupt { .. } => "schedule.kind.interrupt",
        RuleKind::Overlay => "schedule.kind.overlay",
        RuleKind::Emergency => "schedule.kind.emergency",
    }
}

/// A rule's times in words, for the list.
fn describe_when(when: &When, lang: Lang) -> String {
    let clock = |t: Time| lang.digits_in(&format!("{:02}:{:02}", t.hour(), t.minute()));
    let mut parts = vec![match &when.window {
        Window::AllDay => lang.t("schedule.when.all_day").to_owned(),
        Window::WhileOpen => lang.t("schedule.when.while_open").to_owned(),
        Window::Daypart { daypart } => daypart_label(lang, daypart),
        Window::Daily { start, end } => format!("{}–{}", clock(*start), clock(*end)),
        Window::Cron {
            expr,
            duration_secs,
        } => {
            let text = cron_text::explain(expr, lang).unwrap_or_else(|e| e.message(lang));
            lang.tf(
                "schedule.when.cron",
                &[("text", &text), ("minutes", &lang.num(duration_secs / 60))],
            )
        }
    }];
    if let Some(days) = when.weekdays
        && days != Weekdays::ALL
    {
        let names: Vec<&str> = week(lang)
            .into_iter()
            .filter(|d| days.contains(*d))
            .map(|d| lang.t(short_weekday_key(d)))
            .collect();
        parts.push(names.join(if lang == Lang::Fa { "، " } else { ", " }));
    }
    if let Some(range) = when.dates {
        parts.push(format!(
            "{} – {}",
            show_date(range.from, lang),
            show_date(range.until, lang)
        ));
    }
    parts.join(" · ")
}

fn short_weekday_key(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "weekday.short.monday",
        Weekday::Tuesday => "weekday.short.tuesday",
        Weekday::Wednesday => "weekday.short.wednesday",
        Weekday::Thursday => "weekday.short.thursday",
        Weekday::Friday => "weekday.short.friday",
        Weekday::Saturday => "weekday.short.saturday",
        Weekday::Sunday => "weekday.short.sunday",
    }
}

/// A date as the user writes it: Solar Hijri in Persian, ISO in English.
pub(crate) fn show_date(date: Date, lang: Lang) -> String {
    match lang {
        Lang::En => date.to_string(),
        Lang::Fa => calendar::format_jalali(calendar::to_jalali(date), calendar::Digits::Persian),
    }
}

/// Reads a date typed in either calendar: Solar Hijri (`1405/09/01`, any digits) when the year
/// is below 1700, else Gregorian (`2026-11-22`).
pub(crate) fn parse_date(text: &str) -> Option<Date> {
    let ascii = calendar::normalize_digits(text.trim());
    let year: i32 = ascii.split(['/', '-']).next()?.parse().ok()?;
    if year < 1700 {
        parse_jalali(&ascii).ok()?.to_gregorian().ok()
    } else {
        let parts: Vec<&str> = ascii.split(['/', '-']).collect();
        let [y, m, d] = parts[..] else { return None };
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
    }
}

async fn save_grid(
    State(state): State<AppState>,
    signed: Signed,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    principal.require(principal.can_edit_content())?;
    let scope_value = pairs
        .iter()
        .find(|(k, _)| k == "scope")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let scope = scope_of_code(&scope_value)
        .ok_or_else(|| ApiError::field("scope", "invalid", "choose where the schedule applies"))?;
    // (daypart, weekday) → target code, as painted.
    let parts = grid_dayparts(&state, &principal, Some(&scope)).await?;
    let mut cells: BTreeMap<(usize, i8), String> = BTreeMap::new();
    for (key, value) in &pairs {
        let Some(rest) = key.strip_prefix("cell.") else {
            continue;
        };
        // A daypart's name may hold a dot; a weekday's does not.
        let Some((part, day)) = rest.rsplit_once('.') else {
            continue;
        };
        let (Some(part), Some(day)) = (
            parts.iter().position(|d| daypart_key(d) == part),
            weekday_of_key(day),
        ) else {
            continue;
        };
        if !value.is_empty() {
            cells.insert((part, day.to_monday_zero_offset()), value.clone());
        }
    }
    let playlists = library::list::<Playlist>(&state, &principal).await?;
    // One rule per daypart and playlist, on the days it is painted.
    let mut wanted: BTreeMap<(usize, i64), BTreeSet<i8>> = BTreeMap::new();
    let mut errors = FormErrors::none();
    for ((part, day), code) in &cells {
        let day = Weekday::from_monday_zero_offset(*day).expect("stored from a weekday");
        match target_of_code(code) {
            Some(Target::Playlist(id)) if playlists.iter().any(|p| p.id == id) => {
                wanted
                    .entry((*part, id.0))
                    .or_default()
                    .insert(day.to_monday_zero_offset());
            }
            _ => errors.add(
                &format!("cell.{}.{}", daypart_key(&parts[*part]), weekday_key(day)),
                page.lang.t("err.unknown"),
            ),
        }
    }
    let existing = library::list::<ScheduleRule>(&state, &principal).await?;
    if errors.is_empty() {
        let result = replace_grid_rules(
            &state, &principal, page.lang, &scope, &existing, &playlists, &parts, &wanted,
        )
        .await;
        match result {
            Ok(()) => {
                return Ok(redirect_flash(
                    &format!("/schedule?scope={scope_value}"),
                    true,
                    "schedule.grid_saved",
                    "",
                ));
            }
            Err(ApiError::Tie(tie)) => errors.form = Some(tie_message(page.lang, &tie)),
            Err(e) => errors = FormErrors::from_api(page.lang, e)?,
        }
    }
    let tpl = overview_page(
        &state,
        &principal,
        &page,
        scope_value,
        &existing,
        cells,
        errors,
    )
    .await?;
    Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &tpl))
}

/// Replaces the grid's rules for `scope` with `wanted`, in one change.
#[allow(clippy::too_many_arguments)]
async fn replace_grid_rules(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
    scope: &Scope,
    existing: &[ScheduleRule],
    playlists: &[Playlist],
    parts: &[Daypart],
    wanted: &BTreeMap<(usize, i64), BTreeSet<i8>>,
) -> ApiResult<()> {
    let mut change = Change::begin(state, principal).await?;
    for rule in existing
        .iter()
        .filter(|r| grid_daypart(r, scope, parts).is_some())
    {
        library::delete_in::<ScheduleRule>(&mut change, rule.id.0).await?;
    }
    for ((part, playlist), days) in wanted {
        let name = playlists
            .iter()
            .find(|p| p.id.0 == *playlist)
            .map_or_else(String::new, |p| p.name.clone());
        let weekdays: Vec<Weekday> = days
            .iter()
            .filter_map(|d| Weekday::from_monday_zero_offset(*d).ok())
            .collect();
        let rule = ScheduleRule {
            id: RuleId(0),
            name: format!("{} · {name}", daypart_label(lang, &parts[*part].name)),
            target: Target::Playlist(PlaylistId(*playlist)),
            scope: scope.clone(),
            when: When {
                weekdays: Some(Weekdays::of(&weekdays)),
                // Follows the daypart: changing its hours moves the rule.
                window: Window::Daypart {
                    daypart: parts[*part].name.clone(),
                },
                ..When::always()
            },
            priority: grid_priority(scope),
            kind: RuleKind::Normal,
        };
        let body = serde_json::to_value(&rule).map_err(ApiError::internal)?;
        library::save_in::<ScheduleRule>(&mut change, None, body).await?;
    }
    change
        .commit(Audit {
            action: "update",
            object_type: "rule",
            object_id: None,
            summary: format!("weekly grid for {}", scope_code(scope)),
        })
        .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// One rule

/// The rule form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RuleForm {
    pub name: String,
    pub target: String,
    pub scope: String,
    /// `normal`, `overlay`, `interrupt` or `emergency`.
    pub kind: String,
    pub priority: String,
    /// `daily`, `all_day` or `cron`.
    pub window: String,
    pub start: String,
    pub end: String,
    pub cron: String,
    pub duration_minutes: String,
    /// The daypart a `daypart` window follows, by name.
    pub daypart: String,
    pub date_from: String,
    pub date_until: String,
    pub seconds_per_hour: String,
    pub spots_per_hour: String,
    #[serde(skip)]
    pub weekdays: Vec<String>,
}

impl RuleForm {
    fn from_pairs(pairs: &[(String, String)]) -> RuleForm {
        let mut form = RuleForm::default();
        for (key, value) in pairs {
            let v = value.clone();
            match key.as_str() {
                "name" => form.name = v,
                "target" => form.target = v,
                "scope" => form.scope = v,
                "kind" => form.kind = v,
                "priority" => form.priority = v,
                "window" => form.window = v,
                "start" => form.start = v,
                "end" => form.end = v,
                "cron" => form.cron = v,
                "duration_minutes" => form.duration_minutes = v,
                "daypart" => form.daypart = v,
                "date_from" => form.date_from = v,
                "date_until" => form.date_until = v,
                "seconds_per_hour" => form.seconds_per_hour = v,
                "spots_per_hour" => form.spots_per_hour = v,
                "weekday" => form.weekdays.push(v),
                _ => {}
            }
        }
        form
    }

    fn from_rule(rule: &ScheduleRule, lang: Lang) -> RuleForm {
        let clock = |t: Time| format!("{:02}:{:02}", t.hour(), t.minute());
        let mut form = RuleForm {
            name: rule.name.clone(),
            target: target_code(rule.target),
            scope: scope_code(&rule.scope),
            priority: rule.priority.to_string(),
            weekdays: rule
                .when
                .weekdays
                .map(|w| w.iter().map(|d| weekday_key(d).to_owned()).collect())
                .unwrap_or_default(),
            date_from: rule
                .when
                .dates
                .map(|d| show_date(d.from, lang))
                .unwrap_or_default(),
            date_until: rule
                .when
                .dates
                .map(|d| show_date(d.until, lang))
                .unwrap_or_default(),
            ..RuleForm::default()
        };
        form.kind = match rule.kind {
            RuleKind::Normal => "normal",
            RuleKind::Overlay => "overlay",
            RuleKind::Emergency => "emergency",
            RuleKind::Interrupt {
                seconds_per_hour,
                spots_per_hour,
            } => {
                form.seconds_per_hour = seconds_per_hour.to_string();
                form.spots_per_hour = spots_per_hour.to_string();
                "interrupt"
            }
        }
        .into();
        match &rule.when.window {
            Window::AllDay => form.window = "all_day".into(),
            Window::Daily { start, end } => {
                form.window = "daily".into();
                form.start = clock(*start);
                form.end = clock(*end);
            }
            Window::Cron {
                expr,
                duration_secs,
            } => {
                form.window = "cron".into();
                form.cron = expr.clone();
                form.duration_minutes = (duration_secs / 60).to_string();
            }
            Window::Daypart { daypart } => {
                form.window = "daypart".into();
                form.daypart = daypart.clone();
            }
            Window::WhileOpen => form.window = "while_open".into(),
        }
        form
    }

    fn has_weekday(&self, key: &str) -> bool {
        self.weekdays.iter().any(|d| d == key)
    }

    /// The rule, or the messages of every field that cannot be read.
    fn to_rule(&self, lang: Lang) -> Result<ScheduleRule, FormErrors> {
        let mut errors = FormErrors::none();
        let number = |field: &str, text: &str, errors: &mut FormErrors| -> i64 {
            calendar::parse_number(text).unwrap_or_else(|_| {
                errors.add(field, lang.t("schedule.err.number"));
                0
            })
        };
        let time = |field: &str, text: &str, errors: &mut FormErrors| -> Time {
            let ascii = calendar::normalize_digits(text.trim());
            ascii
                .split_once(':')
                .and_then(|(h, m)| Time::new(h.parse().ok()?, m.parse().ok()?, 0, 0).ok())
                .unwrap_or_else(|| {
                    errors.add(field, lang.t("schedule.err.time"));
                    Time::midnight()
                })
        };
        let target = target_of_code(&self.target).unwrap_or_else(|| {
            errors.add("target", lang.t("err.required"));
            Target::Playlist(PlaylistId(0))
        });
        let scope = scope_of_code(&self.scope).unwrap_or_else(|| {
            errors.add("scope", lang.t("err.required"));
            Scope::default()
        });
        let priority = if self.priority.trim().is_empty() {
            0
        } else {
            number("priority", &self.priority, &mut errors)
        };
        let window = match self.window.as_str() {
            "all_day" => Window::AllDay,
            "while_open" => Window::WhileOpen,
            "daypart" => Window::Daypart {
                daypart: self.daypart.trim().to_owned(),
            },
            "cron" => {
                if let Err(e) = cron_text::explain(&self.cron, lang) {
                    errors.add("cron", e.message(lang));
                }
                Window::Cron {
                    expr: self.cron.trim().to_owned(),
                    duration_secs: number("duration_minutes", &self.duration_minutes, &mut errors)
                        * 60,
                }
            }
            _ => Window::Daily {
                start: time("start", &self.start, &mut errors),
                end: time("end", &self.end, &mut errors),
            },
        };
        let dates = match (self.date_from.trim(), self.date_until.trim()) {
            ("", "") => None,
            (from, until) => {
                let from = parse_date(from).or_else(|| {
                    errors.add("date_from", lang.t("schedule.err.date"));
                    None
                });
                let until = parse_date(until).or_else(|| {
                    errors.add("date_until", lang.t("schedule.err.date"));
                    None
                });
                from.zip(until)
                    .map(|(from, until)| DateRange { from, until })
            }
        };
        let weekdays: Vec<Weekday> = self
            .weekdays
            .iter()
            .filter_map(|k| weekday_of_key(k))
            .collect();
        let kind = match self.kind.as_str() {
            "overlay" => RuleKind::Overlay,
            "emergency" => RuleKind::Emergency,
            "interrupt" => RuleKind::Interrupt {
                seconds_per_hour: number("seconds_per_hour", &self.seconds_per_hour, &mut errors),
                spots_per_hour: number("spots_per_hour", &self.spots_per_hour, &mut errors),
            },
            _ => RuleKind::Normal,
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ScheduleRule {
            id: RuleId(0),
            name: self.name.trim().to_owned(),
            target,
            scope,
            when: When {
                dates,
                // No day ticked means every day, as on a paper schedule.
                weekdays: (!weekdays.is_empty() && weekdays.len() < 7)
                    .then(|| Weekdays::of(&weekdays)),
                window,
                active_from: None,
                active_until: None,
            },
            priority: i32::try_from(priority).unwrap_or(i32::MAX),
            kind,
        })
    }
}

#[derive(Template)]
#[template(path = "schedule/rule.html")]
struct RulePage<'a> {
    page: &'a Page,
    id: Option<i64>,
    form: RuleForm,
    errors: FormErrors,
    targets: Vec<Choice>,
    scopes: Vec<Choice>,
    days: Vec<(String, String)>,
    /// The organization's dayparts (value: the name; label: as shown), for a daypart window.
    dayparts: Vec<Choice>,
    /// The cron line in words, when there is a valid one.
    cron_words: String,
}

impl RulePage<'_> {
    fn weekday_checked(&self, key: &str) -> bool {
        self.form.has_weekday(key)
    }

    /// Whether the rule's daypart is one of the organization's (else it is listed as is).
    fn knows_daypart(&self) -> bool {
        self.dayparts.iter().any(|d| d.value == self.form.daypart)
    }

    /// The text of `<prefix>.<choice>`, for the kind and window choices.
    fn label(&self, prefix: &str, choice: &str) -> String {
        self.page.t(&format!("{prefix}.{choice}")).to_owned()
    }
}

async fn rule_page<'a>(
    state: &AppState,
    principal: &Principal,
    page: &'a Page,
    id: Option<i64>,
    form: RuleForm,
    errors: FormErrors,
) -> ApiResult<RulePage<'a>> {
    let lang = page.lang;
    let cron_words = if form.window == "cron" {
        cron_text::explain(&form.cron, lang).unwrap_or_default()
    } else {
        String::new()
    };
    Ok(RulePage {
        page,
        id,
        targets: target_choices(state, principal, lang).await?,
        scopes: scope_choices(state, principal, lang).await?,
        days: week(lang)
            .iter()
            .map(|d| {
                (
                    weekday_key(*d).to_owned(),
                    lang.t(&format!("weekday.{}", weekday_key(*d))).to_owned(),
                )
            })
            .collect(),
        dayparts: grid_dayparts(state, principal, None)
            .await?
            .iter()
            .map(|d| Choice {
                value: d.name.clone(),
                label: format!(
                    "{} ({})",
                    daypart_label(lang, &d.name),
                    lang.digits_in(&format!(
                        "{}–{}",
                        d.start.strftime("%H:%M"),
                        d.end.strftime("%H:%M")
                    ))
                ),
            })
            .collect(),
        form,
        errors,
        cron_words,
    })
}

async fn new_rule(State(state): State<AppState>, signed: Signed) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let form = RuleForm {
        kind: "normal".into(),
        window: "daily".into(),
        priority: "10".into(),
        duration_minutes: "60".into(),
        ..RuleForm::default()
    };
    let tpl = rule_page(&state, &principal, &page, None, form, FormErrors::none()).await?;
    Ok(render(&tpl))
}

async fn edit_rule(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let rule = library::get::<ScheduleRule>(&state, &principal, id).await?;
    let form = RuleForm::from_rule(&rule, page.lang);
    let tpl = rule_page(
        &state,
        &principal,
        &page,
        Some(id),
        form,
        FormErrors::none(),
    )
    .await?;
    Ok(render(&tpl))
}

async fn create_rule(
    State(state): State<AppState>,
    signed: Signed,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    save_rule(state, signed, None, pairs).await
}

async fn update_rule(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    library::get::<ScheduleRule>(&state, &signed.principal, id).await?;
    save_rule(state, signed, Some(id), pairs).await
}

async fn save_rule(
    state: AppState,
    signed: Signed,
    id: Option<i64>,
    pairs: Vec<(String, String)>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    principal.require(principal.can_edit_content())?;
    let form = RuleForm::from_pairs(&pairs);
    let outcome: Result<ScheduleRule, FormErrors> = match form.to_rule(page.lang) {
        Err(errors) => Err(errors),
        Ok(mut rule) => {
            rule.id = RuleId(id.unwrap_or(0));
            // A rule that would tie with another is refused by the library, inside the save.
            let body = serde_json::to_value(&rule).map_err(ApiError::internal)?;
            match library::save::<ScheduleRule>(&state, &principal, id, body).await {
                Ok((_, saved)) => Ok(saved),
                Err(ApiError::Validation(v)) => {
                    let mut errors = FormErrors::none();
                    errors.add_validation(page.lang, &to_form_fields(v));
                    Err(errors)
                }
                Err(e) => Err(FormErrors::from_api(page.lang, e)?),
            }
        }
    };
    match outcome {
        Ok(rule) => Ok(redirect_flash(
            "/schedule",
            true,
            "schedule.rule_saved",
            &rule.name,
        )),
        Err(errors) => {
            let tpl = rule_page(&state, &principal, &page, id, form, errors).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &tpl))
        }
    }
}

/// The library's field errors under the names of this form's fields, so each message shows
/// next to what was typed (the cron line's next to the cron line).
fn to_form_fields(errors: ValidationErrors) -> ValidationErrors {
    let rename = |field: &str| {
        match field {
            "when.window.expr" => "cron",
            "when.window.duration_secs" => "duration_minutes",
            "when.window.daypart" => "daypart",
            "when.window.start" => "start",
            "when.window.end" => "end",
            "when.dates.from" => "date_from",
            "when.dates.until" => "date_until",
            "kind.seconds_per_hour" => "seconds_per_hour",
            "kind.spots_per_hour" => "spots_per_hour",
            "target.id" => "target",
            other => other,
        }
        .to_owned()
    };
    ValidationErrors {
        errors: errors
            .errors
            .into_iter()
            .map(|e| FieldError {
                field: rename(&e.field),
                ..e
            })
            .collect(),
    }
}

/// Where the library found that a rule would tie with another, said in `lang` (dates in its
/// calendar, digits in its script).
pub fn tie_message(lang: Lang, tie: &RuleTie) -> String {
    let local = |t: Timestamp| t.to_zoned(tie.tz.clone());
    let (from, until) = (local(tie.tie.from), local(tie.tie.until));
    let clock = |t: &jiff::Zoned| lang.digits_in(&format!("{:02}:{:02}", t.hour(), t.minute()));
    lang.tf(
        "schedule.err.tie",
        &[
            ("other", &tie.tie.other_name),
            ("day", &show_date(from.date(), lang)),
            ("from", &clock(&from)),
            ("until", &clock(&until)),
            ("priority", &lang.num(i64::from(tie.tie.priority))),
        ],
    )
}

async fn delete_rule(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let rule = library::get::<ScheduleRule>(&state, &signed.principal, id).await?;
    library::delete::<ScheduleRule>(&state, &signed.principal, id).await?;
    Ok(redirect_flash(
        "/schedule",
        true,
        "schedule.rule_deleted",
        &rule.name,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CronQuery {
    line: String,
}

/// The cron line in words (200) or what is wrong with it (422), as plain text: what the rule
/// form's script shows while the line is typed.
async fn cron_explain(signed: Signed, Query(query): Query<CronQuery>) -> Response {
    let lang = signed.page.lang;
    let (status, text) = match cron_text::explain(&query.line, lang) {
        Ok(text) => (StatusCode::OK, text),
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, e.message(lang)),
    };
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// The timeline picture

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TimelineQuery {
    screen: String,
    day: String,
}

/// A conflict as the page lists it.
pub struct ConflictLine {
    pub text: String,
}

#[derive(Template)]
#[template(path = "schedule/timeline.html")]
struct TimelinePage<'a> {
    page: &'a Page,
    screens: Vec<Choice>,
    screen: String,
    day: String,
    svg: String,
    svg_url: String,
    conflicts: Vec<ConflictLine>,
    error: Option<String>,
}

/// The day's timeline of a screen the user can see (404 otherwise), for the query's day.
async fn day_of(
    state: &AppState,
    principal: &Principal,
    query: &TimelineQuery,
    lang: Lang,
) -> ApiResult<(DayTimeline, String)> {
    let screen: i64 = query.screen.parse().map_err(|_| ApiError::NotFound)?;
    let manifest = crate::domain::screens::manifest(state, principal, screen).await?;
    let tz = manifest.screen.time_zone()?;
    let day = if query.day.trim().is_empty() {
        Timestamp::now().to_zoned(tz).date()
    } else {
        parse_date(&query.day).ok_or_else(|| {
            ApiError::field("day", "invalid", lang.t("schedule.err.date").to_owned())
        })?
    };
    let timeline = timeline::day_timeline(&manifest, day)?;
    Ok((timeline, manifest.screen.name))
}

fn labels(lang: Lang, screen: &str, day: Date) -> Labels {
    Labels {
        title: lang.tf(
            "schedule.timeline.title",
            &[("screen", screen), ("day", &show_date(day, lang))],
        ),
        main: lang.t("schedule.lane.main").into(),
        overlay: lang.t("schedule.lane.overlay").into(),
        emergency: lang.t("schedule.lane.emergency").into(),
        default_layout: lang.t("schedule.lane.default").into(),
        tie: lang.t("schedule.tie").into(),
        closed: lang.t("hours.closed").into(),
        digits: lang.digits(),
        rtl: lang == Lang::Fa,
    }
}

fn conflict_lines(timeline: &DayTimeline, lang: Lang) -> Vec<ConflictLine> {
    let clock = |t: Timestamp| lang.digits_in(&timeline.clock(t));
    timeline
        .conflicts
        .iter()
        .map(|c| ConflictLine {
            text: match c {
                Conflict::Tie {
                    rules,
                    priority,
                    start,
                    end,
                } => lang.tf(
                    "schedule.conflict.tie",
                    &[
                        ("a", &timeline.rule_name(rules[0])),
                        ("b", &timeline.rule_name(rules[1])),
                        ("from", &clock(*start)),
                        ("until", &clock(*end)),
                        ("priority", &lang.num(i64::from(*priority))),
                    ],
                ),
                Conflict::Shadowed { rule, by } => {
                    let names: Vec<String> = by.iter().map(|r| timeline.rule_name(*r)).collect();
                    lang.tf(
                        "schedule.conflict.shadowed",
                        &[
                            ("rule", &timeline.rule_name(*rule)),
                            (
                                "by",
                                &names.join(if lang == Lang::Fa { "، " } else { ", " }),
                            ),
                        ],
                    )
                }
            },
        })
        .collect()
}

async fn timeline_page(
    State(state): State<AppState>,
    signed: Signed,
    Query(query): Query<TimelineQuery>,
) -> ApiResult<Response> {
    use askama::Template as _;
    let Signed { principal, page } = signed;
    let lang = page.lang;
    let screens: Vec<Choice> = crate::domain::screens::list(&state, &principal)
        .await?
        .into_iter()
        .map(|s| Choice {
            value: s.id.to_string(),
            label: s.name,
        })
        .collect();
    let mut tpl = TimelinePage {
        page: &page,
        screen: query.screen.clone(),
        day: query.day.clone(),
        screens,
        svg: String::new(),
        svg_url: String::new(),
        conflicts: Vec::new(),
        error: None,
    };
    if !query.screen.is_empty() {
        match day_of(&state, &principal, &query, lang).await {
            Ok((timeline, name)) => {
                tpl.svg = timeline
                    .svg(&labels(lang, &name, timeline.day))
                    .render()
                    .map_err(ApiError::internal)?;
                tpl.conflicts = conflict_lines(&timeline, lang);
                tpl.day = show_date(timeline.day, lang);
                tpl.svg_url = format!(
                    "/schedule/timeline.svg?screen={}&day={}",
                    query.screen, timeline.day
                );
            }
            Err(ApiError::Validation(v)) => {
                tpl.error = v.errors.first().map(|e| e.message.clone());
            }
            Err(e) => return Err(e),
        }
    }
    let status = if tpl.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render_status(status, &tpl))
}

async fn timeline_svg(
    State(state): State<AppState>,
    signed: Signed,
    Query(query): Query<TimelineQuery>,
) -> ApiResult<Response> {
    use askama::Template as _;
    let lang = signed.page.lang;
    let (timeline, name) = day_of(&state, &signed.principal, &query, lang).await?;
    let svg = timeline
        .svg(&labels(lang, &name, timeline.day))
        .render()
        .map_err(ApiError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
        ],
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{svg}"),
    )
        .into_response())
}

pub const TEXT: &[Entry] = &[
    ("nav.schedule", "Schedule", "زمان‌بندی"),
    ("schedule.title", "Schedule", "زمان‌بندی"),
    ("schedule.grid", "Weekly plan", "برنامهٔ هفتگی"),
    (
        "schedule.grid_hint",
        "Choose what plays in each part of each day. Saving replaces the plan's rules for this scope; other rules stay.",
        "برای هر بخش از هر روز انتخاب کنید چه پخش شود. ذخیره، قواعد برنامهٔ همین محدوده را جایگزین می‌کند و قواعد دیگر می‌مانند.",
    ),
    ("schedule.brush", "Paint with", "رنگ‌آمیزی با"),
    (
        "schedule.brush_hint",
        "Pick a playlist, then drag over the cells.",
        "یک فهرست پخش انتخاب کنید و روی خانه‌ها بکشید.",
    ),
    ("schedule.nothing", "—", "—"),
    (
        "schedule.save_grid",
        "Save the weekly plan",
        "ذخیرهٔ برنامهٔ هفتگی",
    ),
    (
        "schedule.grid_saved",
        "Weekly plan saved.",
        "برنامهٔ هفتگی ذخیره شد.",
    ),
    ("schedule.scope", "Applies to", "برای"),
    ("schedule.scope.all", "All stores", "همهٔ فروشگاه‌ها"),
    ("schedule.scope.store", "Store: {name}", "فروشگاه: {name}"),
    ("schedule.scope.group", "Group: {name}", "گروه: {name}"),
    ("schedule.scope.custom", "Several places", "چند جا"),
    (
        "schedule.target.playlist",
        "Playlist: {name}",
        "فهرست پخش: {name}",
    ),
    ("schedule.target.layout", "Layout: {name}", "چیدمان: {name}"),
    ("schedule.show", "Show", "نمایش"),
    ("schedule.daypart.breakfast", "Breakfast", "صبحانه"),
    ("schedule.daypart.lunch", "Lunch", "ناهار"),
    ("schedule.daypart.dinner", "Dinner", "شام"),
    ("schedule.rules", "Rules", "قواعد"),
    (
        "schedule.rules_hint",
        "Higher priority wins; emergencies beat everything.",
        "اولویت بالاتر برنده است؛ پیام اضطراری بر همه مقدم است.",
    ),
    ("schedule.no_rules", "No rules yet.", "هنوز قاعده‌ای نیست."),
    ("schedule.new_rule", "New rule", "قاعدهٔ تازه"),
    ("schedule.edit_rule", "Rule: {name}", "قاعده: {name}"),
    (
        "schedule.rule_saved",
        "Rule “{arg}” saved.",
        "قاعدهٔ «{arg}» ذخیره شد.",
    ),
    (
        "schedule.rule_deleted",
        "Rule “{arg}” deleted.",
        "قاعدهٔ «{arg}» حذف شد.",
    ),
    ("schedule.col.name", "Name", "نام"),
    ("schedule.col.priority", "Priority", "اولویت"),
    ("schedule.col.kind", "Kind", "نوع"),
    ("schedule.col.when", "When", "چه وقت"),
    ("schedule.col.what", "Shows", "نمایش"),
    ("schedule.col.where", "Where", "کجا"),
    ("schedule.kind.normal", "Normal", "عادی"),
    ("schedule.kind.interrupt", "Ad spots", "آگهی میان‌برنامه"),
    ("schedule.kind.overlay", "Overlay", "روکش"),
    ("schedule.kind.emergency", "Emergency", "اضطراری"),
    ("schedule.when.all_day", "All day", "تمام روز"),
    (
        "schedule.when.cron",
        "{text}, for {minutes} min",
        "{text}، به مدت {minutes} دقیقه",
    ),
    ("schedule.field.name", "Name", "نام"),
    ("schedule.field.target", "Shows", "چه چیزی نمایش دهد"),
    ("schedule.field.kind", "Kind", "نوع"),
    ("schedule.field.priority", "Priority", "اولویت"),
    ("schedule.field.window", "Time of day", "ساعت‌های روز"),
    ("schedule.window.daily", "From – to", "از – تا"),
    ("schedule.window.daypart", "During a daypart", "در یک وعده"),
    (
        "schedule.window.while_open",
        "While the store is open",
        "در ساعت کاری فروشگاه",
    ),
    ("schedule.when.while_open", "while open", "در ساعت کاری"),
    (
        "schedule.field.daypart",
        "Daypart (for “during a daypart”)",
        "وعده (برای «در یک وعده»)",
    ),
    ("schedule.window.all_day", "All day", "تمام روز"),
    (
        "schedule.window.cron",
        "Cron line (advanced)",
        "خط cron (پیشرفته)",
    ),
    ("schedule.field.start", "From (HH:MM)", "از (ساعت:دقیقه)"),
    ("schedule.field.end", "Until (HH:MM)", "تا (ساعت:دقیقه)"),
    ("schedule.field.cron", "Cron line", "خط cron"),
    (
        "schedule.field.cron_hint",
        "minute hour day-of-month month weekday, e.g. 0 7 * * 1-5",
        "دقیقه ساعت روزِماه ماه روزِهفته، مثلاً 0 7 * * 1-5",
    ),
    ("schedule.field.duration", "Lasts (minutes)", "مدت (دقیقه)"),
    (
        "schedule.field.weekdays",
        "Days (none ticked: every day)",
        "روزها (اگر هیچ‌کدام: همهٔ روزها)",
    ),
    (
        "schedule.field.date_from",
        "First day (optional)",
        "روز نخست (اختیاری)",
    ),
    (
        "schedule.field.date_until",
        "Last day (optional)",
        "روز آخر (اختیاری)",
    ),
    (
        "schedule.field.date_hint",
        "e.g. 2026-11-22 or 1405/09/01",
        "مثلاً ۱۴۰۵/۰۹/۰۱ یا 2026-11-22",
    ),
    (
        "schedule.field.seconds_per_hour",
        "Seconds per hour (ad spots)",
        "ثانیه در ساعت (آگهی)",
    ),
    (
        "schedule.field.spots_per_hour",
        "Spots per hour (ad spots)",
        "نوبت در ساعت (آگهی)",
    ),
    (
        "schedule.err.number",
        "Enter a whole number.",
        "یک عدد صحیح بنویسید.",
    ),
    (
        "schedule.err.time",
        "Enter a time as HH:MM, e.g. 07:30.",
        "ساعت را به شکل ساعت:دقیقه بنویسید، مثلاً ۰۷:۳۰.",
    ),
    (
        "schedule.err.date",
        "Enter a date such as 2026-11-22 or 1405/09/01.",
        "تاریخی مانند ۱۴۰۵/۰۹/۰۱ یا 2026-11-22 بنویسید.",
    ),
    (
        "schedule.err.tie",
        "This rule overlaps “{other}” on {day} from {from} to {until} at the same priority ({priority}), so neither clearly wins. Give one of them a higher priority or change the times.",
        "این قاعده در {day} از {from} تا {until} با «{other}» هم‌پوشانی دارد و اولویت هر دو یکی است ({priority})؛ پس هیچ‌کدام به‌روشنی برنده نیست. اولویت یکی را بالاتر ببرید یا ساعت‌ها را تغییر دهید.",
    ),
    (
        "schedule.timeline",
        "What plays when",
        "چه چیزی کی پخش می‌شود",
    ),
    (
        "schedule.timeline.title",
        "{screen}, {day}",
        "{screen}، {day}",
    ),
    ("schedule.timeline.screen", "Screen", "نمایشگر"),
    ("schedule.timeline.day", "Day", "روز"),
    (
        "schedule.timeline.no_screens",
        "Pair a screen to see its day.",
        "برای دیدن برنامهٔ روز، یک نمایشگر جفت کنید.",
    ),
    (
        "schedule.timeline.svg",
        "Open the picture alone",
        "باز کردن تصویر به‌تنهایی",
    ),
    (
        "schedule.timeline.no_conflicts",
        "No conflicts on this day.",
        "در این روز تعارضی نیست.",
    ),
    ("schedule.lane.main", "Main", "اصلی"),
    ("schedule.lane.overlay", "Overlay", "روکش"),
    ("schedule.lane.emergency", "Emergency", "اضطراری"),
    ("schedule.lane.default", "Default layout", "چیدمان پیش‌فرض"),
    ("schedule.tie", "Tie", "تساوی"),
    (
        "schedule.conflict.tie",
        "“{a}” and “{b}” overlap from {from} to {until} at the same priority ({priority}); “{a}” wins only because it is older.",
        "«{a}» و «{b}» از {from} تا {until} با اولویت یکسان ({priority}) هم‌پوشانی دارند؛ «{a}» فقط چون قدیمی‌تر است برنده می‌شود.",
    ),
    (
        "schedule.conflict.shadowed",
        "“{rule}” never shows on this day: {by} outrank it whenever it is active.",
        "«{rule}» در این روز هرگز نمایش داده نمی‌شود: هر وقت فعال است {by} بر آن مقدم‌اند.",
    ),
    ("weekday.monday", "Monday", "دوشنبه"),
    ("weekday.tuesday", "Tuesday", "سه‌شنبه"),
    ("weekday.wednesday", "Wednesday", "چهارشنبه"),
    ("weekday.thursday", "Thursday", "پنجشنبه"),
    ("weekday.friday", "Friday", "جمعه"),
    ("weekday.saturday", "Saturday", "شنبه"),
    ("weekday.sunday", "Sunday", "یکشنبه"),
    ("weekday.short.monday", "Mon", "دوشنبه"),
    ("weekday.short.tuesday", "Tue", "سه‌شنبه"),
    ("weekday.short.wednesday", "Wed", "چهارشنبه"),
    ("weekday.short.thursday", "Thu", "پنجشنبه"),
    ("weekday.short.friday", "Fri", "جمعه"),
    ("weekday.short.saturday", "Sat", "شنبه"),
    ("weekday.short.sunday", "Sun", "یکشنبه"),
];
