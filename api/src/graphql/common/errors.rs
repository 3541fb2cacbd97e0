//! `UserError`, the problems a mutation reports in its payload, and the glue from service
//! results to payloads.

use async_graphql::{Enum, ErrorExtensions, SimpleObject};

use crate::service::{self, ServiceError, ServiceResult};

/// Why an input was refused.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::service::UserErrorCode")]
pub enum UserErrorCode {
    /// The value is malformed or breaks a rule.
    Invalid,
    /// A required value is missing.
    Required,
    /// The value must be unique and is already taken.
    Duplicate,
    /// A referenced object does not exist or is outside your scope.
    NotFound,
    /// The change conflicts with the current state of other data.
    Conflict,
    /// Someone changed the object since you read it: reload and retry with the new `version`.
    StaleVersion,
    /// No places are left.
    CapacityReached,
    /// The person's separate consent to process sensitive data is missing.
    ConsentRequired,
    /// The object's state does not allow this.
    InvalidState,
}

/// A problem with a mutation's input that the user can fix. Nothing was changed.
#[derive(SimpleObject, Clone, Debug)]
pub struct UserError {
    /// Path of the input field at fault, e.g. `["input", "idNumber"]`; null when the problem
    /// is with the input as a whole.
    pub field: Option<Vec<String>>,
    /// Stable code to switch on.
    pub code: UserErrorCode,
    /// A sentence to show the user (Chinese).
    pub message: String,
}

impl From<service::UserError> for UserError {
    fn from(err: service::UserError) -> Self {
        UserError {
            field: (!err.field.is_empty()).then_some(err.field),
            code: err.code.into(),
            message: err.message,
        }
    }
}

/// A mutation payload: the result on success, `userErrors` otherwise.
pub trait Payload: Sized {
    /// What the mutation produces.
    type Value;
    /// The payload of a success.
    fn ok(value: Self::Value) -> Self;
    /// The payload of a refusal.
    fn refused(errors: Vec<UserError>) -> Self;
}

/// Turns a service result into a payload; `AppError`s become GraphQL errors.
pub fn respond<P: Payload>(result: ServiceResult<P::Value>) -> async_graphql::Result<P> {
    match result {
        Ok(value) => Ok(P::ok(value)),
        Err(ServiceError::User(errors)) => {
            Ok(P::refused(errors.into_iter().map(Into::into).collect()))
        }
        Err(ServiceError::App(err)) => Err(err.extend()),
    }
}

/// Implements [`Payload`] for a payload whose result is one optional object field next to
/// `user_errors`: `object_payload!(BasePayload, base: base::Model => IncubationBase)`.
macro_rules! object_payload {
    ($payload:ident, $field:ident: $value:ty => $wrap:expr) => {
        impl $crate::graphql::common::Payload for $payload {
            type Value = $value;

            fn ok(value: $value) -> Self {
                $payload {
                    $field: Some($wrap(value)),
                    user_errors: Vec::new(),
                }
            }

            fn refused(user_errors: Vec<$crate::graphql::common::UserError>) -> Self {
                $payload {
                    $field: None,
                    user_errors,
                }
            }
        }
    };
}
pub(crate) use object_payload;
