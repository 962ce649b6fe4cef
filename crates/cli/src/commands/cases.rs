//! `nazorg cases …`: list cases, streamed page by page.

use super::common::{Format, Installation};
use anyhow::{Context, Result};
use clap::Subcommand;
use nazorg_app::{App, CaseFilter};
use nazorg_domain::access::Actor;
use std::io::Write;

#[derive(Subcommand)]
pub enum CasesCommand {
    /// Print cases (all of them, open and closed, unless filtered).
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Only this phase (notified, not_reached, declined, accepted, triaged, planning, aftercare, closed).
        #[arg(long)]
        status: Option<String>,
        /// Only open cases.
        #[arg(long)]
        open: bool,
        /// A BSN or the start of a family name.
        #[arg(long)]
        search: Option<String>,
    },
}

/// Runs a `cases` subcommand.
pub async fn run(inst: &Installation, command: CasesCommand) -> Result<()> {
    match command {
        CasesCommand::List {
            format,
            status,
            open,
            search,
        } => {
            let actor = inst.actor();
            let filter = CaseFilter {
                open_only: open,
                status: match status {
                    Some(s) => Some(
                        nazorg_domain::Status::parse(&s)
                            .with_context(|| format!("onbekende fase '{s}'"))?,
                    ),
                    None => None,
                },
                search,
                ..Default::default()
            };
            list_cases(&inst.app, &actor, &filter, format).await
        }
    }
}

/// Streams every matching case, page by page, as a JSON array or a table.
async fn list_cases(store: &App, actor: &Actor, filter: &CaseFilter, format: Format) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut after = None;
    let mut first = true;
    match format {
        Format::Json => write!(out, "[")?,
        Format::Table => writeln!(
            out,
            "{:>7}  {:9}  {:28}  {:10}  {:18}  doelgroep",
            "casus", "BSN", "naam", "detentie", "fase"
        )?,
    }
    loop {
        let page = store.list_cases(actor, filter, after, 500).await?;
        for c in &page.items {
            match format {
                Format::Json => {
                    let dto = nazorg_web::api::CaseSummaryDto::from(c);
                    write!(
                        out,
                        "{}\n  {}",
                        if first { "" } else { "," },
                        serde_json::to_string(&dto)?
                    )?;
                }
                Format::Table => write_row(&mut out, c)?,
            }
            first = false;
        }
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    if let Format::Json = format {
        writeln!(out, "{}]", if first { "" } else { "\n" })?;
    }
    out.flush()?;
    Ok(())
}

/// One case as a line of the table.
fn write_row(out: &mut impl Write, c: &nazorg_app::CaseSummary) -> Result<()> {
    let name: String = format!("{}, {}", c.family_name, c.given_names)
        .chars()
        .take(28)
        .collect();
    let reasons: Vec<&str> = c.eligibility_reasons.iter().map(|r| r.code()).collect();
    writeln!(
        out,
        "{:>7}  {:9}  {:28}  {:10}  {:18}  {}{}",
        c.case_id,
        if c.provisional {
            "(geen BSN)"
        } else {
            c.bsn.as_str()
        },
        name,
        nazorg_domain::dates::format_iso(c.detention_start),
        c.status.label(),
        c.eligibility.code(),
        if reasons.is_empty() {
            String::new()
        } else {
            format!(" ({})", reasons.join(", "))
        }
    )?;
    Ok(())
}
