//! The shape of a list table: one row per (owner, value), e.g. a trainee's interests. The
//! primary key `(owner, value)` keeps a value once per owner and serves "the values of these
//! owners"; the index `(value, owner)` serves "the owners with any of these values". Rows go
//! with their owner.
//!
//! Migrations that add list tables (course accessibility, product tags) use these helpers;
//! change them only in ways that keep the tables earlier migrations made.

use sea_orm_migration::prelude::*;

/// A list table's names.
#[derive(Debug, Clone, Copy)]
pub struct ListTable {
    /// The join table, e.g. `trainee_interest`.
    pub table: &'static str,
    /// Its column referring to the owner, e.g. `trainee_id`.
    pub owner: &'static str,
    /// The owner's table (primary key `id`), e.g. `trainee`.
    pub owner_table: &'static str,
    /// The value column, e.g. `category`.
    pub value: &'static str,
    /// Longest value.
    pub value_len: u32,
}

impl ListTable {
    fn value_index(&self) -> String {
        format!("idx_{}_{}_{}", self.table, self.value, self.owner)
    }
}

/// Creates the table, its primary key, the owner foreign key and the value index.
pub async fn create_list_table(manager: &SchemaManager<'_>, list: &ListTable) -> Result<(), DbErr> {
    let (table, owner, value) = (
        Alias::new(list.table),
        Alias::new(list.owner),
        Alias::new(list.value),
    );
    manager
        .create_table(
            Table::create()
                .table(table.clone())
                .col(ColumnDef::new(owner.clone()).uuid().not_null())
                .col(
                    ColumnDef::new(value.clone())
                        .string_len(list.value_len)
                        .not_null(),
                )
                .primary_key(Index::create().col(owner.clone()).col(value.clone()))
                .foreign_key(
                    ForeignKey::create()
                        .from(table.clone(), owner.clone())
                        .to(Alias::new(list.owner_table), Alias::new("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name(list.value_index())
                .table(table)
                .col(value)
                .col(owner)
                .to_owned(),
        )
        .await
}

/// Drops the table (its indexes go with it).
pub async fn drop_list_table(manager: &SchemaManager<'_>, list: &ListTable) -> Result<(), DbErr> {
    manager
        .drop_table(Table::drop().table(Alias::new(list.table)).to_owned())
        .await
}
