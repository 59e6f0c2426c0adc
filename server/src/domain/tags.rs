//! Tags as a whole: the free labels on screens ("drive-thru") that schedule rules target
//! across stores. A tag exists while a screen carries it; here it is created on some screens,
//! given other screens, renamed everywhere (the rules naming it included) or removed.
//!
//! Who may: as on a screen's own settings, owners handle every screen's tags and a store
//! manager those of their stores' screens (the others stay as they are, and out of sight).
//! Renaming the tag inside schedule rules reaches every store, so it is an owner's.

use std::collections::{BTreeMap, BTreeSet};

use vitrin_shared::ValidationErrors;
use vitrin_shared::ids::{ScreenId, StoreId};
use vitrin_shared::schedule::ScheduleRule;

use super::library::body_of;
use crate::auth::{Principal, Role};
use crate::changes::{Audit, Change};
use crate::db::{Ex, Tx, now_ms, sql};
use crate::error::{ApiError, ApiResult};
use crate::manifest::{DocRow, decode_doc, writers_take_turns};
use crate::state::AppState;

/// One tag and the screens carrying it that the principal sees.
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    /// Screen ids, ascending.
    pub screens: Vec<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct TagInput {
    pub name: String,
    /// Exactly the (visible) screens that carry the tag afterwards; at least one.
    pub screens: Vec<i64>,
}

/// A schedule rule that names a tag in its scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRef {
    pub id: i64,
    pub name: String,
}

/// The principal's screens (a store manager's: those of their stores) with their tags.
async fn visible_tags<'a>(
    ex: impl Into<Ex<'a>>,
    principal: &Principal,
) -> ApiResult<BTreeMap<i64, Vec<String>>> {
    // One row per screen (tag NULL) and one per tag of a screen.
    let rows: Vec<(i64, i64, Option<String>)> =
        sql("SELECT s.id, s.store_id, t.tag FROM screens s \
         LEFT JOIN screen_tags t ON t.screen_id = s.id WHERE s.org_id = $1")
        .bind(principal.org.0)
        .fetch_all(ex)
        .await?;
    let mut screens: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for (screen, store, tag) in rows {
        if principal.sees_store(StoreId(store)) {
            let tags = screens.entry(screen).or_default();
            tags.extend(tag);
        }
    }
    Ok(screens)
}

/// Every tag on a screen the principal sees, by name.
pub async fn list(state: &AppState, principal: &Principal) -> ApiResult<Vec<Tag>> {
    let mut tags: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for (screen, names) in visible_tags(&state.db, principal).await? {
        for name in names {
            tags.entry(name).or_default().push(screen);
        }
    }
    Ok(tags
        .into_iter()
        .map(|(name, screens)| Tag { name, screens })
        .collect())
}

/// One tag, or 404 when no screen the principal sees carries it.
pub async fn get(state: &AppState, principal: &Principal, name: &str) -> ApiResult<Tag> {
    list(state, principal)
        .await?
        .into_iter()
        .find(|t| t.name == name)
        .ok_or(ApiError::NotFound)
}

/// The organization's schedule rules whose scope names `tag`, by name.
pub async fn rules_naming<'a>(
    ex: impl Into<Ex<'a>>,
    principal: &Principal,
    tag: &str,
) -> ApiResult<Vec<RuleRef>> {
    Ok(rules_with(ex, principal, tag)
        .await?
        .into_iter()
        .map(|(r, _)| RuleRef {
            id: r.id.0,
            name: r.name,
        })
        .collect())
}

/// The rules naming `tag`, each with its body as stored (to write it back only if unchanged).
async fn rules_with<'a>(
    ex: impl Into<Ex<'a>>,
    principal: &Principal,
    tag: &str,
) -> ApiResult<Vec<(ScheduleRule, String)>> {
    let rows: Vec<DocRow> =
        sql("SELECT id, name, body FROM rules WHERE org_id = $1 ORDER BY name, id")
            .bind(principal.org.0)
            .fetch_all(ex)
            .await?;
    let mut rules = Vec::new();
    for row in &rows {
        let rule: ScheduleRule = decode_doc(row)?;
        if rule.scope.tags.iter().any(|t| t == tag) {
            rules.push((rule, row.body.clone()));
        }
    }
    Ok(rules)
}

/// 409 naming the rules, for changes that would leave them pointing at nothing.
fn in_use(tag: &str, rules: &[(ScheduleRule, String)]) -> ApiError {
    let names: Vec<String> = rules.iter().map(|(r, _)| format!("'{}'", r.name)).collect();
    ApiError::Conflict(format!(
        "schedule rule(s) {} target the tag '{tag}'; change them first",
        names.join(", ")
    ))
}

/// Tags are matched as typed (rules name them), so they are trimmed and checked, never
/// rewritten otherwise; the same limits as on a screen's settings.
fn accept_tag(name: &mut String, errors: &mut ValidationErrors) {
    *name = name.trim().to_owned();
    if name.is_empty() {
        errors.add("name", "required", "a tag needs a name");
    } else if name.chars().count() > 50 {
        errors.add("name", "too_long", "tags have 1 to 50 characters");
    }
    vitrin_shared::input::check_line("name", name, errors);
}

/// Only the roles that edit screens handle tags.
fn may_edit(principal: &Principal) -> bool {
    matches!(principal.role, Role::Owner | Role::StoreManager)
}

/// Puts a new tag on `input.screens`.
pub async fn create(state: &AppState, principal: &Principal, input: TagInput) -> ApiResult<Tag> {
    save(state, principal, None, input).await
}

/// Renames `name` to `input.name` (when it differs) and makes exactly `input.screens` carry
/// it, in one change.
pub async fn update(
    state: &AppState,
    principal: &Principal,
    name: &str,
    input: TagInput,
) -> ApiResult<Tag> {
    save(state, principal, Some(name), input).await
}

async fn save(
    state: &AppState,
    principal: &Principal,
    from: Option<&str>,
    mut input: TagInput,
) -> ApiResult<Tag> {
    if let Some(from) = from {
        // An unknown (or invisible) tag is 404 before it is 403.
        get(state, principal, from).await?;
    }
    principal.require(may_edit(principal))?;
    let mut errors = ValidationErrors::new();
    accept_tag(&mut input.name, &mut errors);
    if input.screens.is_empty() {
        errors.add(
            "screens",
            "required",
            "choose at least one screen (to take the tag off every screen, delete it)",
        );
    }
    errors.into_result()?;
    let to = input.name.clone();
    let wanted: BTreeSet<i64> = input.screens.iter().copied().collect();

    let mut change = Change::begin(state, principal).await?;
    // The checks below hold until the commit: the organization's writers take turns.
    writers_take_turns(&mut change.tx, principal.org).await?;
    let screens = visible_tags(change.ex(), principal).await?;
    // Another store's screen is as unknown as another organization's.
    if wanted.iter().any(|s| !screens.contains_key(s)) {
        return Err(ApiError::NotFound);
    }
    let renamed = from.is_some_and(|f| f != to);
    if from.is_none() || renamed {
        // A new name must be new: merging two tags by renaming is not what anyone expects.
        if screens.values().any(|tags| tags.contains(&to)) {
            return Err(ApiError::field(
                "name",
                "taken",
                "screens already carry this tag; open it to choose its screens",
            ));
        }
    }
    let mut rules = Vec::new();
    if let Some(from) = from.filter(|_| renamed) {
        rules = rules_with(change.ex(), principal, from).await?;
        // Rules reach every store; renaming inside them is for those who see every store.
        if !rules.is_empty() && !principal.is_owner() {
            return Err(in_use(from, &rules));
        }
    }
    let carrying: Vec<i64> = match from {
        Some(from) => screens
            .iter()
            .filter(|(_, tags)| tags.iter().any(|t| t == from))
            .map(|(id, _)| *id)
            .collect(),
        None => Vec::new(),
    };
    let mut touched = BTreeSet::new();
    for screen in &carrying {
        if renamed || !wanted.contains(screen) {
            sql("DELETE FROM screen_tags WHERE screen_id = $1 AND tag = $2")
                .bind(*screen)
                .bind(from.unwrap_or_default())
                .execute(change.ex())
                .await?;
            touched.insert(*screen);
        }
    }
    for screen in &wanted {
        if renamed || !carrying.contains(screen) {
            sql("INSERT INTO screen_tags (screen_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(*screen)
                .bind(&to)
                .execute(change.ex())
                .await?;
            touched.insert(*screen);
        }
    }
    for (rule, stored) in &mut rules {
        rename_in_rule(&mut change.tx, rule, stored, from.unwrap_or_default(), &to).await?;
    }
    // Renamed rules are rebuilt everywhere; otherwise only the screens whose tags changed.
    if rules.is_empty() {
        change.only = Some(touched.iter().map(|s| ScreenId(*s)).collect());
    }
    let summary = match from {
        None => format!("create tag '{to}' on {} screen(s)", wanted.len()),
        Some(from) if renamed => {
            let names: Vec<String> = rules.iter().map(|(r, _)| format!("'{}'", r.name)).collect();
            let in_rules = if names.is_empty() {
                String::new()
            } else {
                format!(" and in rule(s) {}", names.join(", "))
            };
            format!(
                "rename tag '{from}' to '{to}' on {} screen(s){in_rules}",
                wanted.len()
            )
        }
        Some(_) => format!("put tag '{to}' on {} screen(s)", wanted.len()),
    };
    let action = match from {
        None => "create",
        Some(_) if renamed => "rename",
        Some(_) => "update",
    };
    change
        .commit(Audit {
            action,
            object_type: "tag",
            object_id: None,
            summary,
        })
        .await?;
    get(state, principal, &to).await
}

/// Writes `rule` back with `from` replaced by `to` in its scope's tags (once, in place). The
/// rule is otherwise as read: were it saved meanwhile (its body no longer `stored`), nothing
/// is written and the whole rename is refused, rather than undo that save.
async fn rename_in_rule(
    tx: &mut Tx,
    rule: &mut ScheduleRule,
    stored: &str,
    from: &str,
    to: &str,
) -> ApiResult<()> {
    let tags = &mut rule.scope.tags;
    tags.retain(|t| t != to);
    for tag in tags.iter_mut().filter(|t| *t == from) {
        *tag = to.to_owned();
    }
    let written = sql("UPDATE rules SET body = $1, updated_at = $2 WHERE id = $3 AND body = $4")
        .bind(body_of(&*rule))
        .bind(now_ms())
        .bind(rule.id.0)
        .bind(stored)
        .execute(&mut *tx)
        .await?;
    if written == 0 {
        return Err(ApiError::Conflict(format!(
            "the rule '{}' changed meanwhile; try again",
            rule.name
        )));
    }
    Ok(())
}

/// Takes the tag off every screen the principal sees. Refused (409, naming them) while a
/// schedule rule targets it, so no rule silently stops reaching its screens.
pub async fn delete(state: &AppState, principal: &Principal, name: &str) -> ApiResult<()> {
    let tag = get(state, principal, name).await?;
    principal.require(may_edit(principal))?;
    let mut change = Change::begin(state, principal).await?;
    writers_take_turns(&mut change.tx, principal.org).await?;
    let rules = rules_with(change.ex(), principal, name).await?;
    if !rules.is_empty() {
        return Err(in_use(name, &rules));
    }
    let screens = visible_tags(change.ex(), principal).await?;
    let mut touched = Vec::new();
    for (screen, tags) in &screens {
        if tags.iter().any(|t| t == name) {
            sql("DELETE FROM screen_tags WHERE screen_id = $1 AND tag = $2")
                .bind(*screen)
                .bind(name)
                .execute(change.ex())
                .await?;
            touched.push(ScreenId(*screen));
        }
    }
    change.only = Some(touched);
    change
        .commit(Audit {
            action: "delete",
            object_type: "tag",
            object_id: None,
            summary: format!("delete tag '{name}' from {} screen(s)", tag.screens.len()),
        })
        .await?;
    Ok(())
}
