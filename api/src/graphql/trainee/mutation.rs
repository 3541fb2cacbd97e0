//! Trainee mutations.

use async_graphql::{Context, Object};

use super::inputs::{
    ImportTraineesInput, RecordServiceInput, RegisterTraineeInput, RevealIdentityInput,
    TransferTraineeInput, UpdateTraineeInput,
};
use super::types::{
    ImportTraineesPayload, RevealIdentityPayload, ServiceRecordPayload, TraineePayload,
};
use crate::error::AppError;
use crate::graphql::common::{ContextExt, ids, respond};
use crate::service::trainee::employment::NewService;
use crate::service::trainee::import::ImportFile;
use crate::service::trainee::import_file::Limits;
use crate::service::trainee::{Registration, TraineeChanges};
use crate::service::{self, ServiceResult};

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
                service::trainee::update(ctx.db(), actor, changes).await
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

    /// Registers trainees from an XLSX or CSV file into a base you govern. Each row is
    /// checked like `registerTrainee`; duplicates inside the file and against the network are
    /// reported per row; valid rows are created together. `dryRun` writes nothing.
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
        let limits = Limits::default();
        let upload = input.file.value(ctx)?;
        let name = upload.filename.clone();
        let content = read_upload(upload, limits.max_bytes).await;
        let state = ctx.state();
        let result: ServiceResult<_> = match content {
            Ok(content) => {
                let file = ImportFile {
                    name: Some(&name),
                    content: &content,
                };
                service::trainee::import::import(
                    &state.db,
                    &state.cipher,
                    actor,
                    base_id,
                    file,
                    input.dry_run.unwrap_or(false),
                    &limits,
                )
                .await
            }
            Err(err) => Err(err),
        };
        respond(result)
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

/// Reads an upload into memory on the blocking pool, refusing files above `max_bytes`.
async fn read_upload(
    upload: async_graphql::UploadValue,
    max_bytes: usize,
) -> ServiceResult<Vec<u8>> {
    use std::io::Read;
    let too_large = move || {
        service::UserError::input(
            "file",
            service::UserErrorCode::Invalid,
            format!("文件超过 {} MB 上限", max_bytes / (1024 * 1024)),
        )
    };
    if upload.size().map_err(AppError::internal)? > max_bytes as u64 {
        return Err(too_large().into());
    }
    tokio::task::spawn_blocking(move || {
        let mut content = Vec::new();
        upload
            .into_read()
            .take(max_bytes as u64 + 1)
            .read_to_end(&mut content)
            .map_err(AppError::internal)?;
        if content.len() > max_bytes {
            return Err(too_large().into());
        }
        Ok(content)
    })
    .await
    .map_err(AppError::internal)?
}
