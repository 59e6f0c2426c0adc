//! Which object uses which. A deletion that would leave a user dangling is refused with a
//! list of the users, so nothing on a screen breaks silently.

use vitrin_shared::ids::OrgId;

use crate::db::{DbResult, Tx, sql};
use crate::error::ApiError;

/// One reference: the kind of the object used (`content`, `playlist`, `layout`, `media`) and
/// its key (an id, or a sha256 for media).
pub type Ref = (&'static str, String);

/// Replaces the outgoing references of `from`.
pub async fn set(
    tx: &mut Tx,
    org: OrgId,
    from_kind: &str,
    from_id: i64,
    refs: &[Ref],
) -> DbResult<()> {
    clear(tx, from_kind, from_id).await?;
    for (to_kind, to_key) in refs {
        sql(
            "INSERT INTO refs (org_id, from_kind, from_id, to_kind, to_key) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(org.0)
        .bind(from_kind)
        .bind(from_id)
        .bind(*to_kind)
        .bind(to_key)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

pub async fn clear(tx: &mut Tx, from_kind: &str, from_id: i64) -> DbResult<()> {
    sql("DELETE FROM refs WHERE from_kind = $1 AND from_id = $2")
        .bind(from_kind)
        .bind(from_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// 409 naming the users of an object, when it has any.
pub async fn ensure_unused(
    tx: &mut Tx,
    org: OrgId,
    to_kind: &str,
    to_key: &str,
) -> Result<(), ApiError> {
    let users: Vec<(String, i64)> = sql(
        "SELECT from_kind, from_id FROM refs WHERE org_id = $1 AND to_kind = $2 AND to_key = $3 \
         ORDER BY from_kind, from_id",
    )
    .bind(org.0)
    .bind(to_kind)
    .bind(to_key)
    .fetch_all(&mut *tx)
    .await?;
    if users.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = users.iter().map(|(k, id)| format!("{k} {id}")).collect();
    Err(ApiError::Conflict(format!(
        "still used by {}; remove it there first",
        list.join(", ")
    )))
}
