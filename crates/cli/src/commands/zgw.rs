//! `nazorg zgw sync` and `nazorg zgw status`: bring the zaken up to date now, and see
//! what waits for the zaaksysteem and why.

use super::common::Installation;
use anyhow::{Result, bail};
use nazorg_domain::dates::format_nl_moment;
use nazorg_domain::ids::CaseId;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum ZgwCommand {
    /// Bring every waiting zaak up to date now (also those pausing after a failure), or
    /// one case's (--case). Exit code 1 when a case failed (it waits to be tried again).
    Sync {
        /// Only this case.
        #[arg(long)]
        case: Option<i64>,
    },
    /// List what waits for the zaaksysteem, oldest first, with why it failed where it
    /// did. Exit code 1 when something failed.
    Status {
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
}

/// Runs a `zgw` subcommand.
pub async fn run(inst: &Installation, command: ZgwCommand) -> Result<ExitCode> {
    if !inst.app.zgw_connected() {
        bail!(
            "er is geen zaaksysteem ingesteld: geef --zgw-zaken-url (NAZORG_ZGW_ZAKEN_URL) en de andere --zgw-instellingen"
        );
    }
    match command {
        ZgwCommand::Sync { case } => sync(inst, case.map(CaseId)).await,
        ZgwCommand::Status { limit } => status(inst, limit).await,
    }
}

async fn sync(inst: &Installation, case: Option<CaseId>) -> Result<ExitCode> {
    let run = inst.app.run_zgw_sync(true, case).await?;
    if run.results.is_empty() && run.held == 0 {
        println!("Niets wachtte op het zaaksysteem.");
        return Ok(ExitCode::SUCCESS);
    }
    for (case_id, result) in &run.results {
        match result {
            Ok(said) => println!("casus {case_id}: {said}"),
            Err(why) => println!("casus {case_id}: mislukt, wordt later opnieuw geprobeerd: {why}"),
        }
    }
    println!(
        "{} bijgewerkt, {} mislukt",
        run.results.len() - run.failures(),
        run.failures()
    );
    if run.held > 0 {
        println!(
            "{} nog in behandeling bij een ander proces (de achtergrondtaak van `serve`, of een die stopte: dan na 30 minuten weer vrij); probeer het zo opnieuw",
            run.held
        );
    }
    Ok(if run.failures() > 0 || run.held > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

async fn status(inst: &Installation, limit: i64) -> Result<ExitCode> {
    let waiting = inst
        .app
        .zgw_waiting(&inst.actor(), limit.clamp(1, 10_000))
        .await?;
    if waiting.is_empty() {
        println!("Niets wacht op het zaaksysteem.");
        return Ok(ExitCode::SUCCESS);
    }
    let mut failed = 0;
    for call in &waiting {
        let since = format_nl_moment(call.created_at);
        match &call.last_error {
            Some(why) => {
                failed += 1;
                println!(
                    "casus {}: wacht sinds {since}, {} keer mislukt, volgende poging {}: {why}",
                    call.case_id,
                    call.attempts,
                    format_nl_moment(call.next_attempt_at)
                );
            }
            None => println!("casus {}: wacht sinds {since}", call.case_id),
        }
    }
    println!("{} wachtend, waarvan {failed} mislukt", waiting.len());
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
