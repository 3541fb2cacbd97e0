//! Errors that end a request: each maps to a stable `extensions.code` (API.md). Database
//! and other internal errors are logged with the request id and never shown.

use async_graphql::ErrorExtensions;
use sea_orm::DbErr;

/// A failure that is not the user's to fix in a form: authentication, permission, limits or
/// an internal fault. Fixable input problems are `UserError`s in mutation payloads instead.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No credentials where some are needed, or bad or expired ones.
    #[error("authentication required")]
    Unauthenticated,
    /// The caller's role may never do this.
    #[error("not allowed")]
    Forbidden,
    /// The object does not exist or is outside the caller's scope.
    #[error("not found")]
    NotFound,
    /// An argument is malformed (not a form field: e.g. `first` above the cap).
    #[error("{0}")]
    BadUserInput(String),
    /// Too many attempts; try again later.
    #[error("too many attempts, try again in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    /// The query exceeds a configured limit.
    #[error("{0}")]
    QueryTooComplex(String),
    /// Anything else: the cause is logged, the caller sees a generic message.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    /// The stable code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "UNAUTHENTICATED",
            AppError::Forbidden => "FORBIDDEN",
            AppError::NotFound => "NOT_FOUND",
            AppError::BadUserInput(_) => "BAD_USER_INPUT",
            AppError::RateLimited { .. } => "RATE_LIMITED",
            AppError::QueryTooComplex(_) => "QUERY_TOO_COMPLEX",
            AppError::Internal(_) => "INTERNAL",
        }
    }

    /// Wraps any internal failure.
    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(err.into())
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        AppError::Internal(err.into())
    }
}

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        if let AppError::Internal(cause) = self {
            tracing::error!(error = ?cause, "internal error");
        }
        async_graphql::Error::new(self.to_string()).extend_with(|_, ext| {
            ext.set("code", self.code());
            if let AppError::RateLimited { retry_after_secs } = self {
                ext.set("retryAfter", *retry_after_secs);
            }
        })
    }
}

/// Converts a result into a resolver result, keeping the error's `extensions.code` (the
/// blanket `From<Display>` of async-graphql would drop it).
pub trait GqlResultExt<T> {
    /// The result with an error carrying its code.
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T, E: Into<AppError>> GqlResultExt<T> for Result<T, E> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| e.into().extend())
    }
}
