//! Screen groups and tags, on one page (`/groups`, searchable by name): a group is a named set
//! of screens across stores (owners change them); a tag is a free label on screens that
//! schedule rules can target (owners and store managers, for the screens they manage).
//! Groups: create, rename, choose screens, delete. Tags: create on screens, rename (the rules
//! naming it follow), choose screens, delete. Refusals (a rule still uses it) say which rules.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use vitrin_shared::calendar::normalize_persian_text;

use super::form::{FormErrors, Pairs};
use super::i18n::{Entry, Lang};
use super::page::{Page, Signed, redirect_flash, render_status, url_encode};
use crate::auth::{Principal, Role};
use crate::domain::groups::{self, Group, GroupInput};
use crate::domain::tags::{self, RuleRef, Tag, TagInput};
use crate::domain::{screens, stores};
use crate::error::{ApiError, ApiResult};
use crate::extract::Id;
use crate::refs;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/groups", get(index).post(create_group))
        .route("/groups/new", get(new_group))
        .route("/groups/{id}", get(edit_group).post(update_group))
        .route("/groups/{id}/delete", post(delete_group))
        .route("/tags", post(create_tag))
        .route("/tags/new", get(new_tag))
        .route("/tags/edit", get(edit_tag).post(update_tag))
        .route("/tags/delete", post(delete_tag))
}

/// Whether `name` contains the search `query`, ignoring case and the Arabic/Persian spellings
/// of ی and ک (both are typed on Persian keyboards).
pub(super) fn matches(name: &str, query: &str) -> bool {
    let fold = |s: &str| normalize_persian_text(s.trim()).to_lowercase();
    fold(name).contains(&fold(query))
}

/// A screen as the checkbox lists show it.
struct ScreenChoice {
    id: i64,
    name: String,
    store: String,
}

/// The screens the principal sees, by name, with their store's name.
async fn screen_choices(state: &AppState, principal: &Principal) -> ApiResult<Vec<ScreenChoice>> {
    let stores: HashMap<i64, String> = stores::list(state, principal)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    Ok(screens::list(state, principal)
        .await?
        .into_iter()
        .map(|s| ScreenChoice {
            id: s.id,
            store: stores.get(&s.store_id).cloned().unwrap_or_default(),
            name: s.name,
        })
        .collect())
}

fn may_tag(principal: &Principal) -> bool {
    matches!(principal.role, Role::Owner | Role::StoreManager)
}

fn status_of(errors: &FormErrors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// Rule names for a message: «Breakfast», «Lunch».
fn rule_names(lang: Lang, rules: impl IntoIterator<Item = String>) -> String {
    let (open, close, comma) = match lang {
        Lang::En => ("“", "”", ", "),
        Lang::Fa => ("«", "»", "، "),
    };
    rules
        .into_iter()
        .map(|name| format!("{open}{name}{close}"))
        .collect::<Vec<_>>()
        .join(comma)
}

// ---- The list ----

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Search {
    q: String,
}

/// A group row: its name and how many of the principal's screens it has.
struct GroupRow {
    id: i64,
    name: String,
    screens: i64,
}

/// A tag row with the names of its screens.
struct TagRow {
    name: String,
    href: String,
    screens: Vec<String>,
}

#[derive(Template)]
#[template(path = "groups/index.html")]
struct IndexPage<'a> {
    page: &'a Page,
    q: String,
    groups: Vec<GroupRow>,
    tags: Vec<TagRow>,
    may_tag: bool,
}

async fn index(
    State(state): State<AppState>,
    signed: Signed,
    Query(search): Query<Search>,
) -> ApiResult<Response> {
    let Signed { principal, page } = &signed;
    let q = search.q.trim().to_owned();
    let choices = screen_choices(&state, principal).await?;
    let names: HashMap<i64, &str> = choices.iter().map(|s| (s.id, s.name.as_str())).collect();
    let groups = groups::list(&state, principal)
        .await?
        .into_iter()
        .filter(|g| matches(&g.name, &q))
        .map(|g| GroupRow {
            id: g.id,
            // A store manager counts only the screens they see.
            screens: g.screens.iter().filter(|s| names.contains_key(s)).count() as i64,
            name: g.name,
        })
        .collect();
    let tags = tags::list(&state, principal)
        .await?
        .into_iter()
        .filter(|t| matches(&t.name, &q))
        .map(|t| TagRow {
            href: tag_href(&t.name),
            screens: t
                .screens
                .iter()
                .filter_map(|s| names.get(s).map(|n| (*n).to_owned()))
                .collect(),
            name: t.name,
        })
        .collect();
    Ok(render_status(
        StatusCode::OK,
        &IndexPage {
            page,
            q,
            groups,
            tags,
            may_tag: may_tag(principal),
        },
    ))
}

fn tag_href(name: &str) -> String {
    format!("/tags/edit?name={}", url_encode(name))
}

// ---- Groups ----

/// The group form and the tag form, as typed: a name and the checked screens.
#[derive(Debug, Default)]
struct NamedScreens {
    name: String,
    /// Checked screen ids (a repeated field).
    screens: Vec<String>,
}

impl NamedScreens {
    fn from_pairs(p: &Pairs) -> NamedScreens {
        NamedScreens {
            name: p.one("name"),
            screens: p.all("screen"),
        }
    }

    fn of(name: &str, screens: &[i64]) -> NamedScreens {
        NamedScreens {
            name: name.to_owned(),
            screens: screens.iter().map(i64::to_string).collect(),
        }
    }

    /// The checked ids; anything else was not sent by the page's checkboxes and is dropped.
    fn ids(&self) -> Vec<i64> {
        self.screens.iter().filter_map(|s| s.parse().ok()).collect()
    }
}

#[derive(Template)]
#[template(path = "groups/group.html")]
struct GroupPage<'a> {
    page: &'a Page,
    /// `None` on the new-group form.
    group: Option<Group>,
    screens: Vec<ScreenChoice>,
    form: NamedScreens,
    errors: FormErrors,
}

/// What the screen checkbox list (`groups/screen_checks.html`) asks of its page.
trait ScreenChecks {
    fn form(&self) -> &NamedScreens;

    fn checked(&self, id: &i64) -> bool {
        self.form().screens.iter().any(|s| s == &id.to_string())
    }
}

impl ScreenChecks for GroupPage<'_> {
    fn form(&self) -> &NamedScreens {
        &self.form
    }
}

async fn show_group(
    state: &AppState,
    signed: &Signed,
    group: Option<Group>,
    form: Option<NamedScreens>,
    errors: FormErrors,
) -> ApiResult<Response> {
    let screens = screen_choices(state, &signed.principal).await?;
    let visible: HashSet<i64> = screens.iter().map(|s| s.id).collect();
    let form = form.unwrap_or_else(|| match &group {
        Some(g) => {
            let shown: Vec<i64> = g
                .screens
                .iter()
                .copied()
                .filter(|s| visible.contains(s))
                .collect();
            NamedScreens::of(&g.name, &shown)
        }
        None => NamedScreens::default(),
    });
    Ok(render_status(
        status_of(&errors),
        &GroupPage {
            page: &signed.page,
            group,
            screens,
            form,
            errors,
        },
    ))
}

async fn new_group(State(state): State<AppState>, signed: Signed) -> ApiResult<Response> {
    signed.principal.require(signed.principal.is_owner())?;
    show_group(&state, &signed, None, None, FormErrors::none()).await
}

async fn edit_group(
    State(state): State<AppState>,
    signed: Signed,
    Id(id): Id,
) -> ApiResult<Response> {
    let group = groups::get(&state, &signed.principal, id).await?;
    show_group(&state, &signed, Some(group), None, FormErrors::none()).await
}

/// Field errors of a group or tag save; a duplicate group name (409) is the name's error.
fn save_errors(lang: Lang, error: ApiError) -> ApiResult<FormErrors> {
    match error {
        ApiError::Conflict(_) => {
            let mut errors = FormErrors::none();
            errors.add("name", lang.t("groups.name_taken"));
            Ok(errors)
        }
        other => FormErrors::from_api(lang, other),
    }
}

async fn create_group(
    State(state): State<AppState>,
    signed: Signed,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let form = NamedScreens::from_pairs(&Pairs(pairs));
    let input = GroupInput {
        name: form.name.clone(),
        screens: form.ids(),
    };
    match groups::create(&state, &signed.principal, input).await {
        Ok(group) => Ok(redirect_flash(
            &format!("/groups/{}", group.id),
            true,
            "groups.created",
            &group.name,
        )),
        Err(e) => {
            let errors = save_errors(signed.page.lang, e)?;
            show_group(&state, &signed, None, Some(form), errors).await
        }
    }
}

async fn update_group(
    State(state): State<AppState>,
    signed: Signed,
    Id(id): Id,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let form = NamedScreens::from_pairs(&Pairs(pairs));
    let input = GroupInput {
        name: form.name.clone(),
        screens: form.ids(),
    };
    match groups::update(&state, &signed.principal, id, input).await {
        Ok(group) => Ok(redirect_flash(
            &format!("/groups/{id}"),
            true,
            "groups.saved",
            &group.name,
        )),
        Err(e) => {
            let errors = save_errors(signed.page.lang, e)?;
            let group = groups::get(&state, &signed.principal, id).await?;
            show_group(&state, &signed, Some(group), Some(form), errors).await
        }
    }
}

/// Deletes a group; while a schedule rule targets it the group stays, and the page names
/// the rules to change first.
async fn delete_group(
    State(state): State<AppState>,
    signed: Signed,
    Id(id): Id,
) -> ApiResult<Response> {
    let Signed { principal, page } = &signed;
    let group = groups::get(&state, principal, id).await?;
    match groups::delete(&state, principal, id).await {
        Ok(()) => Ok(redirect_flash(
            "/groups",
            true,
            "groups.deleted",
            &group.name,
        )),
        Err(ApiError::Conflict(detail)) => {
            let users = refs::users_of(&state.db, principal.org, "group", &id.to_string()).await?;
            let names = rule_names(
                page.lang,
                users
                    .into_iter()
                    .filter(|u| u.kind == "rule")
                    .map(|u| u.name),
            );
            let names = if names.is_empty() { detail } else { names };
            Ok(redirect_flash(
                &format!("/groups/{id}"),
                false,
                "groups.in_use",
                &names,
            ))
        }
        Err(e) => Err(e),
    }
}

// ---- Tags ----

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TagQuery {
    name: String,
}

#[derive(Template)]
#[template(path = "groups/tag.html")]
struct TagPage<'a> {
    page: &'a Page,
    /// `None` on the new-tag form.
    tag: Option<Tag>,
    /// The schedule rules that target the tag.
    rules: Vec<RuleRef>,
    screens: Vec<ScreenChoice>,
    form: NamedScreens,
    errors: FormErrors,
    may_tag: bool,
}

impl ScreenChecks for TagPage<'_> {
    fn form(&self) -> &NamedScreens {
        &self.form
    }
}

async fn show_tag(
    state: &AppState,
    signed: &Signed,
    tag: Option<Tag>,
    form: Option<NamedScreens>,
    errors: FormErrors,
) -> ApiResult<Response> {
    let principal = &signed.principal;
    let rules = match &tag {
        Some(t) => tags::rules_naming(&state.db, principal, &t.name).await?,
        None => Vec::new(),
    };
    let form = form.unwrap_or_else(|| match &tag {
        Some(t) => NamedScreens::of(&t.name, &t.screens),
        None => NamedScreens::default(),
    });
    Ok(render_status(
        status_of(&errors),
        &TagPage {
            page: &signed.page,
            tag,
            rules,
            screens: screen_choices(state, principal).await?,
            form,
            errors,
            may_tag: may_tag(principal),
        },
    ))
}

async fn new_tag(State(state): State<AppState>, signed: Signed) -> ApiResult<Response> {
    signed.principal.require(may_tag(&signed.principal))?;
    show_tag(&state, &signed, None, None, FormErrors::none()).await
}

async fn edit_tag(
    State(state): State<AppState>,
    signed: Signed,
    Query(query): Query<TagQuery>,
) -> ApiResult<Response> {
    let tag = tags::get(&state, &signed.principal, &query.name).await?;
    show_tag(&state, &signed, Some(tag), None, FormErrors::none()).await
}

/// Errors of a tag save in the page's language; a refusal because rules name the tag says
/// which.
async fn tag_errors(
    state: &AppState,
    signed: &Signed,
    tag: Option<&str>,
    error: ApiError,
) -> ApiResult<FormErrors> {
    let lang = signed.page.lang;
    match (error, tag) {
        (ApiError::Conflict(detail), Some(tag)) => {
            let rules = tags::rules_naming(&state.db, &signed.principal, tag).await?;
            let mut errors = FormErrors::none();
            errors.add(
                "name",
                if rules.is_empty() {
                    detail
                } else {
                    lang.tf(
                        "tags.rename_in_use",
                        &[(
                            "rules",
                            &rule_names(lang, rules.into_iter().map(|r| r.name)),
                        )],
                    )
                },
            );
            Ok(errors)
        }
        (other, _) => FormErrors::from_api(lang, other),
    }
}

async fn create_tag(
    State(state): State<AppState>,
    signed: Signed,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let form = NamedScreens::from_pairs(&Pairs(pairs));
    let input = TagInput {
        name: form.name.clone(),
        screens: form.ids(),
    };
    match tags::create(&state, &signed.principal, input).await {
        Ok(tag) => Ok(redirect_flash(
            &tag_href(&tag.name),
            true,
            "tags.created",
            &tag.name,
        )),
        Err(e) => {
            let errors = tag_errors(&state, &signed, None, e).await?;
            show_tag(&state, &signed, None, Some(form), errors).await
        }
    }
}

/// Renames the tag (hidden field `tag`: its current name) and sets its screens, at once.
async fn update_tag(
    State(state): State<AppState>,
    signed: Signed,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let pairs = Pairs(pairs);
    let current = pairs.one("tag");
    let form = NamedScreens::from_pairs(&pairs);
    let input = TagInput {
        name: form.name.clone(),
        screens: form.ids(),
    };
    match tags::update(&state, &signed.principal, &current, input).await {
        Ok(tag) => Ok(redirect_flash(
            &tag_href(&tag.name),
            true,
            "tags.saved",
            &tag.name,
        )),
        Err(e) => {
            let errors = tag_errors(&state, &signed, Some(&current), e).await?;
            let tag = tags::get(&state, &signed.principal, &current).await?;
            show_tag(&state, &signed, Some(tag), Some(form), errors).await
        }
    }
}

/// Takes the tag off the screens; while a schedule rule targets it nothing changes and the
/// page names the rules.
async fn delete_tag(
    State(state): State<AppState>,
    signed: Signed,
    Form(query): Form<TagQuery>,
) -> ApiResult<Response> {
    let Signed { principal, page } = &signed;
    match tags::delete(&state, principal, &query.name).await {
        Ok(()) => Ok(redirect_flash("/groups", true, "tags.deleted", &query.name)),
        Err(ApiError::Conflict(detail)) => {
            let rules = tags::rules_naming(&state.db, principal, &query.name).await?;
            let names = rule_names(page.lang, rules.into_iter().map(|r| r.name));
            let names = if names.is_empty() { detail } else { names };
            Ok(redirect_flash(
                &tag_href(&query.name),
                false,
                "tags.in_use",
                &names,
            ))
        }
        Err(e) => Err(e),
    }
}

pub const TEXT: &[Entry] = &[
    ("groups.title", "Groups and tags", "گروه‌ها و برچسب‌ها"),
    (
        "groups.intro",
        "Groups and tags gather screens across stores, so one schedule rule can reach them all.",
        "گروه‌ها و برچسب‌ها نمایشگرها را از فروشگاه‌های گوناگون کنار هم می‌گذارند تا یک قاعدهٔ زمان‌بندی به همهٔ آن‌ها برسد.",
    ),
    ("groups.search", "Search by name", "جست‌وجو با نام"),
    ("groups.search_submit", "Search", "جست‌وجو"),
    ("groups.search_clear", "Show all", "نمایش همه"),
    ("groups.groups", "Groups", "گروه‌ها"),
    ("groups.name", "Name", "نام"),
    ("groups.screen_count", "Screens", "نمایشگرها"),
    ("groups.none", "No groups yet.", "هنوز گروهی نیست."),
    (
        "groups.no_match",
        "Nothing matches “{q}”.",
        "چیزی با «{q}» پیدا نشد.",
    ),
    ("groups.new", "New group", "گروه تازه"),
    ("groups.create", "Create group", "ساختن گروه"),
    ("groups.screens", "Screens in the group", "نمایشگرهای گروه"),
    (
        "groups.no_screens",
        "No screens yet; pair one on the screens page.",
        "هنوز نمایشگری نیست؛ در صفحهٔ نمایشگرها یکی را جفت کنید.",
    ),
    (
        "groups.owners_only",
        "Only owners change groups.",
        "تنها مالکان گروه‌ها را تغییر می‌دهند.",
    ),
    (
        "groups.created",
        "Group “{arg}” was created.",
        "گروه «{arg}» ساخته شد.",
    ),
    (
        "groups.saved",
        "Group “{arg}” was saved.",
        "گروه «{arg}» ذخیره شد.",
    ),
    (
        "groups.deleted",
        "Group “{arg}” was deleted.",
        "گروه «{arg}» حذف شد.",
    ),
    (
        "groups.in_use",
        "The group was kept: schedule rules target it ({arg}). Change those rules first.",
        "گروه نگه داشته شد: قاعده‌های زمان‌بندی آن را هدف گرفته‌اند ({arg}). نخست آن قاعده‌ها را تغییر دهید.",
    ),
    (
        "groups.name_taken",
        "A group with this name exists already.",
        "گروهی با این نام از پیش هست.",
    ),
    ("groups.delete_title", "Delete the group", "حذف گروه"),
    (
        "groups.delete_hint",
        "Its screens stay; only the group goes.",
        "نمایشگرهایش می‌مانند؛ تنها گروه حذف می‌شود.",
    ),
    ("groups.link", "Groups and tags", "گروه‌ها و برچسب‌ها"),
    ("tags.tags", "Tags", "برچسب‌ها"),
    ("tags.name", "Tag", "برچسب"),
    ("tags.none", "No tags yet.", "هنوز برچسبی نیست."),
    ("tags.new", "New tag", "برچسب تازه"),
    ("tags.create", "Create tag", "ساختن برچسب"),
    (
        "tags.screens",
        "Screens with this tag",
        "نمایشگرهای دارای این برچسب",
    ),
    (
        "tags.intro",
        "Renaming a tag renames it on its screens and in the schedule rules that target it.",
        "تغییر نام برچسب، نام آن را روی نمایشگرها و در قاعده‌های زمان‌بندی که آن را هدف گرفته‌اند هم تغییر می‌دهد.",
    ),
    (
        "tags.rules",
        "Schedule rules targeting it",
        "قاعده‌های زمان‌بندی هدف‌گیرنده",
    ),
    (
        "tags.no_rules",
        "No schedule rule targets this tag.",
        "هیچ قاعدهٔ زمان‌بندی‌ای این برچسب را هدف نگرفته است.",
    ),
    (
        "tags.created",
        "Tag “{arg}” was created.",
        "برچسب «{arg}» ساخته شد.",
    ),
    (
        "tags.saved",
        "Tag “{arg}” was saved.",
        "برچسب «{arg}» ذخیره شد.",
    ),
    (
        "tags.deleted",
        "Tag “{arg}” was removed from its screens.",
        "برچسب «{arg}» از نمایشگرهایش برداشته شد.",
    ),
    (
        "tags.in_use",
        "The tag was kept: schedule rules target it ({arg}). Change those rules first.",
        "برچسب نگه داشته شد: قاعده‌های زمان‌بندی آن را هدف گرفته‌اند ({arg}). نخست آن قاعده‌ها را تغییر دهید.",
    ),
    (
        "tags.rename_in_use",
        "Schedule rules target this tag ({rules}); only an owner can rename it, since the rules reach every store.",
        "قاعده‌های زمان‌بندی این برچسب را هدف گرفته‌اند ({rules})؛ چون این قاعده‌ها به همهٔ فروشگاه‌ها می‌رسند، تنها مالک می‌تواند نامش را تغییر دهد.",
    ),
    ("tags.delete_title", "Delete the tag", "حذف برچسب"),
    (
        "tags.delete_hint",
        "The tag is taken off its screens; the screens stay.",
        "برچسب از نمایشگرهایش برداشته می‌شود؛ نمایشگرها می‌مانند.",
    ),
    (
        "tags.read_only",
        "Owners and store managers change tags.",
        "مالکان و مدیران فروشگاه برچسب‌ها را تغییر می‌دهند.",
    ),
];
