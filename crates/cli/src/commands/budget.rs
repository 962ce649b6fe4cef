//! `nazorg budget`: a year's budget per line: the cap, what is committed, spent and
//! remaining.

use super::common::{Format, Installation};
use anyhow::Result;
use nazorg_domain::referral::format_eur;

/// The flags of `nazorg budget`.
#[derive(clap::Args)]
pub struct BudgetArgs {
    /// The year (default: this year).
    #[arg(long)]
    year: Option<i32>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

/// Prints the budget of --year.
pub async fn run(inst: &Installation, args: BudgetArgs) -> Result<()> {
    let actor = inst.actor();
    let year = args
        .year
        .unwrap_or_else(|| time::OffsetDateTime::now_utc().year());
    let budget = inst.app.budget(&actor, year).await?;
    print_budget(&budget, args.format)
}

/// Prints a budget as JSON (amounts in euros as numbers) or as a table (Dutch amounts).
fn print_budget(budget: &nazorg_app::Budget, format: Format) -> Result<()> {
    let euros = |cents: i64| cents as f64 / 100.0;
    match format {
        Format::Json => {
            let lines: Vec<serde_json::Value> = budget
                .lines
                .iter()
                .map(|l| {
                    serde_json::json!({
                        "code": l.code.code(),
                        "name": l.name,
                        "cap": euros(l.cap_cents),
                        "committed": euros(l.committed_cents),
                        "spent": euros(l.spent_cents),
                        "remaining": euros(l.remaining_cents()),
                    })
                })
                .collect();
            let months: Vec<serde_json::Value> = budget
                .months
                .iter()
                .map(|m| serde_json::json!({"month": m.month, "committed": euros(m.committed_cents), "spent": euros(m.spent_cents)}))
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(
                    &serde_json::json!({"year": budget.year, "lines": lines, "months": months})
                )?
            );
        }
        Format::Table => {
            println!("Budget {}", budget.year);
            for l in &budget.lines {
                println!(
                    "{:<66} plafond {:>14}  vastgelegd {:>14}  besteed {:>14}  over {:>14}",
                    l.name,
                    format_eur(l.cap_cents),
                    format_eur(l.committed_cents),
                    format_eur(l.spent_cents),
                    format_eur(l.remaining_cents())
                );
            }
        }
    }
    Ok(())
}
