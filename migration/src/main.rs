//! `migration`: manage Qihang's schema without starting the server.

use clap::Parser;
use migration::cli::{MigrateCommand, run};
use sea_orm_migration::sea_orm::Database;

/// Manage Qihang's database schema.
#[derive(Debug, Parser)]
#[command(name = "migration", version)]
struct Args {
    /// Database to migrate, e.g. `sqlite://data/qihang.db?mode=rwc` or `postgres://…`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/qihang.db?mode=rwc"
    )]
    database_url: String,
    #[command(subcommand)]
    command: MigrateCommand,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let outcome = match Database::connect(&args.database_url).await {
        Ok(db) => run(&db, args.command).await,
        Err(err) => Err(err),
    };
    match outcome {
        Ok(message) => {
            println!("{message}");
            std::process::ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("migration failed: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
