//! `nazorg report …` and `nazorg export …`: the monitor's figures, the evaluation report
//! and the pseudonymised export from the command line, the same as the web pages.

use anyhow::{Context, Result, bail};
use clap::{Subcommand, ValueEnum};
use nazorg_domain::access::Actor;
use nazorg_domain::dates::{format_iso, today_nl};
use nazorg_store::Store;
use nazorg_web::report::{self, EvaluationData};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use time::Date;

#[derive(Subcommand)]
pub enum ReportCommand {
    /// The monitor's figures for the cases notified in a period (whose detention started
    /// in it): the funnel, reach, the split over light / SKT / Exodus, throughput times.
    Monitor {
        /// First day, YYYY-MM-DD or DD-MM-YYYY (default: 1 January of the --to year).
        #[arg(long)]
        from: Option<String>,
        /// Last day (default: today).
        #[arg(long)]
        to: Option<String>,
        #[arg(long, value_enum, default_value = "json")]
        format: MonitorFormat,
        /// Write to this file instead of standard output (needed for xlsx on a terminal).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// The evaluation report: one section per question of the policy, as PDF, or its
    /// figures as XLSX or CSV.
    Evaluation {
        /// First day (default: --programme-start, else the first registration).
        #[arg(long)]
        from: Option<String>,
        /// Last day (default: eight months after the first day, minus one day).
        #[arg(long)]
        to: Option<String>,
        #[arg(long, value_enum, default_value = "pdf")]
        format: EvaluationFormat,
        /// The file to write.
        #[arg(long)]
        output: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// The cases of a period pseudonymised for the policy advisor: a stable pseudonym
    /// per resident, months instead of dates, no name, BSN or institution, and every
    /// value shared by fewer than five residents suppressed ("<5"). CSV.
    Pseudonymised {
        /// First day (default: 1 January of the --to year).
        #[arg(long)]
        from: Option<String>,
        /// Last day (default: today).
        #[arg(long)]
        to: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum MonitorFormat {
    Json,
    Csv,
    Xlsx,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum EvaluationFormat {
    Pdf,
    Xlsx,
    Csv,
}

fn date(flag: &str, text: Option<&str>) -> Result<Option<Date>> {
    text.map(|t| nazorg_domain::parse_date(t).map_err(|e| anyhow::anyhow!("--{flag}: {e}")))
        .transpose()
}

/// The period of --from/--to: default 1 January of the last day's year up to today.
fn period(from: Option<&str>, to: Option<&str>) -> Result<(Date, Date)> {
    let to = date("to", to)?.unwrap_or_else(today_nl);
    let from = match date("from", from)? {
        Some(f) => f,
        None => Date::from_calendar_date(to.year(), time::Month::January, 1)?,
    };
    if from > to {
        bail!(
            "--from ({}) ligt na --to ({})",
            format_iso(from),
            format_iso(to)
        );
    }
    Ok((from, to))
}

fn write(output: Option<&PathBuf>, bytes: &[u8], binary: bool) -> Result<()> {
    match output {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("{} schrijven", path.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            if binary && out.is_terminal() {
                bail!("dit is een binair bestand: geef --output BESTAND");
            }
            out.write_all(bytes)?;
            out.flush()?;
            Ok(())
        }
    }
}

pub async fn run(
    store: &Store,
    actor: &Actor,
    municipality: &str,
    programme_start: Option<Date>,
    command: ReportCommand,
) -> Result<()> {
    match command {
        ReportCommand::Monitor {
            from,
            to,
            format,
            output,
        } => {
            let (from, to) = period(from.as_deref(), to.as_deref())?;
            let m = store.monitor(actor, from, to).await?;
            match format {
                MonitorFormat::Json => {
                    let mut text = serde_json::to_string_pretty(&report::monitor_json(&m))?;
                    text.push('\n');
                    write(output.as_ref(), text.as_bytes(), false)?;
                }
                MonitorFormat::Csv => {
                    write(output.as_ref(), &report::monitor_csv(&m)?, false)?;
                }
                MonitorFormat::Xlsx => {
                    write(output.as_ref(), &report::monitor_xlsx(&m)?, true)?;
                }
            }
        }
        ReportCommand::Evaluation {
            from,
            to,
            format,
            output,
        } => {
            let (default_from, _) =
                report::evaluation_period(store, actor, programme_start, today_nl()).await?;
            let from = date("from", from.as_deref())?.unwrap_or(default_from);
            let to = match date("to", to.as_deref())? {
                Some(t) => t,
                None => {
                    nazorg_domain::dates::add_months(from, report::EVALUATION_MONTHS)
                        - time::Duration::days(1)
                }
            };
            if from > to {
                bail!("--from ligt na --to");
            }
            let data = EvaluationData::load(store, actor, from, to).await?;
            let bytes = match format {
                EvaluationFormat::Pdf => data.pdf(municipality),
                EvaluationFormat::Xlsx => data.xlsx()?,
                EvaluationFormat::Csv => data.csv()?,
            };
            write(Some(&output), &bytes, true)?;
            eprintln!(
                "{} geschreven ({} t/m {})",
                output.display(),
                format_iso(from),
                format_iso(to)
            );
        }
    }
    Ok(())
}

pub async fn export(store: &Store, actor: &Actor, command: ExportCommand) -> Result<()> {
    match command {
        ExportCommand::Pseudonymised { from, to, output } => {
            let (from, to) = period(from.as_deref(), to.as_deref())?;
            let export = store.pseudonymised_export(actor, from, to).await?;
            let bytes = nazorg_report::sheet::rows_csv(&export.columns, &export.rows)?;
            write(output.as_ref(), &bytes, false)?;
            eprintln!(
                "{} casussen, {} waarden onderdrukt (gedeeld door minder dan {} inwoners)",
                export.rows.len(),
                export.suppressed,
                nazorg_domain::pseudonym::MIN_GROUP
            );
        }
    }
    Ok(())
}
