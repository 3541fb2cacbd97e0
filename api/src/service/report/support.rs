//! Support grants and outcomes: dated records on a trainee the caller governs.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{OutcomeKind, SupportKind, outcome, support_record};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::auth::Actor;
use crate::service::money::to_fen;
use crate::service::scope::Scope;
use crate::service::write::write;
use crate::service::{Problems, ServiceResult, UserErrorCode, china_today, now, trainee, validate};

/// What `grantSupport` asks for.
#[derive(Debug, Clone)]
pub struct NewSupport {
    pub trainee_id: Uuid,
    pub kind: SupportKind,
    pub description: Option<String>,
    /// Yuan.
    pub amount: Decimal,
    pub granted_on: NaiveDate,
}

/// What `recordOutcome` asks for.
#[derive(Debug, Clone)]
pub struct NewOutcome {
    pub trainee_id: Uuid,
    pub kind: OutcomeKind,
    pub date: NaiveDate,
    /// Yuan a month.
    pub monthly_income: Option<Decimal>,
    pub employer: Option<String>,
}

fn not_in_future(problems: &mut Problems, field: &str, date: NaiveDate) {
    if date > china_today() {
        problems.add(field, UserErrorCode::Invalid, "日期不能晚于今天");
    }
}

/// Records support granted to a trainee the caller governs (ADMIN over its base's region or
/// the base's manager); another base's trainee is NOT_FOUND, like a missing one.
pub async fn grant_support(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewSupport,
) -> ServiceResult<support_record::Model> {
    let user = Scope::of(actor).staff()?;
    let mut problems = Problems::default();
    let description = validate::optional_text(
        &mut problems,
        "description",
        input.description.as_deref(),
        500,
    );
    let amount_fen = to_fen(&mut problems, "amount", input.amount);
    not_in_future(&mut problems, "grantedOn", input.granted_on);
    write(db)
        .run(async |txn| {
            if trainee::get(txn, actor, input.trainee_id).await?.is_none() {
                problems.add("traineeId", UserErrorCode::NotFound, "学员不存在");
            }
            problems.into_result()?;
            let created = support_record::ActiveModel {
                id: Set(Uuid::now_v7()),
                trainee_id: Set(input.trainee_id),
                kind: Set(input.kind),
                description: Set(description.flatten()),
                amount_fen: Set(amount_fen.unwrap_or_default()),
                granted_on: Set(input.granted_on),
                recorded_by: Set(Some(user.user_id)),
                created_at: Set(now()),
            }
            .insert(txn)
            .await?;
            Ok(created)
        })
        .await
}

/// Records an employment or entrepreneurship outcome of a trainee the caller governs.
pub async fn record_outcome(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewOutcome,
) -> ServiceResult<outcome::Model> {
    let user = Scope::of(actor).staff()?;
    let mut problems = Problems::default();
    let employer =
        validate::optional_text(&mut problems, "employer", input.employer.as_deref(), 200);
    let income_fen = input
        .monthly_income
        .map(|income| to_fen(&mut problems, "monthlyIncome", income));
    not_in_future(&mut problems, "date", input.date);
    write(db)
        .run(async |txn| {
            if trainee::get(txn, actor, input.trainee_id).await?.is_none() {
                problems.add("traineeId", UserErrorCode::NotFound, "学员不存在");
            }
            problems.into_result()?;
            let created = outcome::ActiveModel {
                id: Set(Uuid::now_v7()),
                trainee_id: Set(input.trainee_id),
                kind: Set(input.kind),
                date: Set(input.date),
                monthly_income_fen: Set(income_fen.flatten()),
                employer: Set(employer.flatten()),
                recorded_by: Set(Some(user.user_id)),
                created_at: Set(now()),
            }
            .insert(txn)
            .await?;
            Ok(created)
        })
        .await
}

/// Groups rows by their trainee id.
fn by_trainee<T>(rows: Vec<T>, trainee_id: impl Fn(&T) -> Uuid) -> HashMap<Uuid, Vec<T>> {
    let mut grouped: HashMap<Uuid, Vec<T>> = HashMap::new();
    for row in rows {
        grouped.entry(trainee_id(&row)).or_default().push(row);
    }
    grouped
}

/// The supports of each trainee, by grant date, for the supports loader. The caller has
/// already seen the trainees.
pub async fn supports_of(
    db: &impl ConnectionTrait,
    trainee_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<support_record::Model>>, DbErr> {
    let rows = support_record::Entity::find()
        .filter(support_record::Column::TraineeId.is_in(trainee_ids.iter().copied()))
        .order_by_asc(support_record::Column::GrantedOn)
        .order_by_asc(support_record::Column::Id)
        .all(db)
        .await?;
    Ok(by_trainee(rows, |r| r.trainee_id))
}

/// The outcomes of each trainee, by date, for the outcomes loader. The caller has already
/// seen the trainees.
pub async fn outcomes_of(
    db: &impl ConnectionTrait,
    trainee_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<outcome::Model>>, DbErr> {
    let rows = outcome::Entity::find()
        .filter(outcome::Column::TraineeId.is_in(trainee_ids.iter().copied()))
        .order_by_asc(outcome::Column::Date)
        .order_by_asc(outcome::Column::Id)
        .all(db)
        .await?;
    Ok(by_trainee(rows, |r| r.trainee_id))
}
