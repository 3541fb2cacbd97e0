//! Relay connections over keyset pages: argument checks, opaque cursors and `totalCount`
//! computed only when selected.

use std::sync::Arc;

use async_graphql::connection::{Connection, CursorType, Edge};
use async_graphql::{Object, OutputType};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures_util::future::BoxFuture;
use uuid::Uuid;

use crate::error::AppError;
use crate::service::page::{Page, PageArgs};

/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: i32 = 20;
/// Largest page; asking for more is `BAD_USER_INPUT`, never a silent cut.
pub const MAX_PAGE_SIZE: i32 = 100;

/// An opaque cursor: the row's key, versioned so the format can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyCursor(pub Uuid);

const CURSOR_VERSION: &str = "k1:";

impl CursorType for KeyCursor {
    type Error = AppError;

    fn decode_cursor(s: &str) -> Result<Self, Self::Error> {
        URL_SAFE_NO_PAD
            .decode(s)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .and_then(|text| text.strip_prefix(CURSOR_VERSION).map(str::to_owned))
            .and_then(|id| Uuid::parse_str(&id).ok())
            .map(KeyCursor)
            .ok_or_else(|| AppError::BadUserInput("invalid cursor".to_owned()))
    }

    fn encode_cursor(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{CURSOR_VERSION}{}", self.0))
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
    let decode = |c: Option<String>| {
        c.map(|c| KeyCursor::decode_cursor(&c).map(|k| k.0))
            .transpose()
    };
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

/// The cost of a paged list field (one that takes `first`) for the complexity limit
/// (`guard::limits`): its page size times what is selected inside it.
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

/// A Relay connection keyed by UUIDv7 ids, with `totalCount`.
pub type KeyConnection<N> = Connection<KeyCursor, N, TotalCount>;

/// Builds a connection from a page, the key of each row and how a row becomes a node.
pub fn connection<M, N: OutputType>(
    page: Page<M>,
    key: impl Fn(&M) -> Uuid,
    node: impl Fn(M) -> N,
    total: TotalCount,
) -> KeyConnection<N> {
    let mut conn = Connection::with_additional_fields(page.has_previous, page.has_next, total);
    conn.edges = page
        .items
        .into_iter()
        .map(|item| Edge::new(KeyCursor(key(&item)), node(item)))
        .collect();
    conn
}
