//! Audited reveals of the full identity numbers and the reveal log.

use entity::{Role, identity_reveal, trainee};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, Select,
};
use uuid::Uuid;

use super::sealed::{Sealed, open};
use super::{get, not_found};
use crate::auth::{Actor, RegionScope};
use crate::crypto::FieldCipher;
use crate::error::AppError;
use crate::service::page::{self, Order, Page, PageArgs};
use crate::service::scope::Scope;
use crate::service::write::write;
use crate::service::{Problems, ServiceResult, now, validate};

/// The full numbers of a trainee, as revealed.
#[derive(Debug, Clone)]
pub struct Revealed {
    pub id_number: String,
    pub certificate_number: String,
}

/// Reveals a trainee's full identity and certificate numbers to an ADMIN over its base, its
/// own BASE_MANAGER or the trainee, and writes the audit record in the same transaction.
pub async fn reveal(
    db: &DatabaseConnection,
    cipher: &FieldCipher,
    actor: &Actor,
    trainee_id: Uuid,
    reason: &str,
) -> ServiceResult<Revealed> {
    let user = actor.user()?;
    if !matches!(user.role, Role::Admin | Role::BaseManager | Role::Trainee) {
        return Err(AppError::Forbidden.into());
    }
    let mut problems = Problems::default();
    let reason = validate::text(&mut problems, "reason", reason, 2, 200);
    let revealed = write(db)
        .run(async |txn| {
            let found = get(txn, actor, trainee_id).await?;
            if found.is_none() {
                problems.push(not_found("traineeId"));
            }
            problems.into_result()?;
            let (Some(found), Some(reason)) = (found, reason) else {
                return Err(
                    AppError::internal(anyhow::anyhow!("validated reveal incomplete")).into(),
                );
            };
            // A value that does not decrypt for this row is INTERNAL (logged with the row, see
            // `open`); the transaction rolls back, so no audit record claims a reveal.
            let sealing = (found.id, found.crypto_version);
            let revealed = Revealed {
                id_number: open(cipher, Sealed::IdNumber, sealing, &found.id_number_enc)?,
                certificate_number: open(
                    cipher,
                    Sealed::Certificate,
                    sealing,
                    &found.certificate_enc,
                )?,
            };
            identity_reveal::ActiveModel {
                id: Set(Uuid::now_v7()),
                trainee_id: Set(found.id),
                revealed_by: Set(user.user_id),
                reason: Set(reason),
                revealed_at: Set(now()),
            }
            .insert(txn)
            .await?;
            Ok(revealed)
        })
        .await?;
    tracing::info!(%trainee_id, revealed_by = %user.user_id, "identity revealed");
    Ok(revealed)
}

fn reveals_in_scope(
    actor: &Actor,
    trainee_id: Option<Uuid>,
) -> Result<Select<identity_reveal::Entity>, AppError> {
    let scope = Scope::of(actor);
    let region = scope.admin()?;
    let mut select = identity_reveal::Entity::find();
    if region != RegionScope::Nationwide {
        let trainees = Query::select()
            .column(trainee::Column::Id)
            .from(trainee::Entity)
            .cond_where(scope.governed_bases(trainee::Column::BaseId))
            .to_owned();
        select = select.filter(identity_reveal::Column::TraineeId.in_subquery(trainees));
    }
    if let Some(id) = trainee_id {
        select = select.filter(identity_reveal::Column::TraineeId.eq(id));
    }
    Ok(select)
}

/// The reveal audit log for an ADMIN: reveals of trainees at bases in its region, oldest first.
pub async fn reveals(
    db: &impl ConnectionTrait,
    actor: &Actor,
    trainee_id: Option<Uuid>,
    args: &PageArgs,
) -> ServiceResult<Page<identity_reveal::Model>> {
    let select = reveals_in_scope(actor, trainee_id)?;
    let order = Order::by_id(identity_reveal::Column::Id);
    Ok(page::fetch(db, select, &order, args).await?)
}

/// How many audit entries `reveals` would list.
pub async fn count_reveals(
    db: &impl ConnectionTrait,
    actor: &Actor,
    trainee_id: Option<Uuid>,
) -> ServiceResult<u64> {
    Ok(page::count(db, reveals_in_scope(actor, trainee_id)?).await?)
}
