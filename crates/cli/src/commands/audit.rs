//! `nazorg audit …`: the processing log: check its hash chains, list refused requests.

use super::common::{Format, Installation};
use anyhow::Result;
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the processing log's hash chains; reports the first entry changed or removed
    /// in the database and exits non-zero when any is found.
    Verify,
    /// The newest refused requests (who tried what, and why it was refused).
    Refusals {
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

/// Runs an `audit` subcommand; exit code 1 when a chain is broken.
pub async fn run(inst: &Installation, command: AuditCommand) -> Result<ExitCode> {
    match command {
        AuditCommand::Verify => verify(inst).await,
        AuditCommand::Refusals { limit, format } => {
            refusals(inst, limit, format).await?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Checks every municipality's chain and prints the outcome per municipality.
async fn verify(inst: &Installation) -> Result<ExitCode> {
    let reports = inst.app.audit_verify().await?;
    let mut broken = false;
    for r in &reports {
        match &r.fault {
            None => println!(
                "gemeente {}: {} regels, keten intact",
                r.municipality, r.entries
            ),
            Some(fault) => {
                broken = true;
                println!("gemeente {}: NIET INTACT: {fault}", r.municipality);
            }
        }
    }
    if reports.is_empty() {
        println!("het verwerkingenlogboek is nog leeg");
    }
    Ok(if broken {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Prints the newest refused requests of the installation's municipality.
async fn refusals(inst: &Installation, limit: i64, format: Format) -> Result<()> {
    let refusals = inst
        .app
        .refusals(&inst.municipality, limit.clamp(1, 10_000))
        .await?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&refusals)?),
        Format::Table => {
            if refusals.is_empty() {
                println!("geen geweigerde verzoeken");
            }
            for r in &refusals {
                println!(
                    "{}  {} ({})  {}  {}",
                    nazorg_domain::dates::format_nl_moment(r.at),
                    r.actor,
                    r.role,
                    r.operation,
                    r.reason
                );
            }
        }
    }
    Ok(())
}
