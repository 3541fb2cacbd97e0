//! The caller of a request and the part of the network it may see.

use entity::Role;
use uuid::Uuid;

use crate::error::AppError;

/// Who is calling.
#[derive(Debug, Clone)]
pub enum Actor {
    /// No credentials: may read only public data.
    Anonymous,
    /// A signed-in person.
    User(UserActor),
}

/// A signed-in person, as their access token describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserActor {
    pub user_id: Uuid,
    pub role: Role,
    /// ADMIN: the governed region (None = nationwide).
    pub region_code: Option<String>,
    /// BASE_MANAGER / INSTRUCTOR: the bases worked at.
    pub base_ids: Vec<Uuid>,
    /// TRAINEE: the trainee record of this person.
    pub trainee_id: Option<Uuid>,
    /// PARTNER: the partner organisation.
    pub partner_id: Option<Uuid>,
    /// The login session (refresh token family) the caller signed in with.
    pub session_id: Option<Uuid>,
}

impl Actor {
    /// The signed-in person, or `UNAUTHENTICATED`.
    pub fn user(&self) -> Result<&UserActor, AppError> {
        match self {
            Actor::User(user) => Ok(user),
            Actor::Anonymous => Err(AppError::Unauthenticated),
        }
    }

    /// The signed-in person if they have `role`; `UNAUTHENTICATED` for anonymous callers,
    /// `FORBIDDEN` for other roles.
    pub fn require_role(&self, role: Role) -> Result<&UserActor, AppError> {
        let user = self.user()?;
        if user.role == role {
            Ok(user)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The region an ADMIN governs; None for every other caller.
    pub fn admin_scope(&self) -> Option<RegionScope> {
        match self {
            Actor::User(user) if user.role == Role::Admin => {
                Some(RegionScope::of(user.region_code.as_deref()))
            }
            _ => None,
        }
    }
}

/// A region and everything under it, or the whole country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionScope {
    Nationwide,
    /// The GB/T 2260 code prefix shared by the region and all its descendants: two digits
    /// for a province (`22`), four for a city (`2203`), six for a county.
    Subtree(String),
}

impl RegionScope {
    /// The scope of a region code (None = nationwide). GB/T 2260 codes nest by prefix: a
    /// province ends in `0000`, a city in `00`, and every descendant shares the prefix.
    pub fn of(region_code: Option<&str>) -> Self {
        match region_code {
            None => RegionScope::Nationwide,
            Some(code) => {
                let prefix = if let Some(p) = code.strip_suffix("0000") {
                    p
                } else if let Some(p) = code.strip_suffix("00") {
                    p
                } else {
                    code
                };
                RegionScope::Subtree(prefix.to_owned())
            }
        }
    }

    /// Whether `code` lies in this scope.
    pub fn contains(&self, code: &str) -> bool {
        match self {
            RegionScope::Nationwide => true,
            RegionScope::Subtree(prefix) => code.starts_with(prefix.as_str()),
        }
    }

    /// Lowest and highest code in the scope: a range condition uses a plain B-tree index on
    /// both databases, where `LIKE 'prefix%'` may not.
    pub fn code_range(&self) -> Option<(String, String)> {
        match self {
            RegionScope::Nationwide => None,
            RegionScope::Subtree(prefix) => {
                let pad = 6usize.saturating_sub(prefix.len());
                Some((
                    format!("{prefix}{}", "0".repeat(pad)),
                    format!("{prefix}{}", "9".repeat(pad)),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_nests_by_code_prefix() {
        let jilin = RegionScope::of(Some("220000"));
        let siping = RegionScope::of(Some("220300"));
        let tiexi = RegionScope::of(Some("220302"));
        assert!(jilin.contains("220302"));
        assert!(tiexi.contains("220302"));
        assert!(!tiexi.contains("220303"));
        assert!(RegionScope::Nationwide.contains("650000"));
        assert!(siping.contains("220302"));
        assert!(siping.contains("220300"));
        assert!(!siping.contains("210000"));
        assert_eq!(
            siping.code_range(),
            Some(("220300".to_owned(), "220399".to_owned()))
        );
        assert_eq!(RegionScope::Nationwide.code_range(), None);
    }
}
