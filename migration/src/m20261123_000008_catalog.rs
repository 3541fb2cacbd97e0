//! The catalog: partners and their API keys, producer profiles, products with tags and
//! images, and sourcing inquiries.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Partner {
    Table,
    Id,
    Name,
    Kind,
    ContactName,
    ContactPhone,
    RegionCode,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum ApiKey {
    Table,
    Id,
    PartnerId,
    Name,
    Prefix,
    SecretHash,
    CreatedBy,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum ProducerProfile {
    Table,
    Id,
    TraineeId,
    BaseId,
    RegionCode,
    DisplayName,
    Story,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Product {
    Table,
    Id,
    BaseId,
    ProducerId,
    TraineeId,
    Title,
    Description,
    Category,
    Status,
    PriceFen,
    Currency,
    Unit,
    Stock,
    MinOrderQuantity,
    OriginRegionCode,
    SearchText,
    SearchGrams,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum ProductTag {
    Table,
    ProductId,
    Tag,
    Position,
}

#[derive(DeriveIden)]
enum ProductImage {
    Table,
    Id,
    ProductId,
    ContentHash,
    ContentType,
    Width,
    Height,
    ByteSize,
    Renditions,
    AltText,
    Position,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Inquiry {
    Table,
    Id,
    PartnerId,
    ProductId,
    BaseId,
    Quantity,
    Message,
    Status,
    Response,
    RespondedBy,
    RespondedAt,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Base {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Region {
    Table,
    Code,
}

#[derive(DeriveIden)]
enum Trainee {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
}

fn fk(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .to_owned()
}

fn index(
    name: &str,
    table: impl IntoIden + 'static,
    columns: &[&'static str],
) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(Alias::new(*column));
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Partner::Table)
                    .col(pk_uuid(Partner::Id))
                    .col(string_len(Partner::Name, 100))
                    .col(string_len(Partner::Kind, 24))
                    .col(string_len_null(Partner::ContactName, 50))
                    .col(string_len_null(Partner::ContactPhone, 20))
                    .col(string_len_null(Partner::RegionCode, 6))
                    .col(timestamp_with_time_zone(Partner::CreatedAt))
                    .col(timestamp_with_time_zone(Partner::UpdatedAt))
                    .col(integer(Partner::Version).default(1))
                    .foreign_key(&mut fk(
                        (Partner::Table, Partner::RegionCode),
                        (Region::Table, Region::Code),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_partner_region_code",
                Partner::Table,
                &["region_code"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiKey::Table)
                    .col(pk_uuid(ApiKey::Id))
                    .col(uuid(ApiKey::PartnerId))
                    .col(string_len(ApiKey::Name, 100))
                    .col(string_len_uniq(ApiKey::Prefix, 16))
                    .col(string_len_uniq(ApiKey::SecretHash, 64))
                    .col(uuid(ApiKey::CreatedBy))
                    .col(timestamp_with_time_zone(ApiKey::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiKey::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ApiKey::RevokedAt))
                    .foreign_key(&mut fk(
                        (ApiKey::Table, ApiKey::PartnerId),
                        (Partner::Table, Partner::Id),
                    ))
                    .foreign_key(&mut fk(
                        (ApiKey::Table, ApiKey::CreatedBy),
                        (User::Table, User::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_api_key_partner_id",
                ApiKey::Table,
                &["partner_id", "id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProducerProfile::Table)
                    .col(pk_uuid(ProducerProfile::Id))
                    .col(uuid_uniq(ProducerProfile::TraineeId))
                    .col(uuid(ProducerProfile::BaseId))
                    .col(string_len(ProducerProfile::RegionCode, 6))
                    .col(string_len(ProducerProfile::DisplayName, 50))
                    .col(string_len_null(ProducerProfile::Story, 2000))
                    .col(timestamp_with_time_zone(ProducerProfile::CreatedAt))
                    .col(timestamp_with_time_zone(ProducerProfile::UpdatedAt))
                    .col(integer(ProducerProfile::Version).default(1))
                    .foreign_key(&mut fk(
                        (ProducerProfile::Table, ProducerProfile::TraineeId),
                        (Trainee::Table, Trainee::Id),
                    ))
                    .foreign_key(&mut fk(
                        (ProducerProfile::Table, ProducerProfile::BaseId),
                        (Base::Table, Base::Id),
                    ))
                    .foreign_key(&mut fk(
                        (ProducerProfile::Table, ProducerProfile::RegionCode),
                        (Region::Table, Region::Code),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Product::Table)
                    .col(pk_uuid(Product::Id))
                    .col(uuid(Product::BaseId))
                    .col(uuid(Product::ProducerId))
                    .col(uuid(Product::TraineeId))
                    .col(string_len(Product::Title, 100))
                    .col(string_len_null(Product::Description, 5000))
                    .col(string_len(Product::Category, 24))
                    .col(string_len(Product::Status, 16))
                    .col(big_integer(Product::PriceFen))
                    .col(string_len(Product::Currency, 3).default("CNY"))
                    .col(string_len(Product::Unit, 20))
                    .col(integer(Product::Stock))
                    .col(integer(Product::MinOrderQuantity).default(1))
                    .col(string_len(Product::OriginRegionCode, 6))
                    .col(text(Product::SearchText))
                    .col(text(Product::SearchGrams).default(""))
                    .col(timestamp_with_time_zone_null(Product::PublishedAt))
                    .col(timestamp_with_time_zone(Product::CreatedAt))
                    .col(timestamp_with_time_zone(Product::UpdatedAt))
                    .col(integer(Product::Version).default(1))
                    .check(Expr::col(Product::PriceFen).gte(0))
                    .check(Expr::col(Product::Stock).gte(0))
                    .check(Expr::col(Product::MinOrderQuantity).gte(1))
                    .foreign_key(&mut fk(
                        (Product::Table, Product::BaseId),
                        (Base::Table, Base::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Product::Table, Product::ProducerId),
                        (ProducerProfile::Table, ProducerProfile::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Product::Table, Product::TraineeId),
                        (Trainee::Table, Trainee::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Product::Table, Product::OriginRegionCode),
                        (Region::Table, Region::Code),
                    ))
                    .to_owned(),
            )
            .await?;
        // The public catalog is the PUBLISHED products in one of the sort orders: each
        // order has an index that starts with the status and ends with the id tie-breaker,
        // so a keyset page is an index range scan. Filters (category, origin, price, stock)
        // have no index of their own: reading the sort index and filtering stops after a
        // page, where an index on the filter would make SQLite sort every match
        // (bench/README.md).
        for (name, columns) in [
            (
                "idx_product_status_published_at",
                &["status", "published_at", "id"][..],
            ),
            ("idx_product_status_price", &["status", "price_fen", "id"]),
            ("idx_product_status_title", &["status", "title", "id"]),
            ("idx_product_updated_at", &["updated_at", "id"]),
            ("idx_product_base_id", &["base_id", "id"]),
            ("idx_product_producer_id", &["producer_id", "id"]),
            ("idx_product_trainee_id", &["trainee_id", "id"]),
        ] {
            manager
                .create_index(index(name, Product::Table, columns))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ProductTag::Table)
                    .col(uuid(ProductTag::ProductId))
                    .col(string_len(ProductTag::Tag, 30))
                    .col(integer(ProductTag::Position))
                    .primary_key(
                        Index::create()
                            .col(ProductTag::ProductId)
                            .col(ProductTag::Tag),
                    )
                    .foreign_key(
                        &mut fk(
                            (ProductTag::Table, ProductTag::ProductId),
                            (Product::Table, Product::Id),
                        )
                        .on_delete(ForeignKeyAction::Cascade)
                        .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_product_tag_tag",
                ProductTag::Table,
                &["tag", "product_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProductImage::Table)
                    .col(pk_uuid(ProductImage::Id))
                    .col(uuid(ProductImage::ProductId))
                    .col(string_len(ProductImage::ContentHash, 64))
                    .col(string_len(ProductImage::ContentType, 32))
                    .col(integer(ProductImage::Width))
                    .col(integer(ProductImage::Height))
                    .col(big_integer(ProductImage::ByteSize))
                    .col(string_len(ProductImage::Renditions, 64).default(""))
                    .col(string_len_null(ProductImage::AltText, 300))
                    .col(integer(ProductImage::Position))
                    .col(timestamp_with_time_zone(ProductImage::CreatedAt))
                    .foreign_key(
                        &mut fk(
                            (ProductImage::Table, ProductImage::ProductId),
                            (Product::Table, Product::Id),
                        )
                        .on_delete(ForeignKeyAction::Cascade)
                        .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_product_image_product_id",
                ProductImage::Table,
                &["product_id", "position"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Inquiry::Table)
                    .col(pk_uuid(Inquiry::Id))
                    .col(uuid(Inquiry::PartnerId))
                    .col(uuid(Inquiry::ProductId))
                    .col(uuid(Inquiry::BaseId))
                    .col(integer(Inquiry::Quantity))
                    .col(string_len_null(Inquiry::Message, 1000))
                    .col(string_len(Inquiry::Status, 16))
                    .col(string_len_null(Inquiry::Response, 1000))
                    .col(uuid_null(Inquiry::RespondedBy))
                    .col(timestamp_with_time_zone_null(Inquiry::RespondedAt))
                    .col(timestamp_with_time_zone(Inquiry::CreatedAt))
                    .col(timestamp_with_time_zone(Inquiry::UpdatedAt))
                    .col(integer(Inquiry::Version).default(1))
                    .check(Expr::col(Inquiry::Quantity).gte(1))
                    .foreign_key(&mut fk(
                        (Inquiry::Table, Inquiry::PartnerId),
                        (Partner::Table, Partner::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Inquiry::Table, Inquiry::ProductId),
                        (Product::Table, Product::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Inquiry::Table, Inquiry::BaseId),
                        (Base::Table, Base::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Inquiry::Table, Inquiry::RespondedBy),
                        (User::Table, User::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("idx_inquiry_partner_id", &["partner_id", "id"][..]),
            ("idx_inquiry_base_id", &["base_id", "id"]),
            ("idx_inquiry_product_id", &["product_id", "id"]),
        ] {
            manager
                .create_index(index(name, Inquiry::Table, columns))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Inquiry::Table.into_iden(),
            ProductImage::Table.into_iden(),
            ProductTag::Table.into_iden(),
            Product::Table.into_iden(),
            ProducerProfile::Table.into_iden(),
            ApiKey::Table.into_iden(),
            Partner::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
