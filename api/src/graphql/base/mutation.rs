//! Base mutations.

use async_graphql::{Context, Object};

use super::inputs::{CreateBaseInput, UpdateBaseInput};
use super::types::BasePayload;
use crate::graphql::common::{ContextExt, ids, respond};
use crate::service;
use crate::service::base::{BaseChanges, NewBase};

/// Base mutations.
#[derive(Default)]
pub struct BaseMutation;

#[Object]
impl BaseMutation {
    /// Records a base. ADMIN only, in its region (`FORBIDDEN` elsewhere).
    async fn create_base(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: CreateBaseInput,
    ) -> async_graphql::Result<BasePayload> {
        let actor = ctx.actor()?;
        let new_base = NewBase {
            name: input.name,
            region_code: input.region_code,
            address: input.address,
            operator: input.operator,
            status: input.status.map(Into::into),
            established_on: input.established_on.map(|d| d.0),
            capacity: input.capacity,
            contact_phone: input.contact_phone,
            focus_areas: input
                .focus_areas
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
        };
        respond(service::base::create(ctx.db(), actor, new_base).await)
    }

    /// Changes a base in your region, guarded by `version` (`STALE_VERSION` when someone else
    /// changed it first). ADMIN only.
    async fn update_base(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: UpdateBaseInput,
    ) -> async_graphql::Result<BasePayload> {
        let actor = ctx.actor()?;
        respond(
            async {
                let changes = ids::input(|ids| BaseChanges {
                    id: ids.one("id", &input.id),
                    version: input.version,
                    name: input.name,
                    address: input.address,
                    operator: input.operator,
                    status: input.status.map(Into::into),
                    capacity: input.capacity,
                    contact_phone: input.contact_phone,
                    focus_areas: input
                        .focus_areas
                        .map(|areas| areas.into_iter().map(Into::into).collect()),
                })?;
                service::base::update(ctx.db(), actor, changes).await
            }
            .await,
        )
    }
}
