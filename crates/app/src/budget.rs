//! The budget: what the referrals commit and spend on each line of a year, its caps, and
//! the referral figures per partner.

use crate::error::invalid;
use crate::{App, Error, Result};
use nazorg_domain::access::{Action, Actor};
use nazorg_domain::referral::{BudgetLineCode, ReferralStatus};
use nazorg_store::{Budget, BudgetClaim, BudgetLine, BudgetMonth, PartnerFigures, ReferralTiming};
use time::Date;

/// Median and 90th percentile (nearest rank) of a list of day counts, as the monitor
/// computes them.
fn median_p90(days: Vec<i64>) -> Option<(f64, f64)> {
    let spread = nazorg_domain::monitor::Spread::of(days);
    spread.median.zip(spread.p90)
}

/// Counts the priced referrals of `year` on their lines and in their months: finished
/// ones as spent (in the month delivered), open ones as committed (in the month asked).
fn count_claims(year: i32, lines: &mut [BudgetLine], claims: Vec<BudgetClaim>) -> Vec<BudgetMonth> {
    let mut months: Vec<BudgetMonth> = (1..=12)
        .map(|m| BudgetMonth {
            month: m,
            ..Default::default()
        })
        .collect();
    for claim in claims {
        let price = claim.price_cents.unwrap_or(0);
        let Some(line) = lines.iter_mut().find(|l| Some(l.code) == claim.budget_line) else {
            continue;
        };
        if claim.status == ReferralStatus::Finished {
            line.spent_cents += price;
            let delivered = claim.ended_on.unwrap_or(claim.asked_on);
            // The spend belongs to the year of the referral; a month of another year is
            // not one of this budget's months.
            if delivered.year() == year {
                months[delivered.month() as usize - 1].spent_cents += price;
            }
        } else if claim.status.is_open() {
            line.committed_cents += price;
            months[claim.asked_on.month() as usize - 1].committed_cents += price;
        }
    }
    months
}

/// Counts the referrals per partner (they come ordered by partner name).
fn partner_figures(rows: Vec<ReferralTiming>) -> Vec<PartnerFigures> {
    let mut figures: Vec<(PartnerFigures, Vec<i64>, Vec<i64>)> = Vec::new();
    for row in rows {
        if figures
            .last()
            .is_none_or(|(f, _, _)| f.partner != row.partner)
        {
            figures.push((
                PartnerFigures {
                    partner: row.partner.clone(),
                    ..Default::default()
                },
                Vec::new(),
                Vec::new(),
            ));
        }
        let Some((f, to_start, to_end)) = figures.last_mut() else {
            continue;
        };
        f.referrals += 1;
        if let Some(start) = row.started_on {
            f.started += 1;
            to_start.push((start - row.asked_on).whole_days());
            if let (Some(end), ReferralStatus::Finished) = (row.ended_on, row.status) {
                to_end.push((end - start).whole_days());
            }
        }
        match row.status {
            ReferralStatus::Finished => f.finished += 1,
            ReferralStatus::Returned => f.returned += 1,
            _ => {}
        }
        if let Some(result) = row.result {
            match f.results.iter_mut().find(|(r, _)| *r == result) {
                Some((_, n)) => *n += 1,
                None => f.results.push((result, 1)),
            }
        }
    }
    figures
        .into_iter()
        .map(|(mut f, to_start, to_end)| {
            f.ask_to_start_days = median_p90(to_start);
            f.start_to_end_days = median_p90(to_end);
            f.results.sort();
            f
        })
        .collect()
}

impl App {
    /// A year's budget of the actor's municipality: per line the cap, what is committed and
    /// what is spent; and per month.
    pub async fn budget(&self, actor: &Actor, year: i32) -> Result<Budget> {
        self.in_municipality(actor, "budget", Action::ReadBudget, |_| async move {
            let mut tx = self.db.begin().await?;
            tx.ensure_defaults(&actor.municipality, year).await?;
            let mut lines = tx.budget_lines(&actor.municipality, year).await?;
            let claims = tx.budget_claims(&actor.municipality, year).await?;
            tx.commit().await?;
            let months = count_claims(year, &mut lines, claims);
            Ok(Budget {
                year,
                lines,
                months,
            })
        })
        .await
    }

    /// Sets the cap of one budget line of a year.
    pub async fn set_budget_cap(
        &self,
        actor: &Actor,
        year: i32,
        line: BudgetLineCode,
        cap_cents: i64,
        seen: Option<i64>,
    ) -> Result<()> {
        self.in_municipality(
            actor,
            "set_budget_cap",
            Action::ManageBudget,
            |_| async move {
                if !(0..=100_000_000_00).contains(&cap_cents) {
                    return Err(invalid("Vul een plafond in tussen € 0 en € 100.000.000."));
                }
                let mut tx = self.db.begin().await?;
                tx.ensure_defaults(&actor.municipality, year).await?;
                let saved = tx
                    .set_budget_cap(&actor.municipality, year, line, cap_cents, seen)
                    .await?;
                if let nazorg_store::Saved::Changed(current) = saved {
                    let (name, cap) = tx.budget_line_cap(&actor.municipality, year, line).await?;
                    return Err(Error::Changed {
                        what: format!("Het plafond van {name} in {year}"),
                        detail: format!(": nu {}", nazorg_domain::referral::format_eur(cap)),
                        current,
                    });
                }
                tx.commit().await?;
                Ok(())
            },
        )
        .await
    }

    /// Time from asking to start and from start to end, and results, per partner, for the
    /// referrals asked in [from, to].
    pub async fn referral_figures(
        &self,
        actor: &Actor,
        from: Date,
        to: Date,
    ) -> Result<Vec<PartnerFigures>> {
        self.in_municipality_unlogged(actor, "referral_figures", Action::ReadBudget, async |tx| {
            let rows = tx.referral_timings(&actor.municipality, from, to).await?;
            Ok(partner_figures(rows))
        })
        .await
    }
}
