//! Sourcing inquiries: a PARTNER asks about a PUBLISHED product; the product's base managers
//! or its producer answer. A partner sees its own inquiries, a BASE_MANAGER those on its
//! bases' products, a TRAINEE those on its own products, an ADMIN those in its region.

use entity::{InquiryStatus, ProductStatus, Role, inquiry, product};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, DbErr, EntityTrait, QueryFilter, Select,
};
use uuid::Uuid;

use crate::auth::Actor;
use crate::error::AppError;
use crate::events::{Event, EventBus};
use crate::service::page::{self, Order, Page, PageArgs};
use crate::service::scope::Scope;
use crate::service::write::write;
use crate::service::{Problems, ServiceResult, UserError, UserErrorCode, now, validate};

/// The inquiries `actor` may read, as a SQL condition.
fn visible(actor: &Actor) -> Condition {
    Scope::of(actor)
        .grants()
        .staff(inquiry::Column::BaseId)
        .partner(|me| inquiry::Column::PartnerId.eq(me))
        .trainee(|me| inquiry::Column::ProductId.in_subquery(products_of(me)))
        .condition()
}

fn products_of(trainee_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(product::Column::Id)
        .from(product::Entity)
        .and_where(product::Column::TraineeId.eq(trainee_id))
        .to_owned()
}

/// The inquiries `actor` may answer: BASE_MANAGERs those on their bases' products, TRAINEEs
/// those on their own products. ADMINs read but do not answer for a base.
fn answerable(actor: &Actor) -> Condition {
    let grants = Scope::of(actor).grants();
    match Scope::of(actor).role() {
        Some(Role::BaseManager) => grants.staff(inquiry::Column::BaseId).condition(),
        _ => grants
            .trainee(|me| inquiry::Column::ProductId.in_subquery(products_of(me)))
            .condition(),
    }
}

fn selected(actor: &Actor, statuses: &[InquiryStatus]) -> Select<inquiry::Entity> {
    let mut select = inquiry::Entity::find().filter(visible(actor));
    if !statuses.is_empty() {
        select = select.filter(inquiry::Column::Status.is_in(statuses.iter().copied()));
    }
    select
}

/// One page of the inquiries the caller may read, oldest first.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    statuses: &[InquiryStatus],
    args: &PageArgs,
) -> ServiceResult<Page<inquiry::Model>> {
    Scope::of(actor).user()?;
    Ok(page::fetch(
        db,
        selected(actor, statuses),
        &Order::by_id(inquiry::Column::Id),
        args,
    )
    .await?)
}

/// How many inquiries the caller may read have one of the statuses.
pub async fn count(
    db: &impl ConnectionTrait,
    actor: &Actor,
    statuses: &[InquiryStatus],
) -> ServiceResult<u64> {
    Ok(page::count(db, selected(actor, statuses)).await?)
}

/// One inquiry, if the caller may read it (for subscriptions, which re-read every event
/// with the subscriber's scope).
pub async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> Result<Option<inquiry::Model>, DbErr> {
    inquiry::Entity::find_by_id(id)
        .filter(visible(actor))
        .one(db)
        .await
}

/// Tells `inquiryUpdated` subscribers (after the change is committed).
async fn announce(events: &EventBus, inquiry: &inquiry::Model) {
    events
        .publish(Event::InquiryUpdated {
            inquiry_id: inquiry.id,
            partner_id: inquiry.partner_id,
            base_id: inquiry.base_id,
        })
        .await;
}

/// What `createInquiry` asks for.
#[derive(Debug, Clone)]
pub struct NewInquiry {
    pub product_id: Uuid,
    pub quantity: i32,
    pub message: Option<String>,
}

/// A PARTNER asks about a PUBLISHED product, for at least its minimum order quantity.
/// Subscribers of `inquiryUpdated` hear of it once it is saved.
pub async fn create(
    db: &DatabaseConnection,
    events: &EventBus,
    actor: &Actor,
    input: NewInquiry,
) -> ServiceResult<inquiry::Model> {
    let user = Scope::of(actor).user()?;
    let (Role::Partner, Some(partner_id)) = (user.role, user.partner_id) else {
        return Err(AppError::Forbidden.into());
    };
    let mut problems = Problems::default();
    let message = validate::optional_text(&mut problems, "message", input.message.as_deref(), 1000);
    let created = write(db)
        .run(async |txn| {
            let found = product::Entity::find_by_id(input.product_id)
                .filter(product::Column::Status.eq(ProductStatus::Published))
                .one(txn)
                .await?;
            let Some(product) = found else {
                problems.add("productId", UserErrorCode::NotFound, "产品不存在");
                return Err(problems
                    .into_result()
                    .err()
                    .unwrap_or_else(|| AppError::NotFound.into()));
            };
            if input.quantity < product.min_order_quantity {
                problems.add(
                    "quantity",
                    UserErrorCode::Invalid,
                    format!("数量不能少于起订量 {}", product.min_order_quantity),
                );
            }
            problems.into_result()?;
            let now = now();
            Ok(inquiry::ActiveModel {
                id: Set(Uuid::now_v7()),
                partner_id: Set(partner_id),
                product_id: Set(product.id),
                base_id: Set(product.base_id),
                quantity: Set(input.quantity),
                message: Set(message.flatten()),
                status: Set(InquiryStatus::Open),
                response: Set(None),
                responded_by: Set(None),
                responded_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(txn)
            .await?)
        })
        .await?;
    announce(events, &created).await;
    Ok(created)
}

/// What `respondToInquiry` asks for.
#[derive(Debug, Clone)]
pub struct Answer {
    pub inquiry_id: Uuid,
    pub accept: bool,
    pub response: Option<String>,
}

/// Accepts or declines an OPEN inquiry: the product's base managers or its producer.
/// Subscribers of `inquiryUpdated` hear of it once it is saved.
pub async fn respond(
    db: &DatabaseConnection,
    events: &EventBus,
    actor: &Actor,
    answer: Answer,
) -> ServiceResult<inquiry::Model> {
    let user = Scope::of(actor).user()?;
    if !matches!(user.role, Role::BaseManager | Role::Trainee) {
        return Err(AppError::Forbidden.into());
    }
    let responder = user.user_id;
    let mut problems = Problems::default();
    let response =
        validate::optional_text(&mut problems, "response", answer.response.as_deref(), 1000);
    problems.into_result()?;
    let answered = write(db)
        .run(async |txn| {
            let Some(existing) = inquiry::Entity::find_by_id(answer.inquiry_id)
                .filter(answerable(actor))
                .one(txn)
                .await?
            else {
                return Err(
                    UserError::input("inquiryId", UserErrorCode::NotFound, "询价不存在").into(),
                );
            };
            if existing.status != InquiryStatus::Open {
                return Err(UserError::input(
                    "inquiryId",
                    UserErrorCode::InvalidState,
                    "该询价已答复或已关闭",
                )
                .into());
            }
            let now = now();
            let mut model: inquiry::ActiveModel = existing.clone().into();
            model.status = Set(if answer.accept {
                InquiryStatus::Accepted
            } else {
                InquiryStatus::Declined
            });
            model.response = Set(response.flatten());
            model.responded_by = Set(Some(responder));
            model.responded_at = Set(Some(now));
            model.updated_at = Set(now);
            model.version = Set(existing.version + 1);
            // Only an inquiry still OPEN is answered: of two answers at once, one wins.
            let result = inquiry::Entity::update_many()
                .set(model)
                .filter(inquiry::Column::Id.eq(existing.id))
                .filter(inquiry::Column::Status.eq(InquiryStatus::Open))
                .exec(txn)
                .await?;
            if result.rows_affected != 1 {
                return Err(UserError::input(
                    "inquiryId",
                    UserErrorCode::InvalidState,
                    "该询价已答复或已关闭",
                )
                .into());
            }
            Ok(inquiry::Entity::find_by_id(existing.id)
                .one(txn)
                .await?
                .ok_or(AppError::NotFound)?)
        })
        .await?;
    announce(events, &answered).await;
    Ok(answered)
}
