//! Store hours and dayparts: set once for the organization (the franchise), overridden per
//! store. They reach every screen of a store in its manifest, where rules that say "while
//! open" or name a daypart are evaluated and the panel sleeps outside opening hours.
//!
//! A store with hours of its own keeps the organization's exceptions too: a holiday confirmed
//! once for the franchise closes every store, whatever its week (a store's own exception for
//! the same days comes first).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vitrin_shared::ValidationErrors;
use vitrin_shared::ids::StoreId;
use vitrin_shared::input::{check_line, normalize_line};
use vitrin_shared::schedule::hours::{
    Daypart, HoursException, StoreHours, default_dayparts, validate_dayparts,
};
use vitrin_shared::validate::Validate;

use crate::auth::Principal;
use crate::changes::{Audit, Change};
use crate::db::{now_ms, sql};
use crate::error::ApiResult;
use crate::state::AppState;

/// Opening hours and dayparts, as set (`null`: not set here).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TimeSettings {
    /// `null`: always open (the organization), or the organization's hours (a store).
    #[serde(default)]
    pub hours: Option<StoreHours>,
    /// `null`: the built-in breakfast, lunch and dinner (the organization), or the
    /// organization's (a store).
    #[serde(default)]
    pub dayparts: Option<Vec<Daypart>>,
}

/// What holds for a store or the organization: its own settings and, where they are not
/// set, those it follows.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct EffectiveTime {
    /// What is set here.
    pub own: TimeSettings,
    /// The hours in force; `null`: always open.
    pub hours: Option<StoreHours>,
    /// The dayparts in force.
    pub dayparts: Vec<Daypart>,
}

pub(crate) fn parse_hours(json: &str) -> Option<StoreHours> {
    serde_json::from_str(json).ok()
}

/// The hours in force for a store: its own week (else the organization's), its own
/// exceptions and then the organization's.
pub(crate) fn in_force(store: Option<StoreHours>, org: Option<StoreHours>) -> Option<StoreHours> {
    match (store, org) {
        (Some(mut own), Some(org)) => {
            own.exceptions.extend(org.exceptions);
            Some(own)
        }
        (own, org) => own.or(org),
    }
}

/// [`in_force`] of the stored JSON columns (`stores.hours`, `orgs.hours`).
pub(crate) fn in_force_json(store: Option<&str>, org: Option<&str>) -> Option<StoreHours> {
    in_force(store.and_then(parse_hours), org.and_then(parse_hours))
}

/// The dayparts stored as JSON; the built-in ones where none are.
pub(crate) fn parse_dayparts(json: Option<&str>) -> Vec<Daypart> {
    json.and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_else(default_dayparts)
}

fn to_json<T: Serialize>(value: &Option<T>) -> Option<String> {
    value
        .as_ref()
        .map(|v| serde_json::to_string(v).expect("serializes"))
}

/// Checks settings against the hours they will run under (`hours_in_force`), so a daypart
/// that runs past closing time is named.
fn check(
    settings: &mut TimeSettings,
    hours_in_force: Option<&StoreHours>,
) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    if let Some(hours) = &mut settings.hours {
        for (n, exception) in hours.exceptions.iter_mut().enumerate() {
            normalize_line(&mut exception.name);
            check_line(
                &format!("hours.exceptions.{n}.name"),
                &exception.name,
                &mut errors,
            );
        }
        if let Err(e) = hours.validate() {
            errors.nest("hours", e);
        }
    }
    if let Some(dayparts) = &mut settings.dayparts {
        for (n, part) in dayparts.iter_mut().enumerate() {
            normalize_line(&mut part.name);
            check_line(&format!("dayparts.{n}.name"), &part.name, &mut errors);
        }
        let hours = settings.hours.as_ref().or(hours_in_force);
        if let Err(e) = validate_dayparts(dayparts, hours) {
            errors.errors.extend(e.errors);
        }
    }
    errors.into_result()
}

async fn org_settings(state: &AppState, principal: &Principal) -> ApiResult<TimeSettings> {
    let (hours, dayparts): (Option<String>, Option<String>) =
        sql("SELECT hours, dayparts FROM orgs WHERE id = $1")
            .bind(principal.org.0)
            .fetch_one(&state.db)
            .await?;
    Ok(TimeSettings {
        hours: hours.as_deref().and_then(parse_hours),
        dayparts: dayparts.and_then(|d| serde_json::from_str(&d).ok()),
    })
}

/// The organization's hours and dayparts.
pub async fn for_org(state: &AppState, principal: &Principal) -> ApiResult<EffectiveTime> {
    let own = org_settings(state, principal).await?;
    Ok(EffectiveTime {
        hours: own.hours.clone(),
        dayparts: own.dayparts.clone().unwrap_or_else(default_dayparts),
        own,
    })
}

/// A store's hours and dayparts, its own or the organization's.
pub async fn for_store(
    state: &AppState,
    principal: &Principal,
    store: i64,
) -> ApiResult<EffectiveTime> {
    crate::domain::stores::visible_store(state, principal, store).await?;
    let org = org_settings(state, principal).await?;
    let (hours, dayparts): (Option<String>, Option<String>) =
        sql("SELECT hours, dayparts FROM stores WHERE org_id = $1 AND id = $2")
            .bind(principal.org.0)
            .bind(store)
            .fetch_one(&state.db)
            .await?;
    let own = TimeSettings {
        hours: hours.as_deref().and_then(parse_hours),
        dayparts: dayparts.and_then(|d| serde_json::from_str(&d).ok()),
    };
    Ok(EffectiveTime {
        hours: in_force(own.hours.clone(), org.hours),
        dayparts: own
            .dayparts
            .clone()
            .or(org.dayparts)
            .unwrap_or_else(default_dayparts),
        own,
    })
}

/// Sets the organization's hours and dayparts (owners). Every screen that follows them gets
/// a new manifest.
pub async fn set_org(
    state: &AppState,
    principal: &Principal,
    mut settings: TimeSettings,
) -> ApiResult<EffectiveTime> {
    principal.require(principal.is_owner())?;
    check(&mut settings, None)?;
    let mut change = Change::begin(state, principal).await?;
    sql("UPDATE orgs SET hours = $1, dayparts = $2 WHERE id = $3")
        .bind(to_json(&settings.hours))
        .bind(to_json(&settings.dayparts))
        .bind(principal.org.0)
        .execute(change.ex())
        .await?;
    change
        .commit(Audit {
            action: "update",
            object_type: "hours",
            object_id: None,
            summary: "update the organization's opening hours and dayparts".into(),
        })
        .await?;
    for_org(state, principal).await
}

/// Sets a store's own hours and dayparts (`null`: follow the organization's); owners, and
/// store managers for their stores.
pub async fn set_store(
    state: &AppState,
    principal: &Principal,
    store: i64,
    mut settings: TimeSettings,
) -> ApiResult<EffectiveTime> {
    let name = crate::domain::stores::visible_store(state, principal, store)
        .await?
        .name;
    principal.require(principal.can_manage_store(StoreId(store)))?;
    let org = org_settings(state, principal).await?;
    check(&mut settings, org.hours.as_ref())?;
    let mut change = Change::begin(state, principal).await?;
    sql("UPDATE stores SET hours = $1, dayparts = $2, updated_at = $3 WHERE org_id = $4 AND id = $5")
        .bind(to_json(&settings.hours))
        .bind(to_json(&settings.dayparts))
        .bind(now_ms())
        .bind(principal.org.0)
        .bind(store)
        .execute(change.ex())
        .await?;
    change
        .commit(Audit::of(
            "update",
            "store",
            store,
            format!("update the opening hours of store '{name}'"),
        ))
        .await?;
    for_store(state, principal, store).await
}

/// The stores the principal sees, by name, and whether each has opening hours of its own.
pub async fn stores_with_own_hours(
    state: &AppState,
    principal: &Principal,
) -> ApiResult<Vec<(i64, String, bool)>> {
    let rows: Vec<(i64, String, Option<String>)> =
        sql("SELECT id, name, hours FROM stores WHERE org_id = $1 ORDER BY name")
            .bind(principal.org.0)
            .fetch_all(&state.db)
            .await?;
    Ok(rows
        .into_iter()
        .filter(|(id, _, _)| principal.sees_store(StoreId(*id)))
        .map(|(id, name, hours)| (id, name, hours.is_some()))
        .collect())
}

/// An official holiday of a Solar Hijri year, and whether the organization's hours already
/// have it as an exception.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HolidayOffer {
    pub key: String,
    pub name_fa: String,
    pub name_en: String,
    #[schema(value_type = String, format = Date)]
    pub date: jiff::civil::Date,
    /// `solar` (fixed in the Solar Hijri calendar) or `lunar` (computed; the official date
    /// follows moon sighting and may differ by a day: confirm it).
    pub kind: String,
    pub confirmed: bool,
}

/// Whether a confirmed date is the computed one, moved by the sighting of the moon (a few
/// days at most; the same holiday a lunar year later is 354 days away).
pub(crate) fn near(confirmed: jiff::civil::Date, computed: jiff::civil::Date) -> bool {
    confirmed
        .since(computed)
        .is_ok_and(|d| d.get_days().abs() <= 3)
}

/// Iran's official holidays of Solar Hijri `year`, offered for confirmation against the
/// organization's exceptions.
pub async fn holidays(
    state: &AppState,
    principal: &Principal,
    year: i32,
) -> ApiResult<Vec<HolidayOffer>> {
    let org = org_settings(state, principal).await?;
    let exceptions = org.hours.map(|h| h.exceptions).unwrap_or_default();
    offers(year, &exceptions)
}

/// Iran's official holidays of Solar Hijri `year`, each confirmed when `exceptions` hold it
/// (by its key, within a few days of the computed date).
pub fn offers(year: i32, exceptions: &[HoursException]) -> ApiResult<Vec<HolidayOffer>> {
    if !(1300..=1500).contains(&year) {
        let mut errors = ValidationErrors::new();
        errors.add(
            "year",
            "out_of_range",
            "a Solar Hijri year from 1300 to 1500",
        );
        return Err(errors.into());
    }
    Ok(vitrin_shared::holidays::iran_holidays(year)
        .into_iter()
        .map(|h| HolidayOffer {
            confirmed: exceptions
                .iter()
                .any(|e| e.holiday.as_deref() == Some(h.key) && near(e.dates.from, h.date)),
            key: h.key.to_owned(),
            name_fa: h.name_fa.to_owned(),
            name_en: h.name_en.to_owned(),
            date: h.date,
            kind: match h.kind {
                vitrin_shared::holidays::HolidayKind::Solar => "solar".into(),
                vitrin_shared::holidays::HolidayKind::Lunar => "lunar".into(),
            },
        })
        .collect())
}
