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
    /// Blank lines, skipped.
    pub blank: usize,
    pub rejected: usize,
}

impl Summary {
    /// One Dutch sentence with the counts.
    pub fn describe(&self) -> String {
        let blank = match self.blank {
            0 => String::new(),
            1 => " 1 lege regel overgeslagen.".to_string(),
            n => format!(" {n} lege regels overgeslagen."),
        };
        let rows = if self.rows == 1 { "regel" } else { "regels" };
        let cases = if self.created == 1 {
            "nieuwe casus"
        } else {
            "nieuwe casussen"
        };
        format!(
            "{} {rows} gelezen: {} {cases}, {} al bekend, {} bijgewerkt met nieuwe gegevens, {} afgewezen.{blank}",
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
    /// The last line the row takes (the same line, unless a quote was left open).
    last_line: u64,
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
fn read_csv(path: &Path) -> Result<Parsed> {
    let bytes = std::fs::read(path).with_context(|| format!("{} openen", path.display()))?;
    parse_csv(bytes)
}

/// What a file holds: its columns, its rows, and how many of its lines were blank.
struct Parsed {
    headers: Vec<String>,
    inputs: Vec<Input>,
    blank: usize,
}

/// Where the lines of a file start, so that a record's lines are counted from byte
/// offsets (the CSV reader's own count leaves out the blank lines it skips).
struct Lines<'a> {
    bytes: &'a [u8],
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn of(bytes: &'a [u8]) -> Lines<'a> {
        let breaks = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n');
        let starts = std::iter::once(0)
            .chain(breaks.map(|(i, _)| i + 1))
            .collect();
        Lines { bytes, starts }
    }

    /// The line (from 1) that holds a byte.
    fn at(&self, byte: u64) -> u64 {
        let at = usize::try_from(byte).unwrap_or(usize::MAX);
        self.starts.partition_point(|start| *start <= at) as u64
    }

    /// The line a record starts on: its position may be that of blank lines before it.
    fn first_of(&self, byte: u64) -> u64 {
        let mut at = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while matches!(self.bytes.get(at), Some(b'\n' | b'\r')) {
            at += 1;
        }
        self.at(at as u64)
    }

    /// How many lines the file has (a last line break ends the last line, no new one).
    fn count(&self) -> usize {
        let ended = self.bytes.last() == Some(&b'\n') || self.bytes.is_empty();
        self.starts.len() - usize::from(ended)
    }
}

/// The rows of a CSV file's bytes (see [`read_csv`]).
fn parse_csv(bytes: Vec<u8>) -> Result<Parsed> {
    let bytes = utf8_bytes(bytes)?;
    let lines = Lines::of(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .delimiter(delimiter(&bytes))
        .from_reader(bytes.as_slice());
    let headers = read_headers(&mut reader)?;
    let mut inputs = Vec::new();
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record).context("CSV lezen")? {
        let line = record.position().map_or(0, |p| lines.first_of(p.byte()));
        // The record ends where the reader now is: its last line holds the byte before.
        let last = lines
            .at(reader.position().byte().saturating_sub(1))
            .max(line);
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
        let breaks = usize::try_from(last - line).unwrap_or(usize::MAX);
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
        inputs.push(Input {
            line,
            last_line: last,
            row,
            raw,
        });
    }
    // The header, and the lines each row takes: the rest is blank.
    let covered: u64 = 1 + inputs.iter().map(|i| i.last_line - i.line + 1).sum::<u64>();
    Ok(Parsed {
        headers,
        inputs,
        blank: lines
            .count()
            .saturating_sub(usize::try_from(covered).unwrap_or(usize::MAX)),
    })
}

/// The header's column names, which must include every column of a notification.
fn read_headers(reader: &mut csv::Reader<&[u8]>) -> Result<Vec<String>> {
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
    Ok(headers)
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
fn read_json(path: &Path) -> Result<Parsed> {
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
                last_line: i as u64 + 1,
                row,
                raw,
            }
        })
        .collect();
    Ok(Parsed {
        headers: vec!["json".to_string()],
        inputs,
        blank: 0,
    })
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
    let Parsed {
        headers,
        inputs,
        blank,
    } = if is_json {
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
        blank,
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HEADER: &str = "bsn,family_name,given_names,birth_date,municipality_code,brp_status,institution,detention_start,expected_release,sentence,source";

    /// A line of a notification file as people make them: a good row, a row with a field
    /// too few or too many, a stray quote, a semicolon, an empty line, or any text.
    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("691967301,van den Berg,Anna,1992-02-14,1783,registered,PI Haaglanden,2026-02-10,2026-06-10,prison_sentence,automatic".to_string()),
            Just("341436239,Koster,Kevin,2008-07-01,1783,registered,PI Rotterdam,2026-06-01".to_string()),
            Just("562930036,\"Willems, M.\",Mohamed,1988-12-01,0637,registered,PI,2026-02-15,2026-05-15,prison_sentence,automatic,extra".to_string()),
            Just("177910586,\"Prins,Dirk,1970-05-30,1783,registered,PI,2026-03-02,2026-07-02,prison_sentence,casemanager".to_string()),
            Just(String::new()),
            Just("   ".to_string()),
            "[a-z0-9,;\" ]{0,40}",
        ]
    }

    proptest! {
        /// Every line after the header is a row (imported or rejected), a blank line, or
        /// named in the rejection of the unclosed quote it ran on over: none goes missing,
        /// none counts twice.
        #[test]
        fn every_line_of_a_file_is_accounted_for(lines in prop::collection::vec(line(), 0..30)) {
            let mut text = HEADER.to_string();
            for l in &lines {
                text.push('\n');
                text.push_str(l);
            }
            text.push('\n');
            let parsed = parse_csv(text.into_bytes()).expect("the header is right");
            let inputs = &parsed.inputs;
            let mut covered = vec![0u32; lines.len() + 2];
            for input in inputs {
                let (first, last) = (input.line as usize, input.last_line as usize);
                prop_assert!(first >= 2 && last < lines.len() + 2, "lines {}-{} of {}", first, last, lines.len());
                for count in &mut covered[first..=last] {
                    *count += 1;
                }
                if last > first {
                    prop_assert!(input.row.is_err(), "a record over several lines is rejected");
                }
            }
            for (i, l) in lines.iter().enumerate() {
                // A line with text is a row or part of one; one with only separators,
                // quotes and spaces holds no field and may be skipped as blank.
                let n = covered[i + 2];
                if l.chars().any(|c| c.is_ascii_alphanumeric()) {
                    prop_assert_eq!(n, 1, "line {}: {:?}", i + 2, l);
                } else {
                    prop_assert!(n <= 1);
                }
            }
            // The summary's count: rows, lines they ran on over, and blank lines make
            // every line after the header.
            let rows_lines: usize = covered.iter().map(|c| *c as usize).sum();
            prop_assert_eq!(rows_lines + parsed.blank, lines.len());
        }

        /// Whatever the bytes, reading them answers rows or a Dutch reason, never a panic.
        #[test]
        fn any_bytes_are_read_or_refused(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let mut file = HEADER.as_bytes().to_vec();
            file.push(b'\n');
            file.extend(bytes);
            let _ = parse_csv(file);
        }
    }
}
