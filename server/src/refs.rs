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

/// One object that uses another, with its name, for "where is this used" lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsedBy {
    /// `content`, `playlist`, `layout`, `rule` or `screen`.
    pub kind: String,
    pub id: i64,
    pub name: String,
}

/// Everything in `org` that uses the object `(to_kind, to_key)`, by kind then name.
pub async fn users_of(
    db: &crate::db::Db,
    org: OrgId,
    to_kind: &str,
    to_key: &str,
) -> DbResult<Vec<UsedBy>> {
    // One query per user table keeps each join on an indexed primary key; the table names
    // are this module's constants, never input.
    let mut used = Vec::new();
    for (kind, table) in [
        ("content", "content"),
        ("playlist", "playlists"),
        ("layout", "layouts"),
        ("rule", "rules"),
        ("screen", "screens"),
    ] {
        let rows: Vec<(i64, String)> = sql(format!(
            "SELECT t.id, t.name FROM refs r JOIN {table} t ON t.id = r.from_id \
             WHERE r.org_id = $1 AND r.to_kind = $2 AND r.to_key = $3 AND r.from_kind = $4 \
             AND t.org_id = $1 ORDER BY t.name, t.id"
        ))
        .bind(org.0)
        .bind(to_kind)
        .bind(to_key)
        .bind(kind)
        .fetch_all(db)
        .await?;
        used.extend(rows.into_iter().map(|(id, name)| UsedBy {
            kind: kind.to_owned(),
            id,
            name,
        }));
    }
    Ok(used)
}
