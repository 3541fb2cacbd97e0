//! Star mutations: ADMINs in their region and BASE_MANAGERs at their bases.

use async_graphql::{Context, Object};

use super::inputs::{
    AddPlatformAccountInput, AdvanceStageInput, NominateStarInput, RecordAwardInput,
    RecordLivestreamInput, UpdateFollowersInput,
};
use super::types::{AwardPayload, LivestreamPayload, PlatformAccountPayload, StarPayload};
use crate::graphql::common::errors::input_id;
use crate::graphql::common::{ContextExt, respond};
use crate::service::ServiceError;
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
        let ids = input_id("traineeId", &input.trainee_id).and_then(|trainee_id| {
            let mentor_id = input
                .mentor_id
                .as_ref()
                .map(|id| input_id("mentorId", id))
                .transpose()?;
            Ok::<_, ServiceError>((trainee_id, mentor_id))
        });
        match ids {
            Ok((trainee_id, mentor_id)) => respond(
                profile::nominate(
                    ctx.db(),
                    actor,
                    Nomination {
                        trainee_id,
                        mentor_id,
                        note: input.note,
                    },
                )
                .await,
            ),
            Err(err) => respond(Err(err)),
        }
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
        match input_id("starId", &input.star_id) {
            Ok(star_id) => respond(
                profile::advance(ctx.db(), actor, star_id, input.stage.into(), input.note).await,
            ),
            Err(err) => respond(Err(err)),
        }
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
        match input_id("starId", &input.star_id) {
            Ok(star_id) => respond(
                account::add(
                    ctx.db(),
                    actor,
                    NewAccount {
                        star_id,
                        platform: input.platform.into(),
                        handle: input.handle,
                        followers: input.followers,
                    },
                )
                .await,
            ),
            Err(err) => respond(Err(err)),
        }
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
        match input_id("accountId", &input.account_id) {
            Ok(account_id) => respond(
                account::update_followers(
                    ctx.db(),
                    actor,
                    account_id,
                    input.followers,
                    input.as_of.map(|t| t.0),
                )
                .await,
            ),
            Err(err) => respond(Err(err)),
        }
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
        let star_id = match input_id("starId", &input.star_id) {
            Ok(id) => id,
            Err(err) => return respond(Err(err)),
        };
        let new = NewLivestream {
            star_id,
            platform: input.platform.into(),
            started_at: input.started_at.0,
            duration_minutes: input.duration_minutes,
            peak_viewers: input.peak_viewers,
            views: input.views,
            orders: input.orders,
            sales: input.sales.0,
        };
        let state = ctx.state();
        respond(livestream::record(&state.db, &state.events, actor, new).await)
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
        match input_id("traineeId", &input.trainee_id) {
            Ok(trainee_id) => respond(
                award::record(
                    ctx.db(),
                    actor,
                    NewAward {
                        competition_name: input.competition_name,
                        year: input.year,
                        organizer: input.organizer,
                        trainee_id,
                        prize: input.prize,
                    },
                )
                .await,
            ),
            Err(err) => respond(Err(err)),
        }
    }
}
