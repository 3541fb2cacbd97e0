//! Support, outcome and target mutations.

use async_graphql::{Context, Object};

use super::inputs::{GrantSupportInput, RecordOutcomeInput, SetTargetInput};
use super::types::{OutcomePayload, SupportPayload, TargetPayload};
use crate::graphql::common::{ContextExt, ids, respond};
use crate::service;
use crate::service::report::{NewOutcome, NewSupport, NewTarget};

/// Support, outcome and target mutations.
#[derive(Default)]
pub struct ReportMutation;

#[Object]
impl ReportMutation {
    /// Records support granted to a trainee you govern (ADMIN over its base's region, or the
    /// base's BASE_MANAGER). The amount is exact; the date may not be in the future.
    async fn grant_support(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: GrantSupportInput,
    ) -> async_graphql::Result<SupportPayload> {
        let actor = ctx.actor()?;
        respond(
            async {
                let support = ids::input(|ids| NewSupport {
                    trainee_id: ids.one("traineeId", &input.trainee_id),
                    kind: input.kind.into(),
                    description: input.description,
                    amount: input.amount.0,
                    granted_on: input.granted_on.0,
                })?;
                service::report::grant_support(ctx.db(), actor, support).await
            }
            .await,
        )
    }

    /// Records an employment or entrepreneurship outcome of a trainee you govern. The date
    /// may not be in the future.
    async fn record_outcome(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: RecordOutcomeInput,
    ) -> async_graphql::Result<OutcomePayload> {
        let actor = ctx.actor()?;
        respond(
            async {
                let outcome = ids::input(|ids| NewOutcome {
                    trainee_id: ids.one("traineeId", &input.trainee_id),
                    kind: input.kind.into(),
                    date: input.date.0,
                    monthly_income: input.monthly_income.map(|m| m.0),
                    employer: input.employer,
                })?;
                service::report::record_outcome(ctx.db(), actor, outcome).await
            }
            .await,
        )
    }

    /// Sets a yearly target for your region or one below it (ADMIN only); setting it again
    /// replaces the value.
    async fn set_target(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: SetTargetInput,
    ) -> async_graphql::Result<TargetPayload> {
        let actor = ctx.actor()?;
        respond(
            service::report::set_target(
                ctx.db(),
                actor,
                NewTarget {
                    region_code: input.region_code,
                    year: input.year,
                    indicator: input.indicator.into(),
                    value: input.value,
                },
            )
            .await,
        )
    }
}
