//! `nazorg export …`: the pseudonymised cases for the policy advisor, the same as the
//! web page's download.

use super::common::{Installation, period, write_output};
use anyhow::Result;
use clap::Subcommand;
use std::path::PathBuf;

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

/// Runs an `export` subcommand.
pub async fn run(inst: &Installation, command: ExportCommand) -> Result<()> {
    let actor = inst.actor();
    match command {
        ExportCommand::Pseudonymised { from, to, output } => {
            let (from, to) = period(from.as_deref(), to.as_deref())?;
            let export = inst.app.pseudonymised_export(&actor, from, to).await?;
            let bytes = nazorg_report::sheet::rows_csv(&export.columns, &export.rows)?;
            write_output(output.as_deref(), &bytes, false)?;
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
