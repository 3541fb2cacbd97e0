//! Platform accounts of stars and their follower counts over time. Every count entered is
//! kept as a snapshot; the account carries the newest one.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{Platform, follower_snapshot, platform_account};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::profile::get as get_star;
use super::{staff, visible_stars};
use crate::auth::Actor;
use crate::error::AppError;
use crate::service::page::{self, Direction, Order, PageArgs};
use crate::service::write::write;
use crate::service::{Problems, ServiceResult, UserError, UserErrorCode, now, validate};

/// How far in the future a follower count's time may lie (clock skew of the client).
const CLOCK_SKEW: chrono::Duration = chrono::Duration::minutes(5);

/// What `addPlatformAccount` asks for.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub star_id: Uuid,
    pub platform: Platform,
    pub handle: String,
    pub followers: i32,
}

const DUPLICATE_MESSAGE: &str = "该平台账号已登记";

fn check_followers(problems: &mut Problems, followers: i32) {
    if followers < 0 {
        problems.add("followers", UserErrorCode::Invalid, "粉丝数不能为负数");
    }
}

/// Adds a platform account to a star the caller manages, with its first follower count.
/// A handle names one account per platform (`DUPLICATE`).
pub async fn add(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewAccount,
) -> ServiceResult<platform_account::Model> {
    let user = staff(actor)?;
    let mut problems = Problems::default();
    let handle = validate::text(&mut problems, "handle", &input.handle, 1, 100);
    check_followers(&mut problems, input.followers);
    write(db)
        .duplicate(
            platform_account::Column::Handle,
            "handle",
            DUPLICATE_MESSAGE,
        )
        .run(async |txn| {
            if get_star(txn, actor, input.star_id).await?.is_none() {
                problems.add("starId", UserErrorCode::NotFound, "网创红人不存在");
            }
            if let Some(handle) = &handle
                && platform_account::Entity::find()
                    .filter(platform_account::Column::Platform.eq(input.platform))
                    .filter(platform_account::Column::Handle.eq(handle.as_str()))
                    .one(txn)
                    .await?
                    .is_some()
            {
                problems.add("handle", UserErrorCode::Duplicate, DUPLICATE_MESSAGE);
            }
            problems.into_result()?;
            let at = now();
            let account = platform_account::ActiveModel {
                id: Set(Uuid::now_v7()),
                star_id: Set(input.star_id),
                platform: Set(input.platform),
                handle: Set(handle.unwrap_or_default()),
                followers: Set(i64::from(input.followers)),
                followers_at: Set(at),
                created_at: Set(at),
                updated_at: Set(at),
            }
            .insert(txn)
            .await?;
            snapshot(txn, account.id, account.followers, at, user.user_id).await?;
            Ok(account)
        })
        .await
}

async fn snapshot(
    db: &impl ConnectionTrait,
    account_id: Uuid,
    followers: i64,
    at: DateTime<Utc>,
    by: Uuid,
) -> Result<(), DbErr> {
    follower_snapshot::ActiveModel {
        id: Set(Uuid::now_v7()),
        account_id: Set(account_id),
        followers: Set(followers),
        recorded_at: Set(at),
        recorded_by: Set(Some(by)),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// One visible account.
async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> Result<Option<platform_account::Model>, DbErr> {
    platform_account::Entity::find_by_id(id)
        .filter(platform_account::Column::StarId.in_subquery(visible_stars(actor)))
        .one(db)
        .await
}

/// Records a follower count of an account the caller manages, as of `as_of` (default now,
/// for counts read off the platform earlier). Every count is kept; the account shows the
/// newest.
pub async fn update_followers(
    db: &DatabaseConnection,
    actor: &Actor,
    account_id: Uuid,
    followers: i32,
    as_of: Option<DateTime<Utc>>,
) -> ServiceResult<platform_account::Model> {
    let user = staff(actor)?;
    let mut problems = Problems::default();
    check_followers(&mut problems, followers);
    let at = now();
    let as_of = as_of.unwrap_or(at);
    if as_of > at + CLOCK_SKEW {
        problems.add("asOf", UserErrorCode::Invalid, "统计时间不能晚于现在");
    }
    write(db)
        .run(async |txn| {
            let Some(account) = get(txn, actor, account_id).await? else {
                return Err(UserError::input(
                    "accountId",
                    UserErrorCode::NotFound,
                    "平台账号不存在",
                )
                .into());
            };
            problems.into_result()?;
            snapshot(txn, account.id, i64::from(followers), as_of, user.user_id).await?;
            if as_of < account.followers_at {
                return Ok(account);
            }
            let mut changed: platform_account::ActiveModel = account.into();
            changed.followers = Set(i64::from(followers));
            changed.followers_at = Set(as_of);
            changed.updated_at = Set(at);
            Ok(changed.update(txn).await?)
        })
        .await
}

/// The accounts of each star, in the order they were added. The caller has already seen the
/// stars.
pub async fn of_stars(
    db: &impl ConnectionTrait,
    star_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<platform_account::Model>>, DbErr> {
    let accounts = platform_account::Entity::find()
        .filter(platform_account::Column::StarId.is_in(star_ids.iter().copied()))
        .order_by_asc(platform_account::Column::Id)
        .all(db)
        .await?;
    let mut by_star: HashMap<Uuid, Vec<platform_account::Model>> = HashMap::new();
    for account in accounts {
        by_star.entry(account.star_id).or_default().push(account);
    }
    Ok(by_star)
}

/// The newest `limit` follower counts of each account, newest first, in one statement for
/// all accounts (a per-account keyset page on the `(account, time)` index). The caller has
/// already seen the accounts.
pub async fn history(
    db: &impl ConnectionTrait,
    account_ids: &[Uuid],
    limit: u64,
) -> Result<HashMap<Uuid, Vec<follower_snapshot::Model>>, AppError> {
    let order = Order::by(
        "recorded_at",
        follower_snapshot::Column::RecordedAt,
        follower_snapshot::Column::Id,
    )
    .direction(Direction::Desc);
    let pages = page::fetch_per_parent(
        db,
        follower_snapshot::Entity::find(),
        follower_snapshot::Column::AccountId,
        account_ids,
        &order,
        &PageArgs::Forward { limit, after: None },
    )
    .await?;
    Ok(pages
        .into_iter()
        .map(|(account, page)| (account, page.items))
        .collect())
}

/// A star's total followers: the sum of its accounts' newest counts.
pub fn total_followers(accounts: &[platform_account::Model]) -> i64 {
    accounts.iter().map(|a| a.followers).sum()
}
