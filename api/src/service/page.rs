//! Keyset pagination over UUIDv7 keys. UUIDv7 is time-ordered, so ordering by id is
//! ordering by creation, and page 10,000 costs what page 1 costs.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use uuid::Uuid;

/// Which page to fetch: `limit` rows after (or before) a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageArgs {
    /// The first `limit` rows with a key above `after`.
    Forward { limit: u64, after: Option<Uuid> },
    /// The last `limit` rows with a key below `before`.
    Backward { limit: u64, before: Option<Uuid> },
}

/// One page of rows in ascending key order.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_previous: bool,
    pub has_next: bool,
}

/// Fetches one page of `select` (already filtered and scoped) ordered by `key`. One extra
/// row is read to learn whether there is more in the direction of travel.
pub async fn fetch<E, C>(
    db: &C,
    select: Select<E>,
    key: E::Column,
    args: PageArgs,
) -> Result<Page<E::Model>, DbErr>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    match args {
        PageArgs::Forward { limit, after } => {
            let mut select = select.order_by_asc(key).limit(limit + 1);
            if let Some(after) = after {
                select = select.filter(key.gt(after));
            }
            let mut items = select.all(db).await?;
            let has_next = items.len() as u64 > limit;
            items.truncate(limit as usize);
            Ok(Page {
                items,
                has_previous: after.is_some(),
                has_next,
            })
        }
        PageArgs::Backward { limit, before } => {
            let mut select = select.order_by_desc(key).limit(limit + 1);
            if let Some(before) = before {
                select = select.filter(key.lt(before));
            }
            let mut items = select.all(db).await?;
            let has_previous = items.len() as u64 > limit;
            items.truncate(limit as usize);
            items.reverse();
            Ok(Page {
                items,
                has_previous,
                has_next: before.is_some(),
            })
        }
    }
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
