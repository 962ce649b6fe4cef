//! Outflow from detention, its forecast, and the capacity that forecast asks for.
//!
//! The historic yearly outflow of the municipality's residents (DJI figures, 2015–2021)
//! is preloaded and continued by the detentions Nazorg registers (counted in the year of
//! their release: the actual release, else the expected one). The forecast for next year
//! is the mean of the last three complete known years, with as its range the lowest and
//! highest of the last five: small numbers swing from year to year, and this says so
//! without pretending to a precision a model on seven points does not have.

use serde::Serialize;

code_enum! {
    /// Where a year's figure comes from.
    Source {
        /// The DJI figures known of the municipality (for Westland, the policy note's).
        Historic = "historic" => "DJI-cijfers",
        /// Detentions registered in Nazorg, a complete year.
        Registered = "registered" => "Nazorg-registratie",
        /// Detentions registered in Nazorg in an incomplete year: the first year of the
        /// registration (it began during the year) or the running one.
        Running = "running" => "Nazorg-registratie, onvolledig jaar",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OutflowYear {
    pub year: i32,
    pub count: u64,
    pub source: Source,
}

/// The municipality's historic series (`historic`, in year order) continued by the
/// registration. `registered` holds releases per year; years before the first registered
/// one (and not historic) are unknown and left out; the current year is marked as running.
pub fn outflow_series(
    historic: &[(i32, u64)],
    registered: &[(i32, u64)],
    current_year: i32,
) -> Vec<OutflowYear> {
    let mut series: Vec<OutflowYear> = historic
        .iter()
        .map(|&(year, count)| OutflowYear {
            year,
            count,
            source: Source::Historic,
        })
        .collect();
    let first = registered
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(y, _)| *y)
        .min();
    let last_historic = historic.last().map_or(0, |(y, _)| *y);
    if let Some(first) = first {
        for year in first.max(last_historic + 1)..=current_year {
            let count = registered
                .iter()
                .filter(|(y, _)| *y == year)
                .map(|(_, n)| *n)
                .sum();
            series.push(OutflowYear {
                year,
                count,
                source: if year == current_year || year == first {
                    Source::Running
                } else {
                    Source::Registered
                },
            });
        }
    }
    series
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    pub year: i32,
    /// Mean of the last three complete known years.
    pub expected: f64,
    pub low: u64,
    pub high: u64,
    /// The complete years the forecast rests on.
    pub basis: Vec<i32>,
}

/// Forecast for `year` from the complete years of the series.
pub fn forecast(series: &[OutflowYear], year: i32) -> Option<Forecast> {
    let complete: Vec<&OutflowYear> = series
        .iter()
        .filter(|y| y.source != Source::Running && y.year < year)
        .collect();
    let last3: Vec<&&OutflowYear> = complete.iter().rev().take(3).collect();
    if last3.is_empty() {
        return None;
    }
    let expected = last3.iter().map(|y| y.count as f64).sum::<f64>() / last3.len() as f64;
    let last5 = complete.iter().rev().take(5);
    let low = last5.clone().map(|y| y.count).min().unwrap_or(0);
    let high = last5.map(|y| y.count).max().unwrap_or(0);
    let mut basis: Vec<i32> = last3.iter().map(|y| y.year).collect();
    basis.sort_unstable();
    Some(Forecast {
        year,
        expected,
        low,
        high,
        basis,
    })
}

/// The assumptions of the capacity estimate, per municipality (editable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CapacitySettings {
    /// Coordinator hours for a case the coordinator directs (light support).
    pub hours_light: i64,
    /// Coordinator hours for a case the SKT directs (triage, handover, follow-up).
    pub hours_skt: i64,
    /// Coordinator hours for a case Exodus directs.
    pub hours_exodus: i64,
    /// What an hour of the coordinator costs, in cents.
    pub hourly_cost_cents: i64,
    /// Price of one SKT support trajectory, in cents.
    pub skt_price_cents: i64,
    /// Price of one Exodus ambulant trajectory, in cents.
    pub exodus_price_cents: i64,
    /// Share of the outflow that is eligible and accepts, in percent, used while the
    /// registration has no accepted cases yet.
    pub default_uptake_pct: i64,
    /// Split over SKT and Exodus in percent (the rest is light support), used while the
    /// registration has no decided directions yet.
    pub default_skt_pct: i64,
    pub default_exodus_pct: i64,
}

impl Default for CapacitySettings {
    fn default() -> Self {
        CapacitySettings {
            hours_light: 24,
            hours_skt: 8,
            hours_exodus: 12,
            hourly_cost_cents: 80_00,
            skt_price_cents: 1_500_00,
            exodus_price_cents: 3_200_00,
            default_uptake_pct: 60,
            default_skt_pct: 25,
            default_exodus_pct: 15,
        }
    }
}

impl CapacitySettings {
    /// Checks the settings; Dutch message on the first problem.
    pub fn validate(&self) -> Result<(), String> {
        // Each group of settings, the range its values must lie in, and the message if not.
        let ranges = [
            (
                [self.hours_light, self.hours_skt, self.hours_exodus],
                0..=1000,
                "Het aantal uren per casus ligt tussen 0 en 1.000.",
            ),
            (
                [
                    self.hourly_cost_cents,
                    self.skt_price_cents,
                    self.exodus_price_cents,
                ],
                0..=100_000_00,
                "Een bedrag ligt tussen € 0 en € 100.000.",
            ),
            (
                [
                    self.default_uptake_pct,
                    self.default_skt_pct,
                    self.default_exodus_pct,
                ],
                0..=100,
                "Een percentage ligt tussen 0 en 100.",
            ),
        ];
        for (values, range, message) in ranges {
            if values.iter().any(|v| !range.contains(v)) {
                return Err(message.into());
            }
        }
        if self.default_skt_pct + self.default_exodus_pct > 100 {
            return Err("SKT en Exodus samen zijn hoogstens 100%.".into());
        }
        Ok(())
    }
}

/// What the registration says about uptake and split, to carry the forecast forward.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Observed {
    /// Registered cases (notifications) so far.
    pub notifications: u64,
    /// Cases whose resident accepted aftercare.
    pub accepted: u64,
    pub light: u64,
    pub skt: u64,
    pub exodus: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapacityEstimate {
    pub year: i32,
    pub outflow: f64,
    /// Fraction of the outflow expected to accept aftercare, and where it comes from.
    pub uptake: f64,
    pub uptake_observed: bool,
    pub split_observed: bool,
    pub cases: f64,
    pub light: f64,
    pub skt: f64,
    pub exodus: f64,
    pub coordinator_hours: f64,
    pub staff_cost_cents: i64,
    pub trajectory_cost_cents: i64,
    pub staff_budget_cents: i64,
    pub trajectory_budget_cents: i64,
}

/// The capacity the forecast asks for, against the yearly budget lines.
pub fn capacity(
    forecast: &Forecast,
    observed: &Observed,
    settings: &CapacitySettings,
    staff_budget_cents: i64,
    trajectory_budget_cents: i64,
) -> CapacityEstimate {
    let uptake_observed = observed.notifications > 0 && observed.accepted > 0;
    let uptake = if uptake_observed {
        observed.accepted as f64 / observed.notifications as f64
    } else {
        settings.default_uptake_pct as f64 / 100.0
    };
    let decided = observed.light + observed.skt + observed.exodus;
    let split_observed = decided > 0;
    let (share_skt, share_exodus) = if split_observed {
        (
            observed.skt as f64 / decided as f64,
            observed.exodus as f64 / decided as f64,
        )
    } else {
        (
            settings.default_skt_pct as f64 / 100.0,
            settings.default_exodus_pct as f64 / 100.0,
        )
    };
    let cases = forecast.expected * uptake;
    let skt = cases * share_skt;
    let exodus = cases * share_exodus;
    let light = (cases - skt - exodus).max(0.0);
    let coordinator_hours = light * settings.hours_light as f64
        + skt * settings.hours_skt as f64
        + exodus * settings.hours_exodus as f64;
    let staff_cost_cents = (coordinator_hours * settings.hourly_cost_cents as f64).round() as i64;
    let trajectory_cost_cents = (skt * settings.skt_price_cents as f64
        + exodus * settings.exodus_price_cents as f64)
        .round() as i64;
    CapacityEstimate {
        year: forecast.year,
        outflow: forecast.expected,
        uptake,
        uptake_observed,
        split_observed,
        cases,
        light,
        skt,
        exodus,
        coordinator_hours,
        staff_cost_cents,
        trajectory_cost_cents,
        staff_budget_cents,
        trajectory_budget_cents,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::municipality::published_outflow;

    fn outflow_series(registered: &[(i32, u64)], current: i32) -> Vec<OutflowYear> {
        super::outflow_series(published_outflow("1783"), registered, current)
    }

    #[test]
    fn the_historic_series_is_continued_by_the_registration() {
        let s = outflow_series(&[(2025, 40), (2026, 12)], 2026);
        assert_eq!(s.len(), 9);
        assert_eq!(s[7].year, 2025);
        assert_eq!(
            s[7].source,
            Source::Running,
            "the first registered year is incomplete"
        );
        assert_eq!(s[8].source, Source::Running);
        let s = outflow_series(&[(2024, 20), (2025, 40), (2026, 12)], 2026);
        assert_eq!(s[8].source, Source::Registered);
        // Nothing registered yet: the historic years only.
        assert_eq!(outflow_series(&[], 2026).len(), 7);
        // Years between the last historic one and the first registered one are unknown.
        let s = outflow_series(&[(2024, 30)], 2026);
        assert_eq!(
            s.iter().map(|y| y.year).collect::<Vec<_>>()[7..],
            [2024, 2025, 2026]
        );
        assert_eq!(s[8].count, 0);
    }

    #[test]
    fn the_forecast_is_the_mean_of_three_years_with_the_range_of_five() {
        let s = outflow_series(&[], 2026);
        let f = forecast(&s, 2027).expect("forecast");
        assert_eq!(f.basis, vec![2019, 2020, 2021]);
        assert!((f.expected - 160.0 / 3.0).abs() < 1e-9);
        // 2017–2021: 74, 55, 68, 48, 44.
        assert_eq!((f.low, f.high), (44, 74));
        // Neither the first (incomplete) registered year nor the running year counts.
        let s = outflow_series(&[(2024, 10), (2025, 50), (2026, 3)], 2026);
        let f = forecast(&s, 2027).expect("forecast");
        assert_eq!(f.basis, vec![2020, 2021, 2025]);
    }

    #[test]
    fn capacity_follows_the_forecast_and_the_observed_split() {
        let f = Forecast {
            year: 2027,
            expected: 50.0,
            low: 40,
            high: 60,
            basis: vec![],
        };
        let settings = CapacitySettings::default();
        let observed = Observed {
            notifications: 20,
            accepted: 10,
            light: 5,
            skt: 3,
            exodus: 2,
        };
        let c = capacity(&f, &observed, &settings, 48_000_00, 28_000_00);
        assert!(c.uptake_observed && c.split_observed);
        assert!((c.cases - 25.0).abs() < 1e-9);
        assert!((c.skt - 7.5).abs() < 1e-9);
        assert!((c.exodus - 5.0).abs() < 1e-9);
        // 12.5 × 24 + 7.5 × 8 + 5 × 12 = 420 hours at € 80.
        assert!((c.coordinator_hours - 420.0).abs() < 1e-9);
        assert_eq!(c.staff_cost_cents, 33_600_00);
        // 7,5 × € 1.500 + 5 × € 3.200.
        assert_eq!(c.trajectory_cost_cents, 27_250_00);
        let none = capacity(&f, &Observed::default(), &settings, 0, 0);
        assert!(!none.uptake_observed && !none.split_observed);
        assert!((none.cases - 30.0).abs() < 1e-9);
    }

    #[test]
    fn settings_are_checked() {
        assert!(CapacitySettings::default().validate().is_ok());
        let bad = CapacitySettings {
            default_skt_pct: 80,
            default_exodus_pct: 30,
            ..CapacitySettings::default()
        };
        assert!(bad.validate().is_err());
    }
}
