//! Who may see and govern what, in one place. Every domain builds its SQL scope here from the
//! caller (`Actor`), so an out-of-scope row is never loaded and no domain keeps its own copy
//! of the rules in API.md's permission table.
//!
//! - [`Scope::governed_bases`] / [`Scope::governed_regions`]: rows an ADMIN governs through
//!   its region and a BASE_MANAGER through its bases (a base-id or a region-code column).
//! - [`Scope::grants`]: a visibility rule put together per role, for domains whose readers
//!   differ by role (instructors their own courses, trainees their own rows, partners and
//!   anonymous callers published rows only). Roles not granted anything see nothing.
//! - [`Scope::trainees`]: the trainees the caller may see, as grants a domain may widen
//!   (courses adds the instructors' own courses' trainees).
//! - [`Scope::governs_base`], [`Scope::may_see_staff`]: the same rules as checks on a loaded
//!   base.
//!
//! ```ignore
//! // Products: staff in scope, a trainee its own, everyone the published ones.
//! let visible = Scope::of(actor)
//!     .grants()
//!     .staff(product::Column::BaseId)
//!     .trainee(|me| product::Column::ProducerTraineeId.eq(me))
//!     .everyone(product::Column::Status.eq(ProductStatus::Published))
//!     .condition();
//! ```

use entity::{Role, base};
use sea_orm::sea_query::{IntoCondition, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

use crate::auth::{Actor, RegionScope, UserActor};
use crate::error::AppError;

/// A condition no row meets (renders as `FALSE`).
pub fn nothing() -> Condition {
    Condition::any()
}

/// `column` holds a region code inside `scope` (always true nationwide). A range on the
/// GB/T 2260 code uses a plain B-tree index on both databases, where `LIKE 'prefix%'` may not.
pub fn in_region(column: impl ColumnTrait, scope: &RegionScope) -> Condition {
    match scope.code_range() {
        None => Condition::all(),
        Some((low, high)) => Condition::all().add(column.between(low, high)),
    }
}

/// `column` lies in one of `scopes` (no condition when one of them is nationwide).
pub fn in_any_region(column: impl ColumnTrait + Copy, scopes: &[RegionScope]) -> Condition {
    if scopes.contains(&RegionScope::Nationwide) {
        return Condition::all();
    }
    scopes.iter().fold(Condition::any(), |any, scope| {
        any.add(in_region(column, scope))
    })
}

/// Ids of the bases in a region scope, as a subquery; None nationwide.
pub fn bases_in(scope: &RegionScope) -> Option<SelectStatement> {
    scope.code_range().map(|(low, high)| {
        Query::select()
            .column(base::Column::Id)
            .from(base::Entity)
            .and_where(base::Column::RegionCode.between(low, high))
            .to_owned()
    })
}

/// The caller's reach: what it governs and sees. Cheap to make; build one where needed.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// None for anonymous callers.
    user: Option<&'a UserActor>,
}

impl<'a> Scope<'a> {
    /// The scope of a request's caller.
    pub fn of(actor: &'a Actor) -> Self {
        match actor {
            Actor::User(user) => Scope { user: Some(user) },
            Actor::Anonymous => Scope { user: None },
        }
    }

    /// The scope of a signed-in person.
    pub fn of_user(user: &'a UserActor) -> Self {
        Scope { user: Some(user) }
    }

    /// The signed-in caller, or `UNAUTHENTICATED`.
    pub fn user(self) -> Result<&'a UserActor, AppError> {
        self.user.ok_or(AppError::Unauthenticated)
    }

    /// The caller's role; None for anonymous callers.
    pub fn role(self) -> Option<Role> {
        self.user.map(|u| u.role)
    }

    /// Staff who manage trainees and a base's records: an ADMIN or a BASE_MANAGER
    /// (`FORBIDDEN` for other roles, `UNAUTHENTICATED` for anonymous callers).
    pub fn staff(self) -> Result<&'a UserActor, AppError> {
        let user = self.user()?;
        match user.role {
            Role::Admin | Role::BaseManager => Ok(user),
            _ => Err(AppError::Forbidden),
        }
    }

    /// The region an ADMIN governs (`FORBIDDEN` for other roles).
    pub fn admin(self) -> Result<RegionScope, AppError> {
        let user = self.user()?;
        match user.role {
            Role::Admin => Ok(RegionScope::of(user.region_code.as_deref())),
            _ => Err(AppError::Forbidden),
        }
    }

    /// Rows whose `base_id` column names a base the caller governs: for an ADMIN the bases in
    /// its region, for a BASE_MANAGER its own bases; nothing for everyone else.
    pub fn governed_bases(self, base_id: impl ColumnTrait) -> Condition {
        self.grants().staff(base_id).condition()
    }

    /// Rows whose `region_code` column lies in the region an ADMIN governs; nothing for
    /// everyone else (region data such as targets and reports belongs to federations).
    pub fn governed_regions(self, region_code: impl ColumnTrait) -> Condition {
        self.grants().staff_by_region(region_code).condition()
    }

    /// The trainees the caller may see: an ADMIN those of bases in its region, a BASE_MANAGER
    /// those of its bases, a TRAINEE itself. Returned as grants so a domain can widen it
    /// (e.g. `.instructor(..)` for the trainees of one's own courses) before `.condition()`.
    pub fn trainees(self, id: impl ColumnTrait, base_id: impl ColumnTrait) -> Grants<'a> {
        self.grants().staff(base_id).trainee(|me| id.eq(me))
    }

    /// An empty visibility rule for this caller, to be granted per role.
    pub fn grants(self) -> Grants<'a> {
        Grants {
            user: self.user,
            everything: false,
            any: Condition::any(),
        }
    }

    /// Whether the caller governs a base: an ADMIN over its region, a BASE_MANAGER of it.
    pub fn governs_base(self, base: &base::Model) -> bool {
        match self.user {
            Some(user) => match user.role {
                Role::Admin => {
                    RegionScope::of(user.region_code.as_deref()).contains(&base.region_code)
                }
                Role::BaseManager => user.base_ids.contains(&base.id),
                _ => false,
            },
            None => false,
        }
    }

    /// Whether the caller governs a region code (an ADMIN whose region contains it).
    pub fn governs_region(self, code: &str) -> bool {
        self.admin().is_ok_and(|scope| scope.contains(code))
    }

    /// Whether the caller may see who works at a base: ADMINs over its region and the base's
    /// own managers and instructors.
    pub fn may_see_staff(self, base: &base::Model) -> bool {
        match self.user {
            Some(user) => match user.role {
                Role::Admin => {
                    RegionScope::of(user.region_code.as_deref()).contains(&base.region_code)
                }
                Role::BaseManager | Role::Instructor => user.base_ids.contains(&base.id),
                Role::Trainee | Role::Partner => false,
            },
            None => false,
        }
    }
}

/// A visibility rule under construction: each grant adds what one kind of caller sees, and
/// only the grants matching the caller take effect. A caller granted nothing sees nothing.
#[derive(Debug, Clone)]
#[must_use = "finish with `.condition()`"]
pub struct Grants<'a> {
    user: Option<&'a UserActor>,
    /// A grant covered every row (a nationwide ADMIN).
    everything: bool,
    any: Condition,
}

impl<'a> Grants<'a> {
    fn add(mut self, condition: impl IntoCondition) -> Self {
        self.any = self.any.add(condition.into_condition());
        self
    }

    fn role(&self) -> Option<Role> {
        self.user.map(|u| u.role)
    }

    /// ADMINs see rows of bases in their region, BASE_MANAGERs rows of their bases, by the
    /// row's `base_id` column.
    pub fn staff(mut self, base_id: impl ColumnTrait) -> Self {
        let Some(user) = self.user else {
            return self;
        };
        match user.role {
            Role::Admin => match bases_in(&RegionScope::of(user.region_code.as_deref())) {
                None => {
                    self.everything = true;
                    self
                }
                Some(bases) => self.add(base_id.in_subquery(bases)),
            },
            Role::BaseManager => self.add(base_id.is_in(user.base_ids.iter().copied())),
            _ => self,
        }
    }

    /// ADMINs see rows whose `region_code` column lies in their region.
    pub fn staff_by_region(mut self, region_code: impl ColumnTrait) -> Self {
        let Some(user) = self.user.filter(|u| u.role == Role::Admin) else {
            return self;
        };
        let scope = RegionScope::of(user.region_code.as_deref());
        if scope == RegionScope::Nationwide {
            self.everything = true;
            return self;
        }
        self.add(in_region(region_code, &scope))
    }

    /// INSTRUCTORs see what `rule` gives for them (their user id and bases).
    pub fn instructor<C: IntoCondition>(self, rule: impl FnOnce(&UserActor) -> C) -> Self {
        match self.user {
            Some(user) if user.role == Role::Instructor => self.add(rule(user)),
            _ => self,
        }
    }

    /// TRAINEEs see what `rule` gives for their own trainee id.
    pub fn trainee<C: IntoCondition>(self, rule: impl FnOnce(Uuid) -> C) -> Self {
        match self.user {
            Some(UserActor {
                role: Role::Trainee,
                trainee_id: Some(me),
                ..
            }) => {
                let me = *me;
                self.add(rule(me))
            }
            _ => self,
        }
    }

    /// PARTNERs see what `rule` gives for their partner organisation.
    pub fn partner<C: IntoCondition>(self, rule: impl FnOnce(Uuid) -> C) -> Self {
        match self.user {
            Some(UserActor {
                role: Role::Partner,
                partner_id: Some(partner),
                ..
            }) => {
                let partner = *partner;
                self.add(rule(partner))
            }
            _ => self,
        }
    }

    /// Callers without credentials see rows meeting `condition`.
    pub fn anonymous(self, condition: impl IntoCondition) -> Self {
        if self.role().is_none() {
            self.add(condition)
        } else {
            self
        }
    }

    /// Every caller, signed in or not, sees rows meeting `condition` (e.g. published ones).
    pub fn everyone(self, condition: impl IntoCondition) -> Self {
        self.add(condition)
    }

    /// Whether a grant covers every row (a nationwide ADMIN), so the rule needs no SQL.
    pub fn covers_everything(&self) -> bool {
        self.everything
    }

    /// The rule as a SQL condition: any grant suffices; none means no row.
    pub fn condition(self) -> Condition {
        if self.everything {
            Condition::all()
        } else {
            self.any
        }
    }
}

#[cfg(test)]
mod tests {
    use entity::trainee;
    use sea_orm::{DbBackend, EntityTrait, QueryFilter, QueryTrait};

    use super::*;

    fn user(role: Role) -> UserActor {
        UserActor {
            user_id: Uuid::nil(),
            role,
            region_code: None,
            base_ids: Vec::new(),
            trainee_id: None,
            partner_id: None,
            session_id: None,
        }
    }

    /// The WHERE clause the condition becomes.
    fn sql(condition: Condition) -> String {
        let sql = trainee::Entity::find()
            .filter(condition)
            .build(DbBackend::Postgres)
            .to_string();
        sql.split_once(" WHERE ")
            .map(|(_, clause)| clause.to_owned())
            .unwrap_or_default()
    }

    #[test]
    fn callers_granted_nothing_see_nothing_and_a_nationwide_admin_everything() {
        let anonymous = Actor::Anonymous;
        let partner = Actor::User(user(Role::Partner));
        let nationwide = Actor::User(user(Role::Admin));
        let visible = |actor: &Actor| {
            sql(Scope::of(actor)
                .trainees(trainee::Column::Id, trainee::Column::BaseId)
                .condition())
        };
        assert_eq!(visible(&anonymous), "FALSE");
        assert_eq!(visible(&partner), "FALSE");
        assert_eq!(visible(&nationwide), "TRUE");
    }

    #[test]
    fn grants_apply_only_to_the_callers_role() {
        let mut me = user(Role::Trainee);
        me.trainee_id = Some(Uuid::from_u128(7));
        let trainee = Actor::User(me);
        let rule = |actor: &Actor| {
            sql(Scope::of(actor)
                .grants()
                .staff(trainee::Column::BaseId)
                .trainee(|id| trainee::Column::Id.eq(id))
                .anonymous(trainee::Column::Status.eq(entity::TraineeStatus::Active))
                .condition())
        };
        let own = rule(&trainee);
        assert!(own.contains(r#""trainee"."id" = '00000000-0000-0000-0000-000000000007'"#));
        assert!(!own.contains("status"));
        assert!(rule(&Actor::Anonymous).contains(r#""trainee"."status" = 'ACTIVE'"#));
        let mut city = user(Role::Admin);
        city.region_code = Some("220300".to_owned());
        let admin = rule(&Actor::User(city));
        assert!(admin.contains("BETWEEN '220300' AND '220399'"), "{admin}");
    }
}
