//! Qihang's schema, one migration per change, and the region data they load.

pub use sea_orm_migration::prelude::*;

pub mod cli;
mod lists;
mod m20261122_000001_region;
mod m20261122_000002_account;
mod m20261122_000003_base;
mod m20261122_000004_trainee;
mod m20261122_000005_reveal_log_append_only;
mod m20261123_000001_account_controls;
mod m20261123_000002_personal_data;
mod m20261123_000003_trainee_import;
mod m20261123_000004_trainee_sorting_and_category_lists;
mod m20261123_000006_course;
mod m20261123_000008_catalog;
mod m20261123_000009_catalog_search;
mod m20261123_000010_star;
mod m20261123_000011_livestream_product;
mod m20261123_000012_support_outcome_target;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_region::Migration),
            Box::new(m20261122_000002_account::Migration),
            Box::new(m20261122_000003_base::Migration),
            Box::new(m20261122_000004_trainee::Migration),
            Box::new(m20261122_000005_reveal_log_append_only::Migration),
            Box::new(m20261123_000001_account_controls::Migration),
            Box::new(m20261123_000002_personal_data::Migration),
            Box::new(m20261123_000003_trainee_import::Migration),
            Box::new(m20261123_000004_trainee_sorting_and_category_lists::Migration),
            Box::new(m20261123_000006_course::Migration),
            Box::new(m20261123_000008_catalog::Migration),
            Box::new(m20261123_000009_catalog_search::Migration),
            Box::new(m20261123_000010_star::Migration),
            Box::new(m20261123_000011_livestream_product::Migration),
            Box::new(m20261123_000012_support_outcome_target::Migration),
        ]
    }
}
