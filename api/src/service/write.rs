//! The one way a mutation writes: a write transaction that commits when the work succeeds,
//! rolls back when it fails, and turns a unique-constraint violation anywhere in it into a
//! `DUPLICATE` user error instead of `INTERNAL`.
//!
//! ```ignore
//! let hash = password::hash(input.password).await?;   // slow work before the transaction
//! write(db)
//!     .duplicate(user::Column::Login, "login", "登录名已被使用")
//!     .run(async |txn| {
//!         let user = model.insert(txn).await?;
//!         Ok(user)
//!     })
//!     .await
//! ```
//!
//! Password hashing and encryption happen before [`Write::run`]: a transaction holds the
//! SQLite write lock (and PostgreSQL row locks) until it ends.

use sea_orm::{ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, SqlErr};

use super::{ServiceError, ServiceResult, UserError, UserErrorCode, begin_write};
use crate::error::AppError;

/// Starts describing a write on `db`; finish with [`Write::run`].
pub fn write(db: &DatabaseConnection) -> Write<'_> {
    Write {
        db,
        duplicates: Vec::new(),
    }
}

/// The input field a unique column belongs to, for the `DUPLICATE` error.
#[derive(Debug, Clone)]
struct Duplicate {
    table: String,
    column: String,
    field: &'static str,
    message: &'static str,
}

/// A write transaction being prepared.
#[derive(Debug)]
#[must_use = "a write does nothing until `.run(...)`"]
pub struct Write<'a> {
    db: &'a DatabaseConnection,
    duplicates: Vec<Duplicate>,
}

impl Write<'_> {
    /// Reports a unique violation on `column` as `DUPLICATE` on `input.<field>` with
    /// `message`. Violations nobody named are `DUPLICATE` on the input as a whole.
    pub fn duplicate(
        mut self,
        column: impl ColumnTrait,
        field: &'static str,
        message: &'static str,
    ) -> Self {
        self.duplicates.push(Duplicate {
            table: column.entity_name().to_string(),
            column: column.as_str().to_owned(),
            field,
            message,
        });
        self
    }

    /// Runs `work` in a write transaction (`BEGIN IMMEDIATE` on SQLite, see
    /// [`begin_write`]): commits when it returns `Ok`, rolls back when it returns `Err`.
    pub async fn run<T>(
        self,
        work: impl AsyncFnOnce(&DatabaseTransaction) -> ServiceResult<T>,
    ) -> ServiceResult<T> {
        let txn = begin_write(self.db).await.map_err(|e| self.convert(e))?;
        let value = match work(&txn).await {
            Ok(value) => value,
            // Dropping the transaction rolls it back.
            Err(err) => return Err(self.convert(err)),
        };
        txn.commit().await.map_err(|e| self.convert(e))?;
        Ok(value)
    }

    /// A unique violation becomes `DUPLICATE`; every other error stays as it is.
    fn convert(&self, err: impl Into<ServiceError>) -> ServiceError {
        let err = err.into();
        let ServiceError::App(AppError::Internal(cause)) = &err else {
            return err;
        };
        let Some(violation) = cause.downcast_ref::<DbErr>().and_then(UniqueViolation::of) else {
            return err;
        };
        tracing::info!(table = ?violation.table, columns = ?violation.columns, "unique violation");
        let named = self.duplicates.iter().find(|d| {
            violation.table.as_deref().is_none_or(|t| t == d.table)
                && violation.columns.contains(&d.column)
        });
        match named {
            Some(d) => UserError::input(d.field, UserErrorCode::Duplicate, d.message).into(),
            None => UserError::general(UserErrorCode::Duplicate, "与已有记录重复").into(),
        }
    }
}

/// Which table and columns a unique-constraint violation was on, as far as the database
/// says: SQLite names `table.column` pairs in its message, PostgreSQL the table and, in the
/// detail, the key columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UniqueViolation {
    pub table: Option<String>,
    pub columns: Vec<String>,
}

impl UniqueViolation {
    /// The violation behind `err`, if it is one.
    pub fn of(err: &DbErr) -> Option<UniqueViolation> {
        let Some(SqlErr::UniqueConstraintViolation(message)) = err.sql_err() else {
            return None;
        };
        if let Some(pairs) = message.split("UNIQUE constraint failed: ").nth(1) {
            let mut table = None;
            let columns = pairs
                .split(", ")
                .filter_map(|pair| {
                    let (t, c) = pair.trim().split_once('.')?;
                    table = Some(t.to_owned());
                    Some(c.to_owned())
                })
                .collect();
            return Some(UniqueViolation { table, columns });
        }
        Some(postgres_details(err).unwrap_or(UniqueViolation {
            table: None,
            columns: Vec::new(),
        }))
    }
}

/// Table and key columns from a PostgreSQL error ("Key (user_id, base_id)=(…) already
/// exists.").
fn postgres_details(err: &DbErr) -> Option<UniqueViolation> {
    use sea_orm::RuntimeErr;
    use sea_orm::sqlx::postgres::PgDatabaseError;
    let (DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e))) = err
    else {
        return None;
    };
    let pg = e
        .as_database_error()?
        .try_downcast_ref::<PgDatabaseError>()?;
    let columns = pg
        .detail()
        .and_then(|d| d.strip_prefix("Key ("))
        .and_then(|d| d.split_once(")=").map(|(cols, _)| cols))
        .map(|cols| cols.split(", ").map(str::to_owned).collect())
        .unwrap_or_default();
    Some(UniqueViolation {
        table: pg.table().map(str::to_owned),
        columns,
    })
}
