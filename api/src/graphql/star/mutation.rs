//! Star mutations: ADMINs in their region and BASE_MANAGERs at their bases.

use async_graphql::{Context, Object};

use super::inputs::{
    AddPlatformAccountInput, AdvanceStageInput, NominateStarInput, RecordAwardInput,
    RecordLivestreamInput, UpdateFollowersInput,
};
use super::types::{AwardPayload, LivestreamPayload, PlatformAccountPayload, StarPayload};
use crate::graphql::common::{ContextExt, ids, respond};
use crate::service::star::account::{self, NewAccount};
use crate::service::star::award::{self, NewAward};
use crate::service::star::livestream::{self, NewLivestream};
use crate::service::star::profile::{self, Nomination};

/// Star mutations.
#[derive(Default)]
pub struct StarMutation;

#[Object]
impl StarMutation {
    /// Nominates a trainee you manage as an internet star (PROSPECT stage). One profile per
    /// trainee (`DUPLICATE`); the mentor must be an INSTRUCTOR or BASE_MANAGER of the
    /// trainee's base.
    async fn nominate_star(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: NominateStarInput,
    ) -> async_graphql::Result<StarPayload> {
        let actor = ctx.actor()?;
        respond(
            async {
                let nomination = ids::input(|ids| Nomination {
                    trainee_id: ids.one("traineeId", &input.trainee_id),
                    mentor_id: ids.optional("mentorId", input.mentor_id.as_ref()),
                    note: input.note,
                })?;
                profile::nominate(ctx.db(), actor, nomination).await
            }
            .await,
        )
    }

    /// Moves a star to another stage, forward or back, and records the change with its note
    /// in `stageHistory`. The current stage is `INVALID_STATE`.
    async fn advance_star_stage(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: AdvanceStageInput,
    ) -> async_graphql::Result<StarPayload> {
        let actor = ctx.actor()?;
        respond(
            async {
                let star_id = ids::input(|ids| ids.one("starId", &input.star_id))?;
                profile::advance(ctx.db(), actor, star_id, input.stage.into(), input.note).await
            }
            .await,
        )
    }

    /// Adds a platform account with its current follower count to a star you manage. A
    /// handle names one account per platform (`DUPLICATE`).
    async fn add_platform_account(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: AddPlatformAccountInput,
    ) -> async_graphql::Result<PlatformAccountPayload> {
        let actor = ctx.actor()?;
        respond(
            async {
                let new = ids::input(|ids| NewAccount {
                    star_id: ids.one("starId", &input.star_id),
                    platform: input.platform.into(),
                    handle: input.handle,
                    followers: input.followers,
                })?;
                account::add(ctx.db(), actor, new).await
            }
            .await,
        )
    }

    /// Records a follower count of an account. Every count is kept (`followerHistory`); the
    /// account shows the newest.
    async fn update_followers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: UpdateFollowersInput,
    ) -> async_graphql::Result<PlatformAccountPayload> {
        let actor = ctx.actor()?;
        respond(
            async {
                let account_id = ids::input(|ids| ids.one("accountId", &input.account_id))?;
                let as_of = input.as_of.map(|t| t.0);
                account::update_followers(ctx.db(), actor, account_id, input.followers, as_of).await
            }
            .await,
        )
    }

    /// Records a livestream of a star you manage. Subscribers of `livestreamRecorded` hear
    /// of it once it is saved.
    async fn record_livestream(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: RecordLivestreamInput,
    ) -> async_graphql::Result<LivestreamPayload> {
        let actor = ctx.actor()?;
        let state = ctx.state();
        respond(
            async {
                let new = ids::input(|ids| NewLivestream {
                    star_id: ids.one("starId", &input.star_id),
                    platform: input.platform.into(),
                    started_at: input.started_at.0,
                    duration_minutes: input.duration_minutes,
                    peak_viewers: input.peak_viewers,
                    views: input.views,
                    orders: input.orders,
                    sales: input.sales.0,
                    product_ids: ids.list(
                        "productIds",
                        input.product_ids.as_deref().unwrap_or_default(),
                    ),
                })?;
                livestream::record(&state.db, &state.events, actor, new).await
            }
            .await,
        )
    }

    /// Records a prize won by a trainee you manage; the competition is found by name and
    /// year, or created.
    async fn record_award(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: RecordAwardInput,
    ) -> async_graphql::Result<AwardPayload> {
        let actor = ctx.actor()?;
        respond(
            async {
                let new = ids::input(|ids| NewAward {
                    competition_name: input.competition_name,
                    year: input.year,
                    organizer: input.organizer,
                    trainee_id: ids.one("traineeId", &input.trainee_id),
                    prize: input.prize,
                })?;
                award::record(ctx.db(), actor, new).await
            }
            .await,
        )
    }
}
