//! Screens: pairing by the code a player shows (typed, or opened from its QR code at
//! `/pair?code=…`), each screen's settings (name, store, groups, tags, time zone, orientation,
//! default layout), remote refresh / screenshot / identify, and revoking a player.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::{Deserialize, Serialize};
use vitrin_shared::events::{Command, PowerControl};
use vitrin_shared::manifest::{Orientation, WallTile};
use vitrin_shared::schedule::hours::PowerSchedule;

use super::form::{FormErrors, Pairs};
use super::groups::matches;
use super::i18n::{Entry, Lang};
use super::page::{Page, Signed, redirect_flash, render_status};
use crate::auth::Principal;
use crate::db::sql;
use crate::domain::devices::{self, CommandRequest, PairRequest};
use crate::domain::screens::{self as api, Screen, ScreenInput, ScreenSettings};
use crate::domain::store_time;
use crate::domain::stores::{self, Store, StoreInput};
use crate::error::{ApiError, ApiResult};
use crate::extract::Id;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/screens", get(list))
        .route("/pair", get(pair_page))
        .route("/screens/pair", post(pair))
        .route("/screens/{id}", get(edit).post(save))
        .route("/screens/{id}/command", post(command))
        .route("/screens/{id}/revoke", post(revoke))
        .route("/screens/{id}/preview", get(preview))
}

/// When to preview a screen: a day (Solar Hijri or Gregorian) and a time in its store's zone.
#[derive(Debug, Deserialize)]
struct PreviewAt {
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
}

/// Opens the browser player's preview of the screen at the day and time asked (now when both
/// are blank): the screen's own renderer, its rules and layouts, at that instant.
async fn preview(
    State(state): State<AppState>,
    signed: Signed,
    Id(id): Id,
    Query(at): Query<PreviewAt>,
) -> ApiResult<Response> {
    let screen = api::get(&state, &signed.principal, id).await?;
    let (timezone,): (String,) = sql("SELECT timezone FROM stores WHERE id = $1")
        .bind(screen.store_id)
        .fetch_one(&state.db)
        .await?;
    let tz = jiff::tz::TimeZone::get(&timezone).map_err(|_| ApiError::NotFound)?;
    let instant = if at.date.trim().is_empty() && at.time.trim().is_empty() {
        jiff::Timestamp::now()
    } else {
        let day = if at.date.trim().is_empty() {
            jiff::Timestamp::now().to_zoned(tz.clone()).date()
        } else {
            crate::reports::parse_day("date", &at.date)?
        };
        let time = match at.time.trim() {
            "" => jiff::civil::time(12, 0, 0, 0),
            text => text.parse::<jiff::civil::Time>().map_err(|_| {
                ApiError::field(
                    "time",
                    "invalid_time",
                    format!("'{text}' is not a time like 08:30"),
                )
            })?,
        };
        day.to_datetime(time)
            .to_zoned(tz)
            .map_err(|e| ApiError::field("time", "invalid_time", e.to_string()))?
            .timestamp()
    };
    Ok(
        axum::response::Redirect::to(&format!("/play/?preview=screen:{id}&at={instant}"))
            .into_response(),
    )
}

/// One screen as the dashboard and the screens list show it (also sent live as JSON).
#[derive(Debug, Clone, Serialize)]
pub struct ScreenStatus {
    pub id: i64,
    pub name: String,
    pub store: String,
    /// `online`, `asleep` (off by schedule: its panel, or the whole player while the store is
    /// closed), `offline` or `unpaired` (also the badge's CSS class).
    pub status: &'static str,
    pub status_text: String,
    /// What its player reported on screen, by content name.
    pub showing: String,
    /// Which player it is ("Browser player · Chrome 156", "Vitrin player · linux"), from its
    /// last heartbeat; empty before the first.
    pub player: String,
    /// Said when the player cannot switch its panel off (it shows black instead).
    pub power_note: String,
    pub seen: String,
    pub has_screenshot: bool,
    pub tags: Vec<String>,
    /// "2 of 3 screens online", for the dashboard's counter.
    pub online_count_text: String,
}

/// The admin's name for the player a heartbeat's `platform` describes.
fn player_label(page: &Page, platform: &str) -> String {
    match platform.strip_prefix("browser ") {
        Some(agent) => page.tf(
            "screens.player.browser",
            &[("browser", &browser_name(agent))],
        ),
        None => page.tf(
            "screens.player.native",
            &[("os", platform.split_whitespace().nth(1).unwrap_or("?"))],
        ),
    }
}

/// "Chrome 156", "Firefox 140", "Safari 18" from a user agent; the agent itself otherwise.
fn browser_name(agent: &str) -> String {
    // Order matters: Chrome's agent names Safari too, Edge's names Chrome.
    for (token, name) in [
        ("Edg/", "Edge"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Version/", "Safari"),
    ] {
        if let Some(rest) = agent.split(token).nth(1) {
            let major = rest.split(['.', ' ']).next().unwrap_or_default();
            return format!("{name} {major}");
        }
    }
    agent.chars().take(40).collect()
}

/// Every screen the principal sees, with its live status in `page`'s language.
pub async fn statuses(
    state: &AppState,
    principal: &Principal,
    page: &Page,
) -> ApiResult<Vec<ScreenStatus>> {
    let screens = api::list(state, principal).await?;
    let org = principal.org.0;
    // (id, name, zone, its own hours, the organization's)
    type StoreRow = (i64, String, String, Option<String>, Option<String>);
    let rows: Vec<StoreRow> = sql(
        "SELECT st.id, st.name, st.timezone, st.hours, o.hours FROM stores st \
         JOIN orgs o ON o.id = st.org_id WHERE st.org_id = $1",
    )
    .bind(org)
    .fetch_all(&state.db)
    .await?;
    let now = jiff::Timestamp::now();
    let mut stores: HashMap<i64, String> = HashMap::new();
    // Stores closed right now by their opening hours: their screens may sleep.
    let mut closed: HashSet<i64> = HashSet::new();
    for (id, name, timezone, own, org) in rows {
        let hours = store_time::in_force_json(own.as_deref(), org.as_deref());
        if let (Some(hours), Ok(tz)) = (hours, jiff::tz::TimeZone::get(&timezone))
            && !hours.is_open(&tz, now)
        {
            closed.insert(id);
        }
        stores.insert(id, name);
    }
    let contents: HashMap<i64, String> = sql("SELECT id, name FROM content WHERE org_id = $1")
        .bind(org)
        .fetch_all(&state.db)
        .await?
        .into_iter()
        .collect();
    let shots: Vec<(i64,)> = sql(
        "SELECT s.screen_id FROM screenshots s JOIN screens c ON c.id = s.screen_id \
         WHERE c.org_id = $1",
    )
    .bind(org)
    .fetch_all(&state.db)
    .await?;
    let online = screens.iter().filter(|s| s.online).count() as i64;
    let count_text = page.tf(
        "screens.online_count",
        &[
            ("n", &page.num(online)),
            ("total", &page.num(screens.len() as i64)),
        ],
    );
    Ok(screens
        .into_iter()
        .map(|s| {
            let panel = s.status.as_ref().and_then(|h| h.panel.as_ref());
            let sleeps_now = s.power.sleep_when_closed && closed.contains(&s.store_id);
            let status = if !s.paired {
                "unpaired"
            } else if s.online && panel.is_some_and(|p| !p.on) {
                "asleep"
            } else if s.online {
                "online"
            } else if sleeps_now {
                // Some shops cut the power at night: no alert for a screen gone by schedule.
                "asleep"
            } else {
                "offline"
            };
            let power_note = if panel.is_some_and(|p| p.control == PowerControl::BlackScreen) {
                page.t("screens.no_power_control").to_owned()
            } else {
                String::new()
            };
            let showing = s
                .status
                .as_ref()
                .map(|h| {
                    h.showing
                        .iter()
                        .filter_map(|n| contents.get(&n.content.0).cloned())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| page.t("screens.showing_nothing").to_owned());
            let player = s
                .status
                .as_ref()
                .and_then(|h| h.platform.as_deref())
                .map(|p| player_label(page, p))
                .unwrap_or_default();
            ScreenStatus {
                player,
                power_note,
                id: s.id,
                store: stores.get(&s.store_id).cloned().unwrap_or_default(),
                status,
                status_text: page.t(&format!("screens.status.{status}")).to_owned(),
                showing,
                seen: s.last_seen_at.map_or_else(
                    || page.t("screens.never").to_owned(),
                    |ms| page.datetime(ms),
                ),
                has_screenshot: shots.iter().any(|(id,)| *id == s.id),
                online_count_text: count_text.clone(),
                tags: s.tags,
                name: s.name,
            }
        })
        .collect())
}

/// The values of the pairing form, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PairForm {
    code: String,
    name: String,
    store_id: String,
    /// A store created on the way, when the organization has none yet (or another is wanted).
    new_store: String,
    timezone: String,
}

#[derive(Template)]
#[template(path = "screens/list.html")]
struct ListPage<'a> {
    page: &'a Page,
    screens: Vec<ScreenStatus>,
    stores: Vec<Store>,
    form: PairForm,
    errors: FormErrors,
    /// Only the pairing form (the page a QR code opens).
    pair_only: bool,
    /// The key pins screens are told to trust (the served certificate's first).
    server_pins: String,
    /// The search typed (`?q=`): screens whose name, store or a tag contains it.
    q: String,
}

impl ListPage<'_> {
    fn default_timezone(&self) -> &str {
        if !self.form.timezone.is_empty() {
            &self.form.timezone
        } else if self.page.lang == Lang::Fa {
            "Asia/Tehran"
        } else {
            "UTC"
        }
    }
}

/// Pins as a screen's address takes them after `#pin=`.
fn pin_list(pins: &[vitrin_shared::pin::Pin]) -> String {
    pins.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

async fn stores_of(state: &AppState, principal: &Principal) -> ApiResult<Vec<Store>> {
    stores::list(state, principal).await
}

async fn show_list(
    state: &AppState,
    signed: &Signed,
    form: PairForm,
    errors: FormErrors,
    pair_only: bool,
) -> ApiResult<Response> {
    show_search(state, signed, form, errors, pair_only, String::new()).await
}

async fn show_search(
    state: &AppState,
    signed: &Signed,
    form: PairForm,
    errors: FormErrors,
    pair_only: bool,
    q: String,
) -> ApiResult<Response> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let screens = statuses(state, &signed.principal, &signed.page)
        .await?
        .into_iter()
        .filter(|s| {
            q.is_empty()
                || matches(&s.name, &q)
                || matches(&s.store, &q)
                || s.tags.iter().any(|t| matches(t, &q))
        })
        .collect();
    Ok(render_status(
        status,
        &ListPage {
            page: &signed.page,
            screens,
            stores: stores_of(state, &signed.principal).await?,
            form,
            errors,
            pair_only,
            q,
            server_pins: pin_list(&state.tls_pins()),
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Search {
    q: String,
}

async fn list(
    State(state): State<AppState>,
    signed: Signed,
    Query(search): Query<Search>,
) -> ApiResult<Response> {
    let q = search.q.trim().to_owned();
    show_search(
        &state,
        &signed,
        PairForm::default(),
        FormErrors::none(),
        false,
        q,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CodeQuery {
    code: String,
}

/// What the QR code on an unpaired screen opens: the pairing form with the code filled in.
async fn pair_page(
    State(state): State<AppState>,
    signed: Signed,
    Query(query): Query<CodeQuery>,
) -> ApiResult<Response> {
    let form = PairForm {
        code: query.code,
        ..PairForm::default()
    };
    show_list(&state, &signed, form, FormErrors::none(), true).await
}

async fn pair(
    State(state): State<AppState>,
    signed: Signed,
    Form(form): Form<PairForm>,
) -> ApiResult<Response> {
    let lang = signed.page.lang;
    let principal = signed.principal.clone();
    let mut errors = FormErrors::none();
    if form.code.trim().is_empty() {
        errors.add("code", lang.t("pair.code_required"));
    }
    let store_id = match form.store_id.parse::<i64>() {
        Ok(id) => Some(id),
        Err(_) if !form.new_store.trim().is_empty() => None,
        Err(_) => {
            errors.add("store_id", lang.t("pair.store_required"));
            None
        }
    };
    if !errors.is_empty() {
        return show_list(&state, &signed, form, errors, false).await;
    }
    // A new store first (its own validation: name, time zone).
    let store_id = match store_id {
        Some(id) => id,
        None => {
            let input = StoreInput {
                name: form.new_store.clone(),
                address: String::new(),
                timezone: form.timezone.trim().to_owned(),
            };
            match stores::create(&state, &principal, input).await {
                Ok(store) => store.id,
                Err(e) => {
                    let mut errors = FormErrors::from_api(lang, e)?;
                    // The store's "name" is the new-store field on this form.
                    if let Some(text) = errors.get("name").map(str::to_owned) {
                        errors = FormErrors::none();
                        errors.add("new_store", text);
                    }
                    return show_list(&state, &signed, form, errors, false).await;
                }
            }
        }
    };
    let request = PairRequest {
        code: form.code.clone(),
        screen_id: None,
        screen: Some(ScreenInput {
            store_id,
            name: form.name.clone(),
            orientation: Orientation::default(),
            default_layout_id: None,
            heartbeat_secs: 60,
            power: PowerSchedule::default(),
            wall: None,
            tags: Vec::new(),
        }),
    };
    let error = match devices::pair(&state, &principal, request).await {
        Ok(screen) => {
            return Ok(redirect_flash(
                &format!("/screens/{}", screen.id),
                true,
                "pair.done",
                &screen.name,
            ));
        }
        Err(e) => e,
    };
    let mut errors = FormErrors::none();
    match error {
        ApiError::NotFound => errors.add("code", lang.t("pair.unknown_code")),
        ApiError::Gone(_) => errors.add("code", lang.t("pair.expired")),
        ApiError::Conflict(_) => errors.add("code", lang.t("pair.claimed")),
        other => errors = FormErrors::from_api(lang, other)?,
    }
    // The store now exists: keep it selected rather than creating it twice.
    let form = PairForm {
        store_id: store_id.to_string(),
        new_store: String::new(),
        ..form
    };
    show_list(&state, &signed, form, errors, false).await
}

/// The settings form, as typed.
#[derive(Debug, Default)]
struct ScreenForm {
    name: String,
    store_id: String,
    tags: String,
    orientation: String,
    default_layout_id: String,
    timezone: String,
    /// Checked group ids (a repeated field).
    groups: Vec<String>,
    /// Whether the form had the power fields (an unchecked box sends nothing).
    power_shown: bool,
    /// The "sleep outside opening hours" checkbox.
    sleep_when_closed: bool,
    wake_minutes_before: String,
    /// Whether the form had the wall fields.
    wall_shown: bool,
    /// The wall's columns and rows, and this screen's column and row counted from 1 (as
    /// people count; stored from 0). A 1 × 1 wall, or nothing typed, is no wall.
    wall_cols: String,
    wall_rows: String,
    wall_col: String,
    wall_row: String,
}

impl From<Pairs> for ScreenForm {
    fn from(p: Pairs) -> ScreenForm {
        ScreenForm {
            name: p.one("name"),
            store_id: p.one("store_id"),
            tags: p.one("tags"),
            orientation: p.one("orientation"),
            default_layout_id: p.one("default_layout_id"),
            timezone: p.one("timezone"),
            groups: p.all("group"),
            power_shown: !p.one("power_form").is_empty(),
            sleep_when_closed: !p.one("sleep_when_closed").is_empty(),
            wake_minutes_before: p.one("wake_minutes_before"),
            wall_shown: !p.one("wall_form").is_empty(),
            wall_cols: p.one("wall_cols"),
            wall_rows: p.one("wall_rows"),
            wall_col: p.one("wall_col"),
            wall_row: p.one("wall_row"),
        }
    }
}

#[derive(Template)]
#[template(path = "screens/edit.html")]
struct EditPage<'a> {
    page: &'a Page,
    screen: Screen,
    status: ScreenStatus,
    form: ScreenForm,
    stores: Vec<Store>,
    groups: Vec<(i64, String)>,
    layouts: Vec<(i64, String)>,
    errors: FormErrors,
}

const ORIENTATIONS: [(&str, &str); 4] = [
    ("landscape", "screens.orientation.landscape"),
    ("portrait", "screens.orientation.portrait"),
    ("landscape_flipped", "screens.orientation.landscape_flipped"),
    ("portrait_flipped", "screens.orientation.portrait_flipped"),
];

impl EditPage<'_> {
    fn orientations(&self) -> Vec<(&'static str, &'static str)> {
        ORIENTATIONS
            .iter()
            .map(|(value, key)| (*value, self.page.lang.t(key)))
            .collect()
    }

    fn group_checked(&self, id: &i64) -> bool {
        self.form.groups.iter().any(|g| g == &id.to_string())
    }
}

fn orientation_value(o: Orientation) -> String {
    serde_json::to_value(o)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "landscape".into())
}

async fn edit_page(
    state: &AppState,
    signed: &Signed,
    id: i64,
    form: Option<ScreenForm>,
    errors: FormErrors,
) -> ApiResult<Response> {
    let principal = &signed.principal;
    let screen = api::get(state, principal, id).await?;
    let stores = stores_of(state, principal).await?;
    let status = statuses(state, principal, &signed.page)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(ApiError::NotFound)?;
    let org = principal.org.0;
    let groups: Vec<(i64, String)> =
        sql("SELECT id, name FROM screen_groups WHERE org_id = $1 ORDER BY name")
            .bind(org)
            .fetch_all(&state.db)
            .await?;
    let layouts: Vec<(i64, String)> =
        sql("SELECT id, name FROM layouts WHERE org_id = $1 ORDER BY name")
            .bind(org)
            .fetch_all(&state.db)
            .await?;
    let form = form.unwrap_or_else(|| ScreenForm {
        name: screen.name.clone(),
        store_id: screen.store_id.to_string(),
        tags: screen.tags.join(", "),
        orientation: orientation_value(screen.orientation),
        default_layout_id: screen
            .default_layout_id
            .map(|l| l.to_string())
            .unwrap_or_default(),
        timezone: stores
            .iter()
            .find(|s| s.id == screen.store_id)
            .map(|s| s.timezone.clone())
            .unwrap_or_default(),
        groups: screen.groups.iter().map(i64::to_string).collect(),
        power_shown: true,
        sleep_when_closed: screen.power.sleep_when_closed,
        wake_minutes_before: screen.power.wake_minutes_before.to_string(),
        wall_shown: true,
        wall_cols: screen.wall.map(|w| w.cols.to_string()).unwrap_or_default(),
        wall_rows: screen.wall.map(|w| w.rows.to_string()).unwrap_or_default(),
        wall_col: screen
            .wall
            .map(|w| (w.col + 1).to_string())
            .unwrap_or_default(),
        wall_row: screen
            .wall
            .map(|w| (w.row + 1).to_string())
            .unwrap_or_default(),
    });
    let code = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_status(
        code,
        &EditPage {
            page: &signed.page,
            screen,
            status,
            form,
            stores,
            groups,
            layouts,
            errors,
        },
    ))
}

async fn edit(State(state): State<AppState>, signed: Signed, Id(id): Id) -> ApiResult<Response> {
    edit_page(&state, &signed, id, None, FormErrors::none()).await
}

/// Saves the settings: the screen itself, its store's time zone and its groups, in one change
/// (`domain::screens::save_settings`); a refusal shows the form again with everything typed
/// and leaves everything as it was.
async fn save(
    State(state): State<AppState>,
    signed: Signed,
    Id(id): Id,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let form = ScreenForm::from(Pairs(pairs));
    let lang = signed.page.lang;
    let principal = signed.principal.clone();
    let before = api::get(&state, &principal, id).await?;
    let mut errors = FormErrors::none();
    let orientation: Option<Orientation> =
        serde_json::from_value(serde_json::Value::String(form.orientation.clone())).ok();
    if orientation.is_none() {
        errors.add("orientation", lang.t("err.invalid"));
    }
    let Ok(store_id) = form.store_id.parse::<i64>() else {
        errors.add("store_id", lang.t("pair.store_required"));
        return edit_page(&state, &signed, id, Some(form), errors).await;
    };
    let default_layout_id = match form.default_layout_id.trim() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(l) => Some(l),
            Err(_) => {
                errors.add("default_layout_id", lang.t("err.unknown"));
                None
            }
        },
    };
    // A form without the power fields (a script's) keeps the screen's.
    let power = if form.power_shown {
        let typed = vitrin_shared::calendar::parse_number(&form.wake_minutes_before);
        let wake_minutes_before = match typed {
            Ok(n) if (0..=120).contains(&n) => n as u16,
            _ => {
                errors.add("wake_minutes_before", lang.t("screens.wake_range"));
                0
            }
        };
        PowerSchedule {
            sleep_when_closed: form.sleep_when_closed,
            wake_minutes_before,
        }
    } else {
        before.power
    };
    // A form without the wall fields (a script's) keeps the screen's place.
    let wall = if form.wall_shown {
        wall_of(&form, lang, &mut errors)
    } else {
        before.wall
    };
    if !errors.is_empty() {
        return edit_page(&state, &signed, id, Some(form), errors).await;
    }
    let input = ScreenInput {
        store_id,
        name: form.name.clone(),
        orientation: orientation.unwrap_or_default(),
        default_layout_id,
        heartbeat_secs: before.heartbeat_secs,
        power,
        wall,
        tags: form
            .tags
            .split([',', '،'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    let settings = ScreenSettings {
        screen: input,
        timezone: form.timezone.trim().to_owned(),
        groups: form.groups.iter().filter_map(|g| g.parse().ok()).collect(),
    };
    if let Err(e) = api::save_settings(&state, &principal, id, settings).await {
        let errors = FormErrors::from_api(lang, e)?;
        return edit_page(&state, &signed, id, Some(form), errors).await;
    }
    Ok(redirect_flash(
        &format!("/screens/{id}"),
        true,
        "screens.saved",
        form.name.trim(),
    ))
}

/// The wall position the form's fields say (columns and rows counted from 1), with an error
/// on each field that is not a number in range. Nothing typed, or a 1 × 1 wall: no wall.
fn wall_of(form: &ScreenForm, lang: Lang, errors: &mut FormErrors) -> Option<WallTile> {
    let fields = [
        ("wall_cols", &form.wall_cols),
        ("wall_rows", &form.wall_rows),
        ("wall_col", &form.wall_col),
        ("wall_row", &form.wall_row),
    ];
    if fields.iter().all(|(_, v)| v.trim().is_empty()) {
        return None;
    }
    let mut numbers = [0u8; 4];
    for (i, (name, value)) in fields.iter().enumerate() {
        let typed = vitrin_shared::calendar::parse_number(value.trim());
        match typed {
            Ok(n) if (1..=i64::from(WallTile::MAX)).contains(&n) => numbers[i] = n as u8,
            _ => errors.add(name, lang.t("screens.wall_range")),
        }
    }
    let [cols, rows, col, row] = numbers;
    if numbers.contains(&0) {
        return None;
    }
    if col > cols {
        errors.add("wall_col", lang.t("screens.wall_outside"));
    }
    if row > rows {
        errors.add("wall_row", lang.t("screens.wall_outside"));
    }
    (cols * rows > 1).then_some(WallTile {
        cols,
        rows,
        col: col - 1,
        row: row - 1,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CommandForm {
    command: String,
}

async fn command(
    State(state): State<AppState>,
    signed: Signed,
    Id(id): Id,
    Form(form): Form<CommandForm>,
) -> ApiResult<Response> {
    let (command, key) = match form.command.as_str() {
        "refresh" => (Command::Refresh, "screens.sent.refresh"),
        "screenshot" => (Command::Screenshot, "screens.sent.screenshot"),
        "identify" => (Command::Identify, "screens.sent.identify"),
        "wake" => (Command::Wake, "screens.sent.wake"),
        _ => return Err(ApiError::field("command", "invalid", "no such command")),
    };
    let request = CommandRequest { command };
    let _sent = devices::send_command(&state, &signed.principal, id, request).await?;
    Ok(redirect_flash(&format!("/screens/{id}"), true, key, ""))
}

/// Unpairs the screen: its player is locked out until paired again. The screen and its
/// settings stay.
async fn revoke(State(state): State<AppState>, signed: Signed, Id(id): Id) -> ApiResult<Response> {
    let screen = api::get(&state, &signed.principal, id).await?;
    devices::unpair(&state, &signed.principal, id).await?;
    Ok(redirect_flash(
        &format!("/screens/{id}"),
        true,
        "screens.revoked",
        &screen.name,
    ))
}

pub const TEXT: &[Entry] = &[
    ("screens.title", "Screens", "نمایشگرها"),
    (
        "screens.none",
        "No screens yet. Pair one below.",
        "هنوز نمایشگری نیست. در پایین یکی را جفت کنید.",
    ),
    ("screens.name", "Name", "نام"),
    ("screens.store", "Store", "فروشگاه"),
    ("screens.state", "State", "وضعیت"),
    ("screens.showing", "Showing now", "در حال نمایش"),
    ("screens.seen", "Last seen", "آخرین تماس"),
    ("screens.never", "never", "هرگز"),
    ("screens.showing_nothing", "—", "—"),
    (
        "screens.preview",
        "Preview in the player",
        "پیش‌نمایش در پخش‌کننده",
    ),
    ("screens.preview_date", "Day", "روز"),
    ("screens.preview_time", "Time", "ساعت"),
    (
        "screens.player.browser",
        "Browser player · {browser}",
        "پخش‌کننده مرورگر · {browser}",
    ),
    (
        "screens.player.native",
        "Vitrin player · {os}",
        "پخش‌کننده ویترین · {os}",
    ),
    ("screens.status.online", "online", "برخط"),
    (
        "screens.status.asleep",
        "off by schedule",
        "خاموش طبق ساعت کاری",
    ),
    ("screens.status.offline", "offline", "برون‌خط"),
    ("screens.status.unpaired", "not paired", "جفت‌نشده"),
    (
        "screens.online_count",
        "{n} of {total} screens online",
        "{n} از {total} نمایشگر برخط",
    ),
    ("screens.edit", "Settings", "تنظیمات"),
    ("screens.tag_list", "Tags", "برچسب‌ها"),
    (
        "screens.search",
        "Search by name, store or tag",
        "جست‌وجو با نام، فروشگاه یا برچسب",
    ),
    ("screens.search_submit", "Search", "جست‌وجو"),
    ("screens.search_clear", "Show all", "نمایش همه"),
    (
        "screens.no_match",
        "No screen matches “{q}”.",
        "هیچ نمایشگری با «{q}» پیدا نشد.",
    ),
    (
        "screens.tags",
        "Tags (comma-separated)",
        "برچسب‌ها (جدا با ویرگول)",
    ),
    ("screens.groups", "Groups", "گروه‌ها"),
    ("screens.no_groups", "No groups yet.", "هنوز گروهی نیست."),
    (
        "screens.timezone",
        "Time zone of the store",
        "منطقهٔ زمانی فروشگاه",
    ),
    ("screens.orientation", "Orientation", "جهت نمایش"),
    ("screens.power", "Power", "روشن و خاموش"),
    ("screens.wall", "Part of a wall", "بخشی از یک دیوار نمایشگر"),
    (
        "screens.wall_hint",
        "Screens of one wall play the same layout spread across all of them, switching together. Leave empty for a screen of its own.",
        "نمایشگرهای یک دیوار یک چیدمان را با هم و پخش‌شده روی همه نشان می‌دهند و هم‌زمان عوض می‌شوند. برای نمایشگر تنها خالی بگذارید.",
    ),
    (
        "screens.wall_cols",
        "Screens side by side",
        "تعداد نمایشگرها در عرض",
    ),
    (
        "screens.wall_rows",
        "Screens one above the other",
        "تعداد نمایشگرها در ارتفاع",
    ),
    (
        "screens.wall_col",
        "This screen's column (1 = left)",
        "ستون این نمایشگر (۱ = چپ)",
    ),
    (
        "screens.wall_row",
        "This screen's row (1 = top)",
        "ردیف این نمایشگر (۱ = بالا)",
    ),
    (
        "screens.wall_range",
        "A number from 1 to 4",
        "عددی از ۱ تا ۴",
    ),
    (
        "screens.wall_outside",
        "Inside the wall: at most its number of columns or rows",
        "درون دیوار: حداکثر به اندازهٔ تعداد ستون‌ها یا ردیف‌ها",
    ),
    (
        "screens.sleep_when_closed",
        "Turn the panel off outside opening hours",
        "بیرون از ساعت کاری نمایشگر خاموش شود",
    ),
    (
        "screens.wake_minutes_before",
        "Turn it on this many minutes before opening",
        "چند دقیقه پیش از باز شدن روشن شود",
    ),
    (
        "screens.wake_range",
        "Between 0 and 120 minutes",
        "بین ۰ تا ۱۲۰ دقیقه",
    ),
    (
        "screens.no_power_control",
        "No power control: the panel stays lit and shows black",
        "کنترل روشنایی ندارد: نمایشگر روشن می‌ماند و سیاه نشان می‌دهد",
    ),
    (
        "screens.send.wake",
        "Wake for an hour",
        "روشن کردن برای یک ساعت",
    ),
    (
        "screens.sent.wake",
        "Asked the screen to wake for an hour",
        "از نمایشگر خواسته شد یک ساعت روشن شود",
    ),
    ("screens.orientation.landscape", "Landscape", "افقی"),
    ("screens.orientation.portrait", "Portrait", "عمودی"),
    (
        "screens.orientation.landscape_flipped",
        "Landscape, upside down",
        "افقی وارونه",
    ),
    (
        "screens.orientation.portrait_flipped",
        "Portrait, upside down",
        "عمودی وارونه",
    ),
    ("screens.default_layout", "Default layout", "چیدمان پیش‌فرض"),
    ("screens.no_layout", "None", "هیچ"),
    ("screens.saved", "“{arg}” was saved.", "«{arg}» ذخیره شد."),
    ("screens.remote", "Remote control", "کنترل از راه دور"),
    ("screens.refresh", "Refresh content", "تازه‌سازی محتوا"),
    ("screens.screenshot", "Take a screenshot", "گرفتن عکس صفحه"),
    (
        "screens.identify",
        "Identify (show its name)",
        "شناسایی (نمایش نام)",
    ),
    (
        "screens.sent.refresh",
        "The screen was asked to refresh.",
        "از نمایشگر خواسته شد تازه‌سازی کند.",
    ),
    (
        "screens.sent.screenshot",
        "The screen was asked for a screenshot; reload in a few seconds.",
        "از نمایشگر عکس صفحه خواسته شد؛ چند ثانیهٔ دیگر صفحه را تازه کنید.",
    ),
    (
        "screens.sent.identify",
        "The screen shows its name now.",
        "نمایشگر اکنون نام خود را نشان می‌دهد.",
    ),
    (
        "screens.last_screenshot",
        "Last screenshot",
        "آخرین عکس صفحه",
    ),
    (
        "screens.no_screenshot",
        "No screenshot yet.",
        "هنوز عکس صفحه‌ای نیست.",
    ),
    ("screens.revoke", "Revoke (unpair)", "لغو جفت‌سازی"),
    (
        "screens.revoke_hint",
        "The player is locked out at once; pair it again to bring it back.",
        "پخش‌کننده بی‌درنگ قطع می‌شود؛ برای بازگرداندن دوباره جفتش کنید.",
    ),
    (
        "screens.revoked",
        "“{arg}” was unpaired.",
        "جفت «{arg}» لغو شد.",
    ),
    ("pair.title", "Pair a screen", "جفت‌کردن نمایشگر"),
    (
        "pair.intro",
        "Type the code the screen shows, or scan its QR code with your phone.",
        "کدی را که نمایشگر نشان می‌دهد وارد کنید، یا کد QR آن را با تلفن بخوانید.",
    ),
    (
        "pair.server_key",
        "This server's key, to compare with the one the screen shows. A screen whose address ends in #pin= and this key trusts the server from its first contact, with no certificate to install:",
        "کلید این سرور، برای مقایسه با آنچه نمایشگر نشان می‌دهد. نمایشگری که نشانی‌اش با ‎#pin=‎ و این کلید پایان یابد، از نخستین تماس به سرور اعتماد می‌کند و گواهی‌ای نصب نمی‌شود:",
    ),
    ("pair.code", "Pairing code", "کد جفت‌سازی"),
    ("pair.name", "Screen name", "نام نمایشگر"),
    (
        "pair.new_store",
        "…or a new store named",
        "…یا فروشگاه تازه‌ای با نام",
    ),
    ("pair.choose_store", "Choose a store", "یک فروشگاه برگزینید"),
    (
        "pair.timezone",
        "Time zone of the new store",
        "منطقهٔ زمانی فروشگاه تازه",
    ),
    ("pair.submit", "Pair", "جفت کن"),
    (
        "pair.done",
        "“{arg}” is paired. It starts playing in a moment.",
        "«{arg}» جفت شد و به‌زودی پخش را آغاز می‌کند.",
    ),
    (
        "pair.code_required",
        "Type the code shown on the screen.",
        "کد نمایش‌داده‌شده روی نمایشگر را وارد کنید.",
    ),
    (
        "pair.store_required",
        "Choose a store or name a new one.",
        "یک فروشگاه برگزینید یا نام فروشگاه تازه را بنویسید.",
    ),
    (
        "pair.unknown_code",
        "No screen shows this code. Check it and try again.",
        "هیچ نمایشگری این کد را نشان نمی‌دهد. آن را بررسی و دوباره امتحان کنید.",
    ),
    (
        "pair.expired",
        "This code expired; the screen now shows a new one.",
        "این کد منقضی شده است؛ نمایشگر اکنون کد تازه‌ای نشان می‌دهد.",
    ),
    (
        "pair.claimed",
        "This code was already used to pair a screen.",
        "این کد پیش‌تر برای جفت‌کردن نمایشگری به کار رفته است.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_are_named_by_their_user_agent() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                      HeadlessChrome/156.0.8078.114 Safari/537.36";
        assert_eq!(browser_name(chrome), "Chrome 156");
        let tizen = "Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.5) AppleWebKit/537.36 (KHTML, like \
                     Gecko) 85.0.4183.93/6.5 TV Safari/537.36 SamsungBrowser/2.2";
        assert_eq!(browser_name(tizen), "Samsung Internet 2");
        let ipad = "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, \
                    like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
        assert_eq!(browser_name(ipad), "Safari 18");
        assert_eq!(browser_name("Lynx"), "Lynx");
    }
}
