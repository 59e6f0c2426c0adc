//! "Where is this used": the playlists, layouts, rules and screens that use an object, as
//! links, shown on every item's page (`templates/content/used_by.html`).

use vitrin_shared::schedule::ScheduleRule;

use super::i18n::{Entry, Lang};
use crate::auth::Principal;
use crate::domain::{library, screens};
use crate::error::ApiResult;
use crate::refs;
use crate::state::AppState;

/// One user of an object, ready for a link.
pub struct UsedLink {
    /// The kind in the page's language ("Playlist").
    pub kind: String,
    pub name: String,
    pub href: String,
}

/// The users of `(to_kind, to_key)` that `principal` may see, as links.
pub async fn used_by(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
    to_kind: &str,
    to_key: &str,
) -> ApiResult<Vec<UsedLink>> {
    let mut links = Vec::new();
    for user in refs::users_of(&state.db, principal.org, to_kind, to_key).await? {
        // Rules and screens outside a store manager's stores stay out of sight, as everywhere.
        let visible = match user.kind.as_str() {
            "rule" => library::get::<ScheduleRule>(state, principal, user.id)
                .await
                .is_ok(),
            "screen" => screens::get(state, principal, user.id).await.is_ok(),
            _ => true,
        };
        if !visible {
            continue;
        }
        let href = match user.kind.as_str() {
            "content" => format!("/content/{}", user.id),
            "playlist" => format!("/playlists/{}", user.id),
            "layout" => format!("/layouts/{}", user.id),
            "rule" => format!("/schedule/rules/{}", user.id),
            _ => format!("/screens/{}", user.id),
        };
        links.push(UsedLink {
            kind: lang.t(&format!("used.kind.{}", user.kind)).to_owned(),
            name: user.name,
            href,
        });
    }
    Ok(links)
}

pub const TEXT: &[Entry] = &[
    ("used.title", "Where this is used", "کجا به کار رفته"),
    (
        "used.none",
        "Not used anywhere yet: it can be deleted.",
        "هنوز جایی به کار نرفته و می‌توان حذفش کرد.",
    ),
    ("used.kind.content", "Item", "محتوا"),
    ("used.kind.playlist", "Playlist", "فهرست پخش"),
    ("used.kind.layout", "Layout", "چیدمان"),
    ("used.kind.rule", "Schedule rule", "قاعدهٔ زمان‌بندی"),
    ("used.kind.screen", "Screen", "نمایشگر"),
];
