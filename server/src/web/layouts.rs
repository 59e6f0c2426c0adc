//! Layouts: pick a template of zones and bind each zone to a playlist. Choosing another
//! template shows its zones (a submit without saving, so it works without JavaScript); the
//! zones keep the playlists chosen for zones of the same name. Saved through the library.
//! The list searches by name; an edit page shows where the layout is used and can duplicate it.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use vitrin_shared::ids::{LayoutId, PlaylistId};
use vitrin_shared::layout::{Layout, Template as Zones, ZoneBinding};
use vitrin_shared::playlist::Playlist;

use super::form::FormErrors;
use super::i18n::Entry;
use super::media::matches;
use super::page::{Page, Signed, redirect_flash, render, render_status};
use super::schedule::Choice;
use super::used::{UsedLink, used_by};
use crate::auth::Principal;
use crate::domain::library;
use crate::error::{ApiError, ApiResult};
use crate::extract::Id;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/layouts", get(list))
        .route("/layouts/new", get(new_form).post(create))
        .route("/layouts/{id}", get(edit_form).post(update))
        .route("/layouts/{id}/delete", post(delete))
        .route("/layouts/{id}/duplicate", post(duplicate))
}

/// The template's wire name (`main_ticker`), which is also its text key's suffix.
fn template_code(template: Zones) -> String {
    serde_json::to_value(template)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn template_of_code(code: &str) -> Option<Zones> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
}

/// The form as typed: name, template, and `zone.<name>` → playlist id.
#[derive(Debug, Clone, Default)]
pub struct LayoutForm {
    pub name: String,
    pub template: String,
    pub zones: Vec<(String, String)>,
}

impl LayoutForm {
    fn from_pairs(pairs: &[(String, String)]) -> (LayoutForm, bool) {
        let mut form = LayoutForm::default();
        let mut only_template = false;
        for (key, value) in pairs {
            match key.as_str() {
                "name" => form.name = value.clone(),
                "template" => form.template = value.clone(),
                "action" => only_template = value == "template",
                _ => {
                    if let Some(zone) = key.strip_prefix("zone.") {
                        form.zones.push((zone.to_owned(), value.clone()));
                    }
                }
            }
        }
        (form, only_template)
    }

    fn playlist_of(&self, zone: &str) -> &str {
        self.zones
            .iter()
            .find(|(z, _)| z == zone)
            .map_or("", |(_, p)| p.as_str())
    }

    fn to_layout(&self) -> Result<Layout, ApiError> {
        let template = template_of_code(&self.template)
            .ok_or_else(|| ApiError::field("template", "required", "choose a template"))?;
        Ok(Layout {
            id: LayoutId(0),
            name: self.name.trim().to_owned(),
            template,
            zones: template
                .zones()
                .iter()
                .filter_map(|spec| {
                    let id = self.playlist_of(spec.name).parse().ok()?;
                    Some(ZoneBinding {
                        zone: spec.name.to_owned(),
                        playlist: PlaylistId(id),
                    })
                })
                .collect(),
        })
    }
}

pub struct ZoneRow {
    pub name: &'static str,
    /// The API's field for this zone's binding (`zones.<n>`: bound zones are numbered).
    pub error_key: String,
    pub label: String,
    pub selected: String,
    /// Where the zone sits, in percent of the screen, for the small drawing.
    pub style: String,
}

#[derive(Template)]
#[template(path = "layouts/edit.html")]
struct EditPage<'a> {
    page: &'a Page,
    id: Option<i64>,
    form: LayoutForm,
    errors: FormErrors,
    templates: Vec<Choice>,
    playlists: Vec<Choice>,
    zones: Vec<ZoneRow>,
    /// Where the layout is used (rules, screens), for a saved one.
    used: Vec<UsedLink>,
}

#[derive(Template)]
#[template(path = "layouts/list.html")]
struct ListPage<'a> {
    page: &'a Page,
    layouts: Vec<Choice>,
    /// What was typed in the search box.
    query: String,
    /// Whether the organization has any layout (else "none yet" rather than "no match").
    any: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct Search {
    q: String,
}

async fn edit_page<'a>(
    state: &AppState,
    principal: &Principal,
    page: &'a Page,
    id: Option<i64>,
    form: LayoutForm,
    errors: FormErrors,
) -> ApiResult<EditPage<'a>> {
    let lang = page.lang;
    let template = template_of_code(&form.template).unwrap_or(Zones::Fullscreen);
    let mut bound = 0;
    let zones = template
        .zones()
        .iter()
        .map(|spec| ZoneRow {
            name: spec.name,
            error_key: {
                let key = format!("zones.{bound}");
                if !form.playlist_of(spec.name).is_empty() {
                    bound += 1;
                }
                key
            },
            label: lang.t(&format!("layouts.zone.{}", spec.name)).to_owned(),
            selected: form.playlist_of(spec.name).to_owned(),
            style: format!(
                "inset-inline-start:{:.1}%;inset-block-start:{:.1}%;inline-size:{:.1}%;block-size:{:.1}%",
                spec.rect.x * 100.0,
                spec.rect.y * 100.0,
                spec.rect.w * 100.0,
                spec.rect.h * 100.0
            ),
        })
        .collect();
    let used = match id {
        Some(id) => used_by(state, principal, lang, "layout", &id.to_string()).await?,
        None => Vec::new(),
    };
    Ok(EditPage {
        page,
        id,
        used,
        errors,
        templates: Zones::ALL
            .iter()
            .map(|t| Choice {
                value: template_code(*t),
                label: lang
                    .t(&format!("layouts.template.{}", template_code(*t)))
                    .to_owned(),
            })
            .collect(),
        playlists: library::list::<Playlist>(state, principal)
            .await?
            .into_iter()
            .map(|p| Choice {
                value: p.id.0.to_string(),
                label: p.name,
            })
            .collect(),
        zones,
        form,
    })
}

async fn list(
    State(state): State<AppState>,
    signed: Signed,
    Query(search): Query<Search>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let all = library::list::<Layout>(&state, &principal).await?;
    let any = !all.is_empty();
    let layouts = all
        .into_iter()
        .filter(|l| matches(&l.name, &search.q))
        .map(|l| Choice {
            value: l.id.0.to_string(),
            label: l.name,
        })
        .collect();
    Ok(render(&ListPage {
        page: &page,
        layouts,
        query: search.q,
        any,
    }))
}

async fn new_form(State(state): State<AppState>, signed: Signed) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let form = LayoutForm {
        template: template_code(Zones::MainTicker),
        ..LayoutForm::default()
    };
    let tpl = edit_page(&state, &principal, &page, None, form, FormErrors::none()).await?;
    Ok(render(&tpl))
}

async fn edit_form(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let layout = library::get::<Layout>(&state, &principal, id).await?;
    let form = LayoutForm {
        name: layout.name.clone(),
        template: template_code(layout.template),
        zones: layout
            .zones
            .iter()
            .map(|z| (z.zone.clone(), z.playlist.0.to_string()))
            .collect(),
    };
    let tpl = edit_page(
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

async fn create(
    State(state): State<AppState>,
    signed: Signed,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    save(state, signed, None, pairs).await
}

async fn update(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    library::get::<Layout>(&state, &signed.principal, id).await?;
    save(state, signed, Some(id), pairs).await
}

async fn save(
    state: AppState,
    signed: Signed,
    id: Option<i64>,
    pairs: Vec<(String, String)>,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    principal.require(principal.can_edit_content())?;
    let (form, only_template) = LayoutForm::from_pairs(&pairs);
    if only_template {
        let tpl = edit_page(&state, &principal, &page, id, form, FormErrors::none()).await?;
        return Ok(render(&tpl));
    }
    let result = match form.to_layout() {
        Ok(layout) => {
            let body = serde_json::to_value(&layout).map_err(ApiError::internal)?;
            library::save::<Layout>(&state, &principal, id, body).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok((_, saved)) => Ok(redirect_flash(
            &format!("/layouts/{}", saved.id.0),
            true,
            "layouts.saved",
            &saved.name,
        )),
        Err(e) => {
            let errors = FormErrors::from_api(page.lang, e)?;
            let tpl = edit_page(&state, &principal, &page, id, form, errors).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &tpl))
        }
    }
}

async fn delete(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let layout = library::get::<Layout>(&state, &signed.principal, id).await?;
    match library::delete::<Layout>(&state, &signed.principal, id).await {
        Ok(_) => Ok(redirect_flash(
            "/layouts",
            true,
            "layouts.deleted",
            &layout.name,
        )),
        Err(ApiError::Conflict(message)) => Ok(redirect_flash(
            &format!("/layouts/{id}"),
            false,
            "menus.in_use",
            &message,
        )),
        Err(e) => Err(e),
    }
}

/// Saves a copy named "<name> (copy)" in the user's language and opens it.
async fn duplicate(
    State(state): State<AppState>,
    signed: Signed,
    Id(id): Id,
) -> ApiResult<Response> {
    super::duplicate::duplicate::<Layout>(
        &state,
        signed,
        id,
        |copy| format!("/layouts/{}", copy.id.0),
        "layouts.duplicated",
    )
    .await
}

pub const TEXT: &[Entry] = &[
    ("nav.layouts", "Layouts", "چیدمان‌ها"),
    ("layouts.title", "Layouts", "چیدمان‌ها"),
    ("layouts.new", "New layout", "چیدمان تازه"),
    ("layouts.none", "No layouts yet.", "هنوز چیدمانی نیست."),
    ("layouts.edit_title", "Layout: {name}", "چیدمان: {name}"),
    ("layouts.name", "Name", "نام"),
    ("layouts.template", "Template", "قالب"),
    ("layouts.show_zones", "Show its zones", "نمایش بخش‌هایش"),
    ("layouts.zones", "What each zone plays", "هر بخش چه پخش کند"),
    ("layouts.empty_zone", "Nothing", "هیچ"),
    ("layouts.template.fullscreen", "Full screen", "تمام‌صفحه"),
    (
        "layouts.template.main_ticker",
        "Main + ticker",
        "اصلی + نوار خبر",
    ),
    (
        "layouts.template.main_side_ticker",
        "Main + side + ticker",
        "اصلی + کناری + نوار خبر",
    ),
    (
        "layouts.template.portrait_fullscreen",
        "Portrait, full screen",
        "عمودی، تمام‌صفحه",
    ),
    (
        "layouts.template.portrait_main_ticker",
        "Portrait, main + ticker",
        "عمودی، اصلی + نوار خبر",
    ),
    (
        "layouts.template.portrait_main_side_ticker",
        "Portrait, main + side + ticker",
        "عمودی، اصلی + کناری + نوار خبر",
    ),
    (
        "layouts.template.ticker_bar",
        "Ticker bar only (overlay)",
        "فقط نوار خبر (روکش)",
    ),
    ("layouts.zone.main", "Main", "اصلی"),
    ("layouts.zone.side", "Side", "کناری"),
    ("layouts.zone.ticker", "Ticker", "نوار خبر"),
    (
        "layouts.saved",
        "Layout “{arg}” saved.",
        "چیدمان «{arg}» ذخیره شد.",
    ),
    ("layouts.search", "Search by name", "جست‌وجو با نام"),
    ("layouts.search_submit", "Search", "جست‌وجو"),
    (
        "layouts.no_match",
        "No layout matches “{q}”.",
        "هیچ چیدمانی با «{q}» پیدا نشد.",
    ),
    ("layouts.duplicate", "Duplicate", "ساخت رونوشت"),
    (
        "layouts.duplicated",
        "Copy made: you are editing “{arg}”.",
        "رونوشت ساخته شد: اکنون «{arg}» را ویرایش می‌کنید.",
    ),
    (
        "layouts.deleted",
        "Layout “{arg}” deleted.",
        "چیدمان «{arg}» حذف شد.",
    ),
];
