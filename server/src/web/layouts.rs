//! Layouts: pick a preset template of zones, or place zones freely, and bind each zone to a
//! playlist. Choosing another template shows its zones (a submit without saving, so it works
//! without JavaScript); the zones keep the playlists chosen for zones of the same name, and
//! switching from a preset to "free" starts from the preset's zones. A free layout's zones are
//! edited as numbers (percent of the screen), added and removed with buttons, and, with
//! JavaScript (`layout-editor.js`), dragged and resized on the drawing, snapping to a grid and
//! to the other zones' edges. Saved through the library.
//! The list searches by name and draws each layout's zones; an edit page shows where the layout
//! is used and can duplicate it.
//!
//! The drawing uses physical `left`/`top` in both languages: zones are stored as seen on the
//! screen and the player never mirrors them (see `vitrin_shared::layout`).

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use vitrin_shared::ValidationErrors;
use vitrin_shared::ids::{LayoutId, PlaylistId};
use vitrin_shared::layout::{
    Aspect, Layout, MAX_ZONES, Rect, Region, Template as Zones, ZoneBinding,
};
use vitrin_shared::playlist::Playlist;

use super::form::FormErrors;
use super::i18n::{Entry, Lang};
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

/// A wire name (`main_ticker`, `ultra_wide`), which is also its text key's suffix.
fn code_of<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn of_code<T: serde::de::DeserializeOwned>(code: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
}

fn template_code(template: Zones) -> String {
    code_of(template)
}

fn template_of_code(code: &str) -> Option<Zones> {
    of_code(code)
}

/// The editor's shape when none is chosen: portrait for the portrait presets.
fn default_aspect(template: Zones) -> Aspect {
    if template.is_portrait() {
        Aspect::Portrait
    } else {
        Aspect::Landscape
    }
}

/// A fraction of the screen as the percent the form shows: `33.25`, `10`.
fn percent(v: f32) -> String {
    let text = format!("{:.2}", v * 100.0);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A typed percent: Persian or Arabic-Indic digits and the Persian decimal separator accepted.
fn parse_percent(text: &str) -> Option<f32> {
    let latin: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            '٫' | ',' => '.',
            c => c,
        })
        .collect();
    latin.parse::<f32>().ok().filter(|v| v.is_finite())
}

/// One free zone as typed: its name, place in percent, overlay mark and playlist.
#[derive(Debug, Clone, Default)]
pub struct RegionForm {
    pub name: String,
    pub x: String,
    pub y: String,
    pub w: String,
    pub h: String,
    pub overlay: bool,
    pub playlist: String,
}

impl RegionForm {
    fn of(region: &Region, playlist: &str) -> RegionForm {
        RegionForm {
            name: region.name.clone(),
            x: percent(region.rect.x),
            y: percent(region.rect.y),
            w: percent(region.rect.w),
            h: percent(region.rect.h),
            overlay: region.overlay,
            playlist: playlist.to_owned(),
        }
    }

    /// The place as fractions, if every number parses (for the drawing).
    fn rect(&self) -> Option<Rect> {
        let n = parse_percent;
        Some(Rect {
            x: n(&self.x)? / 100.0,
            y: n(&self.y)? / 100.0,
            w: n(&self.w)? / 100.0,
            h: n(&self.h)? / 100.0,
        })
    }
}

/// What a submit asks for besides saving.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Action {
    Save,
    /// Show the chosen template's zones.
    Template,
    /// Add a free zone.
    Add,
    /// Remove free zone N.
    Remove(usize),
}

/// The form as typed: name, template, shape, and for a preset `zone.<name>` → playlist id, for
/// a free layout `region.<n>.<field>`.
#[derive(Debug, Clone, Default)]
pub struct LayoutForm {
    pub name: String,
    pub template: String,
    /// The template the page was drawn with (to start a free layout from its zones).
    pub was: String,
    pub aspect: String,
    pub zones: Vec<(String, String)>,
    pub regions: Vec<RegionForm>,
}

impl LayoutForm {
    fn from_pairs(pairs: &[(String, String)]) -> (LayoutForm, Action) {
        let mut form = LayoutForm::default();
        let mut action = Action::Save;
        let mut regions: BTreeMap<usize, RegionForm> = BTreeMap::new();
        for (key, value) in pairs {
            match key.as_str() {
                "name" => form.name = value.clone(),
                "template" => form.template = value.clone(),
                "was" => form.was = value.clone(),
                "aspect" => form.aspect = value.clone(),
                "action" => {
                    action = match value.as_str() {
                        "template" => Action::Template,
                        "add" => Action::Add,
                        v => match v.strip_prefix("remove.").and_then(|n| n.parse().ok()) {
                            Some(n) => Action::Remove(n),
                            None => Action::Save,
                        },
                    }
                }
                _ => {
                    if let Some(zone) = key.strip_prefix("zone.") {
                        form.zones.push((zone.to_owned(), value.clone()));
                    } else if let Some((n, field)) = key
                        .strip_prefix("region.")
                        .and_then(|rest| rest.split_once('.'))
                        && let Ok(n) = n.parse::<usize>()
                        && n < 64
                    {
                        let r = regions.entry(n).or_default();
                        match field {
                            "name" => r.name = value.clone(),
                            "x" => r.x = value.clone(),
                            "y" => r.y = value.clone(),
                            "w" => r.w = value.clone(),
                            "h" => r.h = value.clone(),
                            "overlay" => r.overlay = !value.is_empty(),
                            "playlist" => r.playlist = value.clone(),
                            _ => {}
                        }
                    }
                }
            }
        }
        form.regions = regions.into_values().collect();
        (form, action)
    }

    fn of_layout(layout: &Layout) -> LayoutForm {
        let playlist = |zone: &str| {
            layout
                .playlist_of(zone)
                .map(|p| p.0.to_string())
                .unwrap_or_default()
        };
        let free = layout.template == Zones::Free;
        LayoutForm {
            name: layout.name.clone(),
            template: template_code(layout.template),
            was: template_code(layout.template),
            aspect: code_of(layout.aspect()),
            zones: layout
                .zones
                .iter()
                .map(|z| (z.zone.clone(), z.playlist.0.to_string()))
                .collect(),
            regions: if free {
                layout
                    .regions
                    .iter()
                    .map(|r| RegionForm::of(r, &playlist(&r.name)))
                    .collect()
            } else {
                Vec::new()
            },
        }
    }

    fn template(&self) -> Zones {
        template_of_code(&self.template).unwrap_or(Zones::Fullscreen)
    }

    fn aspect(&self) -> Aspect {
        of_code(&self.aspect).unwrap_or(default_aspect(self.template()))
    }

    fn playlist_of(&self, zone: &str) -> &str {
        self.zones
            .iter()
            .find(|(z, _)| z == zone)
            .map_or("", |(_, p)| p.as_str())
    }

    /// Carries out a submit that does not save: shows another template's zones, or adds or
    /// removes a free zone.
    fn apply(&mut self, action: &Action) {
        match action {
            Action::Template => {
                let was = template_of_code(&self.was);
                let now = self.template();
                match (was, now) {
                    // From a preset to free: start from the preset's zones and playlists.
                    (Some(was), Zones::Free) if was != Zones::Free => {
                        self.regions = was
                            .regions()
                            .iter()
                            .map(|r| RegionForm::of(r, self.playlist_of(&r.name)))
                            .collect();
                        self.aspect = code_of(default_aspect(was));
                    }
                    // From free to a preset: zones of the same name keep their playlists.
                    (Some(Zones::Free), preset) if preset != Zones::Free => {
                        self.zones = self
                            .regions
                            .iter()
                            .map(|r| (r.name.trim().to_owned(), r.playlist.clone()))
                            .collect();
                        self.regions.clear();
                        self.aspect = code_of(default_aspect(preset));
                    }
                    (_, preset) if preset != Zones::Free => {
                        self.aspect = code_of(default_aspect(preset));
                    }
                    _ => {}
                }
                if self.template() == Zones::Free && self.regions.is_empty() {
                    self.apply(&Action::Add);
                }
            }
            Action::Add if self.regions.len() < MAX_ZONES => {
                let taken = |name: &str| self.regions.iter().any(|r| r.name.trim() == name);
                let name = (1..)
                    .map(|n| format!("zone{n}"))
                    .find(|n| !taken(n))
                    .unwrap_or_default();
                self.regions.push(RegionForm {
                    name,
                    x: "0".into(),
                    y: "0".into(),
                    w: "25".into(),
                    h: "25".into(),
                    overlay: false,
                    playlist: String::new(),
                });
            }
            Action::Remove(n) if *n < self.regions.len() => {
                self.regions.remove(*n);
            }
            _ => {}
        }
        self.was = self.template.clone();
    }

    fn to_layout(&self) -> Result<Layout, ApiError> {
        let template = template_of_code(&self.template)
            .ok_or_else(|| ApiError::field("template", "required", "choose a template"))?;
        let aspect = self.aspect();
        let aspect = (aspect != default_aspect(template)).then_some(aspect);
        if template != Zones::Free {
            return Ok(Layout {
                id: LayoutId(0),
                name: self.name.trim().to_owned(),
                template,
                regions: Vec::new(),
                aspect,
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
            });
        }
        let mut errors = ValidationErrors::new();
        let mut regions = Vec::new();
        for (i, r) in self.regions.iter().enumerate() {
            let mut number = |field: &str, text: &str| match parse_percent(text) {
                Some(v) => v / 100.0,
                None => {
                    errors.add(
                        format!("regions.{i}.rect.{field}"),
                        "not_a_number",
                        "write a number of percent, e.g. 25 or 33.5",
                    );
                    0.0
                }
            };
            let rect = Rect {
                x: number("x", &r.x),
                y: number("y", &r.y),
                w: number("w", &r.w),
                h: number("h", &r.h),
            };
            regions.push(Region {
                name: r.name.trim().to_owned(),
                rect,
                overlay: r.overlay,
            });
        }
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        Ok(Layout {
            id: LayoutId(0),
            name: self.name.trim().to_owned(),
            template,
            regions,
            aspect,
            zones: self
                .regions
                .iter()
                .filter_map(|r| {
                    let id = r.playlist.parse().ok()?;
                    Some(ZoneBinding {
                        zone: r.name.trim().to_owned(),
                        playlist: PlaylistId(id),
                    })
                })
                .collect(),
        })
    }
}

/// A zone's place in the drawing: physical `left`/`top`, in percent.
fn map_style(r: Rect) -> String {
    format!(
        "left:{}%;top:{}%;width:{}%;height:{}%",
        percent(r.x),
        percent(r.y),
        percent(r.w),
        percent(r.h)
    )
}

/// The drawing's shape: `aspect-ratio: 1920 / 360`.
fn aspect_style(aspect: Aspect) -> String {
    let (w, h) = aspect.pixels();
    format!("aspect-ratio:{w} / {h}")
}

/// A zone's label: the catalog's word for a preset's zone names, else the name as given.
fn zone_label(lang: Lang, name: &str) -> String {
    let key = format!("layouts.zone.{name}");
    match lang.t(&key) {
        t if t == key => name.to_owned(),
        t => t.to_owned(),
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

/// One free zone's row: what was typed and the messages for each of its fields.
pub struct RegionRow {
    pub index: usize,
    pub form: RegionForm,
    pub style: String,
    pub name_error: Option<String>,
    pub x_error: Option<String>,
    pub y_error: Option<String>,
    pub w_error: Option<String>,
    pub h_error: Option<String>,
    /// About the zone as a whole (it overlaps another).
    pub rect_error: Option<String>,
    pub playlist_error: Option<String>,
}

/// A zone in a drawing of the list.
pub struct MapZone {
    pub label: String,
    pub style: String,
    pub overlay: bool,
}

pub struct ListRow {
    pub id: i64,
    pub name: String,
    pub template: String,
    pub aspect_style: String,
    pub zones: Vec<MapZone>,
}

#[derive(Template)]
#[template(path = "layouts/edit.html")]
struct EditPage<'a> {
    page: &'a Page,
    id: Option<i64>,
    form: LayoutForm,
    errors: FormErrors,
    templates: Vec<Choice>,
    aspects: Vec<Choice>,
    playlists: Vec<Choice>,
    zones: Vec<ZoneRow>,
    free: bool,
    regions: Vec<RegionRow>,
    can_add: bool,
    aspect_style: String,
    /// Where the layout is used (rules, screens), for a saved one.
    used: Vec<UsedLink>,
}

#[derive(Template)]
#[template(path = "layouts/list.html")]
struct ListPage<'a> {
    page: &'a Page,
    layouts: Vec<ListRow>,
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
    let template = form.template();
    let free = template == Zones::Free;
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
            label: zone_label(lang, spec.name),
            selected: form.playlist_of(spec.name).to_owned(),
            style: map_style(spec.rect),
        })
        .collect();
    let mut bound = 0;
    let regions = form
        .regions
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let get = |f: &str| errors.get(&format!("regions.{i}.{f}")).map(str::to_owned);
            let exact = |f: &str| {
                let field = format!("regions.{i}.{f}");
                errors.get_exact(&field).map(str::to_owned)
            };
            let binding = format!("zones.{bound}");
            if !r.playlist.is_empty() {
                bound += 1;
            }
            RegionRow {
                index: i,
                style: r.rect().map(map_style).unwrap_or_default(),
                name_error: get("name"),
                x_error: get("rect.x"),
                y_error: get("rect.y"),
                w_error: get("rect.w"),
                h_error: get("rect.h"),
                rect_error: exact("rect"),
                playlist_error: (!r.playlist.is_empty())
                    .then(|| errors.get(&binding).map(str::to_owned))
                    .flatten(),
                form: r.clone(),
            }
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
        templates: Zones::ALL
            .iter()
            .chain([&Zones::Free])
            .map(|t| Choice {
                value: template_code(*t),
                label: lang
                    .t(&format!("layouts.template.{}", template_code(*t)))
                    .to_owned(),
            })
            .collect(),
        aspects: Aspect::ALL
            .iter()
            .map(|a| Choice {
                value: code_of(*a),
                label: lang
                    .t(&format!("layouts.aspect.{}", code_of(*a)))
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
        free,
        can_add: form.regions.len() < MAX_ZONES,
        aspect_style: aspect_style(form.aspect()),
        regions,
        errors,
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
        .map(|l| ListRow {
            id: l.id.0,
            template: page
                .lang
                .t(&format!("layouts.template.{}", template_code(l.template)))
                .to_owned(),
            aspect_style: aspect_style(l.aspect()),
            zones: l
                .areas_in_drawing_order()
                .iter()
                .map(|r| MapZone {
                    label: zone_label(page.lang, &r.name),
                    style: map_style(r.rect),
                    overlay: r.overlay,
                })
                .collect(),
            name: l.name,
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
        was: template_code(Zones::MainTicker),
        aspect: code_of(Aspect::Landscape),
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
    let form = LayoutForm::of_layout(&layout);
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
    let (mut form, action) = LayoutForm::from_pairs(&pairs);
    if action != Action::Save {
        form.apply(&action);
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
    (
        "layouts.template.free",
        "Free: place zones yourself",
        "آزاد: بخش‌ها را خودتان بچینید",
    ),
    ("layouts.aspect", "Screen shape", "شکل صفحه"),
    ("layouts.aspect.landscape", "Landscape 16:9", "افقی ۱۶:۹"),
    ("layouts.aspect.portrait", "Portrait 9:16", "عمودی ۹:۱۶"),
    (
        "layouts.aspect.strip",
        "Shelf strip 16:3 (1920×360)",
        "نوار قفسه ۱۶:۳ (۱۹۲۰×۳۶۰)",
    ),
    (
        "layouts.aspect.ultra_wide",
        "Ultra-wide bar 32:9",
        "نوار خیلی پهن ۳۲:۹",
    ),
    ("layouts.regions", "Zones", "بخش‌ها"),
    (
        "layouts.regions_help",
        "Place each zone in percent of the screen (x from the left edge, y from the top). Zones may not overlap unless one is an overlay. Drag a zone on the drawing to move it, or its corner to resize it; it snaps to a 1 % grid and to the other zones' edges.",
        "جای هر بخش را به درصد صفحه بنویسید (x از لبهٔ چپ، y از بالا). بخش‌ها نباید روی هم بیفتند، مگر یکی روکش باشد. بخش را روی نقشه بکشید تا جابه‌جا شود، یا گوشه‌اش را تا اندازه‌اش عوض شود؛ به شبکهٔ ۱٪ و لبهٔ بخش‌های دیگر می‌چسبد.",
    ),
    ("layouts.region", "Zone {n}", "بخش {n}"),
    ("layouts.region.name", "Name", "نام"),
    ("layouts.region.x", "x (%)", "x (٪)"),
    ("layouts.region.y", "y (%)", "y (٪)"),
    ("layouts.region.w", "Width (%)", "پهنا (٪)"),
    ("layouts.region.h", "Height (%)", "بلندی (٪)"),
    (
        "layouts.region.overlay",
        "Overlay (may lie over other zones, drawn on top)",
        "روکش (می‌تواند روی بخش‌های دیگر باشد، رویشان کشیده می‌شود)",
    ),
    ("layouts.region.playlist", "Plays", "پخش"),
    ("layouts.region.add", "Add a zone", "افزودن بخش"),
    ("layouts.region.remove", "Remove this zone", "حذف این بخش"),
    ("layouts.zone_count", "{n} zones", "{n} بخش"),
    (
        "err.off_screen",
        "The zone reaches outside the screen.",
        "این بخش از صفحه بیرون می‌زند.",
    ),
    (
        "err.too_small",
        "A zone is at least 2 % of the screen in each direction.",
        "هر بخش در هر سو دست‌کم ۲٪ صفحه است.",
    ),
    (
        "err.zones_overlap",
        "This zone overlaps another; move it, or mark one of them as an overlay.",
        "این بخش روی بخش دیگری افتاده است؛ جابه‌جایش کنید یا یکی را روکش کنید.",
    ),
    (
        "err.too_many_zones",
        "A layout has at most 12 zones.",
        "هر چیدمان حداکثر ۱۲ بخش دارد.",
    ),
    (
        "err.duplicate_zone_name",
        "Another zone has this name.",
        "بخش دیگری همین نام را دارد.",
    ),
    (
        "err.not_a_number",
        "Write a number of percent, e.g. 25 or 33.5.",
        "عددی به درصد بنویسید، مثلاً ۲۵ یا ۳۳٫۵.",
    ),
    (
        "err.unknown_zone",
        "The layout has no zone of this name.",
        "چیدمان بخشی با این نام ندارد.",
    ),
    (
        "err.preset_zones",
        "A preset has its own zones; choose “Free” to place zones yourself.",
        "قالب آماده بخش‌های خودش را دارد؛ برای چیدن بخش‌ها «آزاد» را برگزینید.",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percents_are_read_in_either_script_and_shown_without_trailing_zeros() {
        assert_eq!(parse_percent(" 33.25 "), Some(33.25));
        assert_eq!(parse_percent("۳۳٫۵"), Some(33.5));
        assert_eq!(parse_percent("٢٥"), Some(25.0));
        assert_eq!(parse_percent("abc"), None);
        assert_eq!(parse_percent("NaN"), None);
        assert_eq!(percent(0.3325), "33.25");
        assert_eq!(percent(0.9), "90");
        assert_eq!(percent(0.0), "0");
    }

    #[test]
    fn a_preset_turned_free_keeps_its_zones_and_playlists() {
        let mut form = LayoutForm {
            template: "free".into(),
            was: "main_side_ticker".into(),
            zones: vec![("side".into(), "7".into())],
            ..LayoutForm::default()
        };
        form.apply(&Action::Template);
        let names: Vec<_> = form.regions.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["main", "side", "ticker"]);
        assert_eq!(form.regions[1].playlist, "7");
        assert_eq!(form.regions[1].x, "70");
        let layout = form.to_layout().unwrap();
        assert_eq!(layout.template, Zones::Free);
        assert_eq!(layout.regions, Zones::MainSideTicker.regions());
        // And back to a preset: zones of the same name keep their playlists.
        form.template = "main_ticker".into();
        form.apply(&Action::Template);
        assert!(form.regions.is_empty());
        assert_eq!(form.playlist_of("side"), "7");
    }
}
