//! Inputs of the account domain.

use async_graphql::{ID, InputObject};

use super::types::Role;

/// Credentials for `login`.
#[derive(InputObject)]
pub struct LoginInput {
    /// Sign-in name (case-insensitive).
    pub login: String,
    /// Password.
    pub password: String,
}

/// A refresh token, for `refreshToken` and `logout`.
#[derive(InputObject)]
pub struct RefreshInput {
    /// The refresh token from the last `login` or `refreshToken`.
    pub refresh_token: String,
}

/// A new account, for `createUser`.
#[derive(InputObject)]
pub struct CreateUserInput {
    /// Sign-in name: 3–64 letters, digits or `. _ - @`; stored in lower case, unique.
    pub login: String,
    /// Initial password, 12–128 characters.
    pub password: String,
    /// Name shown to others, 1–50 characters.
    pub display_name: String,
    /// What the account may do.
    pub role: Role,
    /// ADMIN: the region it governs (omit for nationwide; only a nationwide ADMIN may).
    /// Other roles: the account's home region. Must lie in your region.
    pub region_code: Option<String>,
    /// BASE_MANAGER / INSTRUCTOR: the bases the account works at (required, in your region).
    pub base_ids: Option<Vec<ID>>,
    /// PARTNER: the partner organisation.
    pub partner_id: Option<ID>,
    /// TRAINEE: the trainee record of this person.
    pub trainee_id: Option<ID>,
}

/// The account to stop, for `deactivateUser`.
#[derive(InputObject)]
pub struct DeactivateUserInput {
    /// The user; must be in your region (its region, one of its bases or its trainee's base).
    pub user_id: ID,
}

/// The account to restart, for `reactivateUser`.
#[derive(InputObject)]
pub struct ReactivateUserInput {
    /// The user; must be in your region (its region, one of its bases or its trainee's base).
    pub user_id: ID,
}

/// Your current and new password, for `changePassword`.
#[derive(InputObject)]
pub struct ChangePasswordInput {
    /// The password you signed in with.
    pub current_password: String,
    /// The new password, 12–128 characters, different from the current one.
    pub new_password: String,
}

/// A new password set by an ADMIN, for `resetPassword`.
#[derive(InputObject)]
pub struct ResetPasswordInput {
    /// The user; must be in your region (its region, one of its bases or its trainee's base).
    pub user_id: ID,
    /// The new password, 12–128 characters. Tell it to the user over a safe channel.
    pub new_password: String,
}
