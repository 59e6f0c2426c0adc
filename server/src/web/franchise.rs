//! Franchise: an owner pushes a layout or a playlist to many stores and groups at once (one
//! schedule rule whose scope names them all, saved through the library like any rule), and
//! everyone sees the franchise's rules; a store manager sees, read-only, the rules that reach
//! their stores but that they may not change (franchise-wide, or naming groups or other stores).

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use jiff::Timestamp;
use jiff::civil::{Time, Weekday};
use vitrin_shared::calendar;
use vitrin_shared::ids::{GroupId, RuleId, ScreenId, StoreId};
use vitrin_shared::schedule::{RuleKind, ScheduleRule, Scope, Weekdays, When, Window};

use super::form::FormErrors;
use super::i18n::{Entry, Lang};
use super::page::{Page, Signed, redirect_flash, render, render_status};
use super::schedule::{Choice, target_choices, target_code, target_of_code, week, weekday_key};
use crate::auth::{Principal, Role};
use crate::domain::library;
use crate::domain::screens::Screen;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/franchise", get(page).post(push))
}

/// The priority a push gets when none is typed: above the weekly grid's rules.
const DEFAULT_PRIORITY: &str = "50";

/// The form as typed.
#[derive(Debug, Clone, Default)]
pub struct PushForm {
    pub name: String,
    /// `layout:<id>` or `playlist:<id>`.
    pub target: String,
    pub stores: Vec<String>,
    pub groups: Vec<String>,
    /// `all_day` or `daily`.
    pub window: String,
    pub start: String,
    pub end: String,
    pub weekdays: Vec<String>,
    pub priority: String,
}

impl PushForm {
    fn from_pairs(pairs: &[(String, String)]) -> PushForm {
        let mut form = PushForm::default();
        for (key, value) in pairs {
            let v = value.clone();
            match key.as_str() {
                "name" => form.name = v,
                "target" => form.target = v,
                "store" => form.stores.push(v),
                "group" => form.groups.push(v),
                "window" => form.window = v,
                "start" => form.start = v,
                "end" => form.end = v,
                "weekday" => form.weekdays.push(v),
                "priority" => form.priority = v,
                _ => {}
            }
        }
        form
    }

    fn has_store(&self, id: &str) -> bool {
        self.stores.iter().any(|s| s == id)
    }

    fn has_group(&self, id: &str) -> bool {
        self.groups.iter().any(|g| g == id)
    }

    fn has_weekday(&self, key: &str) -> bool {
        self.weekdays.iter().any(|d| d == key)
    }

    /// The rule, or the messages of every field that cannot be read.
    fn to_rule(
        &self,
        lang: Lang,
        names: &BTreeMap<String, String>,
    ) -> Result<ScheduleRule, FormErrors> {
        let mut errors = FormErrors::none();
        let target = target_of_code(&self.target).filter(|_| names.contains_key(&self.target));
        if target.is_none() {
            errors.add("target", lang.t("err.required"));
        }
        let ids = |list: &[String]| -> Vec<i64> {
            let set: BTreeSet<i64> = list
                .iter()
                .filter_map(|s| calendar::parse_number(s).ok())
                .collect();
            set.into_iter().collect()
        };
        let stores = ids(&self.stores);
        let groups = ids(&self.groups);
        if stores.is_empty() && groups.is_empty() {
            errors.add("where", lang.t("franchise.err.where"));
        }
        let priority = if self.priority.trim().is_empty() {
            0
        } else {
            calendar::parse_number(&self.priority).unwrap_or_else(|_| {
                errors.add("priority", lang.t("schedule.err.number"));
                0
            })
        };
        let mut time = |field: &str, text: &str| -> Time {
            parse_time(text).unwrap_or_else(|| {
                errors.add(field, lang.t("schedule.err.time"));
                Time::midnight()
            })
        };
        let window = if self.window == "daily" {
            Window::Daily {
                start: time("start", &self.start),
                end: time("end", &self.end),
            }
        } else {
            Window::AllDay
        };
        let weekdays: Vec<Weekday> = self
            .weekdays
            .iter()
            .filter_map(|k| weekday_of_key(k))
            .collect();
        let Some(target) = target else {
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let name = self.name.trim().to_owned();
        Ok(ScheduleRule {
            id: RuleId(0),
            name: if name.is_empty() {
                lang.tf(
                    "franchise.default_name",
                    &[("name", names.get(&self.target).map_or("", String::as_str))],
                )
            } else {
                name
            },
            target,
            scope: Scope {
                stores: stores.into_iter().map(StoreId).collect(),
                groups: groups.into_iter().map(GroupId).collect(),
                ..Scope::default()
            },
            when: When {
                // No day ticked means every day, as in the rule form.
                weekdays: (!weekdays.is_empty() && weekdays.len() < 7)
                    .then(|| Weekdays::of(&weekdays)),
                window,
                ..When::always()
            },
            priority: i32::try_from(priority).unwrap_or(i32::MAX),
            kind: RuleKind::Normal,
        })
    }
}

/// `HH:MM` in any digits, as the rule form reads it.
fn parse_time(text: &str) -> Option<Time> {
    let ascii = calendar::normalize_digits(text.trim());
    let (h, m) = ascii.split_once(':')?;
    Time::new(h.parse().ok()?, m.parse().ok()?, 0, 0).ok()
}

fn weekday_of_key(key: &str) -> Option<Weekday> {
    Weekday::Monday
        .cycle_forward()
        .take(7)
        .find(|d| weekday_key(*d) == key)
}

/// Whether a store manager with `stores` (and their `own` screens) may change a rule: the
/// library's own test (`Doc::resolve` for rules).
fn inside(scope: &Scope, stores: &[StoreId], own: &BTreeSet<ScreenId>) -> bool {
    !scope.all
        && scope.groups.is_empty()
        && scope.tags.is_empty()
        && scope.stores.iter().all(|s| stores.contains(s))
        && scope.screens.iter().all(|s| own.contains(s))
}

/// A rule made for more than one store: what the franchise decides.
fn is_franchise(scope: &Scope) -> bool {
    scope.all || !scope.groups.is_empty() || !scope.tags.is_empty() || scope.stores.len() > 1
}

fn reaches(scope: &Scope, screen: &Screen) -> bool {
    let groups: Vec<GroupId> = screen.groups.iter().map(|g| GroupId(*g)).collect();
    scope.applies_to(
        ScreenId(screen.id),
        StoreId(screen.store_id),
        &groups,
        &screen.tags,
    )
}

/// A rule in the list.
pub struct RuleRow {
    pub name: String,
    pub target: String,
    pub targets: String,
    pub when: String,
    pub priority: i64,
    pub screens: String,
}

#[derive(Template)]
#[template(path = "franchise/index.html")]
struct FranchisePage<'a> {
    page: &'a Page,
    form: PushForm,
    errors: FormErrors,
    may_push: bool,
    store_manager: bool,
    targets: Vec<Choice>,
    stores: Vec<Choice>,
    groups: Vec<Choice>,
    days: Vec<(String, String)>,
    rules: Vec<RuleRow>,
}

fn describe_when(when: &When, lang: Lang) -> String {
    let clock = |t: Time| lang.digits_in(&format!("{:02}:{:02}", t.hour(), t.minute()));
    let mut text = match &when.window {
        Window::Daily { start, end } => format!("{}–{}", clock(*start), clock(*end)),
        Window::AllDay => lang.t("schedule.when.all_day").to_owned(),
        Window::Cron { .. } => lang.t("schedule.window.cron").to_owned(),
        Window::WhileOpen => lang.t("schedule.when.while_open").to_owned(),
        Window::Daypart { daypart } => super::schedule::daypart_label(lang, daypart),
    };
    if let Some(days) = when.weekdays
        && days != Weekdays::ALL
    {
        let names: Vec<String> = week(lang)
            .into_iter()
            .filter(|d| days.contains(*d))
            .map(|d| {
                lang.t(&format!("weekday.short.{}", weekday_key(d)))
                    .to_owned()
            })
            .collect();
        text.push_str(" · ");
        text.push_str(&names.join(if lang == Lang::Fa { "، " } else { ", " }));
    }
    text
}

async fn franchise_page<'a>(
    state: &AppState,
    principal: &Principal,
    page: &'a Page,
    form: PushForm,
    errors: FormErrors,
) -> ApiResult<FranchisePage<'a>> {
    let lang = page.lang;
    let targets = target_choices(state, principal, lang).await?;
    let store_list = crate::domain::stores::list(state, principal).await?;
    let group_list = crate::domain::groups::list(state, principal).await?;
    let screens = crate::domain::screens::list(state, principal).await?;
    let store_manager = principal.role == Role::StoreManager;
    let own: BTreeSet<ScreenId> = screens.iter().map(|s| ScreenId(s.id)).collect();
    let target_of: BTreeMap<&str, &str> = targets
        .iter()
        .map(|c| (c.value.as_str(), c.label.as_str()))
        .collect();
    let store_name: BTreeMap<i64, &str> =
        store_list.iter().map(|s| (s.id, s.name.as_str())).collect();
    let group_name: BTreeMap<i64, &str> =
        group_list.iter().map(|g| (g.id, g.name.as_str())).collect();
    let now = Timestamp::now();
    let mut rules: Vec<ScheduleRule> = library::list::<ScheduleRule>(state, principal)
        .await?
        .into_iter()
        .filter(|r| r.when.active_until.is_none_or(|u| u > now))
        .filter(|r| {
            if store_manager {
                // What reaches my screens and I may not change.
                screens.iter().any(|s| reaches(&r.scope, s))
                    && !inside(&r.scope, &principal.stores, &own)
            } else {
                is_franchise(&r.scope)
            }
        })
        .collect();
    rules.sort_by_key(|r| (std::cmp::Reverse(r.priority), r.id));
    let separator = if lang == Lang::Fa { "، " } else { ", " };
    let rows = rules
        .iter()
        .map(|r| {
            let mut parts: Vec<String> = Vec::new();
            if r.scope.all {
                parts.push(lang.t("schedule.scope.all").to_owned());
            }
            for s in &r.scope.stores {
                parts.push(lang.tf(
                    "schedule.scope.store",
                    &[("name", store_name.get(&s.0).copied().unwrap_or("…"))],
                ));
            }
            for g in &r.scope.groups {
                parts.push(lang.tf(
                    "schedule.scope.group",
                    &[("name", group_name.get(&g.0).copied().unwrap_or("…"))],
                ));
            }
            if !r.scope.tags.is_empty() || !r.scope.screens.is_empty() {
                parts.push(lang.t("schedule.scope.custom").to_owned());
            }
            let reached = screens.iter().filter(|s| reaches(&r.scope, s)).count();
            RuleRow {
                name: r.name.clone(),
                target: target_of
                    .get(target_code(r.target).as_str())
                    .copied()
                    .unwrap_or_default()
                    .to_owned(),
                targets: parts.join(separator),
                when: describe_when(&r.when, lang),
                priority: i64::from(r.priority),
                screens: lang.tf(
                    if store_manager {
                        "franchise.your_screens"
                    } else {
                        "franchise.screens"
                    },
                    &[("n", &lang.num(reached as i64))],
                ),
            }
        })
        .collect();
    Ok(FranchisePage {
        page,
        form,
        errors,
        may_push: principal.role == Role::Owner,
        store_manager,
        stores: store_list
            .iter()
            .map(|s| Choice {
                value: s.id.to_string(),
                label: s.name.clone(),
            })
            .collect(),
        groups: group_list
            .iter()
            .map(|g| Choice {
                value: g.id.to_string(),
                label: g.name.clone(),
            })
            .collect(),
        targets,
        days: week(lang)
            .into_iter()
            .map(|d| {
                (
                    weekday_key(d).to_owned(),
                    lang.t(&format!("weekday.{}", weekday_key(d))).to_owned(),
                )
            })
            .collect(),
        rules: rows,
    })
}

async fn page(State(state): State<AppState>, signed: Signed) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let form = PushForm {
        window: "all_day".into(),
        priority: DEFAULT_PRIORITY.into(),
        ..PushForm::default()
    };
    let tpl = franchise_page(&state, &principal, &page, form, FormErrors::none()).await?;
    Ok(render(&tpl))
}

async fn push(
    State(state): State<AppState>,
    signed: Signed,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    principal.require(principal.role == Role::Owner)?;
    let lang = page.lang;
    let form = PushForm::from_pairs(&pairs);
    let names: BTreeMap<String, String> = target_choices(&state, &principal, lang)
        .await?
        .into_iter()
        .map(|c| (c.value, c.label))
        .collect();
    let errors = match form.to_rule(lang, &names) {
        Err(errors) => errors,
        // A push that ties with a rule of the same priority in some store would leave those
        // screens to chance: the library refuses it, as it does every save.
        Ok(rule) => {
            let body = serde_json::to_value(&rule).map_err(ApiError::internal)?;
            match library::save::<ScheduleRule>(&state, &principal, None, body).await {
                Ok((_, saved)) => {
                    let screens = crate::domain::screens::list(&state, &principal).await?;
                    let reached: Vec<&Screen> = screens
                        .iter()
                        .filter(|s| reaches(&saved.scope, s))
                        .collect();
                    let stores: BTreeSet<i64> = reached.iter().map(|s| s.store_id).collect();
                    let arg = lang.tf(
                        "franchise.reach",
                        &[
                            ("name", &saved.name),
                            ("stores", &lang.num(stores.len() as i64)),
                            ("screens", &lang.num(reached.len() as i64)),
                        ],
                    );
                    return Ok(redirect_flash("/franchise", true, "franchise.pushed", &arg));
                }
                Err(e) => {
                    let mut errors = FormErrors::from_api(lang, e)?;
                    if errors.is_empty() {
                        errors.form = Some(lang.t("err.invalid").to_owned());
                    }
                    errors
                }
            }
        }
    };
    let tpl = franchise_page(&state, &principal, &page, form, errors).await?;
    Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &tpl))
}

pub const TEXT: &[Entry] = &[
    ("nav.franchise", "Franchise", "فرانچایز"),
    ("franchise.title", "Franchise", "فرانچایز"),
    (
        "franchise.intro",
        "Push a layout or a playlist to many stores and groups at once, as one schedule rule.",
        "یک چیدمان یا فهرست پخش را یک‌جا، به‌صورت یک قاعدهٔ زمان‌بندی، به چند فروشگاه و گروه بفرستید.",
    ),
    ("franchise.push", "Push to stores", "فرستادن به فروشگاه‌ها"),
    ("franchise.name", "Name (optional)", "نام (اختیاری)"),
    ("franchise.what", "What", "چه چیزی"),
    ("franchise.where", "Where", "کجا"),
    ("franchise.stores", "Stores", "فروشگاه‌ها"),
    ("franchise.groups", "Groups", "گروه‌ها"),
    ("franchise.when", "When", "چه زمانی"),
    ("franchise.all_day", "All day", "تمام روز"),
    (
        "franchise.daily",
        "Every day between these times:",
        "هر روز میان این ساعت‌ها:",
    ),
    ("franchise.start", "From (HH:MM)", "از (ساعت:دقیقه)"),
    ("franchise.end", "Until (HH:MM)", "تا (ساعت:دقیقه)"),
    (
        "franchise.weekdays",
        "On these days (none ticked: every day)",
        "در این روزها (هیچ‌کدام: همهٔ روزها)",
    ),
    ("franchise.priority", "Priority", "اولویت"),
    (
        "franchise.default_name",
        "Franchise · {name}",
        "فرانچایز · {name}",
    ),
    (
        "franchise.reach",
        "“{name}” reaches {stores} stores and {screens} screens",
        "«{name}» به {stores} فروشگاه و {screens} نمایشگر می‌رسد",
    ),
    ("franchise.pushed", "Pushed: {arg}.", "فرستاده شد: {arg}."),
    (
        "franchise.err.where",
        "Choose at least one store or group.",
        "دست‌کم یک فروشگاه یا گروه را انتخاب کنید.",
    ),
    ("franchise.rules", "Franchise rules", "قاعده‌های فرانچایز"),
    (
        "franchise.locked",
        "Locked by the franchise",
        "قفل‌شده از سوی فرانچایز",
    ),
    (
        "franchise.locked_intro",
        "These rules reach your stores but were set for the whole franchise, for groups or for other stores too, so only an owner can change them.",
        "این قاعده‌ها به فروشگاه‌های شما می‌رسند، اما برای کل فرانچایز، برای گروه‌ها یا فروشگاه‌های دیگر هم گذاشته شده‌اند؛ پس فقط مالک می‌تواند آن‌ها را تغییر دهد.",
    ),
    (
        "franchise.none",
        "No franchise rule yet.",
        "هنوز هیچ قاعدهٔ فرانچایزی نیست.",
    ),
    (
        "franchise.none_locked",
        "Nothing is locked for your stores.",
        "هیچ چیزی برای فروشگاه‌های شما قفل نشده است.",
    ),
    ("franchise.col.name", "Rule", "قاعده"),
    ("franchise.col.what", "Shows", "نمایش"),
    ("franchise.col.where", "Where", "کجا"),
    ("franchise.col.when", "When", "چه زمانی"),
    ("franchise.col.priority", "Priority", "اولویت"),
    ("franchise.col.reach", "Reach", "گستره"),
    ("franchise.screens", "{n} screens", "{n} نمایشگر"),
    (
        "franchise.your_screens",
        "{n} of your screens",
        "{n} نمایشگر شما",
    ),
];
