//! Indexes for the trainee list's sort orders, in the whole network and per base (nested
//! pages read a base's first rows straight from `(base_id, name, id)`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Name and columns of each index on `trainee`.
const TRAINEE_INDEXES: [(&str, &[&str]); 3] = [
    ("idx_trainee_name_id", &["name", "id"]),
    ("idx_trainee_base_id_name_id", &["base_id", "name", "id"]),
    ("idx_trainee_registered_at_id", &["registered_at", "id"]),
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
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
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
