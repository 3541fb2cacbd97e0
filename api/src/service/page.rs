//! Keyset pagination over `(sort key, id)`: page 10,000 costs what page 1 costs, ties in the
//! sort key are broken by the id, and a page may be read forwards (`first`/`after`) or
//! backwards (`last`/`before`) in either sort direction. Cursors are typed: they name the sort
//! they came from, and a cursor of another sort is `BAD_USER_INPUT`.
//!
//! ```ignore
//! let order = Order::by("name", trainee::Column::Name, trainee::Column::Id).direction(Direction::Desc);
//! let page = page::fetch(db, select, &order, &args).await?;   // one page
//! let cursor = order.cursor(&page.items[0]);                  // what the edge carries
//! ```
//!
//! [`fetch_per_parent`] pages a nested connection for many parents in one statement.

mod cursor;
mod per_parent;

use sea_orm::sea_query::{
    Condition, Expr, ExprTrait, NullOrdering, Order as SqlOrder, SelectStatement, Value,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, ModelTrait,
    PaginatorTrait, QueryTrait, Select, Statement,
};
use uuid::Uuid;

pub use cursor::{BY_ID, Cursor, Key};
pub use per_parent::{count_per_parent, fetch_per_parent, per_parent_statement};

/// A row a list can be paged by: an entity's model, or a narrower read of the same table that
/// carries the sort and parent columns.
pub trait Row<E: EntityTrait>: FromQueryResult + Send + Sync {
    /// The value of `column` (the columns a sort or a parent page names).
    fn column_value(&self, column: E::Column) -> Value;
}

impl<M> Row<M::Entity> for M
where
    M: ModelTrait + FromQueryResult + Send + Sync,
{
    fn column_value(&self, column: <M::Entity as EntityTrait>::Column) -> Value {
        self.get(column)
    }
}

use crate::error::AppError;

/// Which page to fetch: `limit` rows after (or before) a cursor.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PageArgs {
    /// The first `limit` rows after `after`.
    Forward { limit: u64, after: Option<Cursor> },
    /// The last `limit` rows before `before`.
    Backward { limit: u64, before: Option<Cursor> },
}

impl PageArgs {
    fn limit(&self) -> u64 {
        match self {
            PageArgs::Forward { limit, .. } | PageArgs::Backward { limit, .. } => *limit,
        }
    }

    fn cursor(&self) -> Option<&Cursor> {
        match self {
            PageArgs::Forward { after, .. } => after.as_ref(),
            PageArgs::Backward { before, .. } => before.as_ref(),
        }
    }

    fn forward(&self) -> bool {
        matches!(self, PageArgs::Forward { .. })
    }
}

/// One page of rows in the list's order.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_previous: bool,
    pub has_next: bool,
}

impl<T> Page<T> {
    /// The same page with every row turned into `f(row)`.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            has_previous: self.has_previous,
            has_next: self.has_next,
        }
    }

    /// A page with no rows (e.g. for a parent without children).
    pub fn empty(args: &PageArgs) -> Self {
        Page {
            items: Vec::new(),
            has_previous: args.forward() && args.cursor().is_some(),
            has_next: !args.forward() && args.cursor().is_some(),
        }
    }

    /// Builds a page from rows read in scan order, one more than `limit` if there are more.
    fn from_scan(mut items: Vec<T>, args: &PageArgs) -> Self {
        let limit = usize::try_from(args.limit()).unwrap_or(usize::MAX);
        let more = items.len() > limit;
        items.truncate(limit);
        let from_cursor = args.cursor().is_some();
        if args.forward() {
            Page {
                items,
                has_previous: from_cursor,
                has_next: more,
            }
        } else {
            items.reverse();
            Page {
                items,
                has_previous: more,
                has_next: from_cursor,
            }
        }
    }
}

/// Sort direction of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Direction {
    #[default]
    Asc,
    Desc,
}

/// How a list is sorted: by a column (ties broken by id) or by id alone, in a direction.
#[derive(Debug, Clone, Copy)]
pub struct Order<E: EntityTrait> {
    name: &'static str,
    key: Option<E::Column>,
    id: E::Column,
    direction: Direction,
}

impl<E: EntityTrait> Order<E> {
    /// By id: creation order for UUIDv7 keys. Its cursors are those of version 1 too.
    pub fn by_id(id: E::Column) -> Self {
        Order {
            name: BY_ID,
            key: None,
            id,
            direction: Direction::Asc,
        }
    }

    /// By `key`, then `id`. `name` goes into cursors, so a cursor of one sort is refused by
    /// another. `key` is a text (or text enum), integer, date, time or UUID column; a nullable
    /// key sorts its NULLs after every value.
    pub fn by(name: &'static str, key: E::Column, id: E::Column) -> Self {
        Order {
            name,
            key: Some(key),
            id,
            direction: Direction::Asc,
        }
    }

    /// The same sort in `direction`.
    pub fn direction(mut self, direction: Direction) -> Self {
        self.direction = direction;
        self
    }

    /// The cursor of a row in this order.
    pub fn cursor(&self, row: &impl Row<E>) -> Cursor {
        let id = match row.column_value(self.id) {
            Value::Uuid(Some(id)) => id,
            _ => Uuid::nil(),
        };
        Cursor {
            sort: self.name.to_owned(),
            key: self
                .key
                .map(|k| Key::of(row.column_value(k)).unwrap_or(Key::Null)),
            id,
        }
    }

    /// Refuses a cursor made by another sort (or one without the key this sort needs).
    fn check(&self, cursor: &Cursor) -> Result<(), AppError> {
        let fits = cursor.sort == self.name && cursor.key.is_some() == self.key.is_some();
        if fits {
            Ok(())
        } else {
            Err(AppError::BadUserInput(
                "游标（cursor）不属于当前排序，请从第一页重新开始".to_owned(),
            ))
        }
    }

    fn nullable(&self) -> bool {
        self.key.is_some_and(|k| k.def().is_null())
    }

    /// Whether the rows are read in ascending order (forwards ascending or backwards
    /// descending; a backward page is read in reverse and turned around).
    fn ascending(&self, args: &PageArgs) -> bool {
        (self.direction == Direction::Asc) == args.forward()
    }

    /// Rows strictly beyond `cursor` in the reading order. The `(key, id)` row-value
    /// comparison is a range on a `(key, id)` index on both databases.
    fn beyond(&self, cursor: &Cursor, ascending: bool) -> Condition {
        let id_col = Expr::col(self.id.as_column_ref());
        let id = Expr::val(cursor.id);
        let Some(key_col) = self.key.map(|k| Expr::col(k.as_column_ref())) else {
            return Condition::all().add(if ascending {
                id_col.gt(id)
            } else {
                id_col.lt(id)
            });
        };
        match (cursor.key.as_ref(), ascending) {
            (Some(Key::Null) | None, true) => {
                Condition::all().add(key_col.is_null()).add(id_col.gt(id))
            }
            (Some(Key::Null) | None, false) => Condition::any()
                .add(
                    Condition::all()
                        .add(key_col.clone().is_null())
                        .add(id_col.lt(id)),
                )
                .add(key_col.is_not_null()),
            (Some(key), true) => {
                let pair = Expr::tuple([key_col.clone(), id_col]);
                let after = pair.gt(Expr::tuple([Expr::val(key.value()), id]));
                if self.nullable() {
                    Condition::any().add(after).add(key_col.is_null())
                } else {
                    Condition::all().add(after)
                }
            }
            (Some(key), false) => {
                let pair = Expr::tuple([key_col, id_col]);
                Condition::all().add(pair.lt(Expr::tuple([Expr::val(key.value()), id])))
            }
        }
    }

    /// Adds the cursor condition, the order and the limit (one extra row) to a query.
    fn apply(&self, query: &mut SelectStatement, args: &PageArgs) -> Result<(), AppError> {
        let ascending = self.ascending(args);
        if let Some(cursor) = args.cursor() {
            self.check(cursor)?;
            query.cond_where(self.beyond(cursor, ascending));
        }
        for (column, order, nulls) in self.sort_terms(ascending) {
            let column = Expr::col(column.as_column_ref());
            match nulls {
                Some(nulls) => query.order_by_expr_with_nulls(column, order, nulls),
                None => query.order_by_expr(column, order),
            };
        }
        query.limit(args.limit() + 1);
        Ok(())
    }

    /// The ORDER BY terms of the reading order. NULLS FIRST/LAST is written only for a
    /// nullable key: on a NOT NULL key it would keep SQLite from reading the index in order.
    fn sort_terms(&self, ascending: bool) -> Vec<(E::Column, SqlOrder, Option<NullOrdering>)> {
        let (order, nulls) = if ascending {
            (SqlOrder::Asc, NullOrdering::Last)
        } else {
            (SqlOrder::Desc, NullOrdering::First)
        };
        let mut terms = Vec::with_capacity(2);
        if let Some(key) = self.key {
            terms.push((key, order.clone(), self.nullable().then_some(nulls)));
        }
        terms.push((self.id, order, None));
        terms
    }
}

/// The statement [`fetch`] runs (for tests and EXPLAIN).
pub fn statement<E: EntityTrait>(
    backend: DbBackend,
    select: Select<E>,
    order: &Order<E>,
    args: &PageArgs,
) -> Result<Statement, AppError> {
    let mut query = select.into_query();
    order.apply(&mut query, args)?;
    Ok(backend.build(&query))
}

/// Fetches one page of `select` (already filtered and scoped) in `order`. One extra row is
/// read to learn whether there is more in the direction of travel.
pub async fn fetch<E, R, C>(
    db: &C,
    select: Select<E>,
    order: &Order<E>,
    args: &PageArgs,
) -> Result<Page<R>, AppError>
where
    E: EntityTrait,
    R: Row<E>,
    C: ConnectionTrait,
{
    let statement = statement(db.get_database_backend(), select, order, args)?;
    let rows = R::find_by_statement(statement).all(db).await?;
    Ok(Page::from_scan(rows, args))
}

/// Counts the rows of a filtered, scoped select (for `totalCount`, only when asked for).
pub async fn count<E, C>(db: &C, select: Select<E>) -> Result<u64, DbErr>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
{
    select.count(db).await
}
