//! Trainee mutations.

use async_graphql::{Context, ErrorExtensions, Object};

use super::imports::{ImportTraineesInput, ImportTraineesPayload};
use super::inputs::{
    RecordServiceInput, RegisterTraineeInput, RevealIdentityInput, TransferTraineeInput,
    UpdateTraineeInput,
};
use super::types::{RevealIdentityPayload, ServiceRecordPayload, TraineePayload};
use crate::error::AppError;
use crate::graphql::common::{ContextExt, ids, respond};
use crate::service;
use crate::service::spreadsheet::Limits;
use crate::service::trainee::employment::NewService;
use crate::service::trainee::import::{self, ImportFile};
use crate::service::trainee::{Registration, TraineeChanges};

/// Trainee mutations.
#[derive(Default)]
pub struct TraineeMutation;

#[Object]
impl TraineeMutation {
    /// Registers a trainee at a base you govern (ADMIN in its region, or its BASE_MANAGER).
    /// Every problem is a `userErrors` entry on its field; a person registered anywhere in the
    /// network is `DUPLICATE`; without consent nothing is stored (`CONSENT_REQUIRED`).
    async fn register_trainee(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: RegisterTraineeInput,
    ) -> async_graphql::Result<TraineePayload> {
        let actor = ctx.actor()?;
        let base_id = match ids::input(|ids| ids.one("baseId", &input.base_id)) {
            Ok(id) => id,
            Err(err) => return respond(Err(err)),
        };
        let registration = Registration {
            name: input.name,
            id_number: input.id_number,
            certificate_number: input.disability_certificate_number,
            region_code: input.region_code,
            phone: input.phone,
            residence: Some(input.residence.into()),
            education: input.education.map(Into::into),
            employment_status: input.employment_status.map(Into::into),
            interests: input
                .interests
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
        };
        let state = ctx.state();
        respond(
            service::trainee::register(
                &state.db,
                &state.cipher,
                actor,
                base_id,
                registration,
                input.consent_to_sensitive_data,
            )
            .await,
        )
    }

    /// Changes a trainee you manage, guarded by `version`. A trainee may change its own
    /// `phone` and `interests` only.
    async fn update_trainee(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: UpdateTraineeInput,
    ) -> async_graphql::Result<TraineePayload> {
        let actor = ctx.actor()?;
        respond(
            async {
                let changes = ids::input(|ids| TraineeChanges {
                    id: ids.one("id", &input.id),
                    version: input.version,
                    name: input.name,
                    phone: input.phone,
                    residence: input.residence.map(Into::into),
                    education: input.education.map(Into::into),
                    employment_status: input.employment_status.map(Into::into),
                    status: input.status.map(Into::into),
                    interests: input
                        .interests
                        .map(|i| i.into_iter().map(Into::into).collect()),
                })?;
                let state = ctx.state();
                service::trainee::update(&state.db, &state.cipher, actor, changes).await
            }
            .await,
        )
    }

    /// Moves a trainee to another base; you must govern both. Courses, products and records
    /// stay with the person.
    async fn transfer_trainee(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: TransferTraineeInput,
    ) -> async_graphql::Result<TraineePayload> {
        let actor = ctx.actor()?;
        respond(
            async {
                let (trainee_id, to_base_id) = ids::input(|ids| {
                    (
                        ids.one("traineeId", &input.trainee_id),
                        ids.one("toBaseId", &input.to_base_id),
                    )
                })?;
                service::trainee::transfer(ctx.db(), actor, trainee_id, to_base_id).await
            }
            .await,
        )
    }

    /// Returns a trainee's full identity and certificate numbers and records who asked,
    /// when and why. ADMIN over the trainee's base, its BASE_MANAGER, or the trainee.
    async fn reveal_trainee_identity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: RevealIdentityInput,
    ) -> async_graphql::Result<RevealIdentityPayload> {
        let actor = ctx.actor()?;
        let state = ctx.state();
        respond(
            async {
                let trainee_id = ids::input(|ids| ids.one("traineeId", &input.trainee_id))?;
                service::trainee::reveal(&state.db, &state.cipher, actor, trainee_id, &input.reason)
                    .await
            }
            .await,
        )
    }

    /// Registers trainees from an XLSX or CSV file into a base you govern (ADMIN in its
    /// region, or its BASE_MANAGER). A base you do not govern is `NOT_FOUND` on `baseId` and
    /// nothing else is checked; without `consentToSensitiveData` the file is not read
    /// (`CONSENT_REQUIRED`); beyond the account's hourly allowance (`QIHANG_IMPORTS_PER_HOUR`,
    /// refilled evenly over the hour) it is `RATE_LIMITED` with `extensions.retryAfter` in
    /// seconds. Each row is checked like
    /// `registerTrainee`; duplicates inside the file and against the network are reported
    /// per row; valid rows are created together. `dryRun` creates nothing. Every import that
    /// reads its file is recorded (see `traineeImports`).
    async fn import_trainees(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: ImportTraineesInput,
    ) -> async_graphql::Result<ImportTraineesPayload> {
        let actor = ctx.actor()?;
        let base_id = match ids::input(|ids| ids.one("baseId", &input.base_id)) {
            Ok(id) => id,
            Err(err) => return respond(Err(err)),
        };
        let state = ctx.state();
        let permit = match import::permit(
            &state.db,
            &state.import_limiter,
            actor,
            base_id,
            input.consent_to_sensitive_data,
        )
        .await
        {
            Ok(permit) => permit,
            Err(err) => return respond(Err(err)),
        };
        let limits = Limits::default();
        let upload = input.file.value(ctx)?;
        let name = upload.filename.clone();
        let file = tokio::task::spawn_blocking(move || {
            ImportFile::read(Some(name), upload.into_read(), limits.max_bytes)
        })
        .await
        .map_err(AppError::internal)
        .and_then(|read| read.map_err(AppError::internal))
        .map_err(|err| err.extend())?;
        let dry_run = input.dry_run.unwrap_or(false);
        respond(import::import(&state.db, &state.cipher, permit, file, dry_run, limits).await)
    }

    /// Records one of the "four ones" employment services for a trainee you manage.
    async fn record_service(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: RecordServiceInput,
    ) -> async_graphql::Result<ServiceRecordPayload> {
        let actor = ctx.actor()?;
        respond(
            async {
                let new_service = ids::input(|ids| NewService {
                    trainee_id: ids.one("traineeId", &input.trainee_id),
                    kind: input.kind.into(),
                    date: input.date.0,
                    notes: input.notes,
                })?;
                service::trainee::employment::record(ctx.db(), actor, new_service).await
            }
            .await,
        )
    }
}
