//! Relay connections over keyset pages: argument checks, opaque cursors and `totalCount`
//! computed only when selected.

use std::sync::Arc;

use async_graphql::connection::{Connection, CursorType, Edge};
use async_graphql::{Enum, Object, OutputType};
use futures_util::future::BoxFuture;

use crate::error::AppError;
use crate::service::page::{Cursor, Page, PageArgs};

/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: i32 = 20;
/// Largest page; asking for more is `BAD_USER_INPUT`, never a silent cut.
pub const MAX_PAGE_SIZE: i32 = 100;

/// Which way a sorted list runs.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
#[graphql(remote = "crate::service::page::Direction")]
pub enum SortDirection {
    /// Smallest first (A to Z, oldest first).
    #[default]
    Asc,
    /// Largest first (Z to A, newest first).
    Desc,
}

/// Cursors are the services' typed, versioned keyset positions, opaque to clients.
impl CursorType for Cursor {
    type Error = AppError;

    fn decode_cursor(s: &str) -> Result<Self, Self::Error> {
        Cursor::decode(s)
    }

    fn encode_cursor(&self) -> String {
        self.encode()
    }
}

/// Checks Relay arguments and turns them into a keyset page request.
pub fn page_args(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> Result<PageArgs, AppError> {
    let size = |n: i32, name: &str| {
        if (0..=MAX_PAGE_SIZE).contains(&n) {
            Ok(n as u64)
        } else {
            Err(AppError::BadUserInput(format!(
                "`{name}` must be between 0 and {MAX_PAGE_SIZE}"
            )))
        }
    };
    let decode = |c: Option<String>| c.map(|c| Cursor::decode(&c)).transpose();
    match (first, last) {
        (Some(_), Some(_)) => Err(AppError::BadUserInput(
            "use either `first` or `last`, not both".to_owned(),
        )),
        (None, Some(last)) => {
            if after.is_some() {
                return Err(AppError::BadUserInput(
                    "`last` goes with `before`, not `after`".to_owned(),
                ));
            }
            Ok(PageArgs::Backward {
                limit: size(last, "last")?,
                before: decode(before)?,
            })
        }
        (first, None) => {
            if before.is_some() {
                return Err(AppError::BadUserInput(
                    "`before` goes with `last`".to_owned(),
                ));
            }
            Ok(PageArgs::Forward {
                limit: size(first.unwrap_or(DEFAULT_PAGE_SIZE), "first")?,
                after: decode(after)?,
            })
        }
    }
}

/// The cost of a connection field for the complexity limit: its page size times what is
/// selected inside it.
pub fn cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let size = first
        .or(last)
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .clamp(1, MAX_PAGE_SIZE) as usize;
    size.saturating_mul(child_complexity).saturating_add(1)
}

type CountFuture = BoxFuture<'static, async_graphql::Result<u64>>;

/// The `totalCount` of a connection, counted by its own statement only when selected.
#[derive(Clone)]
pub struct TotalCount(Arc<dyn Fn() -> CountFuture + Send + Sync>);

impl TotalCount {
    /// A count computed by `count` when the field is selected.
    pub fn new<F>(count: F) -> Self
    where
        F: Fn() -> CountFuture + Send + Sync + 'static,
    {
        TotalCount(Arc::new(count))
    }
}

#[Object]
impl TotalCount {
    /// How many items match, over all pages.
    async fn total_count(&self) -> async_graphql::Result<i64> {
        let count = (self.0)().await?;
        Ok(i64::try_from(count).unwrap_or(i64::MAX))
    }
}

/// A Relay connection with keyset cursors and `totalCount`.
pub type KeyConnection<N> = Connection<Cursor, N, TotalCount>;

/// Builds a connection from a page, the cursor of each row and how a row becomes a node.
/// `cursor` gives a row's id for lists in id order, or `order.cursor(row)` for a sorted one.
pub fn connection<M, N: OutputType, C: Into<Cursor>>(
    page: Page<M>,
    cursor: impl Fn(&M) -> C,
    node: impl Fn(M) -> N,
    total: TotalCount,
) -> KeyConnection<N> {
    let mut conn = Connection::with_additional_fields(page.has_previous, page.has_next, total);
    conn.edges = page
        .items
        .into_iter()
        .map(|item| Edge::new(cursor(&item).into(), node(item)))
        .collect();
    conn
}
