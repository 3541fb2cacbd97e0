//! Competitions and the awards trainees won at them. A competition is found by name and
//! year, or created by the first award recorded for it.

use std::collections::HashMap;

use chrono::Datelike;
use entity::{award, competition, trainee};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::{staff, trainees_visible};
use crate::auth::Actor;
use crate::service::write::write;
use crate::service::{Problems, ServiceResult, UserError, UserErrorCode, now, validate};

/// What `recordAward` asks for.
#[derive(Debug, Clone)]
pub struct NewAward {
    pub competition_name: String,
    pub year: i32,
    pub organizer: Option<String>,
    pub trainee_id: Uuid,
    pub prize: String,
}

const DUPLICATE_MESSAGE: &str = "该奖项已登记";

/// Finds the competition of that name and year, creating it (with its organizer) if there
/// is none. Concurrent first awards of one competition create it once.
async fn find_or_create(
    db: &impl ConnectionTrait,
    name: &str,
    year: i32,
    organizer: Option<String>,
) -> Result<competition::Model, DbErr> {
    let find = || {
        competition::Entity::find()
            .filter(competition::Column::Name.eq(name))
            .filter(competition::Column::Year.eq(year))
            .one(db)
    };
    if let Some(found) = find().await? {
        return Ok(found);
    }
    competition::Entity::insert(competition::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name.to_owned()),
        year: Set(year),
        organizer: Set(organizer),
        created_at: Set(now()),
    })
    .on_conflict(
        OnConflict::columns([competition::Column::Name, competition::Column::Year])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    find()
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("competition just created".to_owned()))
}

/// Records a prize won by a trainee the caller manages.
pub async fn record(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewAward,
) -> ServiceResult<award::Model> {
    let user = staff(actor)?;
    let mut problems = Problems::default();
    let name = validate::text(
        &mut problems,
        "competitionName",
        &input.competition_name,
        1,
        200,
    );
    let organizer =
        validate::optional_text(&mut problems, "organizer", input.organizer.as_deref(), 200);
    let prize = validate::text(&mut problems, "prize", &input.prize, 1, 200);
    let this_year = now().year();
    if !(1990..=this_year + 1).contains(&input.year) {
        problems.add(
            "year",
            UserErrorCode::Invalid,
            format!("年份须在 1990 到 {} 之间", this_year + 1),
        );
    }
    write(db)
        .duplicate(award::Column::Prize, "prize", DUPLICATE_MESSAGE)
        .run(async |txn| {
            let trainee = trainee::Entity::find_by_id(input.trainee_id)
                .filter(trainees_visible(actor, trainee::Column::Id))
                .one(txn)
                .await?;
            if trainee.is_none() {
                problems.add("traineeId", UserErrorCode::NotFound, "学员不存在");
            }
            problems.into_result()?;
            let (Some(name), Some(prize)) = (name, prize) else {
                return Err(UserError::general(UserErrorCode::Invalid, "输入不完整").into());
            };
            let competition = find_or_create(txn, &name, input.year, organizer.flatten()).await?;
            if award::Entity::find()
                .filter(award::Column::TraineeId.eq(input.trainee_id))
                .filter(award::Column::CompetitionId.eq(competition.id))
                .filter(award::Column::Prize.eq(prize.as_str()))
                .one(txn)
                .await?
                .is_some()
            {
                return Err(
                    UserError::input("prize", UserErrorCode::Duplicate, DUPLICATE_MESSAGE).into(),
                );
            }
            Ok(award::ActiveModel {
                id: Set(Uuid::now_v7()),
                competition_id: Set(competition.id),
                trainee_id: Set(input.trainee_id),
                prize: Set(prize),
                recorded_by: Set(Some(user.user_id)),
                created_at: Set(now()),
            }
            .insert(txn)
            .await?)
        })
        .await
}

/// The awards of each trainee, oldest record first, among the trainees whose star data the
/// caller may see.
pub async fn of_trainees(
    db: &impl ConnectionTrait,
    actor: &Actor,
    trainee_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<award::Model>>, DbErr> {
    let awards = award::Entity::find()
        .filter(award::Column::TraineeId.is_in(trainee_ids.iter().copied()))
        .filter(trainees_visible(actor, award::Column::TraineeId))
        .order_by_asc(award::Column::Id)
        .all(db)
        .await?;
    let mut by_trainee: HashMap<Uuid, Vec<award::Model>> = HashMap::new();
    for award in awards {
        by_trainee.entry(award.trainee_id).or_default().push(award);
    }
    Ok(by_trainee)
}

/// Competitions by id.
pub async fn competitions(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, competition::Model>, DbErr> {
    Ok(competition::Entity::find()
        .filter(competition::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect())
}
