//! Types of the trainee domain.
//!
//! Over 400 lines for a reason: the layout keeps every output type of a domain in its
//! `types.rs` (seven enums, four objects, four payloads), each with its descriptions.

use std::sync::Arc;

use async_graphql::{Context, Enum, ErrorExtensions, ID, Lookahead, Object, SimpleObject};
use entity::{base, identity_reveal, service_record, trainee};

use crate::error::{AppError, GqlResultExt};
use crate::graphql::account::types::User;
use crate::graphql::base::types::{IncubationBase, TrainingCategory};
use crate::graphql::catalog::loaders::TraineeProductsKey;
use crate::graphql::catalog::types::{Product, ProductConnection};
use crate::graphql::common::errors::object_payload;
use crate::graphql::common::loaders::required;
use crate::graphql::common::pagination::{KeyConnection, TotalCount, connection, page_args};
use crate::graphql::common::scalars::{Date, DateTime};
use crate::graphql::common::{ContextExt, Payload, UserError};
use crate::graphql::course::loaders::EnrollmentParent;
use crate::graphql::course::types::{
    AccessibilityFeature, EnrollmentConnection, enrollment_connection,
};
use crate::graphql::region::types::Region;
use crate::graphql::report::types::{Outcome, SupportRecord};
use crate::graphql::star::types::{Award, StarProfile, awards_of};
use crate::service;
use crate::service::page::Page;
use crate::service::trainee::{Revealed, TraineeColumns, TraineePersonal, TraineeRow};

/// Disability category, from the 19th character of the certificate number.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::DisabilityCategory")]
pub enum DisabilityCategory {
    /// 视力残疾 (1).
    Visual,
    /// 听力残疾 (2).
    Hearing,
    /// 言语残疾 (3).
    Speech,
    /// 肢体残疾 (4).
    Physical,
    /// 智力残疾 (5).
    Intellectual,
    /// 精神残疾 (6).
    Mental,
    /// 多重残疾 (7).
    Multiple,
}

/// Gender, from the identity number.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::Gender")]
pub enum Gender {
    /// 男.
    Male,
    /// 女.
    Female,
}

/// Urban or rural residence.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::Residence")]
pub enum Residence {
    /// 城镇.
    Urban,
    /// 农村.
    Rural,
}

/// Highest education completed.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::EducationLevel")]
pub enum EducationLevel {
    /// 无.
    None,
    /// 小学.
    Primary,
    /// 初中.
    JuniorSecondary,
    /// 高中.
    SeniorSecondary,
    /// 中专、职高、技校.
    Vocational,
    /// 大专.
    College,
    /// 本科.
    Bachelor,
    /// 研究生.
    Postgraduate,
}

/// Employment status.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::EmploymentStatus")]
pub enum EmploymentStatus {
    /// 未就业.
    Unemployed,
    /// 就业.
    Employed,
    /// 自主创业.
    SelfEmployed,
    /// 在校学生.
    Student,
}

/// Where a trainee is in the programme.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::TraineeStatus")]
pub enum TraineeStatus {
    /// In training or incubation.
    Active,
    /// Finished the programme.
    Graduated,
    /// Left the programme.
    Withdrawn,
}

/// The "four ones" (四个一) employment services.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::ServiceKind")]
pub enum ServiceKind {
    /// 一次基本信息核实.
    InfoVerification,
    /// 一次职业能力评估.
    CapabilityAssessment,
    /// 一次就业需求登记.
    NeedRegistration,
    /// 一次就业服务.
    EmploymentService,
}

/// The stored row, exposed through the `#[Object]` impl below. Shared, so a loader's batch
/// hands its rows to every field that asked without copying them. Read joined to its base,
/// the trainee carries the base to its `base` field.
pub struct Trainee {
    row: Arc<TraineeRow>,
    base: Option<base::Model>,
}

impl Trainee {
    /// A trainee read joined to its base.
    pub fn with_base(row: Arc<TraineeRow>, base: base::Model) -> Self {
        Trainee {
            row,
            base: Some(base),
        }
    }

    /// `field` of the trainee's personal columns, for a caller who may read personal fields.
    /// A list that saw no personal field in its selection read the row without them (see
    /// [`columns_for`]); a field it did not see (one in a second selection of the same
    /// connection, merged into the first) reads them now, through the trainee loader.
    async fn personal<T>(
        &self,
        ctx: &Context<'_>,
        field: impl FnOnce(&TraineeRow, &TraineePersonal) -> T,
    ) -> async_graphql::Result<T> {
        personal_fields(ctx)?;
        if let Some(personal) = &self.row.personal {
            return Ok(field(&self.row, personal));
        }
        let row = required(&ctx.loaders().trainees, self.row.id, |row| row).await?;
        let personal = row.personal.as_ref().ok_or_else(|| {
            AppError::internal(anyhow::anyhow!(
                "the trainee loader read no personal columns"
            ))
            .extend()
        })?;
        Ok(field(&row, personal))
    }
}

impl From<Arc<TraineeRow>> for Trainee {
    fn from(row: Arc<TraineeRow>) -> Self {
        Trainee { row, base: None }
    }
}

impl From<TraineeRow> for Trainee {
    fn from(row: TraineeRow) -> Self {
        Trainee::from(Arc::new(row))
    }
}

impl From<trainee::Model> for Trainee {
    fn from(row: trainee::Model) -> Self {
        Trainee::from(TraineeRow::from(row))
    }
}

/// `FORBIDDEN` for a caller who sees the trainee but not its personal fields (an INSTRUCTOR).
fn personal_fields(ctx: &Context<'_>) -> async_graphql::Result<()> {
    if service::trainee::may_read_personal_fields(ctx.actor()?) {
        Ok(())
    } else {
        Err(AppError::Forbidden.extend())
    }
}

/// The fields shown from the columns a [`TraineeColumns::Public`] read leaves out.
const PERSONAL_FIELDS: [&str; 4] = [
    "birthDate",
    "idNumberMasked",
    "disabilityCertificateMasked",
    "phone",
];

/// The columns to read for trainees shown with the selections `trainees` (of the `Trainee`
/// objects of a list): the public ones unless one of them asks for a personal field.
pub fn columns_for<'a>(trainees: impl IntoIterator<Item = Lookahead<'a>>) -> TraineeColumns {
    let personal = trainees.into_iter().any(|trainee| {
        PERSONAL_FIELDS
            .iter()
            .any(|field| trainee.field(field).exists())
    });
    if personal {
        TraineeColumns::WithPersonal
    } else {
        TraineeColumns::Public
    }
}

/// [`columns_for`] the nodes of the trainee connection `connection` selects.
pub fn columns_for_connection(connection: Lookahead<'_>) -> TraineeColumns {
    columns_for([
        connection.field("nodes"),
        connection.field("edges").field("node"),
    ])
}

/// A disabled person trained at a base. Visible to ADMINs over the base's region, the base's
/// managers and the trainee; identity and certificate numbers are masked (see
/// `revealTraineeIdentity`). Instructors see the trainees of their own courses, but their
/// personal fields (`birthDate`, `idNumberMasked`, `disabilityCertificateMasked`, `phone`,
/// `services`, `supports`, `outcomes`) give a `FORBIDDEN` error.
#[Object]
impl Trainee {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.row.id.to_string())
    }

    /// Full name.
    async fn name(&self) -> &str {
        &self.row.name
    }

    /// From the identity number.
    async fn gender(&self) -> Gender {
        self.row.gender.into()
    }

    /// From the identity number. Not for instructors (`FORBIDDEN`).
    async fn birth_date(&self, ctx: &Context<'_>) -> async_graphql::Result<Date> {
        self.personal(ctx, |_, personal| Date(personal.birth_date))
            .await
    }

    /// Identity number showing only its region code, e.g. "220302************": nothing that
    /// `birthDate` and `gender` do not show already (see `revealTraineeIdentity`). Not for
    /// instructors (`FORBIDDEN`).
    async fn id_number_masked(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        self.personal(ctx, |_, personal| personal.id_number_masked.clone())
            .await
    }

    /// Disability certificate number showing only the region code and the category and level
    /// digits, e.g. "220302************23". Not for instructors (`FORBIDDEN`).
    async fn disability_certificate_masked(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<String> {
        self.personal(ctx, |_, personal| personal.certificate_masked.clone())
            .await
    }

    /// From the certificate number.
    async fn disability_category(&self) -> DisabilityCategory {
        self.row.disability_category.into()
    }

    /// The accessibility a course needs to suit this trainee: any one of these features (for
    /// SPEECH and PHYSICAL an online course suits too); empty when any course suits (MENTAL,
    /// MULTIPLE). Shown to the trainee's instructors.
    async fn accessibility_needs(&self) -> Vec<AccessibilityFeature> {
        let mut features = service::course::rules::fit(self.row.disability_category)
            .features
            .to_vec();
        features.sort();
        features.into_iter().map(Into::into).collect()
    }

    /// 1 (most severe) to 4, from the certificate number.
    async fn disability_level(&self) -> i32 {
        self.row.disability_level
    }

    /// Mainland mobile number; shown to an ADMIN over the trainee's base, the base's managers
    /// and the trainee, null for everyone else. Not for instructors (`FORBIDDEN`).
    async fn phone(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let (cipher, actor) = (&ctx.state().cipher, ctx.actor()?);
        self.personal(ctx, |row, personal| {
            service::trainee::phone(cipher, actor, row, personal)
        })
        .await?
        .gql()
    }

    /// Where the trainee lives.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Region> {
        Region::require(ctx, &self.row.region_code)
    }

    /// Urban or rural.
    async fn residence(&self) -> Residence {
        self.row.residence.into()
    }

    /// Highest education completed.
    async fn education(&self) -> Option<EducationLevel> {
        self.row.education.map(Into::into)
    }

    /// Employment status.
    async fn employment_status(&self) -> EmploymentStatus {
        self.row.employment_status.into()
    }

    /// Where the trainee is in the programme.
    async fn status(&self) -> TraineeStatus {
        self.row.status.into()
    }

    /// What the trainee wants to learn.
    async fn interests(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TrainingCategory>> {
        let interests = ctx
            .loaders()
            .trainee_interests
            .load_one(self.row.id)
            .await?;
        Ok(interests
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The base the trainee belongs to.
    async fn base(&self, ctx: &Context<'_>) -> async_graphql::Result<IncubationBase> {
        if let Some(base) = &self.base {
            return Ok(IncubationBase(base.clone()));
        }
        required(&ctx.loaders().bases, self.row.base_id, IncubationBase).await
    }

    /// The trainee's enrolments you may see, oldest first (an INSTRUCTOR sees those in its own
    /// courses). One statement serves every trainee of a list.
    async fn enrollments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue after.")] after: Option<String>,
    ) -> async_graphql::Result<EnrollmentConnection> {
        enrollment_connection(ctx, EnrollmentParent::Trainee, self.row.id, first, after).await
    }

    /// Employment services given (四个一), by date. Not for instructors (`FORBIDDEN`).
    async fn services(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ServiceRecord>> {
        personal_fields(ctx)?;
        let records = ctx
            .loaders()
            .trainee_services
            .load_one(self.row.id)
            .await?
            .unwrap_or_default();
        Ok(records.into_iter().map(ServiceRecord).collect())
    }

    /// The trainee's internet star profile, if nominated and you may see it.
    async fn star(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<StarProfile>> {
        Ok(ctx
            .loaders()
            .stars
            .trainee_stars
            .load_one(self.row.id)
            .await?
            .map(StarProfile))
    }

    /// Prizes won at competitions, oldest record first.
    async fn awards(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Award>> {
        awards_of(ctx, self.row.id).await
    }

    /// The trainee's products that you may see, in creation order (one statement serves
    /// every trainee of a list).
    async fn products(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue after.")] after: Option<String>,
    ) -> async_graphql::Result<ProductConnection> {
        let args = page_args(first, after, None, None).gql()?;
        let loaders = ctx.loaders().clone();
        let key = TraineeProductsKey {
            trainee_id: self.row.id,
            args: args.clone(),
        };
        let page = loaders
            .trainee_products
            .load_one(key)
            .await?
            .unwrap_or_else(|| Page::empty(&args));
        let trainee_id = self.row.id;
        let total = TotalCount::new(move || {
            let loaders = loaders.clone();
            Box::pin(async move {
                Ok(loaders
                    .trainee_product_counts
                    .load_one(trainee_id)
                    .await?
                    .unwrap_or(0))
            })
        });
        Ok(connection(page, |p| p.id, Product, total))
    }

    /// Support granted, by date. Not for instructors (`FORBIDDEN`).
    async fn supports(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SupportRecord>> {
        personal_fields(ctx)?;
        let records = ctx
            .loaders()
            .trainee_supports
            .load_one(self.row.id)
            .await?
            .unwrap_or_default();
        Ok(records.into_iter().map(SupportRecord).collect())
    }

    /// Employment and entrepreneurship outcomes, by date. Not for instructors (`FORBIDDEN`).
    async fn outcomes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Outcome>> {
        personal_fields(ctx)?;
        let records = ctx
            .loaders()
            .trainee_outcomes
            .load_one(self.row.id)
            .await?
            .unwrap_or_default();
        Ok(records.into_iter().map(Outcome).collect())
    }

    /// When the trainee was registered.
    async fn registered_at(&self) -> DateTime {
        self.row.registered_at.into()
    }

    /// Changes with every update; send it back with `updateTrainee`.
    async fn version(&self) -> i32 {
        self.row.version
    }
}

/// A page of trainees.
pub type TraineeConnection = KeyConnection<Trainee>;

/// The stored row, exposed through the `#[Object]` impl below.
pub struct ServiceRecord(pub service_record::Model);

/// One of the "four ones" employment services given to a trainee.
#[Object(serial)]
impl ServiceRecord {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Which service.
    async fn kind(&self) -> ServiceKind {
        self.0.kind.into()
    }

    /// When it was given.
    async fn date(&self) -> Date {
        Date(self.0.date)
    }

    /// Free-text notes.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }

    /// Who recorded it.
    async fn recorded_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        match self.0.recorded_by {
            None => Ok(None),
            Some(id) => Ok(ctx.loaders().users.load_one(id).await?.map(User)),
        }
    }
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct IdentityRevealEntry(pub identity_reveal::Model);

/// One reveal of a trainee's full numbers, from the append-only audit log.
#[Object]
impl IdentityRevealEntry {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Whose numbers were revealed (null if the trainee has since moved out of your region).
    async fn trainee(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Trainee>> {
        Ok(ctx
            .loaders()
            .trainees
            .load_one(self.0.trainee_id)
            .await?
            .map(Trainee::from))
    }

    /// Who saw them.
    async fn revealed_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        Ok(ctx
            .loaders()
            .users
            .load_one(self.0.revealed_by)
            .await?
            .map(User))
    }

    /// The reason given.
    async fn reason(&self) -> &str {
        &self.0.reason
    }

    /// When.
    async fn revealed_at(&self) -> DateTime {
        self.0.revealed_at.into()
    }
}

/// A page of the reveal audit log.
pub type IdentityRevealEntryConnection = KeyConnection<IdentityRevealEntry>;

/// Result of trainee mutations.
#[derive(SimpleObject)]
pub struct TraineePayload {
    /// The trainee as saved.
    pub trainee: Option<Trainee>,
    /// Problems with the input; nothing was changed.
    pub user_errors: Vec<UserError>,
}

object_payload!(TraineePayload, trainee: trainee::Model => Trainee::from);

/// Result of `revealTraineeIdentity`.
#[derive(SimpleObject, Default)]
pub struct RevealIdentityPayload {
    /// The full 18-character identity number.
    pub id_number: Option<String>,
    /// The full 20-character disability certificate number.
    pub disability_certificate_number: Option<String>,
    /// Problems with the input; nothing was revealed or logged.
    pub user_errors: Vec<UserError>,
}

impl Payload for RevealIdentityPayload {
    type Value = Revealed;

    fn ok(revealed: Revealed) -> Self {
        RevealIdentityPayload {
            id_number: Some(revealed.id_number),
            disability_certificate_number: Some(revealed.certificate_number),
            user_errors: Vec::new(),
        }
    }

    fn refused(user_errors: Vec<UserError>) -> Self {
        RevealIdentityPayload {
            user_errors,
            ..Default::default()
        }
    }
}

/// Result of `recordService`.
#[derive(SimpleObject)]
pub struct ServiceRecordPayload {
    /// The recorded service.
    pub service: Option<ServiceRecord>,
    /// Problems with the input; nothing was recorded.
    pub user_errors: Vec<UserError>,
}

object_payload!(ServiceRecordPayload, service: service_record::Model => ServiceRecord);
