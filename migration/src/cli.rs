//! The `migration` command (also `qihang migrate`): apply, roll back, inspect or rebuild the
//! schema by hand.

use clap::Subcommand;
use sea_orm_migration::MigratorTrait;
use sea_orm_migration::sea_orm::DatabaseConnection;

use crate::{DbErr, Migrator};

/// What to do with the schema.
#[derive(Debug, Clone, Subcommand)]
pub enum MigrateCommand {
    /// Apply pending migrations (all of them unless `--steps` is given).
    Up {
        /// How many pending migrations to apply.
        #[arg(long)]
        steps: Option<u32>,
    },
    /// Roll back applied migrations (the last one unless `--steps` is given).
    Down {
        /// How many applied migrations to roll back.
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List every migration and whether it is applied.
    Status,
    /// Drop every table and apply all migrations again. Destroys all data.
    Fresh,
}

/// Runs `command` against `db` and returns what to print.
pub async fn run(db: &DatabaseConnection, command: MigrateCommand) -> Result<String, DbErr> {
    match command {
        MigrateCommand::Up { steps } => {
            Migrator::up(db, steps).await?;
            Ok("migrations applied".to_owned())
        }
        MigrateCommand::Down { steps } => {
            Migrator::down(db, Some(steps)).await?;
            Ok(format!("rolled back {steps} migration(s)"))
        }
        MigrateCommand::Status => {
            Migrator::install(db).await?;
            let lines: Vec<String> = Migrator::get_migration_with_status(db)
                .await?
                .iter()
                .map(|m| format!("{:<8} {}", m.status().to_string(), m.name()))
                .collect();
            Ok(lines.join("\n"))
        }
        MigrateCommand::Fresh => {
            Migrator::fresh(db).await?;
            Ok("all tables dropped and migrations applied".to_owned())
        }
    }
}
