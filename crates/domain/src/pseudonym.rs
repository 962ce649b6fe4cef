//! The pseudonymised export for the policy advisor: one row per case with a stable
//! pseudonym per resident, months instead of dates, an age band instead of a birth date,
//! codes instead of free text, and no name, BSN or institution. Any value that fewer than
//! five residents share is suppressed, so no cell singles out a small group.

use std::collections::HashMap;

use serde::Serialize;
use time::Date;

use crate::Coded;
use crate::dates::age_on;
use crate::lifecycle::Status;
use crate::monitor::CaseFacts;
use crate::triage::LifeDomain;

/// Groups smaller than this are suppressed.
pub const MIN_GROUP: usize = 5;
/// What a suppressed value shows.
pub const SUPPRESSED: &str = "<5";

/// One case before pseudonymisation (the pseudonym is made by the store, with its key).
#[derive(Debug, Clone)]
pub struct PseudoRecord {
    pub pseudonym: String,
    pub birth_date: Option<Date>,
    pub status: Option<Status>,
    pub facts: CaseFacts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PseudonymisedExport {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// How many cells were suppressed.
    pub suppressed: usize,
}

fn month(date: Option<Date>) -> String {
    date.map(|d| format!("{:04}-{:02}", d.year(), u8::from(d.month())))
        .unwrap_or_default()
}

fn age_band(birth: Option<Date>, on: Date) -> String {
    let Some(age) = birth.map(|b| age_on(b, on)) else {
        return String::new();
    };
    match age {
        ..=24 => "18-24",
        25..=34 => "25-34",
        35..=44 => "35-44",
        45..=54 => "45-54",
        _ => "55+",
    }
    .into()
}

fn yes_no(value: Option<bool>) -> String {
    match value {
        Some(true) => "ja".into(),
        Some(false) => "nee".into(),
        None => String::new(),
    }
}

fn code<T: Coded>(value: Option<T>) -> String {
    value.map(|v| v.code().to_string()).unwrap_or_default()
}

/// Builds the export; `as_of` decides which expected releases have passed.
pub fn export(records: &[PseudoRecord], as_of: Date) -> PseudonymisedExport {
    let columns = columns();
    let mut rows: Vec<Vec<String>> = records.iter().map(|r| row(r, as_of)).collect();
    let mut suppressed = suppress_small_combinations(&mut rows);
    for col in 1..columns.len() {
        suppressed += suppress_small_values(&mut rows, col);
    }
    PseudonymisedExport {
        columns,
        rows,
        suppressed,
    }
}

/// The column names: the case's codes, then the need and the result per life domain.
fn columns() -> Vec<String> {
    let mut columns: Vec<String> = [
        "pseudoniem",
        "maand_detentie",
        "maand_vrijlating",
        "leeftijdsklasse",
        "doelgroep",
        "aanbod",
        "casusregie",
        "fase",
        "reden_afsluiting",
        "eindresultaat",
        "al_bekend_skt",
        "al_bekend_veiligheidskamer",
        "opnieuw_gedetineerd",
    ]
    .iter()
    .map(|c| c.to_string())
    .collect();
    for d in LifeDomain::ALL {
        columns.push(format!("behoefte_{}", d.code()));
    }
    for d in LifeDomain::ALL {
        columns.push(format!("resultaat_{}", d.code()));
    }
    columns
}

/// One case's row, in the order of [`columns`], before suppression.
fn row(r: &PseudoRecord, as_of: Date) -> Vec<String> {
    let f = &r.facts;
    let released = f.released_on(as_of);
    let mut row = vec![
        r.pseudonym.clone(),
        month(Some(f.detention_start)),
        month(released),
        age_band(r.birth_date, f.detention_start),
        if f.eligible { "ja" } else { "nee" }.into(),
        code(f.offer_outcome),
        code(f.direction),
        code(r.status),
        code(f.closing_reason),
        code(f.overall_result),
        yes_no(f.known_to_skt),
        yes_no(f.known_to_safety_chamber),
        if released.is_some() {
            yes_no(Some(
                f.detained_again
                    || f.closing_reason == Some(crate::case::ClosingReason::ReDetained),
            ))
        } else {
            String::new()
        },
    ];
    for d in LifeDomain::ALL {
        row.push(code(in_domain(&f.needs, *d)));
    }
    for d in LifeDomain::ALL {
        row.push(code(in_domain(&f.results, *d)));
    }
    row
}

/// The value recorded for life domain `d`, if any.
fn in_domain<T: Copy>(values: &[(LifeDomain, T)], d: LifeDomain) -> Option<T> {
    values.iter().find(|(x, _)| *x == d).map(|(_, v)| *v)
}

/// The different residents (pseudonyms) per key, over the rows that have a key.
fn residents_per(
    rows: &[Vec<String>],
    key: impl Fn(&[String]) -> Option<String>,
) -> HashMap<String, Vec<String>> {
    let mut groups: HashMap<String, Vec<String>> = HashMap::new();
    for row in rows {
        if let Some(k) = key(row) {
            groups.entry(k).or_default().push(row[0].clone());
        }
    }
    for who in groups.values_mut() {
        who.sort();
        who.dedup();
    }
    groups
}

/// The quasi-identifiers together (detention month, release month, age band): a
/// combination fewer than MIN_GROUP residents share is suppressed as a whole. Returns
/// the number of cells suppressed.
fn suppress_small_combinations(rows: &mut [Vec<String>]) -> usize {
    let key = |row: &[String]| format!("{}|{}|{}", row[1], row[2], row[3]);
    let combinations = residents_per(rows, |row| Some(key(row)));
    let mut suppressed = 0;
    for row in rows {
        if combinations
            .get(&key(row))
            .is_some_and(|who| who.len() < MIN_GROUP)
        {
            for cell in &mut row[1..4] {
                *cell = SUPPRESSED.into();
                suppressed += 1;
            }
        }
    }
    suppressed
}

/// Suppresses every value of column `col` (an empty one too: "not released yet" says
/// something) that fewer than MIN_GROUP different residents share. Returns the number of
/// cells suppressed.
fn suppress_small_values(rows: &mut [Vec<String>], col: usize) -> usize {
    let groups = residents_per(rows, |row| {
        (row[col] != SUPPRESSED).then(|| row[col].clone())
    });
    let small: Vec<String> = groups
        .into_iter()
        .filter_map(|(value, who)| (who.len() < MIN_GROUP).then_some(value))
        .collect();
    let mut suppressed = 0;
    for row in rows {
        if small.contains(&row[col]) {
            row[col] = SUPPRESSED.into();
            suppressed += 1;
        }
    }
    suppressed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::Direction;
    use time::macros::date;

    fn record(n: i64, start: Date, direction: Option<Direction>) -> PseudoRecord {
        PseudoRecord {
            pseudonym: format!("P{n}"),
            birth_date: Some(date!(1990 - 05 - 01)),
            status: Some(Status::Notified),
            facts: CaseFacts {
                detention_start: start,
                direction,
                ..crate::monitor::tests::case(n)
            },
        }
    }

    #[test]
    fn values_of_fewer_than_five_residents_are_suppressed() {
        let mut records: Vec<PseudoRecord> = (1..=5)
            .map(|n| record(n, date!(2026 - 01 - 15), Some(Direction::Coordinator)))
            .collect();
        records.push(record(6, date!(2026 - 02 - 03), Some(Direction::Exodus)));
        // The same resident twice is still one resident.
        records.push(record(6, date!(2026 - 02 - 20), Some(Direction::Exodus)));
        let e = export(&records, date!(2026 - 11 - 25));
        let col = |name: &str| e.columns.iter().position(|c| c == name).expect(name);
        let months: Vec<&str> = e
            .rows
            .iter()
            .map(|r| r[col("maand_detentie")].as_str())
            .collect();
        assert_eq!(
            months,
            [
                "2026-01", "2026-01", "2026-01", "2026-01", "2026-01", "<5", "<5"
            ]
        );
        assert_eq!(e.rows[0][col("casusregie")], "coordinator");
        assert_eq!(e.rows[5][col("casusregie")], "<5");
        assert_eq!(e.rows[0][col("leeftijdsklasse")], "35-44");
        // Resident 6 shares the age band with the others, but not the combination of
        // months and age band: the combination is suppressed as a whole.
        assert_eq!(e.rows[6][col("leeftijdsklasse")], "<5");
        assert_eq!(e.rows[6][col("maand_vrijlating")], "<5");
        assert_eq!(
            e.rows[0][0], "P1",
            "the pseudonym itself is never suppressed"
        );
        assert_eq!(e.rows[5][0], e.rows[6][0], "one pseudonym per resident");
        assert!(e.suppressed >= 4);
        assert!(
            !e.columns
                .iter()
                .any(|c| c.contains("bsn") || c.contains("naam"))
        );
    }
}
