//! Types of the base domain.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::base;

use crate::error::GqlResultExt;
use crate::graphql::account::types::User;
use crate::graphql::common::errors::object_payload;
use crate::graphql::common::pagination::{KeyConnection, TotalCount, connection, page_args};
use crate::graphql::common::scalars::{Date, DateTime};
use crate::graphql::common::{ContextExt, UserError};
use crate::graphql::course::types::{CourseConnection, base_course_connection};
use crate::graphql::region::types::Region;
use crate::graphql::trainee::inputs::{TraineeFilter, TraineeOrder};
use crate::graphql::trainee::loaders::{BaseTraineeCountKey, BaseTraineesKey};
use crate::graphql::trainee::types::{Trainee, TraineeConnection, columns_for_connection};
use crate::service::page::Page;
use crate::service::scope::Scope;

/// Life cycle of a base.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::BaseStatus")]
pub enum BaseStatus {
    /// Being set up; not yet taking trainees.
    Planned,
    /// Running.
    Active,
    /// Temporarily not running.
    Suspended,
    /// Closed for good.
    Closed,
}

/// Kinds of online work taught and incubated.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::TrainingCategory")]
pub enum TrainingCategory {
    /// Livestream selling (直播带货).
    LivestreamCommerce,
    /// Short video (短视频).
    ShortVideo,
    /// Running an online shop (网店运营).
    OnlineStore,
    /// Voice work such as audiobook narration (有声配音).
    VoiceWork,
    /// Telephone and online customer service (客服).
    CustomerService,
    /// Data labelling (数据标注).
    DataLabeling,
    /// Handicraft (手工艺).
    Handicraft,
    /// Supply chain (供应链).
    SupplyChain,
    /// Digital literacy (数字素养).
    DigitalLiteracy,
    /// Entrepreneurship (创业).
    Entrepreneurship,
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct IncubationBase(pub base::Model);

/// An online entrepreneurship incubation base (残疾人网络创业孵化基地).
#[Object]
impl IncubationBase {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Name of the base.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Where the base is.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Region> {
        Region::require(ctx, &self.0.region_code)
    }

    /// Street address.
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }

    /// Organisation that runs the base.
    async fn operator(&self) -> Option<&str> {
        self.0.operator.as_deref()
    }

    /// Life-cycle status.
    async fn status(&self) -> BaseStatus {
        self.0.status.into()
    }

    /// When the base was established.
    async fn established_on(&self) -> Option<Date> {
        self.0.established_on.map(Date)
    }

    /// How many trainees the base can take.
    async fn capacity(&self) -> Option<i32> {
        self.0.capacity
    }

    /// Public contact telephone.
    async fn contact_phone(&self) -> Option<&str> {
        self.0.contact_phone.as_deref()
    }

    /// What the base trains for.
    async fn focus_areas(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TrainingCategory>> {
        let areas = ctx.loaders().base_focus_areas.load_one(self.0.id).await?;
        Ok(areas
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The base's managers. Shown to ADMINs over the base's region and to the base's own
    /// staff; empty for everyone else.
    async fn managers(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<User>> {
        if !Scope::of(ctx.actor()?).may_see_staff(&self.0) {
            return Ok(Vec::new());
        }
        let managers = ctx
            .loaders()
            .base_managers
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(managers.into_iter().map(User).collect())
    }

    /// The base's trainees you may see, in registration order unless `orderBy` says otherwise:
    /// all of them for an ADMIN over the base's region and for its managers; none for others.
    /// One statement serves every base of a list.
    async fn trainees(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue after.")] after: Option<String>,
        #[graphql(desc = "Conditions the trainees must meet.")] filter: Option<TraineeFilter>,
        #[graphql(desc = "Sort order (default: registration order). Cursors belong to one order.")]
        order_by: Option<TraineeOrder>,
    ) -> async_graphql::Result<TraineeConnection> {
        ctx.actor()?;
        let args = page_args(first, after, None, None).gql()?;
        let filter = filter.unwrap_or_default().into_service().gql()?;
        let order = TraineeOrder::into_service(order_by);
        let loaders = ctx.loaders().clone();
        let key = BaseTraineesKey {
            base_id: self.0.id,
            args: args.clone(),
            order,
            filter: filter.clone(),
            columns: columns_for_connection(ctx.look_ahead()),
        };
        let page = loaders
            .base_trainees
            .load_one(key)
            .await?
            .unwrap_or_else(|| Page::empty(&args));
        let base_id = self.0.id;
        let total = TotalCount::new(move || {
            let (loaders, filter) = (loaders.clone(), filter.clone());
            Box::pin(async move {
                let key = BaseTraineeCountKey { base_id, filter };
                Ok(loaders
                    .base_trainee_counts
                    .load_one(key)
                    .await?
                    .unwrap_or(0))
            })
        });
        let sort = order.sort();
        Ok(connection(
            page,
            |t| sort.cursor(t.as_ref()),
            Trainee::from,
            total,
        ))
    }

    /// The base's courses you may see, oldest first: OPEN ones for everyone, all of them for
    /// those who manage them. One statement serves every base of a list.
    async fn courses(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue after.")] after: Option<String>,
    ) -> async_graphql::Result<CourseConnection> {
        base_course_connection(ctx, self.0.id, first, after).await
    }

    /// Changes with every update; send it back with `updateBase`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When the base was recorded.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    /// When the base was last changed.
    async fn updated_at(&self) -> DateTime {
        self.0.updated_at.into()
    }
}

/// A page of bases.
pub type IncubationBaseConnection = KeyConnection<IncubationBase>;

/// Result of `createBase` and `updateBase`.
#[derive(SimpleObject)]
pub struct BasePayload {
    /// The base as saved.
    pub base: Option<IncubationBase>,
    /// Problems with the input; nothing was changed.
    pub user_errors: Vec<UserError>,
}

object_payload!(BasePayload, base: base::Model => IncubationBase);
