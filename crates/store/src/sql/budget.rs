//! The budget lines of a year and what the referrals commit and spend on them.

use crate::Result;
use crate::db::{Tx, execute, fetch_all, fetch_one, now, scalar_optional};
use crate::model::*;
use nazorg_domain::referral::{BudgetLineCode, ReferralResult, ReferralStatus};
use time::Date;

/// A priced referral of a budget year, as the year's overview counts it.
#[derive(sqlx::FromRow)]
pub struct BudgetClaim {
    pub status: ReferralStatus,
    pub budget_line: Option<BudgetLineCode>,
    pub price_cents: Option<i64>,
    pub asked_on: Date,
    pub ended_on: Option<Date>,
}

/// A referral's partner, status, dates and result, for the figures per partner.
#[derive(sqlx::FromRow)]
pub struct ReferralTiming {
    pub partner: String,
    pub status: ReferralStatus,
    pub asked_on: Date,
    pub started_on: Option<Date>,
    pub ended_on: Option<Date>,
    pub result: Option<ReferralResult>,
}

impl Tx {
    /// Writes the budget line first, which locks it: two referrals at the same moment then
    /// cannot both slip under the cap.
    pub async fn lock_budget_line(
        &mut self,
        municipality: &str,
        year: i32,
        line: BudgetLineCode,
    ) -> Result<()> {
        self.write_budget_line(municipality, year, line).await
    }

    /// Committed and spent cents on one budget line in one year, from the referrals.
    pub async fn line_usage(
        &mut self,
        municipality: &str,
        year: i32,
        line: BudgetLineCode,
    ) -> Result<(i64, i64)> {
        let rows: Vec<(ReferralStatus, Option<i64>)> = fetch_all!(
            self,
            "SELECT status, price_cents FROM referrals WHERE municipality_code = $1 AND budget_year = $2 AND budget_line = $3",
            [municipality, i64::from(year), line]
        );
        let mut committed = 0;
        let mut spent = 0;
        for (status, price) in rows {
            let price = price.unwrap_or(0);
            match status {
                ReferralStatus::Finished => spent += price,
                s if s.is_open() => committed += price,
                _ => {}
            }
        }
        Ok((committed, spent))
    }

    /// The name and cap of one budget line of a year.
    pub async fn budget_line_cap(
        &mut self,
        municipality: &str,
        year: i32,
        line: BudgetLineCode,
    ) -> Result<(String, i64)> {
        Ok(fetch_one!(
            self,
            "SELECT name, cap_cents FROM budget_lines WHERE municipality_code = $1 AND year = $2 AND code = $3",
            [municipality, i64::from(year), line]
        ))
    }

    /// The budget lines of a year, with nothing yet counted on them.
    pub async fn budget_lines(&mut self, municipality: &str, year: i32) -> Result<Vec<BudgetLine>> {
        Ok(fetch_all!(
            self,
            "SELECT code, name, cap_cents, version FROM budget_lines WHERE municipality_code = $1 AND year = $2 ORDER BY id",
            [municipality, i64::from(year)]
        ))
    }

    /// The priced referrals of a budget year.
    pub async fn budget_claims(
        &mut self,
        municipality: &str,
        year: i32,
    ) -> Result<Vec<BudgetClaim>> {
        Ok(fetch_all!(
            self,
            "SELECT status, budget_line, price_cents, asked_on, ended_on FROM referrals \
             WHERE municipality_code = $1 AND budget_year = $2 AND price_cents IS NOT NULL",
            [municipality, i64::from(year)]
        ))
    }

    /// Sets the cap of one budget line of a year, if it is still at version `seen` (any,
    /// when `None`).
    pub async fn set_budget_cap(
        &mut self,
        municipality: &str,
        year: i32,
        line: BudgetLineCode,
        cap_cents: i64,
        seen: Option<i64>,
    ) -> Result<Saved> {
        let changed = execute!(
            self,
            "UPDATE budget_lines SET cap_cents = $1, version = version + 1, updated_at = $2 \
             WHERE municipality_code = $3 AND year = $4 AND code = $5 AND ($6 IS NULL OR version = $6)",
            [cap_cents, now(), municipality, i64::from(year), line, seen]
        );
        if changed > 0 {
            return Ok(Saved::Done);
        }
        let current: Option<i64> = scalar_optional!(
            self,
            "SELECT version FROM budget_lines WHERE municipality_code = $1 AND year = $2 AND code = $3",
            [municipality, i64::from(year), line]
        );
        Ok(current.map_or(Saved::Missing, Saved::Changed))
    }

    /// Stamps one budget line of a year as changed now (its cap stays, and so does its
    /// version: a referral is no change of the cap).
    async fn write_budget_line(
        &mut self,
        municipality: &str,
        year: i32,
        line: BudgetLineCode,
    ) -> Result<()> {
        execute!(
            self,
            "UPDATE budget_lines SET updated_at = $1 WHERE municipality_code = $2 AND year = $3 AND code = $4",
            [now(), municipality, i64::from(year), line]
        );
        Ok(())
    }

    /// The referrals asked in [from, to], ordered by partner name.
    pub async fn referral_timings(
        &mut self,
        municipality: &str,
        from: Date,
        to: Date,
    ) -> Result<Vec<ReferralTiming>> {
        Ok(fetch_all!(
            self,
            "SELECT p.name AS partner, f.status, f.asked_on, f.started_on, f.ended_on, f.result \
             FROM referrals f JOIN partners p ON p.id = f.partner_id \
             WHERE f.municipality_code = $1 AND f.asked_on >= $2 AND f.asked_on <= $3 ORDER BY p.name",
            [municipality, from, to]
        ))
    }
}
