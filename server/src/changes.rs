//! Every write goes through a `Change`: one transaction that also bumps the manifest version of
//! exactly the screens whose manifest it alters, checks a store manager stayed inside their
//! stores, and writes the audit log entry. Dropped without `commit`, nothing happened.

use vitrin_shared::ids::ScreenId;

use crate::auth::{Principal, Role};
use crate::db::{Ex, Tx, now_ms, sql};
use crate::error::{ApiError, ApiResult};
use crate::manifest;
use crate::push::Poke;
use crate::state::AppState;

pub struct Change<'a> {
    pub tx: Tx,
    pub principal: &'a Principal,
    hub: std::sync::Arc<crate::push::Hub>,
    /// Screens to wake besides those whose manifest changed (commands, emergencies).
    pub wake: Vec<ScreenId>,
    /// Screens whose device token changed or that are gone: every instance checks their
    /// token again, and what the old token holds open (a push stream, a long-poll) ends.
    pub devices: Vec<ScreenId>,
    /// Set by writes that can alter only these screens' manifests (a screen's own row, tags
    /// or groups): only they are rebuilt. `None`: the whole organization is.
    pub only: Option<Vec<ScreenId>>,
}

/// One line of the audit log: who did what to which object.
pub struct Audit<'a> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<i64>,
    pub summary: String,
}

impl<'a> Audit<'a> {
    pub fn of(
        action: &'a str,
        object_type: &'a str,
        object_id: i64,
        summary: impl Into<String>,
    ) -> Audit<'a> {
        Audit {
            action,
            object_type,
            object_id: Some(object_id),
            summary: summary.into(),
        }
    }
}

impl<'a> Change<'a> {
    pub async fn begin(state: &AppState, principal: &'a Principal) -> ApiResult<Change<'a>> {
        Ok(Change {
            tx: state.db.begin().await?,
            principal,
            hub: state.push.clone(),
            wake: Vec::new(),
            devices: Vec::new(),
            only: None,
        })
    }

    /// The transaction, for statements.
    pub fn ex(&mut self) -> Ex<'_> {
        Ex::Tx(&mut self.tx)
    }

    /// Bumps affected screens, writes the audit line and commits. Returns the bumped screens.
    pub async fn commit(mut self, audit: Audit<'_>) -> ApiResult<Vec<ScreenId>> {
        let org = self.principal.org;
        let bumped = manifest::bump_changed(&mut self.tx, org, self.only.as_deref()).await?;
        if self.principal.role == Role::StoreManager {
            let stores = manifest::stores_of(&mut self.tx, &bumped).await?;
            if stores.iter().any(|s| !self.principal.stores.contains(s)) {
                return Err(ApiError::Forbidden(
                    "this change would alter screens outside your stores",
                ));
            }
        }
        record_audit(&mut self.tx, self.principal, audit).await?;
        let mut wake = self.wake.clone();
        wake.extend(&bumped);
        crate::push::announce(&mut self.tx, &wake, Poke::News).await?;
        crate::push::announce(&mut self.tx, &self.devices, Poke::Device).await?;
        self.tx.commit().await?;
        self.hub.poke(&wake, Poke::News);
        self.hub.poke(&self.devices, Poke::Device);
        Ok(bumped)
    }
}

/// Writes one audit line. Changes that touch no screen (accounts, tokens) call it directly.
pub async fn record_audit(tx: &mut Tx, principal: &Principal, audit: Audit<'_>) -> ApiResult<()> {
    sql(
        "INSERT INTO audit_log (org_id, user_id, actor, action, object_type, object_id, \
         summary, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(principal.org.0)
    .bind(principal.user_id)
    .bind(principal.actor())
    .bind(audit.action)
    .bind(audit.object_type)
    .bind(audit.object_id)
    .bind(audit.summary)
    .bind(now_ms())
    .execute(tx)
    .await?;
    Ok(())
}
