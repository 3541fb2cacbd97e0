//! `qihang`: the server and its admin commands.

use clap::{Parser, Subcommand};
use migration::cli::MigrateCommand;
use qihang::config::{Config, Environment};

// Answering a query allocates many small, short-lived values (rows, strings, futures); the
// system allocator spent a quarter of the server's CPU on them under load (bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 启航 Qihang: GraphQL backend of the online entrepreneurship incubation network for
/// people with disabilities.
#[derive(Debug, Parser)]
#[command(name = "qihang", version)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve,
    /// Print the GraphQL schema (SDL); `schema.graphql` is this output.
    Schema,
    /// Manage the database schema.
    Migrate {
        #[command(subcommand)]
        command: MigrateCommand,
    },
    /// Manage accounts from the command line.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The demo network.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
}

#[derive(Debug, Subcommand)]
enum DemoCommand {
    /// Fill an EMPTY database with a demo network (Jilin with Siping's bases, Panjin, Gansu:
    /// trainees, courses, completions, supports, outcomes, targets) and print demo logins.
    Load {
        /// Trainees per base (1–99).
        #[arg(long, default_value_t = qihang::demo::TRAINEES_PER_BASE)]
        trainees_per_base: u32,
    },
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create an ADMIN account (nationwide unless `--region` is given).
    Create {
        /// Sign-in name.
        #[arg(long)]
        login: String,
        /// Password, 12–128 characters.
        #[arg(long, env = "QIHANG_NEW_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
        /// GB/T 2260 code of the region the admin governs.
        #[arg(long)]
        region: Option<String>,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    qihang::telemetry::init_logging(cli.config.log_format);
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("qihang: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Schema => {
            print!("{}", qihang::graphql::build_schema(&config, None).sdl());
            Ok(())
        }
        Command::Migrate { command } => {
            let metrics = std::sync::Arc::new(qihang::telemetry::Metrics::new());
            let db = qihang::connect(&config, &metrics).await?;
            println!("{}", migration::cli::run(&db, command).await?);
            Ok(())
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    login,
                    password,
                    region,
                },
        } => {
            let metrics = std::sync::Arc::new(qihang::telemetry::Metrics::new());
            let db = qihang::connect(&config, &metrics).await?;
            if config.migrate {
                use migration::MigratorTrait;
                migration::Migrator::up(&db, None).await?;
            }
            let user = qihang::service::account::create_admin(&db, &login, &password, region)
                .await
                .map_err(qihang::error::AppError::from)?;
            println!("created ADMIN {} ({})", user.login, user.id);
            Ok(())
        }
        Command::Demo {
            command: DemoCommand::Load { trainees_per_base },
        } => {
            let app = qihang::build(config).await?;
            let summary = qihang::demo::load(&app, trainees_per_base).await?;
            println!(
                "载入演示网络：{} 个基地，{} 名学员，{} 门课程，{} 次报名（{} 次结业），{} 项扶持，{} 项就业成果，{} 个年度目标；{} 件上架产品，{} 名网创红人，{} 场直播，{} 条采购询价。",
                summary.bases,
                summary.trainees,
                summary.courses,
                summary.enrollments,
                summary.completions,
                summary.supports,
                summary.outcomes,
                summary.targets,
                summary.products,
                summary.stars,
                summary.livestreams,
                summary.inquiries
            );
            println!("演示账号（密码均为 {}）：", qihang::demo::PASSWORD);
            for login in &summary.logins {
                println!("  {:<13} {:<24} {}", login.role, login.login, login.scope);
            }
            Ok(())
        }
        Command::Serve => serve(config).await,
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    if config.environment() == Environment::Development {
        tracing::warn!(
            data_dir = %config.data_dir.display(),
            "running in DEVELOPMENT mode: secrets are generated and kept in the data directory; set QIHANG_ENV=production for real deployments"
        );
    }
    let listen = config.listen;
    let graphiql = config.graphiql_enabled();
    let app = qihang::build(config).await?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    tracing::info!(%listen, "Qihang is listening");
    if graphiql {
        tracing::info!("GraphiQL: http://{listen}/");
    }
    // The peer address feeds the per-address login limit (see `http::client_address`).
    let service = app
        .router
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, letting in-flight requests finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
