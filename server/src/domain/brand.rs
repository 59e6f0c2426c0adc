//! Brand kits: the colours, typeface, logo and background picture a franchise's screens draw
//! with. Set once for the organization, overridden per store (`NULL`: the store follows the
//! organization's kit; an organization without one has the built-in dark kit). The kit in
//! force travels in every screen's manifest (`ScreenSettings.brand`), so a change reaches
//! exactly the screens that draw with it.
//!
//! Pictures are chosen from the tenant's media library: their size, type and dimensions are
//! the library's (never the client's), they must be pictures of a sensible size, and a kit
//! that uses one keeps it from being deleted (`refs`: `org_brand` / `store_brand`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vitrin_shared::ValidationErrors;
use vitrin_shared::brand::{BrandKit, Colour, ContrastWarning, Typeface};
use vitrin_shared::content::MediaRef;
use vitrin_shared::ids::{OrgId, StoreId};
use vitrin_shared::validate::Validate;

use crate::auth::Principal;
use crate::changes::{Audit, Change};
use crate::db::{Ex, Tx, now_ms, sql};
use crate::error::ApiResult;
use crate::refs::{self, Ref};
use crate::state::AppState;

/// A logo is drawn in a corner: 2 MiB and 4096 pixels a side are plenty.
pub const LOGO_MAX_BYTES: u64 = 2 * 1024 * 1024;
pub const LOGO_MAX_PIXELS: u32 = 4096;
/// A background covers the screen: up to 10 MiB and 8192 pixels a side (an 8K panel).
pub const BACKGROUND_MAX_BYTES: u64 = 10 * 1024 * 1024;
pub const BACKGROUND_MAX_PIXELS: u32 = 8192;

/// The `refs` kinds of a kit's pictures (`from_id`: the organization's or the store's id).
const ORG_REFS: &str = "org_brand";
const STORE_REFS: &str = "store_brand";

/// A brand kit as set and as in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BrandSettings {
    /// The kit set here. `null`: a store follows the organization's kit; the organization
    /// has the built-in one.
    pub own: Option<BrandKit>,
    /// The kit screens draw with.
    pub kit: BrandKit,
    /// Text colours of `kit` that are hard to read on the colours behind them (a warning:
    /// the kit is saved anyway).
    pub contrast_warnings: Vec<ContrastWarning>,
}

impl BrandSettings {
    fn new(own: Option<BrandKit>, fallback: Option<BrandKit>) -> BrandSettings {
        let kit = own.clone().or(fallback).unwrap_or_default();
        BrandSettings {
            contrast_warnings: kit.contrast_warnings(),
            own,
            kit,
        }
    }
}

/// A stored kit; `None` when there is none (or it cannot be read).
pub(crate) fn parse(json: Option<&str>) -> Option<BrandKit> {
    json.and_then(|j| serde_json::from_str(j).ok())
}

/// The kit in force from the stored JSON (`COALESCE(stores.brand, orgs.brand)`).
pub(crate) fn in_force_json(json: Option<&str>) -> BrandKit {
    parse(json).unwrap_or_default()
}

async fn org_kit<'a>(ex: impl Into<Ex<'a>>, org: OrgId) -> ApiResult<Option<BrandKit>> {
    let (brand,): (Option<String>,) = sql("SELECT brand FROM orgs WHERE id = $1")
        .bind(org.0)
        .fetch_one(ex)
        .await?;
    Ok(parse(brand.as_deref()))
}

/// The organization's kit (every store's that has none of its own).
pub async fn for_org(state: &AppState, principal: &Principal) -> ApiResult<BrandSettings> {
    let own = org_kit(&state.db, principal.org).await?;
    Ok(BrandSettings::new(own, None))
}

/// A store's kit: its own, else the organization's.
pub async fn for_store(
    state: &AppState,
    principal: &Principal,
    store: i64,
) -> ApiResult<BrandSettings> {
    crate::domain::stores::visible_store(state, principal, store).await?;
    let org = org_kit(&state.db, principal.org).await?;
    let (brand,): (Option<String>,) = sql("SELECT brand FROM stores WHERE org_id = $1 AND id = $2")
        .bind(principal.org.0)
        .bind(store)
        .fetch_one(&state.db)
        .await?;
    Ok(BrandSettings::new(parse(brand.as_deref()), org))
}

/// One picture of a kit: which field, how large it may be.
struct PictureRule {
    field: &'static str,
    max_bytes: u64,
    max_pixels: u32,
}

const PICTURES: [PictureRule; 2] = [
    PictureRule {
        field: "logo",
        max_bytes: LOGO_MAX_BYTES,
        max_pixels: LOGO_MAX_PIXELS,
    },
    PictureRule {
        field: "background_image",
        max_bytes: BACKGROUND_MAX_BYTES,
        max_pixels: BACKGROUND_MAX_PIXELS,
    },
];

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Checks one picture of a kit against the organization's library and completes it with the
/// library's facts (size, type, dimensions); a problem is added to `errors` on the field.
async fn check_picture(
    tx: &mut Tx,
    org: OrgId,
    rule: &PictureRule,
    media: &mut MediaRef,
    errors: &mut ValidationErrors,
) -> ApiResult<bool> {
    let row: Option<(String, String, i64, i64, i64)> =
        sql("SELECT kind, mime, size, width, height FROM media WHERE org_id = $1 AND sha256 = $2")
            .bind(org.0)
            .bind(&media.sha256)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((kind, mime, size, width, height)) = row else {
        errors.add(
            format!("{}.sha256", rule.field),
            "unknown_media",
            "no media with this sha256 in your library; upload it first",
        );
        return Ok(false);
    };
    let (size, width, height) = (size as u64, width as u32, height as u32);
    if kind != "image" || !mime.starts_with("image/") {
        errors.add(
            rule.field,
            "not_an_image",
            format!("must be a picture (PNG, JPEG or WebP), not a {kind} ({mime})"),
        );
    } else if size > rule.max_bytes {
        errors.add(
            rule.field,
            "too_large",
            format!(
                "must be at most {}; this picture is {}",
                mib(rule.max_bytes),
                mib(size)
            ),
        );
    } else if width > rule.max_pixels || height > rule.max_pixels {
        errors.add(
            rule.field,
            "too_large",
            format!(
                "must be at most {max}×{max} pixels; this picture is {width}×{height}",
                max = rule.max_pixels
            ),
        );
    } else {
        // The library's facts, not the client's claims, travel to the players.
        *media = MediaRef {
            sha256: media.sha256.clone(),
            size,
            mime,
            width: Some(width),
            height: Some(height),
            duration_ms: None,
        };
        return Ok(true);
    }
    Ok(false)
}

fn picture_mut<'k>(kit: &'k mut BrandKit, rule: &PictureRule) -> &'k mut Option<MediaRef> {
    match rule.field {
        "logo" => &mut kit.logo,
        _ => &mut kit.background_image,
    }
}

/// Checks a kit against the organization's library and completes its pictures. Returns the
/// references to record.
async fn check(tx: &mut Tx, org: OrgId, kit: &mut BrandKit) -> ApiResult<Vec<Ref>> {
    let mut errors = ValidationErrors::new();
    if let Err(e) = kit.validate() {
        errors.errors.extend(e.errors);
    }
    let mut references = Vec::new();
    for rule in &PICTURES {
        if errors
            .errors
            .iter()
            .any(|e| e.field.starts_with(rule.field))
        {
            continue;
        }
        let Some(media) = picture_mut(kit, rule) else {
            continue;
        };
        if check_picture(tx, org, rule, media, &mut errors).await? {
            references.push(("media", media.sha256.clone()));
        }
    }
    errors.into_result()?;
    Ok(references)
}

fn to_json(kit: &Option<BrandKit>) -> Option<String> {
    kit.as_ref()
        .map(|k| serde_json::to_string(k).expect("serializes"))
}

/// Sets the organization's kit (owners; `None`: the built-in kit). Every screen that draws
/// with it gets a new manifest.
pub async fn set_org(
    state: &AppState,
    principal: &Principal,
    mut kit: Option<BrandKit>,
) -> ApiResult<BrandSettings> {
    principal.require(principal.is_owner())?;
    let mut change = Change::begin(state, principal).await?;
    let references = match &mut kit {
        Some(kit) => check(&mut change.tx, principal.org, kit).await?,
        None => Vec::new(),
    };
    sql("UPDATE orgs SET brand = $1 WHERE id = $2")
        .bind(to_json(&kit))
        .bind(principal.org.0)
        .execute(change.ex())
        .await?;
    refs::set(
        &mut change.tx,
        principal.org,
        ORG_REFS,
        principal.org.0,
        &references,
    )
    .await?;
    change
        .commit(Audit {
            action: "update",
            object_type: "brand",
            object_id: None,
            summary: "update the organization's brand kit".into(),
        })
        .await?;
    for_org(state, principal).await
}

/// Sets a store's own kit (`None`: follow the organization's); owners, and store managers for
/// their stores.
pub async fn set_store(
    state: &AppState,
    principal: &Principal,
    store: i64,
    mut kit: Option<BrandKit>,
) -> ApiResult<BrandSettings> {
    let name = crate::domain::stores::visible_store(state, principal, store)
        .await?
        .name;
    principal.require(principal.can_manage_store(StoreId(store)))?;
    let mut change = Change::begin(state, principal).await?;
    let references = match &mut kit {
        Some(kit) => check(&mut change.tx, principal.org, kit).await?,
        None => Vec::new(),
    };
    sql("UPDATE stores SET brand = $1, updated_at = $2 WHERE org_id = $3 AND id = $4")
        .bind(to_json(&kit))
        .bind(now_ms())
        .bind(principal.org.0)
        .bind(store)
        .execute(change.ex())
        .await?;
    refs::set(
        &mut change.tx,
        principal.org,
        STORE_REFS,
        store,
        &references,
    )
    .await?;
    change
        .commit(Audit::of(
            "update",
            "store",
            store,
            format!("update the brand kit of store '{name}'"),
        ))
        .await?;
    for_store(state, principal, store).await
}

/// A kit being edited, as the admin's preview sends it: every part optional, pictures by
/// sha256.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct Draft {
    /// `#rrggbb`; a colour that does not parse keeps the saved one.
    pub background: Option<String>,
    pub surface: Option<String>,
    pub text: Option<String>,
    pub muted: Option<String>,
    pub accent: Option<String>,
    /// `vazirmatn`, `sahel` or `parastoo`.
    pub typeface: Option<String>,
    /// The sha256 of a picture of the library; empty: none.
    pub logo: Option<String>,
    pub background_image: Option<String>,
}

impl Draft {
    fn is_empty(&self) -> bool {
        [
            &self.background,
            &self.surface,
            &self.text,
            &self.muted,
            &self.accent,
            &self.typeface,
            &self.logo,
            &self.background_image,
        ]
        .iter()
        .all(|v| v.is_none())
    }
}

/// The kit a draft describes, on top of `base` (what is saved), with only the pictures that
/// pass the checks: a preview shows what it can rather than failing while someone types.
pub async fn draft_kit(
    state: &AppState,
    principal: &Principal,
    base: BrandKit,
    draft: &Draft,
) -> ApiResult<BrandKit> {
    if draft.is_empty() {
        return Ok(base);
    }
    let mut kit = base;
    for (value, slot) in [
        (&draft.background, &mut kit.background),
        (&draft.surface, &mut kit.surface),
        (&draft.text, &mut kit.text),
        (&draft.muted, &mut kit.muted),
        (&draft.accent, &mut kit.accent),
    ] {
        if let Some(colour) = value.as_deref().and_then(|v| Colour::parse(v).ok()) {
            *slot = colour;
        }
    }
    if let Some(face) = draft.typeface.as_deref().and_then(parse_typeface) {
        kit.typeface = face;
    }
    for (value, slot) in [
        (&draft.logo, &mut kit.logo),
        (&draft.background_image, &mut kit.background_image),
    ] {
        if let Some(sha) = value {
            *slot = picture_ref(sha);
        }
    }
    let mut tx = state.db.begin_read().await?;
    for rule in &PICTURES {
        let slot = picture_mut(&mut kit, rule);
        if let Some(media) = slot {
            let mut ignored = ValidationErrors::new();
            if !check_picture(&mut tx, principal.org, rule, media, &mut ignored).await? {
                *slot = None;
            }
        }
    }
    tx.commit().await?;
    Ok(kit)
}

/// A picture reference by its sha256 alone (the library completes the rest); `None` for
/// an empty field.
pub fn picture_ref(sha256: &str) -> Option<MediaRef> {
    let sha256 = sha256.trim();
    (!sha256.is_empty()).then(|| MediaRef {
        sha256: sha256.to_ascii_lowercase(),
        size: 0,
        mime: String::new(),
        width: None,
        height: None,
        duration_ms: None,
    })
}

/// `vazirmatn`, `sahel`, `parastoo` (any case).
pub fn parse_typeface(text: &str) -> Option<Typeface> {
    Typeface::ALL
        .into_iter()
        .find(|t| t.family().eq_ignore_ascii_case(text.trim()))
}

/// The stores the principal sees, by name, and whether each has a kit of its own.
pub async fn stores_with_own_kit(
    state: &AppState,
    principal: &Principal,
) -> ApiResult<Vec<(i64, String, bool)>> {
    let rows: Vec<(i64, String, Option<String>)> =
        sql("SELECT id, name, brand FROM stores WHERE org_id = $1 ORDER BY name")
            .bind(principal.org.0)
            .fetch_all(&state.db)
            .await?;
    Ok(rows
        .into_iter()
        .filter(|(id, _, _)| principal.sees_store(StoreId(*id)))
        .map(|(id, name, brand)| (id, name, brand.is_some()))
        .collect())
}
