//! `nazorg brp lookup`: ask the BRP now, for what waits or for one case.

use super::common::Installation;
use anyhow::{Result, bail};
use nazorg_domain::ids::CaseId;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum BrpCommand {
    /// Look cases up in the BRP now: every waiting lookup (--pending), or one case again
    /// (--case). Exit code 1 when a lookup failed (it waits to be tried again).
    Lookup {
        /// Every lookup that waits, also those pausing after a failure.
        #[arg(long, conflicts_with = "case")]
        pending: bool,
        /// This case, again.
        #[arg(long)]
        case: Option<i64>,
    },
}

/// Runs a `brp` subcommand.
pub async fn run(inst: &Installation, command: BrpCommand) -> Result<ExitCode> {
    let BrpCommand::Lookup { pending, case } = command;
    if !inst.app.brp_connected() {
        bail!("er is geen BRP ingesteld: geef --brp-url (NAZORG_BRP_URL)");
    }
    let only = match (pending, case) {
        (_, Some(id)) => {
            let case_id = CaseId(id);
            inst.app
                .request_brp_lookup(&inst.actor(), case_id)
                .await
                .map_err(|e| anyhow::anyhow!("casus {id}: {e}"))?;
            Some(case_id)
        }
        (true, None) => None,
        (false, None) => bail!("geef --pending (alles wat wacht) of --case ID"),
    };
    let run = inst.app.run_brp_lookups(true, only).await?;
    for (case_id, result) in &run.results {
        match result {
            Ok(said) => println!("casus {case_id}: {said}"),
            Err(why) => println!("casus {case_id}: mislukt, wordt later opnieuw geprobeerd: {why}"),
        }
    }
    println!(
        "{} opgevraagd, {} mislukt",
        run.results.len() - run.failures(),
        run.failures()
    );
    Ok(if run.failures() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
