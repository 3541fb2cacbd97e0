//! Producer profiles: the public face of a trainee who makes products. Made with the first
//! product, with a display name that reveals only the surname (「王**」) until the trainee or
//! a manager chooses another; never a path to the trainee's personal data.

use std::collections::HashMap;

use entity::{base, producer_profile, trainee};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter,
};
use uuid::Uuid;

use crate::auth::Actor;
use crate::service::scope::Scope;
use crate::service::write::write;
use crate::service::{Problems, ServiceResult, UserError, UserErrorCode, now, validate};

/// Two-character surnames (复姓) that the default display name keeps whole.
const COMPOUND_SURNAMES: [&str; 20] = [
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文",
    "司徒", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "百里",
];

/// The default display name: the surname and 「**」.
pub fn default_display_name(full_name: &str) -> String {
    let name = full_name.trim();
    let surname = COMPOUND_SURNAMES
        .iter()
        .find(|s| name.starts_with(**s) && name.chars().count() > 2)
        .map(|s| (*s).to_owned())
        .unwrap_or_else(|| name.chars().take(1).collect());
    format!("{surname}**")
}

/// The trainee's profile, made on first use; its base follows the trainee's current base.
pub async fn ensure(
    db: &impl ConnectionTrait,
    trainee: &trainee::Model,
    base: &base::Model,
) -> Result<producer_profile::Model, DbErr> {
    let existing = producer_profile::Entity::find()
        .filter(producer_profile::Column::TraineeId.eq(trainee.id))
        .one(db)
        .await?;
    match existing {
        Some(profile) if profile.base_id == base.id => Ok(profile),
        Some(profile) => {
            let version = profile.version;
            let mut model: producer_profile::ActiveModel = profile.into();
            model.base_id = Set(base.id);
            model.region_code = Set(base.region_code.clone());
            model.updated_at = Set(now());
            model.version = Set(version + 1);
            model.update(db).await
        }
        None => {
            let now = now();
            producer_profile::ActiveModel {
                id: Set(Uuid::now_v7()),
                trainee_id: Set(trainee.id),
                base_id: Set(base.id),
                region_code: Set(base.region_code.clone()),
                display_name: Set(default_display_name(&trainee.name)),
                story: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(db)
            .await
        }
    }
}

/// Profiles by id, for the profile loader (public: a profile holds no personal data).
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, producer_profile::Model>, DbErr> {
    Ok(producer_profile::Entity::find()
        .filter(producer_profile::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// What `updateProducerProfile` changes; `None` leaves a field as it is, an empty story
/// removes it.
#[derive(Debug, Clone)]
pub struct ProfileChanges {
    pub id: Uuid,
    pub version: i32,
    pub display_name: Option<String>,
    pub story: Option<String>,
}

/// Changes a profile: the trainee its own, staff those of the bases they govern.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    changes: ProfileChanges,
) -> ServiceResult<producer_profile::Model> {
    Scope::of(actor).user()?;
    let editable = Scope::of(actor)
        .grants()
        .staff(producer_profile::Column::BaseId)
        .trainee(|me| producer_profile::Column::TraineeId.eq(me))
        .condition();
    write(db)
        .run(async |txn| {
            let Some(existing) = producer_profile::Entity::find_by_id(changes.id)
                .filter(editable)
                .one(txn)
                .await?
            else {
                return Err(UserError::input("id", UserErrorCode::NotFound, "生产者不存在").into());
            };
            if existing.version != changes.version {
                return Err(stale().into());
            }
            let mut problems = Problems::default();
            let mut model: producer_profile::ActiveModel = existing.clone().into();
            if let Some(name) = changes.display_name.as_deref()
                && let Some(name) = validate::text(&mut problems, "displayName", name, 1, 30)
            {
                model.display_name = Set(name);
            }
            if changes.story.is_some()
                && let Some(story) =
                    validate::optional_text(&mut problems, "story", changes.story.as_deref(), 2000)
            {
                model.story = Set(story);
            }
            problems.into_result()?;
            model.updated_at = Set(now());
            model.version = Set(existing.version + 1);
            let result = producer_profile::Entity::update_many()
                .set(model)
                .filter(producer_profile::Column::Id.eq(existing.id))
                .filter(producer_profile::Column::Version.eq(changes.version))
                .exec(txn)
                .await?;
            if result.rows_affected != 1 {
                return Err(stale().into());
            }
            let updated = producer_profile::Entity::find_by_id(existing.id)
                .one(txn)
                .await?
                .ok_or(crate::error::AppError::NotFound)?;
            Ok(updated)
        })
        .await
}

fn stale() -> UserError {
    UserError::input(
        "version",
        UserErrorCode::StaleVersion,
        "资料已被他人修改，请刷新后重试",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_show_only_the_surname() {
        assert_eq!(default_display_name("王小明"), "王**");
        assert_eq!(default_display_name("欧阳娜娜"), "欧阳**");
        assert_eq!(default_display_name("欧阳"), "欧**");
    }
}
