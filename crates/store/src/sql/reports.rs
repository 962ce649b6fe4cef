//! The facts of the monitoring figures, the outlook and the pseudonymised export.

use crate::Result;
use crate::db::{
    Column, Tx, execute, fetch_all, fetch_one, fetch_optional, now, scalar_one, scalar_optional,
};
use nazorg_domain::eligibility::Eligibility;
use nazorg_domain::ids::CaseId;
use nazorg_domain::monitor::{CaseFacts as MonitorCase, ReferralFacts as MonitorReferral};
use nazorg_domain::outlook::{CapacitySettings, Observed};
use nazorg_domain::referral::BudgetLineCode;
use nazorg_domain::triage::LifeDomain;
use std::collections::HashMap;
use time::Date;

/// SQL: the ids of the cases of municipality `$1` whose detention started in [`$2`, `$3`].
const PERIOD_CASES: &str = "(SELECT c.id FROM cases c WHERE c.municipality_code = $1 AND c.detention_start >= $2 AND c.detention_start <= $3)";

/// What the pseudonymised export adds to the facts of one case of a period.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MonitorRow {
    pub birth_date: Option<Date>,
    /// The phase's code, as stored (the export leaves out one it does not know).
    pub status: String,
}

/// A row of [`Tx::period_cases`].
#[derive(sqlx::FromRow)]
struct PeriodRow {
    id: CaseId,
    #[sqlx(flatten)]
    facts: MonitorCase,
    #[sqlx(flatten)]
    export: MonitorRow,
}

/// The cases of a period: their facts for the figures, what the export adds (in the same
/// order), and their referrals.
#[derive(Debug, Clone)]
pub struct PeriodFacts {
    pub rows: Vec<MonitorRow>,
    pub cases: Vec<MonitorCase>,
    pub referrals: Vec<MonitorReferral>,
}

/// Adds each `(case, domain, value)` row to the list `list` of its case, found by `index`.
fn add_to_cases<T>(
    cases: &mut [MonitorCase],
    index: &HashMap<CaseId, usize>,
    rows: Vec<(CaseId, LifeDomain, T)>,
    list: fn(&mut MonitorCase) -> &mut Vec<(LifeDomain, T)>,
) {
    for (case_id, domain, value) in rows {
        if let Some(&i) = index.get(&case_id) {
            list(&mut cases[i]).push((domain, value));
        }
    }
}

impl Tx {
    /// The cases whose detention started in [from, to], with what the figures need. One
    /// query for the cases and one each for triage, results and referrals: no per-case
    /// queries.
    pub async fn period_facts(
        &mut self,
        municipality: &str,
        from: Date,
        to: Date,
    ) -> Result<PeriodFacts> {
        let mut index = HashMap::new();
        let (mut cases, rows): (Vec<MonitorCase>, Vec<MonitorRow>) = self
            .period_cases(municipality, from, to)
            .await?
            .into_iter()
            .enumerate()
            .map(|(i, row)| {
                index.insert(row.id, i);
                (row.facts, row.export)
            })
            .unzip();
        let needs = self
            .period_domain_rows("triage_domains", "need", municipality, from, to)
            .await?;
        add_to_cases(&mut cases, &index, needs, |c| &mut c.needs);
        let results = self
            .period_domain_rows("closure_results", "result", municipality, from, to)
            .await?;
        add_to_cases(&mut cases, &index, results, |c| &mut c.results);
        let referrals = fetch_all!(
            self,
            &format!(
                "SELECT p.name AS partner, p.kind, f.asked_on, f.started_on, f.status FROM referrals f \
                 JOIN partners p ON p.id = f.partner_id WHERE f.case_id IN {PERIOD_CASES}"
            ),
            [municipality, from, to]
        );
        Ok(PeriodFacts {
            rows,
            cases,
            referrals,
        })
    }

    /// The `(case, domain, column)` rows of `table` of the cases of a period.
    async fn period_domain_rows<T: Column>(
        &mut self,
        table: &str,
        column: &str,
        municipality: &str,
        from: Date,
        to: Date,
    ) -> Result<Vec<(CaseId, LifeDomain, T)>> {
        Ok(fetch_all!(
            self,
            &format!(
                "SELECT x.case_id, x.domain, x.{column} FROM {table} x WHERE x.case_id IN {PERIOD_CASES}"
            ),
            [municipality, from, to]
        ))
    }

    async fn period_cases(
        &mut self,
        municipality: &str,
        from: Date,
        to: Date,
    ) -> Result<Vec<PeriodRow>> {
        Ok(fetch_all!(
            self,
            "SELECT c.id, c.resident_id, c.detention_start, c.eligibility_in_force = $4 AS eligible, c.offer_outcome, \
             c.offer_date, c.expected_release, c.actual_release, c.direction, c.closed_on, c.closing_reason, c.overall_result, \
             c.known_to_skt, c.known_to_safety_chamber, c.status, r.birth_date, \
             EXISTS (SELECT 1 FROM triage_domains t WHERE t.case_id = c.id) AS triaged, \
             (EXISTS (SELECT 1 FROM agreements a WHERE a.case_id = c.id) \
             OR (c.direction IS NOT NULL AND EXISTS (SELECT 1 FROM triage_domains t2 WHERE t2.case_id = c.id))) AS planned, \
             EXISTS (SELECT 1 FROM safety_agenda_items s WHERE s.case_id = c.id) AS on_safety_agenda, \
             EXISTS (SELECT 1 FROM cases l WHERE l.resident_id = c.resident_id AND l.detention_start > c.detention_start \
             AND l.detention_start >= COALESCE(c.actual_release, c.expected_release, c.detention_start)) AS detained_again \
             FROM cases c JOIN residents r ON r.id = c.resident_id \
             WHERE c.municipality_code = $1 AND c.detention_start >= $2 AND c.detention_start <= $3 ORDER BY c.id",
            [municipality, from, to, Eligibility::Eligible]
        ))
    }

    /// The first day a case was registered in the municipality.
    pub async fn first_notified_on(&mut self, municipality: &str) -> Result<Option<Date>> {
        Ok(scalar_one!(
            self,
            "SELECT MIN(notified_on) FROM cases WHERE municipality_code = $1",
            [municipality]
        ))
    }

    /// The capacity assumptions the municipality stored, if it changed the defaults.
    pub async fn stored_capacity_settings(
        &mut self,
        municipality: &str,
    ) -> Result<Option<CapacitySettings>> {
        type Row = (i64, i64, i64, i64, i64, i64, i64, i64, i64);
        let row: Option<Row> = fetch_optional!(
            self,
            "SELECT hours_light, hours_skt, hours_exodus, hourly_cost_cents, skt_price_cents, exodus_price_cents, \
             default_uptake_pct, default_skt_pct, default_exodus_pct FROM capacity_settings WHERE municipality_code = $1",
            [municipality]
        );
        Ok(row.map(|(a, b, c, d, e, f, g, h, i)| CapacitySettings {
            hours_light: a,
            hours_skt: b,
            hours_exodus: c,
            hourly_cost_cents: d,
            skt_price_cents: e,
            exodus_price_cents: f,
            default_uptake_pct: g,
            default_skt_pct: h,
            default_exodus_pct: i,
        }))
    }

    /// Who last changed the municipality's capacity assumptions, when, and their version;
    /// `None` while the defaults stand.
    pub async fn capacity_settings_stamp(
        &mut self,
        municipality: &str,
    ) -> Result<Option<(String, time::OffsetDateTime, i64)>> {
        Ok(fetch_optional!(
            self,
            "SELECT updated_by, updated_at, version FROM capacity_settings WHERE municipality_code = $1",
            [municipality]
        ))
    }

    /// Stores the capacity assumptions, replacing the ones before if they are still at
    /// version `seen` (0: the defaults); `false` when they changed after it.
    pub async fn save_capacity_settings(
        &mut self,
        municipality: &str,
        s: &CapacitySettings,
        updated_by: &str,
        seen: i64,
    ) -> Result<bool> {
        let saved = execute!(
            self,
            "INSERT INTO capacity_settings (municipality_code, hours_light, hours_skt, hours_exodus, hourly_cost_cents, \
             skt_price_cents, exodus_price_cents, default_uptake_pct, default_skt_pct, default_exodus_pct, updated_by, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1) \
             ON CONFLICT (municipality_code) DO UPDATE SET hours_light = $2, hours_skt = $3, hours_exodus = $4, \
             hourly_cost_cents = $5, skt_price_cents = $6, exodus_price_cents = $7, default_uptake_pct = $8, \
             default_skt_pct = $9, default_exodus_pct = $10, updated_by = $11, updated_at = $12, \
             version = capacity_settings.version + 1 WHERE capacity_settings.version = $13",
            [
                municipality,
                s.hours_light,
                s.hours_skt,
                s.hours_exodus,
                s.hourly_cost_cents,
                s.skt_price_cents,
                s.exodus_price_cents,
                s.default_uptake_pct,
                s.default_skt_pct,
                s.default_exodus_pct,
                updated_by,
                now(),
                seen
            ]
        );
        Ok(saved > 0)
    }

    /// How many cases of the municipality were (or are expected to be) released in [first, last].
    pub async fn outflow_count(
        &mut self,
        municipality: &str,
        first: Date,
        last: Date,
    ) -> Result<i64> {
        Ok(scalar_one!(
            self,
            "SELECT COUNT(*) FROM cases WHERE municipality_code = $1 \
             AND COALESCE(actual_release, expected_release) >= $2 AND COALESCE(actual_release, expected_release) <= $3",
            [municipality, first, last]
        ))
    }

    /// All cases of the municipality so far: notified, accepted, and by direction.
    pub async fn observed_counts(&mut self, municipality: &str) -> Result<Observed> {
        let (notifications, accepted, light, skt, exodus): (i64, i64, i64, i64, i64) = fetch_one!(
            self,
            "SELECT COUNT(*), \
             COALESCE(SUM(CASE WHEN offer_outcome = 'accepted' THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN direction = 'coordinator' THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN direction = 'skt' THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN direction = 'exodus' THEN 1 ELSE 0 END), 0) \
             FROM cases WHERE municipality_code = $1",
            [municipality]
        );
        let count = |n: i64| n.max(0) as u64;
        Ok(Observed {
            notifications: count(notifications),
            accepted: count(accepted),
            light: count(light),
            skt: count(skt),
            exodus: count(exodus),
        })
    }

    /// The cap of one budget line in one year, if the municipality has that line.
    pub async fn outlook_line_cap(
        &mut self,
        municipality: &str,
        year: i64,
        code: BudgetLineCode,
    ) -> Result<Option<i64>> {
        Ok(scalar_optional!(
            self,
            "SELECT cap_cents FROM budget_lines WHERE municipality_code = $1 AND year = $2 AND code = $3",
            [municipality, year, code]
        ))
    }

    /// The municipality's secret for pseudonyms; `fresh` becomes it on first use.
    pub async fn pseudonym_key(&mut self, municipality: &str, fresh: &str) -> Result<Vec<u8>> {
        execute!(
            self,
            "INSERT INTO pseudonym_keys (municipality_code, secret, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (municipality_code) DO NOTHING",
            [municipality, fresh, now()]
        );
        let secret: String = scalar_one!(
            self,
            "SELECT secret FROM pseudonym_keys WHERE municipality_code = $1",
            [municipality]
        );
        Ok(secret.into_bytes())
    }
}
