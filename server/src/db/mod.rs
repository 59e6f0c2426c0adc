//! The database: SQLite (embedded default) or PostgreSQL, behind one enum over native pools.
//!
//! Every statement is written once, in the SQL both engines accept (`$N` placeholders,
//! `ON CONFLICT`, `RETURNING`, timestamps as epoch milliseconds passed from Rust). `sqlx::Any`
//! is avoided on purpose: it lacks types and its query builder emits `?`, which PostgreSQL
//! rejects (FIELD-NOTES).

use std::borrow::Cow;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, FromRow, Postgres, Sqlite, Transaction};

/// A connection pool to one of the two supported engines. Cheap to clone.
#[derive(Clone, Debug)]
pub enum Db {
    /// The pool, and the queue of write transactions: SQLite has one writer, and its own
    /// waiting (polling with back-off until the busy timeout) is unfair under a burst of
    /// writes, so a writer could wait past the timeout and fail. Queued here they take turns.
    Sqlite(SqlitePool, Arc<tokio::sync::Mutex<()>>),
    Postgres(PgPool),
}

/// An open transaction; dropped without `commit` it rolls back, so nothing is half-written.
pub enum Tx {
    /// A write transaction holds its turn in the write queue until it ends.
    Sqlite(
        Transaction<'static, Sqlite>,
        Option<tokio::sync::OwnedMutexGuard<()>>,
    ),
    Postgres(Transaction<'static, Postgres>),
}

/// Where a statement runs: straight on the pool, or inside a transaction.
pub enum Ex<'a> {
    Db(&'a Db),
    Tx(&'a mut Tx),
}

impl Ex<'_> {
    /// A statement's text as this engine takes it (on SQLite, `$1 … $n` as `?`: `sqlite_text`).
    fn statement_text(&self, text: Cow<'static, str>) -> Cow<'static, str> {
        match self {
            Ex::Db(Db::Sqlite(..)) | Ex::Tx(Tx::Sqlite(..)) => sqlite_text(text),
            Ex::Db(Db::Postgres(_)) | Ex::Tx(Tx::Postgres(_)) => text,
        }
    }
}

impl<'a> From<&'a Db> for Ex<'a> {
    fn from(db: &'a Db) -> Self {
        Ex::Db(db)
    }
}

impl<'a> From<&'a mut Tx> for Ex<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        Ex::Tx(tx)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A unique constraint refused the row (a duplicate name, say).
    #[error("already exists")]
    Conflict,
    /// A foreign key refused the row or its deletion.
    #[error("referenced row missing or still in use")]
    ForeignKey,
    #[error("database error: {0}")]
    Other(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl DbError {
    fn from_sqlx(e: sqlx::Error) -> Self {
        // SQLite reports no constraint names through sqlx: classify by kind (FIELD-NOTES).
        if let Some(db) = e.as_database_error() {
            match db.kind() {
                sqlx::error::ErrorKind::UniqueViolation => return DbError::Conflict,
                sqlx::error::ErrorKind::ForeignKeyViolation => return DbError::ForeignKey,
                _ => {}
            }
        }
        DbError::Other(e)
    }
}

pub type DbResult<T> = Result<T, DbError>;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Db {
    /// Opens (creating an SQLite file if needed) and migrates the database at `url`.
    pub async fn connect(url: &str) -> DbResult<Db> {
        let db = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            Db::Postgres(pool)
        } else {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                // WAL lets readers go on while one writer writes.
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await?;
            Db::Sqlite(pool, Arc::default())
        };
        db.migrate().await?;
        Ok(db)
    }

    pub async fn migrate(&self) -> DbResult<()> {
        match self {
            Db::Sqlite(pool, _) => SQLITE_MIGRATIONS.run(pool).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// A transaction that will write. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`, waiting up to the busy timeout): a deferred transaction that reads first
    /// and writes later fails outright when another connection wrote in between.
    pub async fn begin(&self) -> DbResult<Tx> {
        Ok(match self {
            Db::Sqlite(pool, writers) => {
                let turn = writers.clone().lock_owned().await;
                Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?, Some(turn))
            }
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// A transaction that only reads: one consistent snapshot, no write lock.
    pub async fn begin_read(&self) -> DbResult<Tx> {
        Ok(match self {
            Db::Sqlite(pool, _) => Tx::Sqlite(pool.begin().await?, None),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Db::Sqlite(..) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(pool, _) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

impl Tx {
    pub async fn commit(self) -> DbResult<()> {
        match self {
            Tx::Sqlite(tx, _) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// A bind parameter of one of the portable types.
#[derive(Debug, Clone)]
pub enum Arg {
    I64(Option<i64>),
    Text(Option<String>),
    Bool(bool),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::I64(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::I64(v)
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(Some(v.to_owned()))
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(Some(v))
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(Some(v.clone()))
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::Text(v)
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::Bool(v)
    }
}

/// A row type decodable from both engines; `#[derive(sqlx::FromRow)]` gives both.
pub trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// One statement and its arguments, run on either engine.
#[derive(Debug, Clone)]
#[must_use]
pub struct Query {
    sql: Cow<'static, str>,
    args: Vec<Arg>,
}

/// Starts a statement: `sql("SELECT … WHERE id = $1").bind(id).fetch_one(&db)`.
///
/// The text is built by the server from constants (table and column names); every value a
/// client sends goes through `bind`, never into the text.
pub fn sql(text: impl Into<Cow<'static, str>>) -> Query {
    Query {
        sql: text.into(),
        args: Vec::new(),
    }
}

/// The statement as SQLite should see it: `$1 … $n`, each once and in order (nearly every
/// statement here), become anonymous `?`. sqlx-sqlite asks SQLite for the name of every
/// parameter while binding, and SQLite finds a named parameter's name by a linear scan, so
/// a batched statement of 3,000 `$N` parameters cost 4.5 million steps to bind (9 % of the
/// server's time in a publish to 9,000 screens). Anonymous parameters have no name to look
/// up. Any other use of `$N` (one repeated, out of order) is left as written.
fn sqlite_text(text: Cow<'static, str>) -> Cow<'static, str> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut expected = 1_u64;
    let (mut i, mut copied) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            // A string literal or a quoted name: its `$` is not a parameter.
            quote @ (b'\'' | b'"') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += 1;
                }
                i += 1;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'$' => {
                let digits = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                let number = text[i + 1..i + 1 + digits].parse::<u64>().ok();
                if number != Some(expected) {
                    return text;
                }
                expected += 1;
                out.push_str(&text[copied..i]);
                out.push('?');
                i += 1 + digits;
                copied = i;
            }
            _ => i += 1,
        }
    }
    if expected == 1 {
        return text;
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                Arg::I64(v) => query.bind(*v),
                Arg::Text(v) => query.bind(v.clone()),
                Arg::Bool(v) => query.bind(*v),
            };
        }
        query
    }};
}

impl Query {
    pub fn bind(mut self, arg: impl Into<Arg>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Runs the statement and returns the number of rows it changed.
    pub async fn execute<'a>(self, ex: impl Into<Ex<'a>>) -> DbResult<u64> {
        let Query { sql: text, args } = self;
        let ex = ex.into();
        let text = ex.statement_text(text);
        let result = match ex {
            Ex::Db(Db::Sqlite(pool, _)) => bind_all!(sqlx::query(AssertSqlSafe(text)), &args)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()),
            Ex::Db(Db::Postgres(pool)) => bind_all!(sqlx::query(AssertSqlSafe(text)), &args)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()),
            Ex::Tx(Tx::Sqlite(tx, _)) => bind_all!(sqlx::query(AssertSqlSafe(text)), &args)
                .execute(&mut **tx)
                .await
                .map(|r| r.rows_affected()),
            Ex::Tx(Tx::Postgres(tx)) => bind_all!(sqlx::query(AssertSqlSafe(text)), &args)
                .execute(&mut **tx)
                .await
                .map(|r| r.rows_affected()),
        };
        result.map_err(DbError::from_sqlx)
    }

    pub async fn fetch_all<'a, T: Record>(self, ex: impl Into<Ex<'a>>) -> DbResult<Vec<T>> {
        let Query { sql: text, args } = self;
        let ex = ex.into();
        let text = ex.statement_text(text);
        let result = match ex {
            Ex::Db(Db::Sqlite(pool, _)) => {
                bind_all!(sqlx::query_as::<_, T>(AssertSqlSafe(text)), &args)
                    .fetch_all(pool)
                    .await
            }
            Ex::Db(Db::Postgres(pool)) => {
                bind_all!(sqlx::query_as::<_, T>(AssertSqlSafe(text)), &args)
                    .fetch_all(pool)
                    .await
            }
            Ex::Tx(Tx::Sqlite(tx, _)) => {
                bind_all!(sqlx::query_as::<_, T>(AssertSqlSafe(text)), &args)
                    .fetch_all(&mut **tx)
                    .await
            }
            Ex::Tx(Tx::Postgres(tx)) => {
                bind_all!(sqlx::query_as::<_, T>(AssertSqlSafe(text)), &args)
                    .fetch_all(&mut **tx)
                    .await
            }
        };
        result.map_err(DbError::from_sqlx)
    }

    pub async fn fetch_optional<'a, T: Record>(self, ex: impl Into<Ex<'a>>) -> DbResult<Option<T>> {
        let Query { sql: text, args } = self;
        let ex = ex.into();
        let text = ex.statement_text(text);
        let result = match ex {
            Ex::Db(Db::Sqlite(pool, _)) => {
                bind_all!(sqlx::query_as::<_, T>(AssertSqlSafe(text)), &args)
                    .fetch_optional(pool)
                    .await
            }
            Ex::Db(Db::Postgres(pool)) => {
                bind_all!(sqlx::query_as::<_, T>(AssertSqlSafe(text)), &args)
                    .fetch_optional(pool)
                    .await
            }
            Ex::Tx(Tx::Sqlite(tx, _)) => {
                bind_all!(sqlx::query_as::<_, T>(AssertSqlSafe(text)), &args)
                    .fetch_optional(&mut **tx)
                    .await
            }
            Ex::Tx(Tx::Postgres(tx)) => {
                bind_all!(sqlx::query_as::<_, T>(AssertSqlSafe(text)), &args)
                    .fetch_optional(&mut **tx)
                    .await
            }
        };
        result.map_err(DbError::from_sqlx)
    }

    pub async fn fetch_one<'a, T: Record>(self, ex: impl Into<Ex<'a>>) -> DbResult<T> {
        self.fetch_optional(ex)
            .await?
            .ok_or(DbError::Other(sqlx::Error::RowNotFound))
    }

    /// The single `BIGINT` a statement returns (an id from `RETURNING id`, a count).
    pub async fn fetch_i64<'a>(self, ex: impl Into<Ex<'a>>) -> DbResult<i64> {
        let (value,): (i64,) = self.fetch_one(ex).await?;
        Ok(value)
    }
}

/// Milliseconds since the Unix epoch: how every timestamp is stored on both engines.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_sees_numbered_parameters_in_order_as_anonymous_ones() {
        let text = |s: &'static str| sqlite_text(Cow::Borrowed(s)).into_owned();
        assert_eq!(
            text("UPDATE s SET v = $1 WHERE id IN ($2, $3) AND n = '$9' -- $7\n AND \"$x\" = $4"),
            "UPDATE s SET v = ? WHERE id IN (?, ?) AND n = '$9' -- $7\n AND \"$x\" = ?"
        );
        assert_eq!(text("SELECT 'it''s $1', $1"), "SELECT 'it''s $1', ?");
        // Repeated or out of order: the numbers carry meaning, so the text stays.
        for kept in [
            "SELECT $1, $1",
            "SELECT $2, $1",
            "SELECT $1, $3",
            "SELECT $a",
            "SELECT 1",
        ] {
            assert_eq!(text(kept), kept);
        }
    }

    /// A batched statement binds each value to its own place once the text is rewritten.
    #[tokio::test]
    async fn a_statement_of_thousands_of_parameters_binds_each_in_its_place() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let db = Db::connect(&url).await.unwrap();
        sql("CREATE TABLE pairs (k BIGINT NOT NULL, v TEXT NOT NULL)")
            .execute(&db)
            .await
            .unwrap();
        let rows: Vec<String> = (0..1500)
            .map(|n| format!("(${}, ${})", 2 * n + 1, 2 * n + 2))
            .collect();
        let mut insert = sql(format!(
            "INSERT INTO pairs (k, v) VALUES {}",
            rows.join(", ")
        ));
        for n in 0..1500_i64 {
            insert = insert.bind(n).bind(format!("v{n}"));
        }
        assert_eq!(insert.execute(&db).await.unwrap(), 1500);
        let wrong: i64 = sql("SELECT COUNT(*) FROM pairs WHERE v <> 'v' || k")
            .fetch_i64(&db)
            .await
            .unwrap();
        assert_eq!(wrong, 0);
    }

    /// More writers than SQLite's own waiting would let through: each holds the write lock
    /// for 0.9 s, twelve of them need longer than the 10 s busy timeout. Queued by `begin`,
    /// every one commits.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn write_transactions_take_turns_past_the_busy_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let db = Db::connect(&url).await.unwrap();
        sql("CREATE TABLE turns (n BIGINT NOT NULL)")
            .execute(&db)
            .await
            .unwrap();
        let writers: Vec<_> = (0..12_i64)
            .map(|n| {
                let db = db.clone();
                tokio::spawn(async move {
                    let mut tx = db.begin().await?;
                    sql("INSERT INTO turns (n) VALUES ($1)")
                        .bind(n)
                        .execute(&mut tx)
                        .await?;
                    tokio::time::sleep(Duration::from_millis(900)).await;
                    tx.commit().await
                })
            })
            .collect();
        for writer in writers {
            writer.await.unwrap().unwrap();
        }
        assert_eq!(
            sql("SELECT COUNT(*) FROM turns")
                .fetch_i64(&db)
                .await
                .unwrap(),
            12
        );
    }
}
