//! `nazorg retention`: apply the retention period now (`serve` does this daily):
//! anonymise the closed cases whose period ended, or with --dry-run only list them.

use super::common::{Format, Installation, parse_day};
use anyhow::{Result, bail};

/// The flags of `nazorg retention`.
#[derive(clap::Args)]
pub struct RetentionArgs {
    /// Only report what would be anonymised; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// The day to judge by, YYYY-MM-DD (default today).
    #[arg(long)]
    today: Option<String>,
    /// At most this many cases.
    #[arg(long, default_value_t = 10_000)]
    limit: i64,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

/// Anonymises (or lists) the cases whose retention period ended by --today.
pub async fn run(inst: &Installation, args: RetentionArgs) -> Result<()> {
    let years = inst
        .app
        .retention_years_of(&inst.municipality, inst.retention_years)
        .await?;
    if years == 0 {
        bail!("de bewaartermijn staat uit (--retention-years 0, of 0 voor deze gemeente)");
    }
    let today = parse_day(args.today.as_deref())?;
    if !args.dry_run && today > nazorg_domain::dates::today_nl() {
        bail!(
            "--today ligt in de toekomst: dat kan alleen met --dry-run (anonimiseren is onomkeerbaar)"
        );
    }
    let report = inst
        .app
        .retention_job(&inst.municipality, years, today, args.dry_run, args.limit)
        .await?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Table => {
            println!(
                "{} {} casus(sen), afgesloten op of voor {}:",
                if report.dry_run {
                    "Proefdraai: zou anonimiseren"
                } else {
                    "Geanonimiseerd:"
                },
                report.items.len(),
                nazorg_domain::format_nl(report.cutoff)
            );
            for item in &report.items {
                println!(
                    "  casus {:>8}  afgesloten {}{}",
                    item.case_id,
                    nazorg_domain::format_nl(item.closed_on),
                    if item.resident_anonymised {
                        "  (ook naam, BSN en geboortedatum van de inwoner)"
                    } else {
                        ""
                    }
                );
            }
        }
    }
    Ok(())
}
