//! What services return: the value, problems the user can fix (`UserError`s, shown in the
//! mutation payload), or an `AppError` that ends the request.

use crate::error::AppError;

/// Codes of problems the user can fix; the GraphQL `UserErrorCode` mirrors them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserErrorCode {
    Invalid,
    Required,
    Duplicate,
    NotFound,
    Conflict,
    StaleVersion,
    CapacityReached,
    ConsentRequired,
    InvalidState,
}

/// One problem with the input, pointing at the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    /// Path of the input field, e.g. `["input", "idNumber"]`; empty when no single field.
    pub field: Vec<String>,
    pub code: UserErrorCode,
    pub message: String,
}

impl UserError {
    /// A problem with `input.<field>`.
    pub fn input(field: &str, code: UserErrorCode, message: impl Into<String>) -> Self {
        UserError {
            field: vec!["input".to_owned(), field.to_owned()],
            code,
            message: message.into(),
        }
    }

    /// A problem with the whole input.
    pub fn general(code: UserErrorCode, message: impl Into<String>) -> Self {
        UserError {
            field: Vec::new(),
            code,
            message: message.into(),
        }
    }
}

/// Why a service call did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input has problems the user can fix; nothing was changed.
    #[error("invalid input")]
    User(Vec<UserError>),
    /// The request cannot go on.
    #[error(transparent)]
    App(#[from] AppError),
}

/// Outside a mutation payload (e.g. the command line) user errors become one message.
impl From<ServiceError> for AppError {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::App(app) => app,
            ServiceError::User(errors) => AppError::BadUserInput(
                errors
                    .into_iter()
                    .map(|e| format!("{}: {}", e.field.join("."), e.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        }
    }
}

impl From<sea_orm::DbErr> for ServiceError {
    fn from(err: sea_orm::DbErr) -> Self {
        ServiceError::App(err.into())
    }
}

impl From<UserError> for ServiceError {
    fn from(err: UserError) -> Self {
        ServiceError::User(vec![err])
    }
}

/// Result of a service call that may be refused with `UserError`s.
pub type ServiceResult<T> = Result<T, ServiceError>;

/// Collects problems while validating an input, so the user sees all of them at once.
#[derive(Debug, Default)]
pub struct Problems(Vec<UserError>);

impl Problems {
    /// Records one problem.
    pub fn push(&mut self, error: UserError) {
        self.0.push(error);
    }

    /// Records a problem with `input.<field>`.
    pub fn add(&mut self, field: &str, code: UserErrorCode, message: impl Into<String>) {
        self.push(UserError::input(field, code, message));
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The recorded problems.
    pub fn into_errors(self) -> Vec<UserError> {
        self.0
    }

    /// Ok when nothing was recorded, otherwise the recorded problems.
    pub fn into_result(self) -> ServiceResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::User(self.0))
        }
    }
}
