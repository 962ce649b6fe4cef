//! `nazorg`: the one binary. Serves the web UI and API, and offers the command-line tools
//! for imports, lists, users and demo data. Each command lives in its own module under
//! `commands/`; this file only parses the command line and dispatches.

mod commands;

use anyhow::Result;
use clap::{Parser, Subcommand};
use commands::common::{self, Installation};
use commands::settings::{BrpArgs, DeadlineArgs, MailArgs, ZgwArgs};
use commands::{
    audit, backup, brp, budget, cases, demo, digest, export, import, municipality, report,
    retention, serve, token, user, worklist, zgw,
};
use std::process::ExitCode;

/// Nazorg: case management for the aftercare of residents released from prison.
#[derive(Parser)]
#[command(name = "nazorg", version, about, long_about = None)]
struct Cli {
    /// Database URL: sqlite://PATH (the default, created when missing) or postgres://USER@HOST/DB.
    /// Migrations run automatically.
    #[arg(
        long,
        global = true,
        env = "NAZORG_DATABASE_URL",
        default_value = "sqlite://nazorg-data/nazorg.db"
    )]
    database: String,

    /// CBS code of the municipality the command works for (default Westland, 1783): the
    /// installation's first municipality on a new database, the one `user add` adds to,
    /// and the one the command line acts for. An installation may hold several
    /// (`nazorg municipality add`); an import sends each row to the municipality it names.
    #[arg(
        long,
        global = true,
        env = "NAZORG_MUNICIPALITY",
        default_value = "1783"
    )]
    municipality: String,

    #[command(flatten)]
    deadlines: DeadlineArgs,

    #[command(flatten)]
    mail: MailArgs,

    #[command(flatten)]
    brp: BrpArgs,

    #[command(flatten)]
    zgw: ZgwArgs,

    /// The start of the aftercare programme, YYYY-MM-DD: the evaluation covers the eight
    /// months after it (default: the first registration).
    #[arg(long, global = true, env = "NAZORG_PROGRAMME_START")]
    programme_start: Option<String>,

    /// Application key (64 hexadecimal characters, e.g. from `openssl rand -hex 32`) that
    /// seals the second-factor secrets in the database, so that a copy of the database alone
    /// does not give them away; secrets stored before are sealed at start. Keep it outside
    /// the database; losing it means users set up their authenticator app again.
    #[arg(long, global = true, env = "NAZORG_SECRET_KEY", hide_env_values = true)]
    secret_key: Option<String>,

    /// Years after closure after which a case is anonymised (names, BSN, notes and contacts
    /// removed; the figures stay). `serve` runs the job daily; 0 switches it off. See
    /// docs/privacy.md for the default.
    #[arg(long, global = true, env = "NAZORG_RETENTION_YEARS", default_value_t = nazorg_web::DEFAULT_RETENTION_YEARS,
          value_parser = clap::value_parser!(u32).range(0..=30))]
    retention_years: u32,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web interface and the JSON API.
    Serve(serve::ServeArgs),
    /// Print the open deadlines (a user's worklist, or everyone's), most urgent first.
    Worklist(worklist::WorklistArgs),
    /// Send the daily digest e-mail now (it is sent automatically by `serve` when
    /// --smtp-url is set).
    Digest(digest::DigestArgs),
    /// The municipalities of the installation: add, list, their own settings and
    /// historic outflow.
    Municipality {
        #[command(subcommand)]
        command: municipality::MunicipalityCommand,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: user::UserCommand,
    },
    /// Manage API tokens for machine clients.
    Token {
        #[command(subcommand)]
        command: token::TokenCommand,
    },
    /// Import data.
    Import {
        #[command(subcommand)]
        command: import::ImportCommand,
    },
    /// Work with cases.
    Cases {
        #[command(subcommand)]
        command: cases::CasesCommand,
    },
    /// The processing log.
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Print a year's budget: per line the cap, what is committed, spent and remaining.
    Budget(budget::BudgetArgs),
    /// Apply the retention period now: anonymise the closed cases whose period ended
    /// (`serve` does this daily). Use --dry-run first to see which.
    Retention(retention::RetentionArgs),
    /// Reports: the monitor's figures and the evaluation (see docs/evaluation.md).
    Report {
        #[command(subcommand)]
        command: report::ReportCommand,
    },
    /// Export data: the pseudonymised cases for the policy advisor.
    Export {
        #[command(subcommand)]
        command: export::ExportCommand,
    },
    /// The BRP: look cases up now (`serve` does it in the background when --brp-url is set).
    Brp {
        #[command(subcommand)]
        command: brp::BrpCommand,
    },
    /// The zaaksysteem: bring the zaken up to date now, or see what waits (`serve` does it
    /// in the background when --zgw-zaken-url is set).
    Zgw {
        #[command(subcommand)]
        command: zgw::ZgwCommand,
    },
    /// Fill the database with realistic generated residents and cases in every phase.
    Demo(demo::DemoArgs),
    /// Write a consistent copy of the live database to a file (writers may go on), sealed
    /// with a key when one is given (docs/operations.md).
    Backup(backup::BackupArgs),
    /// Put a copy made by `backup` back into an empty database, then check the processing
    /// log's chains.
    Restore(backup::RestoreArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("NAZORG_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("fout: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Opens the installation from the global flags and runs the command. Exit codes: 0 done,
/// 1 done but something was rejected or found broken, 2 an error.
async fn run(cli: Cli) -> Result<ExitCode> {
    // A restore goes into an empty database: it must not be opened (and migrated) first.
    if let Command::Restore(args) = cli.command {
        return backup::restore(&cli.database, cli.secret_key.as_deref(), args).await;
    }
    let brp = cli.brp.client()?;
    let zgw = cli.zgw.client()?;
    let mut app = common::open_store(&cli.database, cli.secret_key.as_deref())
        .await?
        .with_deadlines(cli.deadlines.settings());
    // Generated residents are never sent to the chain's real systems.
    let chain = !matches!(cli.command, Command::Demo(_));
    if let Some(client) = brp.filter(|_| chain) {
        app = app.with_brp(client);
    }
    if let Some(client) = zgw.filter(|_| chain) {
        app = app.with_zgw(client);
    }
    let municipality = common::municipality(&cli.municipality)?;
    app.register_installation(&municipality).await?;
    let inst = Installation {
        municipality,
        programme_start: common::date("programme-start", cli.programme_start.as_deref())?,
        app,
        deadlines: cli.deadlines,
        mail: cli.mail,
        retention_years: cli.retention_years,
    };
    match cli.command {
        Command::Import { command } => return import::run(&inst, command).await,
        Command::Audit { command } => return audit::run(&inst, command).await,
        Command::Brp { command } => return brp::run(&inst, command).await,
        Command::Zgw { command } => return zgw::run(&inst, command).await,
        Command::Serve(args) => serve::run(inst, args).await?,
        Command::Worklist(args) => worklist::run(&inst, args).await?,
        Command::Digest(args) => digest::run(&inst, args).await?,
        Command::Municipality { command } => municipality::run(&inst, command).await?,
        Command::User { command } => user::run(&inst, command).await?,
        Command::Token { command } => token::run(&inst, command).await?,
        Command::Cases { command } => cases::run(&inst, command).await?,
        Command::Budget(args) => budget::run(&inst, args).await?,
        Command::Retention(args) => retention::run(&inst, args).await?,
        Command::Report { command } => report::run(&inst, command).await?,
        Command::Export { command } => export::run(&inst, command).await?,
        Command::Demo(args) => demo::run(&inst, args).await?,
        Command::Backup(args) => backup::run(&inst, &cli.database, args).await?,
        Command::Restore(_) => unreachable!("restored above"),
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    /// Clap's own check of the command line: no flag of a command clashes with a global one.
    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
