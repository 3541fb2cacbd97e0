//! Pages of a nested connection for many parents at once (`bases { trainees(first: 5) }`):
//! one statement for all parents that reads only the rows it returns, through the
//! `(parent, sort key, id)` index.
//!
//! - PostgreSQL: the parents as a `VALUES` list, `JOIN LATERAL` a per-parent keyset page
//!   (`WHERE parent = parents.column1 … ORDER BY … LIMIT n+1`).
//! - SQLite (no LATERAL): a `UNION ALL` of the same per-parent pages, each its own index
//!   range scan.
//!
//! A window function (`ROW_NUMBER() OVER (PARTITION BY parent …)`) would number every row of
//! every parent before keeping the first few; these read `n+1` rows per parent.
//!
//! On PostgreSQL a page ordered by id alone is not sorted again outside the `LATERAL`: that
//! sort copied every row of every page (a tenth of PostgreSQL's time for the benchmark's
//! enrolment pages). Its rows are grouped by parent here and put in id order, which costs a
//! check when they already are. A page sorted by another key keeps the outer sort: a text key
//! sorts by the database's collation, which Rust does not know.

use std::collections::HashMap;

use sea_orm::sea_query::{
    Alias, Asterisk, Expr, ExprTrait, JoinType, Query, SelectStatement, UnionType,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QuerySelect,
    QueryTrait, Select, Statement, Value,
};
use uuid::Uuid;

use super::{Order, Page, PageArgs, Row};
use crate::error::AppError;

/// Parents per statement: SQLite allows 500 terms in a compound SELECT. A request level asks
/// for at most one page of parents (100), so this limit is not reached in practice.
const MAX_PARENTS: usize = 400;

/// The statement [`fetch_per_parent`] runs for one chunk of parents (for tests and EXPLAIN).
pub fn per_parent_statement<E>(
    backend: DbBackend,
    select: Select<E>,
    parent: E::Column,
    parents: &[Uuid],
    order: &Order<E>,
    args: &PageArgs,
) -> Result<Statement, AppError>
where
    E: EntityTrait,
{
    let ascending = order.ascending(args);
    let query = if backend == DbBackend::Postgres {
        let list = Alias::new("parents");
        let page = Alias::new("page");
        let mut inner = select.into_query();
        inner.cond_where(
            Expr::col(parent.as_column_ref()).equals((list.clone(), Alias::new("column1"))),
        );
        order.apply(&mut inner, args)?;
        let mut outer = Query::select();
        outer
            .column((page.clone(), Asterisk))
            .from_values(parents.iter().copied(), list)
            .join_lateral(JoinType::InnerJoin, inner, page.clone(), Expr::val(true));
        if order.key.is_some() {
            outer.order_by((page.clone(), parent), sea_orm::Order::Asc);
            for (column, direction, nulls) in order.sort_terms(ascending) {
                let column = Expr::col((page.clone(), column));
                match nulls {
                    Some(nulls) => outer.order_by_expr_with_nulls(column, direction, nulls),
                    None => outer.order_by_expr(column, direction),
                };
            }
        }
        outer
    } else {
        let mut branches = Vec::with_capacity(parents.len());
        for (index, id) in parents.iter().enumerate() {
            let mut inner = select.clone().into_query();
            inner.cond_where(Expr::col(parent.as_column_ref()).eq(*id));
            order.apply(&mut inner, args)?;
            let branch: SelectStatement = Query::select()
                .column(Asterisk)
                .from_subquery(inner, Alias::new(format!("p{index}")))
                .to_owned();
            branches.push(branch);
        }
        let mut branches = branches.into_iter();
        let mut outer = branches
            .next()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("no parents to page")))?;
        for branch in branches {
            outer.union(UnionType::All, branch);
        }
        // A compound SELECT orders by its result columns, named without a table.
        outer.order_by(parent, sea_orm::Order::Asc);
        for (column, direction, nulls) in order.sort_terms(ascending) {
            match nulls {
                Some(nulls) => outer.order_by_expr_with_nulls(Expr::col(column), direction, nulls),
                None => outer.order_by_expr(Expr::col(column), direction),
            };
        }
        outer
    };
    Ok(backend.build(&query))
}

/// One page per parent of `select` (already filtered and scoped), keyed by the `parent`
/// column, in one statement for all parents. Parents without rows get an empty page.
pub async fn fetch_per_parent<E, R, C>(
    db: &C,
    select: Select<E>,
    parent: E::Column,
    parents: &[Uuid],
    order: &Order<E>,
    args: &PageArgs,
) -> Result<HashMap<Uuid, Page<R>>, AppError>
where
    E: EntityTrait,
    R: Row<E>,
    C: ConnectionTrait,
{
    let mut rows_of: HashMap<Uuid, Vec<R>> = HashMap::new();
    for chunk in parents.chunks(MAX_PARENTS) {
        let statement = per_parent_statement(
            db.get_database_backend(),
            select.clone(),
            parent,
            chunk,
            order,
            args,
        )?;
        for row in R::find_by_statement(statement).all(db).await? {
            if let Value::Uuid(Some(id)) = row.column_value(parent) {
                rows_of.entry(id).or_default().push(row);
            }
        }
    }
    if order.key.is_none() {
        let ascending = order.ascending(args);
        for rows in rows_of.values_mut() {
            in_id_order(rows, order.id, ascending);
        }
    }
    Ok(parents
        .iter()
        .map(|id| {
            let page = match rows_of.remove(id) {
                Some(rows) => Page::from_scan(rows, args),
                None => Page::empty(args),
            };
            (*id, page)
        })
        .collect())
}

/// Puts a parent's rows in id order (the reading order of a page by id).
fn in_id_order<E: EntityTrait, R: Row<E>>(rows: &mut [R], id: E::Column, ascending: bool) {
    let id_of = |row: &R| match row.column_value(id) {
        Value::Uuid(Some(id)) => id,
        _ => Uuid::nil(),
    };
    let reading_order = |a: &R, b: &R| {
        let by_id = id_of(a).cmp(&id_of(b));
        if ascending { by_id } else { by_id.reverse() }
    };
    if !rows.is_sorted_by(|a, b| reading_order(a, b).is_le()) {
        rows.sort_unstable_by(reading_order);
    }
}

/// How many rows of `select` each parent has, in one grouped statement. Parents without
/// rows are absent from the map.
pub async fn count_per_parent<E, C>(
    db: &C,
    select: Select<E>,
    parent: E::Column,
    parents: &[Uuid],
) -> Result<HashMap<Uuid, u64>, DbErr>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let counts: Vec<(Uuid, i64)> = select
        .filter(parent.is_in(parents.iter().copied()))
        .select_only()
        .column(parent)
        .column_as(Expr::cust("COUNT(*)"), "count")
        .group_by(parent)
        .into_tuple()
        .all(db)
        .await?;
    Ok(counts
        .into_iter()
        .map(|(id, count)| (id, u64::try_from(count).unwrap_or(0)))
        .collect())
}

#[cfg(test)]
mod tests {
    use entity::trainee;
    use sea_orm::{QueryResult, sea_query::Value};

    use super::*;

    #[derive(Debug, PartialEq)]
    struct Listed(Uuid);

    impl sea_orm::FromQueryResult for Listed {
        fn from_query_result(row: &QueryResult, prefix: &str) -> Result<Self, DbErr> {
            Ok(Listed(row.try_get(prefix, "id")?))
        }
    }

    impl Row<trainee::Entity> for Listed {
        fn column_value(&self, _: trainee::Column) -> Value {
            self.0.into()
        }
    }

    #[test]
    fn a_parents_rows_are_put_in_id_order_in_the_reading_direction() {
        let ids: Vec<Uuid> = (1..=4u128).map(Uuid::from_u128).collect();
        let listed = |order: [usize; 4]| Vec::from(order.map(|i| Listed(ids[i])));
        for (given, ascending, expected) in [
            (listed([2, 0, 3, 1]), true, listed([0, 1, 2, 3])),
            (listed([0, 1, 2, 3]), true, listed([0, 1, 2, 3])),
            (listed([2, 0, 3, 1]), false, listed([3, 2, 1, 0])),
            (listed([0, 1, 2, 3]), false, listed([3, 2, 1, 0])),
        ] {
            let mut rows = given;
            in_id_order::<trainee::Entity, _>(&mut rows, trainee::Column::Id, ascending);
            assert_eq!(rows, expected, "ascending: {ascending}");
        }
    }
}
