//! Sorting and filtering trainees and bases:
//! - indexes for the trainee list's sort orders, in the whole network and per base (nested
//!   pages read a base's first rows straight from `(base_id, name, id)`);
//! - a trainee's interests and a base's focus areas move from comma-joined text into join
//!   tables (`trainee_interest`, `base_focus_area`), indexed by category so a filter by
//!   category is an index lookup. Existing lists are copied over; `down` copies them back.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::lists::{ListTable, create_list_table, drop_list_table};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Name and columns of each index on `trainee`.
const TRAINEE_INDEXES: [(&str, &[&str]); 3] = [
    ("idx_trainee_name_id", &["name", "id"]),
    ("idx_trainee_base_id_name_id", &["base_id", "name", "id"]),
    ("idx_trainee_registered_at_id", &["registered_at", "id"]),
];

/// The training categories as stored when this migration was written.
const CATEGORIES: [&str; 10] = [
    "LIVESTREAM_COMMERCE",
    "SHORT_VIDEO",
    "ONLINE_STORE",
    "VOICE_WORK",
    "CUSTOMER_SERVICE",
    "DATA_LABELING",
    "HANDICRAFT",
    "SUPPLY_CHAIN",
    "DIGITAL_LITERACY",
    "ENTREPRENEURSHIP",
];

/// Each list: its join table, and the owner table and text column it replaces.
const LISTS: [(ListTable, &str); 2] = [
    (
        ListTable {
            table: "trainee_interest",
            owner: "trainee_id",
            owner_table: "trainee",
            value: "category",
            value_len: 32,
        },
        "interests",
    ),
    (
        ListTable {
            table: "base_focus_area",
            owner: "base_id",
            owner_table: "base",
            value: "category",
            value_len: 32,
        },
        "focus_areas",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, columns) in TRAINEE_INDEXES {
            let mut index = Index::create();
            index.name(name).table(Alias::new("trainee"));
            for column in columns {
                index.col(Alias::new(*column));
            }
            manager.create_index(index).await?;
        }
        let db = manager.get_connection();
        let find = match manager.get_database_backend() {
            DbBackend::Postgres => "strpos",
            _ => "instr",
        };
        for (list, column) in LISTS {
            create_list_table(manager, &list).await?;
            // Whole names between commas, so no category matches inside another.
            for category in CATEGORIES {
                db.execute_unprepared(&format!(
                    "INSERT INTO {table} ({owner}, {value}) SELECT id, '{category}' FROM {owners} \
                     WHERE {find}(',' || {column} || ',', ',{category},') > 0",
                    table = list.table,
                    owner = list.owner,
                    value = list.value,
                    owners = list.owner_table,
                ))
                .await?;
            }
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(list.owner_table))
                        .drop_column(Alias::new(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let join = match manager.get_database_backend() {
            DbBackend::Postgres => "string_agg",
            _ => "group_concat",
        };
        for (list, column) in LISTS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(list.owner_table))
                        .add_column(
                            ColumnDef::new(Alias::new(column))
                                .string_len(400)
                                .not_null()
                                .default(""),
                        )
                        .to_owned(),
                )
                .await?;
            db.execute_unprepared(&format!(
                "UPDATE {owners} SET {column} = COALESCE((SELECT {join}({value}, ',') FROM {table} \
                 WHERE {table}.{owner} = {owners}.id), '')",
                owners = list.owner_table,
                value = list.value,
                table = list.table,
                owner = list.owner,
            ))
            .await?;
            drop_list_table(manager, &list).await?;
        }
        for (name, _) in TRAINEE_INDEXES {
            manager
                .drop_index(
                    Index::drop()
                        .name(name)
                        .table(Alias::new("trainee"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
