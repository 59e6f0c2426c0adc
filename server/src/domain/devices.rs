//! The fleet side of the player protocol: pairing screens, revoking their tokens, sending
//! commands, screenshots, and emergency messages.

use bytes::Bytes;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use vitrin_shared::ValidationErrors;
use vitrin_shared::content::ContentItem;
use vitrin_shared::events::{Command, PushEvent};
use vitrin_shared::ids::{CommandId, RuleId, ScreenId, StoreId};
use vitrin_shared::playlist::Playlist;
use vitrin_shared::schedule::{RuleKind, ScheduleRule, Scope};

use crate::auth::{Principal, Role, ratelimit};
use crate::changes::{Audit, Change};
use crate::db::{Tx, now_ms, sql};
use crate::domain::library;
pub use crate::domain::screens::Screen;
use crate::domain::screens::{ScreenInput, insert, visible_row};
use crate::error::{ApiError, ApiResult};
use crate::media::blobs::screenshot_key;
use crate::player::pairing::normalize_code;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct PairRequest {
    /// The code the player shows; case and spaces do not matter.
    pub code: String,
    /// Pair an existing screen (its old player stops working)...
    #[serde(default)]
    pub screen_id: Option<i64>,
    /// ...or create a new one.
    #[serde(default)]
    pub screen: Option<ScreenInput>,
}

/// Claims a pairing code for a screen. The player receives its device token on its next poll.
/// Wrong codes count like wrong passwords: ten in 15 minutes lock the user out for the rest.
pub async fn pair(
    state: &AppState,
    principal: &Principal,
    request: PairRequest,
) -> ApiResult<Screen> {
    let limit_key = format!("pair-claim:{}", principal.user_id);
    if let Some(retry_after_secs) =
        ratelimit::blocked_for(&state.db, &limit_key, ratelimit::MAX_FAILURES).await?
    {
        return Err(ApiError::TooManyRequests { retry_after_secs });
    }
    let code = normalize_code(&request.code);
    let pairing: Option<(i64, Option<i64>)> =
        sql("SELECT expires_at, screen_id FROM pairings WHERE code = $1")
            .bind(&code)
            .fetch_optional(&state.db)
            .await?;
    let Some((expires_at, claimed)) = pairing else {
        ratelimit::record_failure(&state.db, &limit_key).await?;
        return Err(ApiError::NotFound);
    };
    if expires_at <= now_ms() {
        return Err(ApiError::Gone(
            "the code expired; the screen shows a new one".into(),
        ));
    }
    if claimed.is_some() {
        return Err(ApiError::Conflict("this code was already claimed".into()));
    }

    let mut change = Change::begin(state, principal).await?;
    let screen = match (request.screen_id, request.screen) {
        (Some(id), None) => {
            let row = visible_row(state, principal, id).await?;
            principal.require(principal.can_manage_store(StoreId(row.store_id)))?;
            // The old player (if any) stops working now, on every instance.
            sql("UPDATE screens SET device_token_hash = NULL WHERE id = $1")
                .bind(id)
                .execute(change.ex())
                .await?;
            change.devices.push(ScreenId(id));
            id
        }
        (None, Some(mut input)) => insert(&mut change, &mut input).await?,
        _ => {
            return Err(ApiError::field(
                "screen_id",
                "required",
                "give either screen_id or a new screen",
            ));
        }
    };
    let claimed = sql("UPDATE pairings SET screen_id = $1 WHERE code = $2 AND screen_id IS NULL")
        .bind(screen)
        .bind(&code)
        .execute(change.ex())
        .await?;
    if claimed == 0 {
        return Err(ApiError::Conflict("this code was already claimed".into()));
    }
    change
        .commit(Audit::of(
            "pair",
            "screen",
            screen,
            format!("pair screen {screen} with code {code}"),
        ))
        .await?;
    super::screens::get(state, principal, screen).await
}

/// Revokes the screen's device token: its player is locked out until paired again.
pub async fn unpair(state: &AppState, principal: &Principal, id: i64) -> ApiResult<()> {
    let row = visible_row(state, principal, id).await?;
    principal.require(principal.can_manage_store(StoreId(row.store_id)))?;
    let mut change = Change::begin(state, principal).await?;
    sql("UPDATE screens SET device_token_hash = NULL WHERE id = $1")
        .bind(id)
        .execute(change.ex())
        .await?;
    // Its push stream ends and every instance forgets its device token.
    change.devices.push(ScreenId(id));
    change
        .commit(Audit::of(
            "unpair",
            "screen",
            id,
            format!("unpair screen '{}'", row.name),
        ))
        .await?;
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CommandRequest {
    pub command: Command,
}

#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct SentCommand {
    pub id: i64,
    pub payload: String,
    pub created_at: i64,
    pub acked_at: Option<i64>,
    pub ok: Option<bool>,
    pub error: Option<String>,
}

/// Inserts a screen event and returns its id; the payload needs the id, so it is set after.
async fn push_event(
    tx: &mut Tx,
    screen: i64,
    kind: &str,
    rule: Option<i64>,
    payload: impl Fn(i64) -> PushEvent,
) -> ApiResult<i64> {
    let id = sql(
        "INSERT INTO screen_events (screen_id, kind, payload, rule_id, created_at) \
                  VALUES ($1, $2, '', $3, $4) RETURNING id",
    )
    .bind(screen)
    .bind(kind)
    .bind(rule)
    .bind(now_ms())
    .fetch_i64(&mut *tx)
    .await?;
    sql("UPDATE screen_events SET payload = $1 WHERE id = $2")
        .bind(serde_json::to_string(&payload(id)).expect("events serialize"))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(id)
}

/// Sends a command over the screen's push stream; the player acknowledges it.
pub async fn send_command(
    state: &AppState,
    principal: &Principal,
    id: i64,
    request: CommandRequest,
) -> ApiResult<SentCommand> {
    let row = visible_row(state, principal, id).await?;
    principal.require(principal.can_manage_store(StoreId(row.store_id)))?;
    let mut change = Change::begin(state, principal).await?;
    let command = request.command;
    let event = push_event(&mut change.tx, id, "command", None, |event| {
        PushEvent::Command {
            id: CommandId(event),
            command,
        }
    })
    .await?;
    change.wake.push(ScreenId(id));
    change
        .commit(Audit::of(
            "command",
            "screen",
            id,
            format!("send {command:?} to screen '{}'", row.name).to_lowercase(),
        ))
        .await?;
    let sent: SentCommand = sql("SELECT id, payload, created_at, acked_at, ok, error \
                                 FROM screen_events WHERE id = $1")
    .bind(event)
    .fetch_one(&state.db)
    .await?;
    Ok(sent)
}

/// The screen's recent commands and whether they were acknowledged.
pub async fn commands(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> ApiResult<Vec<SentCommand>> {
    visible_row(state, principal, id).await?;
    Ok(sql(
        "SELECT id, payload, created_at, acked_at, ok, error FROM screen_events \
             WHERE screen_id = $1 AND kind = 'command' ORDER BY id DESC LIMIT 50",
    )
    .bind(id)
    .fetch_all(&state.db)
    .await?)
}

/// The last screenshot the player sent (ask for one with the `screenshot` command): its
/// type and bytes.
pub async fn screenshot(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> ApiResult<(String, Bytes)> {
    visible_row(state, principal, id).await?;
    let (mime,): (String,) = sql("SELECT mime FROM screenshots WHERE screen_id = $1")
        .bind(id)
        .fetch_optional(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((mime, state.blobs.get(&screenshot_key(id)).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EmergencyRequest {
    /// What every chosen screen shows at once, above everything else.
    pub text: String,
    /// A picture from the media library to show instead of the text.
    #[serde(default)]
    pub image_sha256: Option<String>,
    /// Which screens: `all`, or stores and groups.
    pub scope: Scope,
    /// When it ends by itself; without it, it stays until deleted.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub until: Option<Timestamp>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Emergency {
    /// The schedule rule that carries it to screens that were offline.
    pub rule_id: i64,
    /// Screens it reached now.
    pub screens: Vec<i64>,
}

/// How long before its publication an emergency's rule starts (see `publish_emergency`).
const EMERGENCY_CLOCK_MARGIN_MINS: i64 = 5;

/// Publishes an emergency message: pushed at once to connected screens, and in the manifest
/// (as an emergency rule) for the others. Owners anywhere; store managers in their stores.
pub async fn publish_emergency(
    state: &AppState,
    principal: &Principal,
    request: EmergencyRequest,
) -> ApiResult<Emergency> {
    principal.require(matches!(principal.role, Role::Owner | Role::StoreManager))?;
    // Normalised here, not only by the library: the pushed event carries the text too.
    let mut text = request.text.clone();
    let mut errors = ValidationErrors::new();
    vitrin_shared::input::accept_line("text", &mut text, &mut errors);
    if text.is_empty() {
        errors.add("text", "required", "write the message");
    }
    errors.into_result()?;
    if request.until.is_some_and(|u| u <= Timestamp::now()) {
        return Err(ApiError::field(
            "until",
            "in_past",
            "the end must be in the future",
        ));
    }
    let stamp = now_ms();
    let name = format!("Emergency {stamp}");
    let item = match &request.image_sha256 {
        Some(sha) => {
            json!({"name": name, "type": "image", "media": {"sha256": sha}, "fit": "contain"})
        }
        None => json!({"name": name, "type": "text", "title": text, "body": ""}),
    };
    // Three documents, saved the usual way (validated, references checked), in one change:
    // all of it lands, or none.
    let mut change = Change::begin(state, principal).await?;
    let (_, content) = library::save_in::<ContentItem>(&mut change, None, item).await?;
    let (_, playlist) = library::save_in::<Playlist>(
        &mut change,
        None,
        json!({"name": name, "entries": [{"content": content.id.0, "duration_ms": 3_600_000}]}),
    )
    .await?;
    // It starts now: without a start, the rule (and the "what plays when" picture) would
    // say it was on for every day before. A few minutes' margin still covers a player whose
    // clock lags and that learns of it from its manifest.
    let from = Timestamp::now() - jiff::SignedDuration::from_mins(EMERGENCY_CLOCK_MARGIN_MINS);
    // A newer emergency goes above those still on: an order chosen, never a tie.
    let priority = library::rules_in(&mut change.tx, principal.org, RuleId(0))
        .await?
        .iter()
        .filter(|r| matches!(r.kind, RuleKind::Emergency))
        .map(|r| r.priority.saturating_add(1))
        .max()
        .unwrap_or(0);
    let rule = json!({
        "name": name,
        "priority": priority,
        "target": {"type": "playlist", "id": playlist.id.0},
        "scope": request.scope,
        "when": {"window": {"type": "all_day"}, "active_from": from,
                 "active_until": request.until},
        "kind": {"type": "emergency"},
    });
    let (_, rule) = library::save_in::<ScheduleRule>(&mut change, None, rule).await?;
    // Push the message itself to every screen the rule reaches.
    let screens =
        crate::manifest::screens_in_scope(&mut change.tx, principal.org, &rule.scope).await?;
    for screen in &screens {
        push_event(
            &mut change.tx,
            screen.0,
            "emergency",
            Some(rule.id.0),
            |_| PushEvent::Emergency {
                rule: rule.id,
                text: text.clone(),
                until: request.until,
            },
        )
        .await?;
    }
    change.wake.extend(&screens);
    change
        .commit(Audit::of(
            "publish",
            "emergency",
            rule.id.0,
            format!("emergency to {} screen(s): {text}", screens.len()),
        ))
        .await?;
    Ok(Emergency {
        rule_id: rule.id.0,
        screens: screens.iter().map(|s| s.0).collect(),
    })
}

/// Ends an emergency message early (its rule, playlist and content go).
pub async fn end_emergency(state: &AppState, principal: &Principal, id: i64) -> ApiResult<()> {
    // Another organization's emergency is 404 before anything else.
    let rule: ScheduleRule = library::get(state, principal, id).await?;
    principal.require(matches!(principal.role, Role::Owner | Role::StoreManager))?;
    if !matches!(rule.kind, RuleKind::Emergency) {
        return Err(ApiError::NotFound);
    }
    let mut change = Change::begin(state, principal).await?;
    library::delete_in::<ScheduleRule>(&mut change, id).await?;
    if let vitrin_shared::schedule::Target::Playlist(playlist) = rule.target {
        let list: Playlist = library::delete_in(&mut change, playlist.0).await?;
        for entry in list.entries {
            library::delete_in::<ContentItem>(&mut change, entry.content.0).await?;
        }
    }
    change
        .commit(Audit::of(
            "end",
            "emergency",
            id,
            format!("end emergency '{}'", rule.name),
        ))
        .await?;
    Ok(())
}
