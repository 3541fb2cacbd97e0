//! The "four ones" (四个一) employment services: dated records on a trainee.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{ServiceKind, service_record};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QueryResult,
};
use uuid::Uuid;

use super::{get, staff};
use crate::auth::Actor;
use crate::service::columns::Columns;
use crate::service::write::write;
use crate::service::{Problems, ServiceResult, UserErrorCode, china_today, now, validate};

/// What `recordService` asks for.
#[derive(Debug, Clone)]
pub struct NewService {
    pub trainee_id: Uuid,
    pub kind: ServiceKind,
    pub date: NaiveDate,
    pub notes: Option<String>,
}

/// Records a service given to a trainee the caller manages.
pub async fn record(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewService,
) -> ServiceResult<service_record::Model> {
    let user = staff(actor)?;
    let mut problems = Problems::default();
    let notes = validate::optional_text(&mut problems, "notes", input.notes.as_deref(), 500);
    if input.date > china_today() {
        problems.add("date", UserErrorCode::Invalid, "服务日期不能晚于今天");
    }
    write(db)
        .run(async |txn| {
            if get(txn, actor, input.trainee_id).await?.is_none() {
                problems.add("traineeId", UserErrorCode::NotFound, "学员不存在");
            }
            problems.into_result()?;
            let created = service_record::ActiveModel {
                id: Set(Uuid::now_v7()),
                trainee_id: Set(input.trainee_id),
                kind: Set(input.kind),
                date: Set(input.date),
                notes: Set(notes.flatten()),
                recorded_by: Set(Some(user.user_id)),
                created_at: Set(now()),
            }
            .insert(txn)
            .await?;
            Ok(created)
        })
        .await
}

/// A service record as a trainee list reads it (two per trainee in a page of them): by
/// position, see [`Columns`].
struct ServiceRecordRow(service_record::Model);

impl ServiceRecordRow {
    const COLUMNS: [service_record::Column; 7] = {
        use service_record::Column::*;
        [Id, TraineeId, Kind, Date, Notes, RecordedBy, CreatedAt]
    };
}

impl FromQueryResult for ServiceRecordRow {
    fn from_query_result(row: &QueryResult, prefix: &str) -> Result<Self, DbErr> {
        let mut columns = Columns::of(row, prefix)?;
        Ok(ServiceRecordRow(service_record::Model {
            id: columns.get()?,
            trainee_id: columns.get()?,
            kind: columns.get_enum()?,
            date: columns.get()?,
            notes: columns.get_nullable()?,
            recorded_by: columns.get_nullable()?,
            created_at: columns.get()?,
        }))
    }
}

/// The services of each trainee, by date, for the services loader. The caller has already
/// seen the trainees.
pub async fn of_trainees(
    db: &impl ConnectionTrait,
    trainee_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<service_record::Model>>, DbErr> {
    let select = service_record::Entity::find()
        .filter(service_record::Column::TraineeId.is_in(trainee_ids.iter().copied()))
        .order_by_asc(service_record::Column::Date)
        .order_by_asc(service_record::Column::Id);
    let records = Columns::select(select, &ServiceRecordRow::COLUMNS)
        .into_model::<ServiceRecordRow>()
        .all(db)
        .await?;
    let mut by_trainee: HashMap<Uuid, Vec<service_record::Model>> = HashMap::new();
    for ServiceRecordRow(record) in records {
        by_trainee
            .entry(record.trainee_id)
            .or_default()
            .push(record);
    }
    Ok(by_trainee)
}
