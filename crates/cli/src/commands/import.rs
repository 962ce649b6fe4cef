//! `nazorg import notifications`: a CSV or JSON file of notifications, row by row. A bad
//! row is rejected with its line number and reason; the rest is imported.

use super::common::Installation;
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use nazorg_app::{App, ImportOutcome};
use nazorg_domain::access::Actor;
use nazorg_domain::notification::NotificationRow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import notifications from CSV (or JSON, by the .json extension). See docs/import-format.md.
    Notifications {
        file: PathBuf,
        /// Write the rejected rows, with line number and reason, to this CSV file.
        #[arg(long)]
        rejects: Option<PathBuf>,
    },
}

/// Runs an `import` subcommand; exit code 1 when a row was rejected.
pub async fn run(inst: &Installation, command: ImportCommand) -> Result<ExitCode> {
    match command {
        ImportCommand::Notifications { file, rejects } => {
            let actor = inst.actor();
            let summary = import_file(&inst.app, &actor, &file, rejects.as_deref()).await?;
            eprintln!("{}", summary.describe());
            Ok(if summary.rejected > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

/// The columns of the import format, in order.
pub const COLUMNS: [&str; 11] = [
    "bsn",
    "family_name",
    "given_names",
    "birth_date",
    "municipality_code",
    "brp_status",
    "institution",
    "detention_start",
    "expected_release",
    "sentence",
    "source",
];

/// What an import did.
#[derive(Debug, Default)]
pub struct Summary {
    pub rows: usize,
    pub created: usize,
    pub duplicates: usize,
    pub updated: usize,
    pub rejected: usize,
}

impl Summary {
    /// One Dutch sentence with the counts.
    pub fn describe(&self) -> String {
        format!(
            "{} regels gelezen: {} nieuwe casussen, {} al bekend, {} bijgewerkt met nieuwe gegevens, {} afgewezen.",
            self.rows, self.created, self.duplicates, self.updated, self.rejected
        )
    }
}

/// A rejected row: its line, the reason, and its fields as read.
type Rejected = (u64, String, Vec<String>);

/// One row as read, before validation.
struct Input {
    /// Line in the file (the header is line 1), or record number for JSON.
    line: u64,
    row: Result<NotificationRow, String>,
    raw: Vec<String>,
}

/// The bytes of a CSV file as UTF-8: a file with a UTF-16 byte-order mark (what Excel's
/// "Unicode text" writes) is converted; any other is taken as UTF-8, row by row.
fn utf8_bytes(bytes: Vec<u8>) -> Result<Vec<u8>> {
    let unit: fn([u8; 2]) -> u16 = match bytes.get(..2) {
        Some([0xFF, 0xFE]) => u16::from_le_bytes,
        Some([0xFE, 0xFF]) => u16::from_be_bytes,
        _ => return Ok(bytes),
    };
    let units: Vec<u16> = bytes[2..]
        .chunks_exact(2)
        .map(|p| unit([p[0], p[1]]))
        .collect();
    String::from_utf16(&units)
        .map(String::into_bytes)
        .map_err(|_| anyhow::anyhow!("het bestand begint als UTF-16 maar is geen geldige UTF-16-tekst; sla het op als CSV UTF-8"))
}

/// The field separator of a CSV file: a semicolon when the header has semicolons and no
/// commas (what Excel writes with Dutch settings), a comma otherwise.
fn delimiter(bytes: &[u8]) -> u8 {
    let header = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    if header.contains(&b';') && !header.contains(&b',') {
        b';'
    } else {
        b','
    }
}

/// Reads a CSV file, comma- or semicolon-separated, UTF-8 or UTF-16: the header must name
/// every column; blank lines are skipped.
fn read_csv(path: &Path) -> Result<(Vec<String>, Vec<Input>)> {
    let bytes = std::fs::read(path).with_context(|| format!("{} openen", path.display()))?;
    let bytes = utf8_bytes(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .delimiter(delimiter(&bytes))
        .from_reader(bytes.as_slice());
    let headers: Vec<String> = reader
        .byte_headers()
        .context("kopregel lezen")?
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_lowercase()
        })
        .collect();
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| !headers.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        bail!(
            "de kopregel mist de kolom(men) {}; verwacht: {}",
            missing.join(", "),
            COLUMNS.join(",")
        );
    }
    let mut inputs = Vec::new();
    for record in reader.byte_records() {
        let record = record.context("CSV lezen")?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let raw: Vec<String> = record
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect();
        if raw.iter().all(|f| f.trim().is_empty()) {
            continue; // blank lines are not rows
        }
        // No field of a notification holds a line break: a record that does ran on over
        // the lines after it, from a quote that was not closed. Those lines are this one
        // rejected row, said so, not rows that silently disappear.
        let breaks: usize = raw.iter().map(|f| f.matches('\n').count()).sum();
        let row = match record
            .iter()
            .map(std::str::from_utf8)
            .collect::<Result<Vec<&str>, _>>()
        {
            _ if breaks > 0 => Err(format!(
                "een aanhalingsteken is niet gesloten: de regels {line} tot en met {} zijn als één regel gelezen",
                line + breaks as u64
            )),
            Err(_) => Err("de regel is geen geldige UTF-8-tekst".to_string()),
            Ok(fields) if fields.len() != headers.len() => Err(format!(
                "de regel heeft {} velden, de kopregel {}",
                fields.len(),
                headers.len()
            )),
            Ok(fields) => Ok(notification_row(&headers, &fields)),
        };
        inputs.push(Input { line, row, raw });
    }
    Ok((headers, inputs))
}

/// The row of a record whose fields match the header, by column name.
fn notification_row(headers: &[String], fields: &[&str]) -> NotificationRow {
    let get = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .and_then(|i| fields.get(i))
            .map(|s| s.to_string())
            .unwrap_or_default()
    };
    NotificationRow {
        bsn: get("bsn"),
        family_name: get("family_name"),
        given_names: get("given_names"),
        birth_date: get("birth_date"),
        municipality_code: get("municipality_code"),
        brp_status: get("brp_status"),
        institution: get("institution"),
        detention_start: get("detention_start"),
        expected_release: get("expected_release"),
        sentence: get("sentence"),
        source: get("source"),
    }
}

/// Reads a JSON file: an array with one notification object per element.
fn read_json(path: &Path) -> Result<(Vec<String>, Vec<Input>)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("{} lezen", path.display()))?;
    let values: Vec<serde_json::Value> = serde_json::from_str(&text)
        .context("het JSON-bestand moet een lijst (array) van meldingen zijn")?;
    let inputs = values
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            let raw = vec![value.to_string()];
            let row = serde_json::from_value::<NotificationRow>(value)
                .map_err(|e| format!("ongeldige melding: {e}"));
            Input {
                line: i as u64 + 1,
                row,
                raw,
            }
        })
        .collect();
    Ok((vec!["json".to_string()], inputs))
}

/// Imports every valid row of the file; reports each rejected row on standard error and,
/// with `rejects`, writes them to that CSV file.
pub async fn import_file(
    store: &App,
    actor: &Actor,
    path: &Path,
    rejects: Option<&Path>,
) -> Result<Summary> {
    let is_json = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let (headers, inputs) = if is_json {
        read_json(path)?
    } else {
        read_csv(path)?
    };
    let bar = ProgressBar::new(inputs.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} meldingen ({eta} te gaan)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut summary = Summary {
        rows: inputs.len(),
        ..Default::default()
    };
    let mut rejected: Vec<Rejected> = Vec::new();
    for input in inputs {
        let parsed = input
            .row
            .and_then(|row| row.parse().map_err(|e| e.to_string()));
        match parsed {
            Err(reason) => {
                summary.rejected += 1;
                rejected.push((input.line, reason, input.raw));
            }
            Ok(notification) => match store.import_notification(actor, &notification).await {
                Ok(ImportOutcome::Created { .. }) => summary.created += 1,
                Ok(ImportOutcome::Duplicate { .. }) => summary.duplicates += 1,
                Ok(ImportOutcome::Updated { .. }) => summary.updated += 1,
                Err(nazorg_app::Error::Invalid(reason) | nazorg_app::Error::Conflict(reason)) => {
                    summary.rejected += 1;
                    rejected.push((input.line, reason, input.raw));
                }
                Err(e) => return Err(e).context(format!("regel {} opslaan", input.line)),
            },
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    for (line, reason, _) in &rejected {
        eprintln!("regel {line} afgewezen: {reason}");
    }
    if let Some(out) = rejects {
        write_rejects(out, &headers, &rejected)?;
    }
    Ok(summary)
}

/// Writes the rejected rows, with line number and reason before the original fields.
fn write_rejects(out: &Path, headers: &[String], rejected: &[Rejected]) -> Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_path(out)
        .with_context(|| format!("{} schrijven", out.display()))?;
    let mut header = vec!["line".to_string(), "reason".to_string()];
    header.extend(headers.iter().cloned());
    writer.write_record(&header)?;
    for (line, reason, raw) in rejected {
        let mut record = vec![line.to_string(), reason.clone()];
        record.extend(raw.iter().map(|f| neutralise(f)));
        writer.write_record(&record)?;
    }
    writer.flush()?;
    Ok(())
}

/// A cell that a spreadsheet would run as a formula gets a leading quote.
fn neutralise(field: &str) -> String {
    if field.starts_with(['=', '+', '-', '@']) {
        format!("'{field}")
    } else {
        field.to_string()
    }
}
