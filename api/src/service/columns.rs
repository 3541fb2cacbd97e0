//! Reading a row's columns by position, for the rows lists read by the hundred.
//!
//! sea-orm's derived models read every column by name (a hashed lookup per column), and read
//! a NULL in an `Option` column by building and discarding an error that formats the
//! column's name. In the load benchmark that was a tenth of the server's CPU for a page of
//! enrolments and trainees. A row type that reads its columns here lists them once
//! ([`Columns::select`]) and reads them back in that order.

use sea_orm::sqlx::{Row, ValueRef};
use sea_orm::{ColumnTrait, DbErr, QueryResult, QuerySelect, TryGetable};

/// A cursor over one result row's columns, in select order.
pub struct Columns<'a> {
    row: &'a QueryResult,
    next: usize,
}

impl<'a> Columns<'a> {
    /// The columns of `row`. A positional row cannot be read under a nested model's prefix.
    pub fn of(row: &'a QueryResult, prefix: &str) -> Result<Self, DbErr> {
        if !prefix.is_empty() {
            return Err(DbErr::Type(format!(
                "a row read by position cannot be nested (prefix {prefix:?})"
            )));
        }
        Ok(Columns { row, next: 0 })
    }

    /// `select` projected onto exactly `columns`, in their order: what [`Columns::get`] reads.
    pub fn select<S: QuerySelect, C: ColumnTrait>(select: S, columns: &[C]) -> S {
        columns.iter().fold(select.select_only(), |select, column| {
            select.column(*column)
        })
    }

    /// The next column, which must not be NULL.
    pub fn get<T: TryGetable>(&mut self) -> Result<T, DbErr> {
        let index = self.advance();
        self.row.try_get_by_index(index)
    }

    /// The next column, None when NULL.
    pub fn get_nullable<T: TryGetable>(&mut self) -> Result<Option<T>, DbErr> {
        let index = self.advance();
        match is_null(self.row, index) {
            Some(true) => Ok(None),
            Some(false) => self.row.try_get_by_index(index).map(Some),
            None => self.row.try_get_by_index::<Option<T>>(index),
        }
    }

    /// Whether columns are left to read.
    pub fn has_more(&self) -> bool {
        self.next < column_count(self.row)
    }

    /// Whether the next column is NULL (a LEFT JOIN that matched nothing), without reading
    /// it.
    pub fn next_is_null(&self) -> Result<bool, DbErr> {
        is_null(self.row, self.next).ok_or_else(|| {
            DbErr::Type(format!(
                "column {} cannot be asked whether it is NULL",
                self.next
            ))
        })
    }

    fn advance(&mut self) -> usize {
        self.next += 1;
        self.next - 1
    }
}

/// How many columns `row` has (none for a row of another kind than the two databases').
fn column_count(row: &QueryResult) -> usize {
    if let Some(row) = row.try_as_pg_row() {
        return row.len();
    }
    row.try_as_sqlite_row().map_or(0, Row::len)
}

/// Whether column `index` of `row` is NULL, asked of the driver's row; None for a row of
/// another kind (which sea-orm's own `Option` reading then handles).
fn is_null(row: &QueryResult, index: usize) -> Option<bool> {
    if let Some(row) = row.try_as_pg_row() {
        return row.try_get_raw(index).ok().map(|value| value.is_null());
    }
    if let Some(row) = row.try_as_sqlite_row() {
        return row.try_get_raw(index).ok().map(|value| value.is_null());
    }
    None
}
