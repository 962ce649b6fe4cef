//! `nazorg report …`: the monitor's figures and the evaluation report from the command
//! line, the same as the web pages.

use super::common::{Installation, date, period, write_output};
use anyhow::{Result, bail};
use clap::{Subcommand, ValueEnum};
use nazorg_app::App;
use nazorg_app::report::{self, EvaluationData};
use nazorg_domain::access::Actor;
use nazorg_domain::dates::format_iso;
use std::path::{Path, PathBuf};
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

/// Runs a `report` subcommand.
pub async fn run(inst: &Installation, command: ReportCommand) -> Result<()> {
    let actor = inst.actor();
    match command {
        ReportCommand::Monitor {
            from,
            to,
            format,
            output,
        } => {
            let (from, to) = period(from.as_deref(), to.as_deref())?;
            monitor(&inst.app, &actor, from, to, format, output.as_deref()).await
        }
        ReportCommand::Evaluation {
            from,
            to,
            format,
            output,
        } => {
            let (from, to) = evaluation_period(inst, &actor, from, to).await?;
            let data = EvaluationData::load(&inst.app, &actor, from, to).await?;
            let bytes = match format {
                EvaluationFormat::Pdf => data.pdf(),
                EvaluationFormat::Xlsx => data.xlsx()?,
                EvaluationFormat::Csv => data.csv()?,
            };
            write_output(Some(output.as_path()), &bytes, true)?;
            eprintln!(
                "{} geschreven ({} t/m {})",
                output.display(),
                format_iso(from),
                format_iso(to)
            );
            Ok(())
        }
    }
}

/// Writes the monitor's figures for the period in the asked format.
async fn monitor(
    store: &App,
    actor: &Actor,
    from: Date,
    to: Date,
    format: MonitorFormat,
    output: Option<&Path>,
) -> Result<()> {
    let m = store.monitor(actor, from, to).await?;
    match format {
        MonitorFormat::Json => {
            let mut text = serde_json::to_string_pretty(&report::monitor_json(&m))?;
            text.push('\n');
            write_output(output, text.as_bytes(), false)
        }
        MonitorFormat::Csv => write_output(output, &report::monitor_csv(&m)?, false),
        MonitorFormat::Xlsx => write_output(output, &report::monitor_xlsx(&m)?, true),
    }
}

/// The evaluation's period: --from, default the programme's start (else the first
/// registration); --to, default eight months later minus one day.
async fn evaluation_period(
    inst: &Installation,
    actor: &Actor,
    from: Option<String>,
    to: Option<String>,
) -> Result<(Date, Date)> {
    let asked = (date("from", from.as_deref())?, date("to", to.as_deref())?);
    let (from, to) =
        report::evaluation_period_asked(&inst.app, actor, inst.programme_start, asked).await?;
    if from > to {
        bail!("--from ligt na --to");
    }
    Ok((from, to))
}
