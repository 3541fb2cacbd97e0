//! Abuse controls on accounts: users can be deactivated and have their access tokens
//! invalidated at once (a token generation), failed logins are counted per login name in the
//! database so the lock-out holds across server processes, and refresh tokens are indexed
//! for revoking all of a user's sessions and for purging expired ones.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum User {
    Table,
    Active,
    TokenGeneration,
}

#[derive(DeriveIden)]
enum RefreshToken {
    Table,
    UserId,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum LoginThrottle {
    Table,
    LoginHash,
    WindowStartedAt,
    Attempts,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(User::Table)
                    .add_column(boolean(User::Active).default(true))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(User::Table)
                    .add_column(integer(User::TokenGeneration).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_refresh_token_user_id")
                    .table(RefreshToken::Table)
                    .col(RefreshToken::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_refresh_token_expires_at")
                    .table(RefreshToken::Table)
                    .col(RefreshToken::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LoginThrottle::Table)
                    .col(string_len(LoginThrottle::LoginHash, 64).primary_key())
                    .col(timestamp_with_time_zone(LoginThrottle::WindowStartedAt))
                    .col(integer(LoginThrottle::Attempts))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_login_throttle_window_started_at")
                    .table(LoginThrottle::Table)
                    .col(LoginThrottle::WindowStartedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoginThrottle::Table).to_owned())
            .await?;
        for index in ["idx_refresh_token_expires_at", "idx_refresh_token_user_id"] {
            manager
                .drop_index(
                    Index::drop()
                        .name(index)
                        .table(RefreshToken::Table)
                        .to_owned(),
                )
                .await?;
        }
        for column in [User::TokenGeneration, User::Active] {
            manager
                .alter_table(
                    Table::alter()
                        .table(User::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
