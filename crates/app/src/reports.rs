//! Monitoring, evaluation, outlook and the pseudonymised export. Each works on personal
//! data to count it, so it is permitted and logged like any processing; what leaves is
//! aggregated or pseudonymised.

use crate::error::invalid;
use crate::{App, Result, gate, validate};
use nazorg_domain::access::{Action, Actor};
use nazorg_domain::format_nl;
use nazorg_domain::lifecycle::Status;
use nazorg_domain::monitor::Monitor;
use nazorg_domain::outlook::{CapacitySettings, forecast, outflow_series};
use nazorg_domain::pseudonym::{PseudoRecord, PseudonymisedExport};
use nazorg_domain::referral::BudgetLineCode;
use nazorg_store::{Outlook, Tx};
use time::Date;

impl App {
    /// The monitoring figures of the cases whose detention started in [from, to].
    pub async fn monitor(&self, actor: &Actor, from: Date, to: Date) -> Result<Monitor> {
        self.gated(actor, "monitor", async {
            validate::period(from, to)?;
            let permit = gate::check(actor, Action::ReadReports, &actor.municipality)?;
            let mut tx = self.db.read().await?;
            let period = tx.period_facts(&actor.municipality, from, to).await?;
            let m = nazorg_domain::monitor::compute(
                from,
                to,
                crate::today(),
                &period.cases,
                &period.referrals,
            );
            let detail = format!(
                "monitor {} t/m {} ({} casussen, geaggregeerd)",
                format_nl(from),
                format_nl(to),
                period.cases.len()
            );
            gate::log(&mut tx, permit, None, None, &detail).await?;
            tx.commit().await?;
            Ok(m)
        })
        .await
    }

    /// The first registration date (the default start of the evaluation period).
    pub async fn first_notified(&self, actor: &Actor) -> Result<Option<Date>> {
        self.in_municipality_unlogged(actor, "first_notified", Action::ReadReports, async |tx| {
            Ok(tx.first_notified_on(&actor.municipality).await?)
        })
        .await
    }

    /// The assumptions of the capacity estimate (the defaults until someone changes them).
    pub async fn capacity_settings(&self, actor: &Actor) -> Result<CapacitySettings> {
        self.gated(actor, "capacity_settings", self.capacity_settings_of(actor))
            .await
    }

    /// Changes the assumptions of the capacity estimate.
    pub async fn set_capacity_settings(
        &self,
        actor: &Actor,
        settings: &CapacitySettings,
        seen: i64,
    ) -> Result<()> {
        self.in_municipality_unlogged(
            actor,
            "set_capacity_settings",
            Action::ManageReportSettings,
            async |tx| {
                settings.validate().map_err(invalid)?;
                let saved = tx
                    .save_capacity_settings(&actor.municipality, settings, &actor.username, seen)
                    .await?;
                if saved {
                    return Ok(());
                }
                let stamp = tx.capacity_settings_stamp(&actor.municipality).await?;
                let (detail, current) = stamp.map_or((String::new(), 0), |(by, at, version)| {
                    (
                        format!(
                            " (door {by}, {})",
                            nazorg_domain::dates::format_nl_moment(at)
                        ),
                        version,
                    )
                });
                Err(crate::Error::Changed {
                    what: "De capaciteitsraming".into(),
                    detail,
                    current,
                })
            },
        )
        .await
    }

    /// Outflow per year, the forecast for next year and the capacity it asks for.
    pub async fn outlook(&self, actor: &Actor) -> Result<Outlook> {
        self.gated(actor, "outlook", async {
            let settings = self.capacity_settings_of(actor).await?;
            let permit = gate::check(actor, Action::ReadReports, &actor.municipality)?;
            let mut tx = self.db.read().await?;
            let current = crate::today().year();
            let historic = crate::municipalities::historic(&mut tx, &actor.municipality).await?;
            // Without historic figures, the registration of the last ten years.
            let last_historic = historic.last().map_or(current - 11, |(y, _)| *y);
            let registered =
                registered_outflow(&mut tx, &actor.municipality, last_historic, current).await?;
            let observed = tx.observed_counts(&actor.municipality).await?;
            let series = outflow_series(&historic, &registered, current);
            let forecast = forecast(&series, current + 1);
            let mut caps = Vec::new();
            for code in [BudgetLineCode::CoordinatorStaff, BudgetLineCode::Support] {
                caps.push(line_cap(&mut tx, &actor.municipality, current, code).await?);
            }
            let capacity = forecast.as_ref().map(|f| {
                nazorg_domain::outlook::capacity(
                    f,
                    &observed,
                    &settings,
                    caps.first().copied().unwrap_or(0),
                    caps.get(1).copied().unwrap_or(0),
                )
            });
            gate::log(
                &mut tx,
                permit,
                None,
                None,
                "uitstroom en prognose (geaggregeerd)",
            )
            .await?;
            let settings_version = tx
                .capacity_settings_stamp(&actor.municipality)
                .await?
                .map_or(0, |(_, _, version)| version);
            tx.commit().await?;
            Ok(Outlook {
                series,
                forecast,
                capacity,
                observed,
                settings,
                settings_version,
            })
        })
        .await
    }

    /// The pseudonymised cases of a period, small groups suppressed: a stable pseudonym
    /// per resident (a keyed hash, not derivable from the BSN without the key), months
    /// instead of dates, age bands, and no name, BSN, institution or free text. Values
    /// shared by fewer than five residents are suppressed (see `nazorg_domain::pseudonym`).
    pub async fn pseudonymised_export(
        &self,
        actor: &Actor,
        from: Date,
        to: Date,
    ) -> Result<PseudonymisedExport> {
        self.gated(actor, "pseudonymised_export", async {
            validate::period(from, to)?;
            let permit = gate::check(actor, Action::ExportPseudonymised, &actor.municipality)?;
            let mut tx = self.db.begin().await?;
            let fresh = crate::accounts::secrets::new_token();
            let key = tx.pseudonym_key(&actor.municipality, &fresh).await?;
            let period = tx.period_facts(&actor.municipality, from, to).await?;
            let records: Vec<PseudoRecord> = period
                .rows
                .iter()
                .zip(&period.cases)
                .map(|(row, f)| PseudoRecord {
                    pseudonym: crate::accounts::secrets::pseudonym(
                        &key,
                        &actor.municipality,
                        f.resident_id,
                    ),
                    birth_date: row.birth_date,
                    status: Status::parse(&row.status),
                    facts: f.clone(),
                })
                .collect();
            let export = nazorg_domain::pseudonym::export(&records, crate::today());
            let detail = format!(
                "gepseudonimiseerde export {} t/m {} ({} casussen)",
                format_nl(from),
                format_nl(to),
                records.len()
            );
            gate::log(&mut tx, permit, None, None, &detail).await?;
            tx.commit().await?;
            Ok(export)
        })
        .await
    }

    /// The capacity assumptions of the actor's municipality, without the security log (a
    /// use case that calls this writes the refusal under its own name).
    async fn capacity_settings_of(&self, actor: &Actor) -> Result<CapacitySettings> {
        gate::check(actor, Action::ReadReports, &actor.municipality)?;
        let mut tx = self.db.autocommit().await?;
        Ok(tx
            .stored_capacity_settings(&actor.municipality)
            .await?
            .unwrap_or_default())
    }
}

/// The registered outflow of each year after the historic figures, up to this year.
async fn registered_outflow(
    tx: &mut Tx,
    municipality: &str,
    last_historic: i32,
    current: i32,
) -> Result<Vec<(i32, u64)>> {
    let mut registered = Vec::new();
    for year in (last_historic + 1)..=current {
        let (Ok(first), Ok(last)) = (
            Date::from_calendar_date(year, time::Month::January, 1),
            Date::from_calendar_date(year, time::Month::December, 31),
        ) else {
            continue;
        };
        let n = tx.outflow_count(municipality, first, last).await?;
        registered.push((year, n.max(0) as u64));
    }
    Ok(registered)
}

/// A budget line's cap next year, else this year, else the policy's default.
async fn line_cap(
    tx: &mut Tx,
    municipality: &str,
    current: i32,
    code: BudgetLineCode,
) -> Result<i64> {
    let cap = match tx
        .outlook_line_cap(municipality, i64::from(current + 1), code)
        .await?
    {
        Some(c) => Some(c),
        None => {
            tx.outlook_line_cap(municipality, i64::from(current), code)
                .await?
        }
    };
    Ok(cap.unwrap_or(code.default_cap_cents()))
}
