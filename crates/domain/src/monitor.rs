//! The registration's figures for one period: the funnel from notification to closure,
//! reach against the policy's goal, the split over light / SKT / Exodus support, needs and
//! results per life domain, throughput times, referrals per partner, overlap with SKT and
//! the safety chamber, and re-detention. Pure: the store hands over the facts of the cases
//! whose detention started in the period (a notification is the report of a detention).
//!
//! Definitions (also in docs/evaluation.md):
//! - every stage after `eligible` counts eligible cases only;
//! - `contacted`: the resident was reached (the offer was accepted or declined);
//! - `released`: the actual release is recorded, or the expected release has passed on
//!   the report date (a release nobody recorded still counts, so reach cannot look better
//!   by not recording releases);
//! - reach: released eligible cases whose resident was contacted ÷ released eligible
//!   cases; `None` (n.v.t.) without released cases;
//! - throughput "notification to contact": from the detention start to the date of the
//!   contact in which the offer was made.

use crate::ids::ResidentId;
use serde::Serialize;
use time::Date;

use crate::case::{ClosingReason, DomainResult, OfferOutcome, OverallResult};
use crate::referral::{PartnerKind, ReferralStatus};
use crate::triage::{Direction, LifeDomain, Need};

/// The policy's goal for reach.
pub const REACH_GOAL: f64 = 0.95;

/// What the monitor needs to know about one case (the store reads it as a row, but for
/// the needs and results).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct CaseFacts {
    pub resident_id: ResidentId,
    pub detention_start: Date,
    pub eligible: bool,
    pub offer_outcome: Option<OfferOutcome>,
    pub offer_date: Option<Date>,
    pub triaged: bool,
    pub planned: bool,
    pub expected_release: Option<Date>,
    pub actual_release: Option<Date>,
    pub direction: Option<Direction>,
    pub closed_on: Option<Date>,
    pub closing_reason: Option<ClosingReason>,
    pub overall_result: Option<OverallResult>,
    pub known_to_skt: Option<bool>,
    pub known_to_safety_chamber: Option<bool>,
    pub on_safety_agenda: bool,
    /// A later detention of the same resident is registered.
    pub detained_again: bool,
    #[cfg_attr(feature = "sqlx", sqlx(skip))]
    pub needs: Vec<(LifeDomain, Need)>,
    #[cfg_attr(feature = "sqlx", sqlx(skip))]
    pub results: Vec<(LifeDomain, DomainResult)>,
}

impl CaseFacts {
    /// The day the resident left detention, if that happened by `as_of`.
    pub fn released_on(&self, as_of: Date) -> Option<Date> {
        self.actual_release
            .or(self.expected_release)
            .filter(|d| *d <= as_of)
    }

    /// The resident was reached with the offer of aftercare.
    pub fn contacted(&self) -> bool {
        matches!(
            self.offer_outcome,
            Some(OfferOutcome::Accepted | OfferOutcome::Declined)
        )
    }
}

/// What the monitor needs to know about one referral of a case in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct ReferralFacts {
    pub partner: String,
    pub kind: PartnerKind,
    pub asked_on: Date,
    pub started_on: Option<Date>,
    pub status: ReferralStatus,
}

/// The middle and the 90th percentile of a number of days.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Spread {
    /// How many durations there were.
    pub count: u64,
    /// The median (the mean of the two middle values for an even count).
    pub median: Option<f64>,
    /// The 90th percentile by nearest rank.
    pub p90: Option<f64>,
}

impl Spread {
    pub fn of(mut days: Vec<i64>) -> Spread {
        if days.is_empty() {
            return Spread::default();
        }
        days.sort_unstable();
        let n = days.len();
        let median = if n % 2 == 1 {
            days[n / 2] as f64
        } else {
            (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0
        };
        let rank = ((0.9 * n as f64).ceil() as usize).clamp(1, n);
        Spread {
            count: n as u64,
            median: Some(median),
            p90: Some(days[rank - 1] as f64),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct ByDirection {
    pub coordinator: u64,
    pub skt: u64,
    pub exodus: u64,
    /// Accepted, but no direction decided yet.
    pub undecided: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainNeeds {
    pub domain: LifeDomain,
    pub none: u64,
    pub practical: u64,
    pub complex: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainResults {
    pub domain: LifeDomain,
    pub arranged: u64,
    pub partly: u64,
    pub not_arranged: u64,
    pub not_applicable: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct OverallResults {
    pub successful: u64,
    pub partly: u64,
    pub not_successful: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Throughput {
    pub notification_to_contact: Spread,
    pub referral_to_start: Spread,
    pub release_to_closure: Spread,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartnerReferrals {
    pub partner: String,
    pub kind: PartnerKind,
    pub asked: u64,
    pub started: u64,
    pub finished: u64,
    pub returned: u64,
    pub ask_to_start: Spread,
}

/// Whether eligible residents were already known to the SKT or the safety chamber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Known {
    pub skt: u64,
    pub safety_chamber: u64,
    /// Known to at least one of the two.
    pub either: u64,
    /// Recorded as known to neither.
    pub neither: u64,
    /// Not recorded.
    pub unrecorded: u64,
    /// Put on the safety chamber's agenda through Nazorg.
    pub on_safety_agenda: u64,
}

/// The figures of one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Monitor {
    #[serde(serialize_with = "crate::dates::serialize_iso")]
    pub from: Date,
    #[serde(serialize_with = "crate::dates::serialize_iso")]
    pub to: Date,
    /// The report date: releases up to this day count.
    #[serde(serialize_with = "crate::dates::serialize_iso")]
    pub as_of: Date,
    /// Notified detentions (cases), duplicates merged.
    pub notifications: u64,
    /// Different residents among them.
    pub residents: u64,
    pub eligible: u64,
    pub contacted: u64,
    pub accepted: u64,
    pub triaged: u64,
    pub planned: u64,
    pub released: u64,
    /// Released and contacted: the numerator of reach.
    pub released_contacted: u64,
    pub closed: u64,
    /// Fraction 0–1; `None` without released eligible cases.
    pub reach: Option<f64>,
    pub reach_goal: f64,
    pub by_direction: ByDirection,
    pub needs: Vec<DomainNeeds>,
    pub results: Vec<DomainResults>,
    pub overall_results: OverallResults,
    pub throughput_days: Throughput,
    pub referrals: Vec<PartnerReferrals>,
    pub known: Known,
    /// Released eligible cases whose resident was detained again.
    pub re_detained: u64,
}

/// Computes the figures of the period `[from, to]` from the facts of its cases and their
/// referrals, on the report date `as_of`.
pub fn compute(
    from: Date,
    to: Date,
    as_of: Date,
    cases: &[CaseFacts],
    referrals: &[ReferralFacts],
) -> Monitor {
    let eligible: Vec<&CaseFacts> = cases.iter().filter(|c| c.eligible).collect();
    let count = |f: &dyn Fn(&CaseFacts) -> bool| count_of(&eligible, f);
    let released = count(&|c| c.released_on(as_of).is_some());
    let released_contacted = count(&|c| c.released_on(as_of).is_some() && c.contacted());
    Monitor {
        from,
        to,
        as_of,
        notifications: cases.len() as u64,
        residents: residents(cases),
        eligible: eligible.len() as u64,
        contacted: count(&|c| c.contacted()),
        accepted: count(&accepted),
        triaged: count(&|c| accepted(c) && c.triaged),
        planned: count(&|c| accepted(c) && c.planned),
        released,
        released_contacted,
        closed: count(&|c| c.closed_on.is_some()),
        reach: (released > 0).then(|| released_contacted as f64 / released as f64),
        reach_goal: REACH_GOAL,
        by_direction: by_direction(&eligible),
        needs: needs(&eligible),
        results: results(&eligible),
        overall_results: overall_results(&eligible),
        throughput_days: throughput(&eligible, referrals),
        referrals: partner_referrals(referrals),
        known: known(&eligible),
        re_detained: count(&|c| {
            c.released_on(as_of).is_some()
                && (c.detained_again || c.closing_reason == Some(ClosingReason::ReDetained))
        }),
    }
}

/// How many of `cases` satisfy `f`.
fn count_of(cases: &[&CaseFacts], f: impl Fn(&CaseFacts) -> bool) -> u64 {
    cases.iter().filter(|c| f(c)).count() as u64
}

/// The resident accepted the offer of aftercare.
fn accepted(c: &CaseFacts) -> bool {
    c.offer_outcome == Some(OfferOutcome::Accepted)
}

/// The number of different residents among the cases.
fn residents(cases: &[CaseFacts]) -> u64 {
    let mut residents: Vec<ResidentId> = cases.iter().map(|c| c.resident_id).collect();
    residents.sort_unstable();
    residents.dedup();
    residents.len() as u64
}

/// Who directs the eligible cases; accepted ones without a direction are undecided.
fn by_direction(eligible: &[&CaseFacts]) -> ByDirection {
    let mut by_direction = ByDirection::default();
    for c in eligible {
        match c.direction {
            Some(Direction::Coordinator) => by_direction.coordinator += 1,
            Some(Direction::Skt) => by_direction.skt += 1,
            Some(Direction::Exodus) => by_direction.exodus += 1,
            None if accepted(c) => by_direction.undecided += 1,
            None => {}
        }
    }
    by_direction
}

/// Per life domain, what `count` makes of a counter of the cases that recorded a value for
/// that domain in the list `values` reads.
fn per_domain<T: Copy + PartialEq, R>(
    eligible: &[&CaseFacts],
    values: fn(&CaseFacts) -> &[(LifeDomain, T)],
    count: impl Fn(LifeDomain, &dyn Fn(T) -> u64) -> R,
) -> Vec<R> {
    LifeDomain::ALL
        .iter()
        .map(|&domain| {
            let of = |value: T| {
                count_of(eligible, |c| {
                    values(c).iter().any(|&(d, v)| d == domain && v == value)
                })
            };
            count(domain, &of)
        })
        .collect()
}

/// Per life domain, how many cases had each need at triage.
fn needs(eligible: &[&CaseFacts]) -> Vec<DomainNeeds> {
    per_domain(
        eligible,
        |c| &c.needs,
        |domain, of| DomainNeeds {
            domain,
            none: of(Need::None),
            practical: of(Need::Practical),
            complex: of(Need::Complex),
        },
    )
}

/// Per life domain, how many cases had each result at closure.
fn results(eligible: &[&CaseFacts]) -> Vec<DomainResults> {
    per_domain(
        eligible,
        |c| &c.results,
        |domain, of| DomainResults {
            domain,
            arranged: of(DomainResult::Arranged),
            partly: of(DomainResult::Partly),
            not_arranged: of(DomainResult::NotArranged),
            not_applicable: of(DomainResult::NotApplicable),
        },
    )
}

/// How many cases closed with each overall result.
fn overall_results(eligible: &[&CaseFacts]) -> OverallResults {
    let of = |result: OverallResult| count_of(eligible, |c| c.overall_result == Some(result));
    OverallResults {
        successful: of(OverallResult::Successful),
        partly: of(OverallResult::Partly),
        not_successful: of(OverallResult::NotSuccessful),
    }
}

/// The days from asking a partner to the start of the support, once it started.
fn ask_to_start(r: &ReferralFacts) -> Option<i64> {
    r.started_on.map(|s| (s - r.asked_on).whole_days())
}

/// The throughput times: notification to contact, referral to start, release to closure.
fn throughput(eligible: &[&CaseFacts], referrals: &[ReferralFacts]) -> Throughput {
    let to_contact = eligible
        .iter()
        .filter(|c| c.contacted())
        .filter_map(|c| c.offer_date.map(|d| (d - c.detention_start).whole_days()))
        .collect();
    let release_to_closure = eligible
        .iter()
        .filter_map(|c| match (c.actual_release, c.closed_on) {
            (Some(r), Some(closed)) if closed >= r => Some((closed - r).whole_days()),
            _ => None,
        })
        .collect();
    Throughput {
        notification_to_contact: Spread::of(to_contact),
        referral_to_start: Spread::of(referrals.iter().filter_map(ask_to_start).collect()),
        release_to_closure: Spread::of(release_to_closure),
    }
}

/// The referrals per partner, in the order of the partners' names.
fn partner_referrals(referrals: &[ReferralFacts]) -> Vec<PartnerReferrals> {
    let mut partners: Vec<PartnerReferrals> = Vec::new();
    let mut sorted: Vec<&ReferralFacts> = referrals.iter().collect();
    sorted.sort_by(|a, b| a.partner.cmp(&b.partner));
    for group in sorted.chunk_by(|a, b| a.partner == b.partner) {
        let Some(first) = group.first() else { continue };
        let of = |s: ReferralStatus| group.iter().filter(|r| r.status == s).count() as u64;
        partners.push(PartnerReferrals {
            partner: first.partner.clone(),
            kind: first.kind,
            asked: group.len() as u64,
            started: group.iter().filter(|r| r.started_on.is_some()).count() as u64,
            finished: of(ReferralStatus::Finished),
            returned: of(ReferralStatus::Returned),
            ask_to_start: Spread::of(group.iter().copied().filter_map(ask_to_start).collect()),
        });
    }
    partners
}

/// Whether the eligible residents were known to the SKT or the safety chamber before.
fn known(eligible: &[&CaseFacts]) -> Known {
    let count = |f: &dyn Fn(&CaseFacts) -> bool| count_of(eligible, f);
    Known {
        skt: count(&|c| c.known_to_skt == Some(true)),
        safety_chamber: count(&|c| c.known_to_safety_chamber == Some(true)),
        either: count(&|c| c.known_to_skt == Some(true) || c.known_to_safety_chamber == Some(true)),
        neither: count(&|c| {
            c.known_to_skt == Some(false) && c.known_to_safety_chamber == Some(false)
        }),
        unrecorded: count(&|c| {
            c.triaged
                && c.known_to_skt != Some(true)
                && c.known_to_safety_chamber != Some(true)
                && (c.known_to_skt.is_none() || c.known_to_safety_chamber.is_none())
        }),
        on_safety_agenda: count(&|c| c.on_safety_agenda),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use time::macros::date;

    /// An eligible case with nothing recorded yet; other tests build on it.
    pub(crate) fn case(resident_id: i64) -> CaseFacts {
        CaseFacts {
            resident_id: ResidentId(resident_id),
            detention_start: date!(2026 - 01 - 10),
            eligible: true,
            offer_outcome: None,
            offer_date: None,
            triaged: false,
            planned: false,
            expected_release: None,
            actual_release: None,
            direction: None,
            closed_on: None,
            closing_reason: None,
            overall_result: None,
            known_to_skt: None,
            known_to_safety_chamber: None,
            on_safety_agenda: false,
            detained_again: false,
            needs: vec![],
            results: vec![],
        }
    }

    const FROM: Date = date!(2026 - 01 - 01);
    const TO: Date = date!(2026 - 08 - 31);
    const AS_OF: Date = date!(2026 - 11 - 25);

    #[test]
    fn reach_without_released_residents_is_not_applicable() {
        let m = compute(FROM, TO, AS_OF, &[case(1), case(2)], &[]);
        assert_eq!(m.notifications, 2);
        assert_eq!(m.released, 0);
        assert_eq!(m.reach, None);
        let empty = compute(FROM, TO, AS_OF, &[], &[]);
        assert_eq!(empty.reach, None);
        assert_eq!(empty.throughput_days.notification_to_contact.median, None);
    }

    #[test]
    fn reach_counts_released_residents_contacted_among_the_released() {
        let mut contacted_released = case(1);
        contacted_released.offer_outcome = Some(OfferOutcome::Declined);
        contacted_released.offer_date = Some(date!(2026 - 01 - 15));
        contacted_released.actual_release = Some(date!(2026 - 03 - 01));
        let mut not_reached_released = case(2);
        not_reached_released.offer_outcome = Some(OfferOutcome::NotReached);
        // An expected release that passed counts although nobody recorded it.
        not_reached_released.expected_release = Some(date!(2026 - 05 - 01));
        let mut contacted_in_detention = case(3);
        contacted_in_detention.offer_outcome = Some(OfferOutcome::Accepted);
        contacted_in_detention.offer_date = Some(date!(2026 - 01 - 20));
        contacted_in_detention.expected_release = Some(date!(2027 - 01 - 01));
        let mut not_eligible = case(4);
        not_eligible.eligible = false;
        not_eligible.actual_release = Some(date!(2026 - 02 - 01));
        let m = compute(
            FROM,
            TO,
            AS_OF,
            &[
                contacted_released,
                not_reached_released,
                contacted_in_detention,
                not_eligible,
            ],
            &[],
        );
        assert_eq!(m.notifications, 4);
        assert_eq!(m.eligible, 3);
        assert_eq!(m.contacted, 2);
        assert_eq!(m.accepted, 1);
        assert_eq!(m.released, 2);
        assert_eq!(m.released_contacted, 1);
        assert_eq!(m.reach, Some(0.5));
        // 5 and 10 days after the detention start.
        let t = m.throughput_days.notification_to_contact;
        assert_eq!((t.count, t.median, t.p90), (2, Some(7.5), Some(10.0)));
    }

    #[test]
    fn spread_uses_the_middle_and_the_nearest_rank() {
        let s = Spread::of((1..=10).collect());
        assert_eq!((s.median, s.p90), (Some(5.5), Some(9.0)));
        let s = Spread::of(vec![4, 1, 7]);
        assert_eq!((s.median, s.p90), (Some(4.0), Some(7.0)));
        assert_eq!(Spread::of(vec![]).count, 0);
    }

    #[test]
    fn direction_overlap_and_re_detention_are_counted_among_eligible_cases() {
        let mut a = case(1);
        a.offer_outcome = Some(OfferOutcome::Accepted);
        a.direction = Some(Direction::Skt);
        a.known_to_skt = Some(true);
        a.known_to_safety_chamber = Some(false);
        a.actual_release = Some(date!(2026 - 02 - 01));
        a.detained_again = true;
        let mut b = case(2);
        b.offer_outcome = Some(OfferOutcome::Accepted);
        b.known_to_skt = Some(false);
        b.known_to_safety_chamber = Some(false);
        let mut c = case(2);
        c.direction = Some(Direction::Exodus);
        c.eligible = false;
        let m = compute(FROM, TO, AS_OF, &[a, b, c], &[]);
        assert_eq!(m.residents, 2);
        assert_eq!(
            m.by_direction,
            ByDirection {
                coordinator: 0,
                skt: 1,
                exodus: 0,
                undecided: 1
            }
        );
        assert_eq!((m.known.skt, m.known.either, m.known.neither), (1, 1, 1));
        assert_eq!(m.known.unrecorded, 0);
        assert_eq!(m.re_detained, 1);
    }

    #[test]
    fn referrals_are_grouped_per_partner() {
        let r = |partner: &str, started: Option<Date>, status| ReferralFacts {
            partner: partner.into(),
            kind: PartnerKind::Exodus,
            asked_on: date!(2026 - 02 - 01),
            started_on: started,
            status,
        };
        let m = compute(
            FROM,
            TO,
            AS_OF,
            &[],
            &[
                r(
                    "Exodus",
                    Some(date!(2026 - 02 - 05)),
                    ReferralStatus::Finished,
                ),
                r("SKT", None, ReferralStatus::Returned),
                r("Exodus", None, ReferralStatus::Asked),
            ],
        );
        assert_eq!(m.referrals.len(), 2);
        assert_eq!(m.referrals[0].partner, "Exodus");
        assert_eq!((m.referrals[0].asked, m.referrals[0].started), (2, 1));
        assert_eq!(m.referrals[0].ask_to_start.median, Some(4.0));
        assert_eq!(m.referrals[1].returned, 1);
        assert_eq!(m.throughput_days.referral_to_start.count, 1);
    }
}
