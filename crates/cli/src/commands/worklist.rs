//! `nazorg worklist`: the open deadlines, a user's or everyone's, most urgent first.

use super::common::{Format, Installation, parse_day};
use anyhow::{Context, Result};
use nazorg_domain::dates::format_iso;

/// The flags of `nazorg worklist`.
#[derive(clap::Args)]
pub struct WorklistArgs {
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Only this user's worklist (their cases, unassigned ones, and those they stand in for).
    #[arg(long)]
    user: Option<String>,
    /// The day to judge by, YYYY-MM-DD (default today).
    #[arg(long)]
    today: Option<String>,
}

/// Prints the worklist of --user (or the team's) as judged on --today.
pub async fn run(inst: &Installation, args: WorklistArgs) -> Result<()> {
    let actor = inst.actor();
    let day = parse_day(args.today.as_deref())?;
    let scope = match args.user {
        Some(name) => {
            let id = inst.app.user_id_by_name(&name.to_lowercase()).await?;
            nazorg_app::Scope::Of(id.with_context(|| format!("gebruiker '{name}' bestaat niet"))?)
        }
        None => nazorg_app::Scope::Team,
    };
    let items = inst
        .app
        .worklist(&actor, scope, day, &inst.deadlines.settings())
        .await?;
    print_worklist(&items, args.format)
}

/// Prints a worklist as JSON (case_id, kind, due, …) or as a table.
fn print_worklist(items: &[nazorg_app::WorkItem], format: Format) -> Result<()> {
    match format {
        Format::Json => {
            let rows: Vec<serde_json::Value> = items
                .iter()
                .map(|i| {
                    serde_json::json!({
                        "case_id": i.deadline.case_id,
                        "kind": i.deadline.kind.code(),
                        "due": format_iso(i.deadline.due),
                        "subject_id": i.deadline.subject_id,
                        "reason": i.deadline.reason,
                        "resident": i.resident,
                        "coordinator": i.coordinator,
                        "standing_in_for": i.standing_in_for,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&rows)?);
        }
        Format::Table => {
            for i in items {
                println!(
                    "{}  casus {:>7}  {:<28}  {}",
                    format_iso(i.deadline.due),
                    i.deadline.case_id,
                    i.deadline.kind.code(),
                    i.deadline.reason
                );
            }
        }
    }
    Ok(())
}
