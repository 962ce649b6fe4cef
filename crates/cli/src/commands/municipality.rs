//! `nazorg municipality …`: the municipalities of the installation, their own settings
//! and their historic outflow. The operator acts as the installation's region
//! administrator (and is logged as such).

use super::common::{Format, Installation};
use anyhow::{Context, Result};
use clap::Subcommand;
use nazorg_app::{AddMunicipality, MunicipalitySettings};
use nazorg_domain::format_nl;

#[derive(Subcommand)]
pub enum MunicipalityCommand {
    /// Add a municipality to the installation, by its CBS code (e.g. 0503 or GM0503). Its
    /// name and safety region come from the CBS list unless given.
    Add {
        code: String,
        /// The name (default: the CBS list's).
        #[arg(long)]
        name: Option<String>,
        /// The safety region, VR01–VR25 (default: the CBS list's).
        #[arg(long)]
        safety_region: Option<String>,
    },
    /// List the municipalities of the installation.
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Set a municipality's own programme start and retention period (what is not given
    /// stays; `default` returns to the installation's --programme-start or
    /// --retention-years, which the global flags of those names set).
    Set {
        code: String,
        /// The start of its aftercare programme: YYYY-MM-DD or DD-MM-YYYY, or `default`.
        #[arg(long, value_name = "DATE")]
        start: Option<String>,
        /// Its retention period in years after closure (0 switches anonymising off), or
        /// `default`.
        #[arg(long, value_name = "YEARS")]
        retention: Option<String>,
    },
    /// Enter a year of the municipality's historic outflow from detention (DJI figures),
    /// which the forecast continues.
    Outflow {
        code: String,
        #[arg(long)]
        year: i32,
        /// Residents released from detention that year.
        #[arg(long)]
        released: u32,
    },
}

/// Runs a `municipality` subcommand.
pub async fn run(inst: &Installation, command: MunicipalityCommand) -> Result<()> {
    let actor = inst.region_operator();
    match command {
        MunicipalityCommand::Add {
            code,
            name,
            safety_region,
        } => {
            let m = inst
                .app
                .add_municipality(
                    &actor,
                    &AddMunicipality {
                        code: &code,
                        name: name.as_deref(),
                        safety_region: safety_region.as_deref(),
                    },
                )
                .await?;
            eprintln!("Gemeente {} ({}) toegevoegd.", m.name, m.code);
        }
        MunicipalityCommand::List { format } => list(inst, format).await?,
        MunicipalityCommand::Set {
            code,
            start,
            retention,
        } => {
            let code = super::common::municipality(&code)?;
            let current = inst
                .app
                .municipality(&code)
                .await
                .with_context(|| format!("gemeente {code} hoort niet bij deze installatie"))?;
            let mut settings = inst.app.municipality_settings(&code).await?;
            if let Some(text) = start {
                settings.programme_start = match text.trim() {
                    "default" => None,
                    t => super::common::date("start", Some(t))?,
                };
            }
            if let Some(text) = retention {
                settings.retention_years = match text.trim() {
                    "default" => None,
                    t => Some(
                        t.parse()
                            .with_context(|| format!("--retention '{t}' is geen aantal jaren"))?,
                    ),
                };
            }
            inst.app
                .set_municipality_settings(&actor, &code, settings, current.version)
                .await?;
            eprintln!(
                "Instellingen van {} opgeslagen: {}.",
                current.name,
                describe(settings)
            );
        }
        MunicipalityCommand::Outflow {
            code,
            year,
            released,
        } => {
            let code = super::common::municipality(&code)?;
            inst.app.set_outflow(&actor, &code, year, released).await?;
            eprintln!("Uitstroom {year} van gemeente {code}: {released} opgeslagen.");
        }
    }
    Ok(())
}

fn describe(s: MunicipalitySettings) -> String {
    let start = s
        .programme_start
        .map_or("start programme: standaard".into(), |d| {
            format!("start programme {}", format_nl(d))
        });
    let years = s
        .retention_years
        .map_or("bewaartermijn: standaard".into(), |y| {
            format!("bewaartermijn {y} jaar")
        });
    format!("{start}, {years}")
}

async fn list(inst: &Installation, format: Format) -> Result<()> {
    let all = inst.app.municipalities().await?;
    match format {
        Format::Json => {
            let rows: Vec<serde_json::Value> = all
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "code": m.code,
                        "name": m.name,
                        "safety_region": m.safety_region,
                        "programme_start": m.programme_start.map(nazorg_domain::dates::format_iso),
                        "retention_years": m.retention_years,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&rows)?);
        }
        Format::Table => {
            for m in &all {
                println!(
                    "{}\t{}\t{}",
                    m.code,
                    m.name,
                    m.safety_region.as_deref().unwrap_or("")
                );
            }
        }
    }
    Ok(())
}
