//! Star profiles: nomination, stage changes and their history, and reading them in scope.

use std::collections::HashMap;

use entity::{
    Role, StarStage, TraineeStatus, star_profile, star_stage_change, trainee, user, user_base,
};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Select,
};
use uuid::Uuid;

use super::{staff, trainees_visible, visible};
use crate::auth::{Actor, RegionScope};
use crate::service::page::{self, Order, Page, PageArgs};
use crate::service::scope::bases_in;
use crate::service::write::write;
use crate::service::{Problems, ServiceResult, UserError, UserErrorCode, now, validate};

/// Filters of the star list; all given conditions must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct StarFilter {
    /// Stars cultivated at bases in this region or under it.
    pub region_code: Option<String>,
    /// Stars of trainees at this base.
    pub base_id: Option<Uuid>,
    /// Stars in any of these stages.
    pub stages: Vec<StarStage>,
    /// Case-insensitive part of the trainee's name.
    pub search: Option<String>,
}

fn filtered(actor: &Actor, filter: &StarFilter) -> Select<star_profile::Entity> {
    let mut select = star_profile::Entity::find().filter(visible(actor));
    let region = filter
        .region_code
        .as_deref()
        .and_then(|code| bases_in(&RegionScope::of(Some(code))));
    let search = filter.search.as_deref().filter(|s| !s.trim().is_empty());
    if filter.base_id.is_some() || region.is_some() || search.is_some() {
        let mut trainees = Query::select();
        trainees.column(trainee::Column::Id).from(trainee::Entity);
        if let Some(base_id) = filter.base_id {
            trainees.and_where(trainee::Column::BaseId.eq(base_id));
        }
        if let Some(bases) = region {
            trainees.and_where(trainee::Column::BaseId.in_subquery(bases));
        }
        if let Some(search) = search {
            trainees.and_where(
                Expr::expr(Func::lower(Expr::col(trainee::Column::Name)))
                    .like(LikeExpr::new(validate::like_pattern(search)).escape('\\')),
            );
        }
        select = select.filter(star_profile::Column::TraineeId.in_subquery(trainees.to_owned()));
    }
    if !filter.stages.is_empty() {
        select = select.filter(star_profile::Column::Stage.is_in(filter.stages.iter().copied()));
    }
    select
}

/// One page of the stars the caller may see, in nomination order.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &StarFilter,
    args: &PageArgs,
) -> ServiceResult<Page<star_profile::Model>> {
    let order = Order::by_id(star_profile::Column::Id);
    Ok(page::fetch(db, filtered(actor, filter), &order, args).await?)
}

/// How many stars the caller may see match the filter.
pub async fn count(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &StarFilter,
) -> ServiceResult<u64> {
    Ok(page::count(db, filtered(actor, filter)).await?)
}

/// One star profile, if the caller may see it.
pub async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> Result<Option<star_profile::Model>, DbErr> {
    star_profile::Entity::find_by_id(id)
        .filter(visible(actor))
        .one(db)
        .await
}

/// Star profiles by id among those the caller may see, for the star loader.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, star_profile::Model>, DbErr> {
    Ok(star_profile::Entity::find()
        .filter(star_profile::Column::Id.is_in(ids.iter().copied()))
        .filter(visible(actor))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect())
}

/// The star profiles of trainees, by trainee id, among those the caller may see.
pub async fn of_trainees(
    db: &impl ConnectionTrait,
    actor: &Actor,
    trainee_ids: &[Uuid],
) -> Result<HashMap<Uuid, star_profile::Model>, DbErr> {
    Ok(star_profile::Entity::find()
        .filter(star_profile::Column::TraineeId.is_in(trainee_ids.iter().copied()))
        .filter(visible(actor))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.trainee_id, s))
        .collect())
}

/// The stage history of each star, oldest first. The caller has already seen the stars.
pub async fn stage_history(
    db: &impl ConnectionTrait,
    star_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<star_stage_change::Model>>, DbErr> {
    let changes = star_stage_change::Entity::find()
        .filter(star_stage_change::Column::StarId.is_in(star_ids.iter().copied()))
        .order_by_asc(star_stage_change::Column::ChangedAt)
        .order_by_asc(star_stage_change::Column::Id)
        .all(db)
        .await?;
    let mut by_star: HashMap<Uuid, Vec<star_stage_change::Model>> = HashMap::new();
    for change in changes {
        by_star.entry(change.star_id).or_default().push(change);
    }
    Ok(by_star)
}

/// What `nominateStar` asks for.
#[derive(Debug, Clone)]
pub struct Nomination {
    pub trainee_id: Uuid,
    pub mentor_id: Option<Uuid>,
    pub note: Option<String>,
}

const DUPLICATE_MESSAGE: &str = "该学员已被推荐为网创红人";

/// Whether `mentor_id` is an INSTRUCTOR or BASE_MANAGER working at `base_id`.
async fn is_mentor_at(
    db: &impl ConnectionTrait,
    mentor_id: Uuid,
    base_id: Uuid,
) -> Result<bool, DbErr> {
    Ok(user_base::Entity::find()
        .join(JoinType::InnerJoin, user_base::Relation::User.def())
        .filter(user_base::Column::UserId.eq(mentor_id))
        .filter(user_base::Column::BaseId.eq(base_id))
        .filter(user::Column::Role.is_in([Role::Instructor, Role::BaseManager]))
        .one(db)
        .await?
        .is_some())
}

/// Nominates a trainee the caller manages as a star in the PROSPECT stage, with an optional
/// mentor from the trainee's base. One profile per trainee (`DUPLICATE`).
pub async fn nominate(
    db: &DatabaseConnection,
    actor: &Actor,
    input: Nomination,
) -> ServiceResult<star_profile::Model> {
    let user = staff(actor)?;
    let mut problems = Problems::default();
    let note = validate::optional_text(&mut problems, "note", input.note.as_deref(), 500);
    write(db)
        .duplicate(
            star_profile::Column::TraineeId,
            "traineeId",
            DUPLICATE_MESSAGE,
        )
        .run(async |txn| {
            let trainee = trainee::Entity::find_by_id(input.trainee_id)
                .filter(trainees_visible(actor, trainee::Column::Id))
                .one(txn)
                .await?;
            let Some(trainee) = trainee else {
                return Err(
                    UserError::input("traineeId", UserErrorCode::NotFound, "学员不存在").into(),
                );
            };
            if trainee.status == TraineeStatus::Withdrawn {
                problems.add(
                    "traineeId",
                    UserErrorCode::InvalidState,
                    "已退出的学员不能被推荐",
                );
            }
            if let Some(mentor_id) = input.mentor_id
                && !is_mentor_at(txn, mentor_id, trainee.base_id).await?
            {
                problems.add(
                    "mentorId",
                    UserErrorCode::Invalid,
                    "导师须为学员所在基地的讲师或基地管理员",
                );
            }
            if star_profile::Entity::find()
                .filter(star_profile::Column::TraineeId.eq(trainee.id))
                .one(txn)
                .await?
                .is_some()
            {
                problems.add("traineeId", UserErrorCode::Duplicate, DUPLICATE_MESSAGE);
            }
            problems.into_result()?;
            let at = now();
            let star = star_profile::ActiveModel {
                id: Set(Uuid::now_v7()),
                trainee_id: Set(trainee.id),
                stage: Set(StarStage::Prospect),
                mentor_id: Set(input.mentor_id),
                nominated_at: Set(at),
                created_at: Set(at),
                updated_at: Set(at),
                version: Set(1),
            }
            .insert(txn)
            .await?;
            record_change(txn, &star, None, note.flatten(), user.user_id).await?;
            Ok(star)
        })
        .await
}

async fn record_change(
    db: &impl ConnectionTrait,
    star: &star_profile::Model,
    from: Option<StarStage>,
    note: Option<String>,
    by: Uuid,
) -> Result<(), DbErr> {
    star_stage_change::ActiveModel {
        id: Set(Uuid::now_v7()),
        star_id: Set(star.id),
        from_stage: Set(from),
        stage: Set(star.stage),
        note: Set(note),
        changed_at: Set(star.updated_at),
        changed_by: Set(Some(by)),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Moves a star to another stage (forward or back) and records the change with its note.
/// Setting the current stage is `INVALID_STATE`.
pub async fn advance(
    db: &DatabaseConnection,
    actor: &Actor,
    star_id: Uuid,
    stage: StarStage,
    note: Option<String>,
) -> ServiceResult<star_profile::Model> {
    let user = staff(actor)?;
    let mut problems = Problems::default();
    let note = validate::optional_text(&mut problems, "note", note.as_deref(), 500);
    write(db)
        .run(async |txn| {
            let Some(star) = get(txn, actor, star_id).await? else {
                return Err(
                    UserError::input("starId", UserErrorCode::NotFound, "网创红人不存在").into(),
                );
            };
            if star.stage == stage {
                problems.add("stage", UserErrorCode::InvalidState, "已处于该培育阶段");
            }
            problems.into_result()?;
            let from = star.stage;
            let version = star.version;
            let mut changed: star_profile::ActiveModel = star.into();
            changed.stage = Set(stage);
            changed.updated_at = Set(now());
            changed.version = Set(version + 1);
            // Guarded by the version read above: a concurrent change makes this one a
            // conflict rather than a history entry whose `from` is wrong.
            let updated = star_profile::Entity::update_many()
                .set(changed)
                .filter(star_profile::Column::Id.eq(star_id))
                .filter(star_profile::Column::Version.eq(version))
                .exec_with_returning(txn)
                .await?;
            let Some(star) = updated.into_iter().next() else {
                return Err(UserError::input(
                    "starId",
                    UserErrorCode::Conflict,
                    "培育阶段刚被他人修改，请刷新后重试",
                )
                .into());
            };
            record_change(txn, &star, Some(from), note.flatten(), user.user_id).await?;
            Ok(star)
        })
        .await
}
