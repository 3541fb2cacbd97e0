//! Reading a row's columns by position, for the rows lists read by the hundred.
//!
//! sea-orm's derived models read every column by name (a hashed lookup per column), and read
//! a NULL in an `Option` column by building and discarding an error that formats the
//! column's name. Even by index, each value passes through sea-orm's reader and sqlx's type
//! check before it is decoded. In the load benchmark that was a quarter of the server's CPU
//! for a page of enrolments with their trainees. A row type that reads its columns here lists
//! them once ([`Columns::select`]) and reads them back in that order, decoded by the driver's
//! own decoder: the select names each column, so its type is known, and a value that does not
//! decode as asked is an error, never a guess.

use sea_orm::sea_query::Expr;
use sea_orm::sqlx::postgres::PgRow;
use sea_orm::sqlx::sqlite::SqliteRow;
use sea_orm::sqlx::{Decode, Postgres, Row, Sqlite, ValueRef};
use sea_orm::{ActiveEnum, ColumnTrait, DbErr, EntityTrait, IdenStatic, QueryResult, QuerySelect};

/// A value both databases' drivers decode (text, numbers, UUIDs, dates and instants).
pub trait Column: for<'r> Decode<'r, Postgres> + for<'r> Decode<'r, Sqlite> {}

impl<T> Column for T where T: for<'r> Decode<'r, Postgres> + for<'r> Decode<'r, Sqlite> {}

/// The driver's row behind a [`QueryResult`].
#[derive(Clone, Copy)]
enum DriverRow<'a> {
    Postgres(&'a PgRow),
    Sqlite(&'a SqliteRow),
}

/// A cursor over one result row's columns, in select order.
pub struct Columns<'a> {
    row: DriverRow<'a>,
    next: usize,
    /// An enum's string value, borrowed from the row and copied here: sea-orm's conversion
    /// takes a `&String`, and a new one for every enum of every row was a measurable share
    /// of the allocations of a joined page.
    enum_value: String,
}

impl<'a> Columns<'a> {
    /// The columns of `row`. A positional row cannot be read under a nested model's prefix.
    pub fn of(row: &'a QueryResult, prefix: &str) -> Result<Self, DbErr> {
        if !prefix.is_empty() {
            return Err(DbErr::Type(format!(
                "a row read by position cannot be nested (prefix {prefix:?})"
            )));
        }
        let row = if let Some(row) = row.try_as_pg_row() {
            DriverRow::Postgres(row)
        } else if let Some(row) = row.try_as_sqlite_row() {
            DriverRow::Sqlite(row)
        } else {
            return Err(DbErr::Type(
                "a row read by position must come from PostgreSQL or SQLite".to_owned(),
            ));
        };
        Ok(Columns {
            row,
            next: 0,
            enum_value: String::new(),
        })
    }

    /// `select` projected onto exactly `columns`, in their order: what [`Columns::get`] reads.
    pub fn select<S: QuerySelect, C: ColumnTrait>(select: S, columns: &[C]) -> S {
        columns.iter().fold(select.select_only(), |select, column| {
            select.column(*column)
        })
    }

    /// `select` also reading `columns` of the joined `table`, each named `{prefix}{column}` so
    /// none clashes with the select's own (a nested page's `SELECT page.*` needs distinct
    /// names, and by-name readers find them under the prefix).
    pub fn select_joined<S, E>(
        select: S,
        table: E,
        columns: impl IntoIterator<Item = E::Column>,
        prefix: &str,
    ) -> S
    where
        S: QuerySelect,
        E: EntityTrait,
    {
        columns.into_iter().fold(select, |select, column| {
            select.column_as(
                Expr::col((table, column)),
                format!("{prefix}{}", column.as_str()),
            )
        })
    }

    /// The next column, which must not be NULL.
    pub fn get<T: Column>(&mut self) -> Result<T, DbErr> {
        let index = self.next;
        self.get_nullable()?
            .ok_or_else(|| DbErr::Type(format!("column {index} is NULL")))
    }

    /// The next column, None when NULL.
    pub fn get_nullable<T: Column>(&mut self) -> Result<Option<T>, DbErr> {
        let index = self.next;
        self.next += 1;
        match self.row {
            DriverRow::Postgres(row) => row.try_get_unchecked(index),
            DriverRow::Sqlite(row) => row.try_get_unchecked(index),
        }
        .map_err(|error| DbErr::Type(format!("column {index}: {error}")))
    }

    /// The next column, an enum stored as its string value.
    pub fn get_enum<E: ActiveEnum<Value = String>>(&mut self) -> Result<E, DbErr> {
        let index = self.next;
        self.get_nullable_enum()?
            .ok_or_else(|| DbErr::Type(format!("column {index} is NULL")))
    }

    /// The next column, an enum stored as its string value; None when NULL.
    pub fn get_nullable_enum<E: ActiveEnum<Value = String>>(&mut self) -> Result<Option<E>, DbErr> {
        let index = self.next;
        self.next += 1;
        let value: Option<&str> = match self.row {
            DriverRow::Postgres(row) => row.try_get_unchecked(index),
            DriverRow::Sqlite(row) => row.try_get_unchecked(index),
        }
        .map_err(|error| DbErr::Type(format!("column {index}: {error}")))?;
        let Some(value) = value else {
            return Ok(None);
        };
        self.enum_value.clear();
        self.enum_value.push_str(value);
        E::try_from_value(&self.enum_value).map(Some)
    }

    /// Whether columns are left to read.
    pub fn has_more(&self) -> bool {
        let count = match self.row {
            DriverRow::Postgres(row) => row.len(),
            DriverRow::Sqlite(row) => row.len(),
        };
        self.next < count
    }

    /// Whether the next column is NULL (a LEFT JOIN that matched nothing), without reading
    /// it.
    pub fn next_is_null(&self) -> Result<bool, DbErr> {
        let index = self.next;
        match self.row {
            DriverRow::Postgres(row) => row.try_get_raw(index).map(|value| value.is_null()),
            DriverRow::Sqlite(row) => row.try_get_raw(index).map(|value| value.is_null()),
        }
        .map_err(|error| DbErr::Type(format!("column {index}: {error}")))
    }
}

/// Asserts that `columns` are every column of `E`, in the model's order: a row read by
/// position must list them as the model declares its fields, or two columns of one type
/// could swap unseen.
#[cfg(test)]
pub fn assert_every_column_in_model_order<E: EntityTrait>(columns: &[E::Column]) {
    use sea_orm::Iterable;
    let listed: Vec<&str> = columns.iter().map(|column| column.as_str()).collect();
    let declared: Vec<&str> = E::Column::iter().map(|column| column.as_str()).collect();
    assert_eq!(listed, declared);
}
