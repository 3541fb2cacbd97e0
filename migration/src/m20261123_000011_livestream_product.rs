//! The products featured in a livestream (after the catalog's products exist).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LivestreamProduct {
    Table,
    LivestreamId,
    ProductId,
    Position,
}

#[derive(DeriveIden)]
enum Livestream {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Product {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LivestreamProduct::Table)
                    .col(uuid(LivestreamProduct::LivestreamId))
                    .col(uuid(LivestreamProduct::ProductId))
                    .col(integer(LivestreamProduct::Position))
                    .primary_key(
                        Index::create()
                            .col(LivestreamProduct::LivestreamId)
                            .col(LivestreamProduct::ProductId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LivestreamProduct::Table, LivestreamProduct::LivestreamId)
                            .to(Livestream::Table, Livestream::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LivestreamProduct::Table, LivestreamProduct::ProductId)
                            .to(Product::Table, Product::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // Which streams featured a product.
        manager
            .create_index(
                Index::create()
                    .name("idx_livestream_product_product_id")
                    .table(LivestreamProduct::Table)
                    .col(LivestreamProduct::ProductId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LivestreamProduct::Table).to_owned())
            .await
    }
}
