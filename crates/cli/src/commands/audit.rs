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
    /// Export the processing log as Logboek Dataverwerkingen records, one JSON object per
    /// line (one per processing and data subject; the subject as a keyed hash of the BSN,
    /// which needs --secret-key).
    Export {
        #[arg(long, value_enum, default_value = "ldv")]
        format: ExportFormat,
        /// First day, YYYY-MM-DD (default: 1 January of --to's year).
        #[arg(long)]
        from: Option<String>,
        /// Last day, YYYY-MM-DD (default: today).
        #[arg(long)]
        to: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
    /// Seal the head of each chain at the end of every day not sealed yet (`serve` does it
    /// daily), with --secret-key.
    Seal {
        /// Seal the days before this one, YYYY-MM-DD (default: today, so up to yesterday).
        #[arg(long)]
        today: Option<String>,
    },
    /// The newest refused requests (who tried what, and why it was refused).
    Refusals {
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

/// The formats of `audit export`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ExportFormat {
    /// Logboek Dataverwerkingen, as JSON lines.
    Ldv,
}

/// Runs an `audit` subcommand; exit code 1 when a chain is broken.
pub async fn run(inst: &Installation, command: AuditCommand) -> Result<ExitCode> {
    match command {
        AuditCommand::Verify => verify(inst).await,
        AuditCommand::Export {
            format: ExportFormat::Ldv,
            from,
            to,
            output,
        } => {
            export(inst, from.as_deref(), to.as_deref(), output.as_deref()).await?;
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Seal { today } => {
            if !inst.app.seals_chains() {
                anyhow::bail!(
                    "geef de applicatiesleutel (--secret-key): daarmee worden de dagen verzegeld"
                );
            }
            let today = super::common::parse_day(today.as_deref())?;
            let days = inst.app.seal_chain_days(today).await?;
            println!("{days} dagen verzegeld");
            Ok(ExitCode::SUCCESS)
        }
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
            None if inst.app.seals_chains() => println!(
                "gemeente {}: {} regels, keten intact, {} verzegelde dagen kloppen",
                r.municipality, r.entries, r.sealed_days
            ),
            None => println!(
                "gemeente {}: {} regels, keten intact (zegels niet gecontroleerd: geen --secret-key)",
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

/// Writes the LDV records of the installation's municipality, one JSON object per line.
async fn export(
    inst: &Installation,
    from: Option<&str>,
    to: Option<&str>,
    output: Option<&std::path::Path>,
) -> Result<()> {
    use anyhow::Context;
    use std::io::Write;
    let (from, to) = super::common::period(from, to)?;
    let register_url = match &inst.mail.public_url {
        Some(url) => format!("{}/verwerkingsregister", url.trim_end_matches('/')),
        None => format!("urn:nazorg:{}:verwerkingsregister", inst.municipality),
    };
    let settings = nazorg_app::LdvSettings {
        municipality: inst.municipality.as_str(),
        register_url: &register_url,
        from,
        to,
    };
    let sink: Box<dyn Write> = match output {
        Some(path) => Box::new(
            std::fs::File::create(path).with_context(|| format!("{} maken", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = std::io::BufWriter::new(sink);
    let written = inst
        .app
        .ldv_export(&settings, &mut |record| {
            serde_json::to_writer(&mut out, record)?;
            out.write_all(b"\n")
        })
        .await?;
    out.flush()?;
    eprintln!("{written} verwerkingen geëxporteerd");
    Ok(())
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
