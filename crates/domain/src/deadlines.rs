//! Deadlines derived from the facts of a case: what needs doing, by when, and why.
//!
//! Pure functions of the case facts and "today", so every rule is tested at its edges.
//! Dutch public holidays (Algemene termijnenwet) are not working days.

use crate::case::ReadinessItem;
use crate::dates::format_nl;
use crate::ids::{AgreementId, CaseId, ReferralId};
use crate::lifecycle::Status;
use crate::referral::ReferralStatus;
use crate::signal::{OpenSignal, SignalKind};
use time::{Date, Duration, Month, Weekday};

code_enum! {
    /// Why something is on a worklist. The codes are part of the CLI contract.
    DeadlineKind {
        NotificationUnhandled = "notification_unhandled" => "Melding nog niet opgepakt",
        NoContactBeforeRelease = "no_contact_before_release" => "Nog geen contact, vrijlating nadert",
        ReleaseNotReady = "release_not_ready" => "Vrijlating nadert, nog niet alles geregeld",
        AgreementOverdue = "agreement_overdue" => "Afspraak over de datum",
        AftercareEnding = "aftercare_ending" => "Nazorgperiode loopt af",
        NoRecentContact = "no_recent_contact" => "Lang geen contact",
        ReferralNotStarted = "referral_not_started" => "Verwijzing nog niet gestart",
        ChainChanged = "chain_changed" => "Gewijzigd door de keten",
        IdentityMismatch = "identity_mismatch" => "Identiteit wijkt af",
        BrpChanged = "brp_changed" => "Gewijzigd door de BRP",
        Deceased = "deceased" => "Overleden volgens de BRP",
    }
}

/// The thresholds, each a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineSettings {
    /// A notification must be handled (the offer made) within this many working days.
    pub notification_working_days: u32,
    /// Warn when release is this close and nobody reached the resident yet.
    pub contact_before_release_days: i64,
    /// Warn when release is this close and housing, BRP, ID or income is not arranged.
    pub release_ready_days: i64,
    /// Warn when the aftercare period ends within this many days.
    pub aftercare_ending_days: i64,
    /// An open case without contact for this many days needs a contact.
    pub no_contact_days: i64,
    /// A referral should have started this many days after it was asked.
    pub referral_start_days: i64,
}

impl Default for DeadlineSettings {
    fn default() -> Self {
        DeadlineSettings {
            notification_working_days: 3,
            contact_before_release_days: 28,
            release_ready_days: 14,
            aftercare_ending_days: 14,
            no_contact_days: 30,
            referral_start_days: 10,
        }
    }
}

/// Easter Sunday (the anonymous Gregorian algorithm).
pub fn easter(year: i32) -> Date {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    let month = if month == 3 {
        Month::March
    } else {
        Month::April
    };
    Date::from_calendar_date(year, month, day as u8).unwrap_or(Date::MIN)
}

/// The Dutch public holidays of the Algemene termijnenwet: New Year's Day, Easter and Easter
/// Monday, King's Day (27 April, or 26 April when that is a Sunday), Liberation Day (5 May),
/// Ascension Day, Whit Sunday and Whit Monday, Christmas Day and Boxing Day.
pub fn is_public_holiday(date: Date) -> bool {
    let year = date.year();
    let easter = easter(year);
    let fixed =
        |month: Month, day: u8| Date::from_calendar_date(year, month, day).ok() == Some(date);
    let kings_day = {
        let d = Date::from_calendar_date(year, Month::April, 27).unwrap_or(Date::MIN);
        if d.weekday() == Weekday::Sunday {
            d - Duration::days(1)
        } else {
            d
        }
    };
    fixed(Month::January, 1)
        || fixed(Month::May, 5)
        || fixed(Month::December, 25)
        || fixed(Month::December, 26)
        || date == kings_day
        || [0, 1, 39, 49, 50]
            .iter()
            .any(|offset| date == easter + Duration::days(*offset))
}

/// A weekday that is not a public holiday.
pub fn is_working_day(date: Date) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) && !is_public_holiday(date)
}

/// The day `n` working days after `date` (a notification on Friday with n = 1 is due Monday).
pub fn add_working_days(date: Date, n: u32) -> Date {
    let mut day = date;
    let mut left = n;
    while left > 0 {
        day += Duration::days(1);
        if is_working_day(day) {
            left -= 1;
        }
    }
    day
}

/// An agreement of the plan of action, as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementFacts {
    pub id: AgreementId,
    pub due: Option<Date>,
    pub done: bool,
}

/// A referral, as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralFacts {
    pub id: ReferralId,
    pub status: ReferralStatus,
    pub asked_on: Date,
}

/// The facts of one open case that deadlines are derived from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    pub case_id: CaseId,
    pub status: Status,
    pub notified_on: Date,
    pub expected_release: Option<Date>,
    pub actual_release: Option<Date>,
    /// What of housing, BRP registration, ID document and income is arranged.
    pub ready: Vec<ReadinessItem>,
    pub aftercare_end: Option<Date>,
    /// The last contact in the contact log (the offer's contact counts).
    pub last_contact: Option<Date>,
    pub agreements: Vec<AgreementFacts>,
    pub referrals: Vec<ReferralFacts>,
    /// The signals not yet handled.
    pub signals: Vec<OpenSignal>,
}

/// Something that needs doing by a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub case_id: CaseId,
    pub kind: DeadlineKind,
    pub due: Date,
    /// The agreement or referral it is about, if any.
    pub subject_id: Option<i64>,
    /// Why it is on the list, in Dutch.
    pub reason: String,
}

/// A deadline of a case, and the day from which it shows on a worklist (a deadline is
/// announced ahead of its due date, or from it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upcoming {
    pub deadline: Deadline,
    pub shows_from: Date,
}

/// Every deadline of a case that applies on `today`: those of [`upcoming`] that show by now.
pub fn deadlines(f: &CaseFacts, s: &DeadlineSettings, today: Date) -> Vec<Deadline> {
    upcoming(f, s)
        .into_iter()
        .filter(|u| today >= u.shows_from)
        .map(|u| u.deadline)
        .collect()
}

/// What a case needs next: the step of its phase, by the earliest due date of its
/// deadlines (`None` when none applies yet). The case list and the case page show this;
/// the worklist shows the same deadlines once they show, so the two cannot disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextStep {
    pub label: &'static str,
    pub due: Option<Date>,
}

/// The next step of an open case (`None` for a closed one).
pub fn next_step(f: &CaseFacts, s: &DeadlineSettings) -> Option<NextStep> {
    let label = f.status.next_step()?;
    let due = upcoming(f, s).iter().map(|u| u.deadline.due).min();
    Some(NextStep { label, due })
}

/// Every deadline of a case, whether or not it shows yet, in the order of the rules.
pub fn upcoming(f: &CaseFacts, s: &DeadlineSettings) -> Vec<Upcoming> {
    let mut out = Vec::new();
    if f.status == Status::Closed {
        return out;
    }
    out.extend(notification_unhandled(f, s));
    out.extend(before_release(f, s));
    out.extend(agreements_overdue(f));
    out.extend(aftercare_ending(f, s));
    out.extend(no_recent_contact(f, s));
    out.extend(referrals_not_started(f, s));
    out.extend(f.signals.iter().map(|signal| signalled(f, signal)));
    out
}

/// A signal is to be handled from the day it was raised.
fn signalled(f: &CaseFacts, signal: &OpenSignal) -> Upcoming {
    let kind = match signal.kind {
        SignalKind::ChainChanged => DeadlineKind::ChainChanged,
        SignalKind::IdentityMismatch => DeadlineKind::IdentityMismatch,
        SignalKind::BrpChanged => DeadlineKind::BrpChanged,
        SignalKind::Deceased => DeadlineKind::Deceased,
    };
    let on = signal.raised_on;
    upcoming_at(f, kind, on, on, Some(signal.id), signal.detail.clone())
}

fn upcoming_at(
    f: &CaseFacts,
    kind: DeadlineKind,
    due: Date,
    shows_from: Date,
    subject_id: Option<i64>,
    reason: String,
) -> Upcoming {
    Upcoming {
        deadline: Deadline {
            case_id: f.case_id,
            kind,
            due,
            subject_id,
            reason,
        },
        shows_from,
    }
}

/// A notification must be handled within N working days; it shows at once.
fn notification_unhandled(f: &CaseFacts, s: &DeadlineSettings) -> Option<Upcoming> {
    if f.status != Status::Notified {
        return None;
    }
    let due = add_working_days(f.notified_on, s.notification_working_days);
    Some(upcoming_at(
        f,
        DeadlineKind::NotificationUnhandled,
        due,
        f.notified_on,
        None,
        format!(
            "Gemeld op {}; binnen {} werkdagen contact opnemen en nazorg aanbieden.",
            format_nl(f.notified_on),
            s.notification_working_days
        ),
    ))
}

/// Before an expected release: nobody reached yet, or not everything arranged.
fn before_release(f: &CaseFacts, s: &DeadlineSettings) -> Vec<Upcoming> {
    use Status::*;
    let mut out = Vec::new();
    let (None, Some(release)) = (f.actual_release, f.expected_release) else {
        return out;
    };
    if matches!(f.status, Notified | NotReached) {
        out.push(upcoming_at(
            f,
            DeadlineKind::NoContactBeforeRelease,
            release,
            release - Duration::days(s.contact_before_release_days),
            None,
            format!(
                "Vrijlating verwacht op {} en de inwoner is nog niet bereikt.",
                format_nl(release)
            ),
        ));
    }
    let missing: Vec<&str> = ReadinessItem::ALL
        .iter()
        .filter(|i| !f.ready.contains(i))
        .map(|i| i.label())
        .collect();
    if matches!(f.status, Accepted | Triaged | Planning) && !missing.is_empty() {
        out.push(upcoming_at(
            f,
            DeadlineKind::ReleaseNotReady,
            release,
            release - Duration::days(s.release_ready_days),
            None,
            format!(
                "Vrijlating verwacht op {}; nog niet geregeld: {}.",
                format_nl(release),
                missing.join(", ").to_lowercase()
            ),
        ));
    }
    out
}

/// An agreement not done by its date shows from the day after.
fn agreements_overdue(f: &CaseFacts) -> Vec<Upcoming> {
    f.agreements
        .iter()
        .filter(|a| !a.done)
        .filter_map(|a| {
            let due = a.due?;
            Some(upcoming_at(
                f,
                DeadlineKind::AgreementOverdue,
                due,
                due + Duration::days(1),
                Some(a.id.get()),
                format!(
                    "Afspraak had uiterlijk {} klaar moeten zijn.",
                    format_nl(due)
                ),
            ))
        })
        .collect()
}

/// The end of the aftercare period shows some days ahead.
fn aftercare_ending(f: &CaseFacts, s: &DeadlineSettings) -> Option<Upcoming> {
    let (Status::Aftercare, Some(end)) = (f.status, f.aftercare_end) else {
        return None;
    };
    Some(upcoming_at(
        f,
        DeadlineKind::AftercareEnding,
        end,
        end - Duration::days(s.aftercare_ending_days),
        None,
        format!(
            "De nazorgperiode eindigt op {}: resultaat vastleggen en afsluiten.",
            format_nl(end)
        ),
    ))
}

/// A case in work needs a contact some days after the last one.
fn no_recent_contact(f: &CaseFacts, s: &DeadlineSettings) -> Option<Upcoming> {
    use Status::*;
    if !matches!(f.status, Accepted | Triaged | Planning | Aftercare) {
        return None;
    }
    let since = f.last_contact.unwrap_or(f.notified_on);
    let due = since + Duration::days(s.no_contact_days);
    Some(upcoming_at(
        f,
        DeadlineKind::NoRecentContact,
        due,
        due,
        None,
        format!("Laatste contact op {}.", format_nl(since)),
    ))
}

/// A referral asked or accepted should have started some days after it was asked.
fn referrals_not_started(f: &CaseFacts, s: &DeadlineSettings) -> Vec<Upcoming> {
    f.referrals
        .iter()
        .filter(|r| matches!(r.status, ReferralStatus::Asked | ReferralStatus::Accepted))
        .map(|r| {
            let due = r.asked_on + Duration::days(s.referral_start_days);
            upcoming_at(
                f,
                DeadlineKind::ReferralNotStarted,
                due,
                due,
                Some(r.id.get()),
                format!(
                    "Verwijzing gevraagd op {} en nog niet gestart.",
                    format_nl(r.asked_on)
                ),
            )
        })
        .collect()
}

/// Orders a worklist: the earliest due first, then by kind, then by case.
pub fn sort_by_urgency(list: &mut [Deadline]) {
    list.sort_by(|a, b| {
        (a.due, a.kind, a.case_id, a.subject_id).cmp(&(b.due, b.kind, b.case_id, b.subject_id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn facts(status: Status) -> CaseFacts {
        CaseFacts {
            case_id: CaseId(1),
            status,
            notified_on: date!(2026 - 03 - 02),
            expected_release: None,
            actual_release: None,
            ready: vec![],
            aftercare_end: None,
            last_contact: None,
            agreements: vec![],
            referrals: vec![],
            signals: vec![],
        }
    }

    fn kinds(f: &CaseFacts, today: Date) -> Vec<(DeadlineKind, Date)> {
        deadlines(f, &DeadlineSettings::default(), today)
            .into_iter()
            .map(|d| (d.kind, d.due))
            .collect()
    }

    /// Asserts that nothing shows the day before `first` and that from `first` one deadline
    /// shows, of `kind` and due on `due`; returns it.
    #[track_caller]
    fn shows_from(f: &CaseFacts, first: Date, kind: DeadlineKind, due: Date) -> Deadline {
        let day_before = first - Duration::days(1);
        assert_eq!(
            kinds(f, day_before),
            vec![],
            "nothing shows on {day_before}"
        );
        let mut shown = deadlines(f, &DeadlineSettings::default(), first);
        assert_eq!(kinds(f, first), vec![(kind, due)], "from {first}");
        shown.remove(0)
    }

    #[test]
    fn easter_and_the_holidays_that_hang_on_it() {
        assert_eq!(easter(2024), date!(2024 - 03 - 31));
        assert_eq!(easter(2025), date!(2025 - 04 - 20));
        assert_eq!(easter(2026), date!(2026 - 04 - 05));
        assert_eq!(easter(2027), date!(2027 - 03 - 28));
        for holiday in [
            date!(2026 - 01 - 01),
            date!(2026 - 04 - 06), // Easter Monday
            date!(2026 - 04 - 27), // King's Day (a Monday)
            date!(2026 - 05 - 05),
            date!(2026 - 05 - 14), // Ascension
            date!(2026 - 05 - 25), // Whit Monday
            date!(2026 - 12 - 25),
            date!(2026 - 12 - 26),
            date!(2025 - 04 - 26), // King's Day moved: 27 April 2025 was a Sunday
        ] {
            assert!(is_public_holiday(holiday), "{holiday}");
        }
        assert!(!is_public_holiday(date!(2025 - 04 - 27)));
        assert!(
            !is_public_holiday(date!(2026 - 04 - 03)),
            "Good Friday is not in the Algemene termijnenwet"
        );
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        assert_eq!(
            add_working_days(date!(2026 - 11 - 20), 1),
            date!(2026 - 11 - 23),
            "Friday + 1 = Monday"
        );
        assert_eq!(
            add_working_days(date!(2026 - 04 - 02), 1),
            date!(2026 - 04 - 03),
            "Good Friday counts"
        );
        assert_eq!(
            add_working_days(date!(2026 - 04 - 03), 1),
            date!(2026 - 04 - 07),
            "over Easter Monday"
        );
        assert_eq!(
            add_working_days(date!(2026 - 12 - 24), 1),
            date!(2026 - 12 - 28),
            "over Christmas and the weekend"
        );
        assert_eq!(
            add_working_days(date!(2026 - 03 - 02), 0),
            date!(2026 - 03 - 02)
        );
    }

    #[test]
    fn an_unhandled_notification_is_due_after_n_working_days() {
        let mut f = facts(Status::Notified);
        f.notified_on = date!(2026 - 04 - 30); // Thursday; 1 May Fri, 4 May Mon, 5 May holiday, 6 May Wed
        shows_from(
            &f,
            date!(2026 - 04 - 30),
            DeadlineKind::NotificationUnhandled,
            date!(2026 - 05 - 06),
        );
        f.status = Status::NotReached;
        assert_eq!(
            kinds(&f, date!(2026 - 05 - 20)),
            vec![],
            "handled once an attempt is made"
        );
    }

    #[test]
    fn no_contact_shows_from_four_weeks_before_release() {
        let mut f = facts(Status::NotReached);
        f.expected_release = Some(date!(2026 - 06 - 30));
        shows_from(
            &f,
            date!(2026 - 06 - 02),
            DeadlineKind::NoContactBeforeRelease,
            date!(2026 - 06 - 30),
        );
        f.status = Status::Accepted;
        f.last_contact = Some(date!(2026 - 06 - 01));
        assert!(
            kinds(&f, date!(2026 - 06 - 02))
                .iter()
                .all(|k| k.0 != DeadlineKind::NoContactBeforeRelease)
        );
        f.status = Status::NotReached;
        f.actual_release = Some(date!(2026 - 06 - 01));
        assert_eq!(kinds(&f, date!(2026 - 06 - 02)), vec![], "already released");
    }

    #[test]
    fn release_not_ready_from_two_weeks_before_until_everything_is_arranged() {
        let mut f = facts(Status::Planning);
        f.expected_release = Some(date!(2026 - 06 - 30));
        f.last_contact = Some(date!(2026 - 06 - 10));
        f.ready = vec![
            ReadinessItem::Housing,
            ReadinessItem::BrpRegistration,
            ReadinessItem::IdDocument,
        ];
        let on_time = shows_from(
            &f,
            date!(2026 - 06 - 16),
            DeadlineKind::ReleaseNotReady,
            date!(2026 - 06 - 30),
        );
        assert!(
            on_time
                .reason
                .ends_with("nog niet geregeld: inkomen of uitkering."),
            "{}",
            on_time.reason
        );
        f.ready.push(ReadinessItem::Income);
        assert_eq!(kinds(&f, date!(2026 - 06 - 16)), vec![]);
    }

    #[test]
    fn an_agreement_is_overdue_the_day_after_its_due_date() {
        let mut f = facts(Status::Planning);
        f.last_contact = Some(date!(2026 - 06 - 10));
        f.agreements = vec![
            AgreementFacts {
                id: AgreementId(7),
                due: Some(date!(2026 - 06 - 15)),
                done: false,
            },
            AgreementFacts {
                id: AgreementId(8),
                due: Some(date!(2026 - 06 - 01)),
                done: true,
            },
            AgreementFacts {
                id: AgreementId(9),
                due: None,
                done: false,
            },
        ];
        let overdue = shows_from(
            &f,
            date!(2026 - 06 - 16),
            DeadlineKind::AgreementOverdue,
            date!(2026 - 06 - 15),
        );
        assert_eq!(overdue.subject_id, Some(7));
    }

    #[test]
    fn the_aftercare_period_ending_shows_two_weeks_ahead() {
        let mut f = facts(Status::Aftercare);
        f.actual_release = Some(date!(2026 - 03 - 31));
        f.aftercare_end = Some(date!(2026 - 06 - 30));
        f.last_contact = Some(date!(2026 - 06 - 10));
        shows_from(
            &f,
            date!(2026 - 06 - 16),
            DeadlineKind::AftercareEnding,
            date!(2026 - 06 - 30),
        );
    }

    #[test]
    fn thirty_days_without_contact_in_an_open_case() {
        let mut f = facts(Status::Triaged);
        f.last_contact = Some(date!(2026 - 05 - 01));
        shows_from(
            &f,
            date!(2026 - 05 - 31),
            DeadlineKind::NoRecentContact,
            date!(2026 - 05 - 31),
        );
        f.status = Status::Declined;
        assert_eq!(
            kinds(&f, date!(2026 - 07 - 01)),
            vec![],
            "not for a declined offer"
        );
    }

    #[test]
    fn a_referral_not_started_after_n_days() {
        let mut f = facts(Status::Planning);
        f.last_contact = Some(date!(2026 - 06 - 10));
        f.referrals = vec![
            ReferralFacts {
                id: ReferralId(3),
                status: ReferralStatus::Accepted,
                asked_on: date!(2026 - 06 - 01),
            },
            ReferralFacts {
                id: ReferralId(4),
                status: ReferralStatus::Started,
                asked_on: date!(2026 - 05 - 01),
            },
            ReferralFacts {
                id: ReferralId(5),
                status: ReferralStatus::Returned,
                asked_on: date!(2026 - 05 - 01),
            },
        ];
        let not_started = shows_from(
            &f,
            date!(2026 - 06 - 11),
            DeadlineKind::ReferralNotStarted,
            date!(2026 - 06 - 11),
        );
        assert_eq!(not_started.subject_id, Some(3));
    }

    #[test]
    fn closed_cases_have_no_deadlines_and_lists_sort_by_due_date() {
        let mut f = facts(Status::Closed);
        f.agreements = vec![AgreementFacts {
            id: AgreementId(1),
            due: Some(date!(2026 - 01 - 01)),
            done: false,
        }];
        assert_eq!(kinds(&f, date!(2026 - 06 - 01)), vec![]);
        let mut list = vec![
            Deadline {
                case_id: CaseId(2),
                kind: DeadlineKind::NoRecentContact,
                due: date!(2026 - 06 - 02),
                subject_id: None,
                reason: String::new(),
            },
            Deadline {
                case_id: CaseId(1),
                kind: DeadlineKind::AgreementOverdue,
                due: date!(2026 - 05 - 02),
                subject_id: Some(1),
                reason: String::new(),
            },
            Deadline {
                case_id: CaseId(3),
                kind: DeadlineKind::NotificationUnhandled,
                due: date!(2026 - 06 - 02),
                subject_id: None,
                reason: String::new(),
            },
        ];
        sort_by_urgency(&mut list);
        let order: Vec<CaseId> = list.iter().map(|d| d.case_id).collect();
        assert_eq!(order, vec![CaseId(1), CaseId(3), CaseId(2)]);
    }

    #[test]
    fn an_open_signal_is_work_from_the_day_it_was_raised() {
        let s = DeadlineSettings::default();
        let f = CaseFacts {
            signals: vec![OpenSignal {
                id: 7,
                kind: SignalKind::ChainChanged,
                raised_on: date!(2026 - 03 - 04),
                detail: "Verwachte vrijlating: ‘20-12-2026’ → ‘01-02-2027’".into(),
            }],
            ..facts(Status::Accepted)
        };
        let signalled = |f: &CaseFacts, day| {
            deadlines(f, &s, day)
                .into_iter()
                .filter(|d| d.kind == DeadlineKind::ChainChanged)
                .map(|d| (d.kind, d.subject_id, d.due))
                .collect::<Vec<_>>()
        };
        assert!(signalled(&f, date!(2026 - 03 - 03)).is_empty());
        assert_eq!(
            signalled(&f, date!(2026 - 03 - 04)),
            vec![(DeadlineKind::ChainChanged, Some(7), date!(2026 - 03 - 04))]
        );
        let closed = CaseFacts {
            status: Status::Closed,
            ..f
        };
        assert!(signalled(&closed, date!(2026 - 03 - 04)).is_empty());
    }

    #[test]
    fn the_next_step_is_due_by_the_earliest_deadline_the_worklist_will_show() {
        let s = DeadlineSettings::default();
        // Notified on Monday 2 March, release expected eleven days later.
        let f = CaseFacts {
            expected_release: Some(date!(2026 - 03 - 13)),
            ..facts(Status::Notified)
        };
        let next = next_step(&f, &s);
        assert_eq!(
            next,
            Some(NextStep {
                label: "Contact opnemen en nazorg aanbieden",
                due: Some(date!(2026 - 03 - 05)),
            }),
            "three working days after the notification, before the release"
        );
        // On its due day, the worklist shows a deadline with that due date, and none earlier.
        let shown = deadlines(&f, &s, date!(2026 - 03 - 05));
        assert!(
            shown
                .iter()
                .any(|d| Some(d.due) == next.as_ref().and_then(|n| n.due))
        );
        assert!(
            shown
                .iter()
                .all(|d| Some(d.due) >= next.as_ref().and_then(|n| n.due))
        );
        // A declined offer has no deadline: a step, but nothing due.
        let declined = next_step(&facts(Status::Declined), &s);
        assert_eq!(declined.map(|n| n.due), Some(None));
        assert_eq!(next_step(&facts(Status::Closed), &s), None);
    }
}
