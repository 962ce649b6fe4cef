//! Referrals to partners (SKT, Exodus, Wmo, …) and their lifecycle; the budget they draw on.

use crate::lifecycle::StepRefused;
use crate::triage::LifeDomain;

code_enum! {
    /// The kind of a partner organisation; decides what it may be asked for.
    PartnerKind {
        Skt = "skt" => "Sociaal Kernteam",
        Exodus = "exodus" => "Exodus",
        Wmo = "wmo" => "Wmo-ondersteuning",
        DebtCounselling = "debt_counselling" => "Schuldhulpverlening",
        Housing = "housing" => "Woningcorporatie",
        Benefits = "benefits" => "Uitkeringen (UWV / sociale dienst)",
        MentalHealth = "mental_health" => "Geestelijke gezondheidszorg",
        YouthCare = "youth_care" => "Jeugdhulp",
        CentralAccess = "central_access" => "Centrale toegang",
        SafetyChamber = "safety_chamber" => "Veiligheidskamer",
        Other = "other" => "Anders",
    }
}

/// The partners every municipality starts with (name, kind).
pub const DEFAULT_PARTNERS: &[(&str, PartnerKind)] = &[
    ("Sociaal Kernteam", PartnerKind::Skt),
    ("Exodus", PartnerKind::Exodus),
    ("Wmo-consulenten", PartnerKind::Wmo),
    ("Schuldhulpverlening", PartnerKind::DebtCounselling),
    ("Woningcorporatie", PartnerKind::Housing),
    ("Uitkeringen / UWV", PartnerKind::Benefits),
    ("GGZ", PartnerKind::MentalHealth),
    ("Jeugdhulp", PartnerKind::YouthCare),
    ("Centrale toegang", PartnerKind::CentralAccess),
    ("Veiligheidskamer", PartnerKind::SafetyChamber),
];

code_enum! {
    /// Budget lines of the policy (section 6).
    BudgetLineCode {
        CoordinatorStaff = "coordinator_staff" => "Coördinator nazorg ex-gedetineerden",
        Support = "support" => "Ondersteuning zorgregisseurs SKT en ambulante begeleiding Exodus",
    }
}

impl BudgetLineCode {
    /// The yearly cap the policy sets, in cents: € 48.000 and € 28.000.
    pub fn default_cap_cents(self) -> i64 {
        match self {
            BudgetLineCode::CoordinatorStaff => 48_000_00,
            BudgetLineCode::Support => 28_000_00,
        }
    }
}

/// Bought services every municipality starts with (name, partner kind, price in cents).
/// The policy names the services (intake talks, ambulant support per trajectory) but no
/// prices: these are placeholders for the municipality to set on the budget page.
pub const DEFAULT_SERVICES: &[(&str, PartnerKind, i64)] = &[
    ("Exodus intakegesprek", PartnerKind::Exodus, 450_00),
    (
        "Exodus ambulant begeleidingstraject",
        PartnerKind::Exodus,
        3_200_00,
    ),
    (
        "Nazorgondersteuning zorgregisseur SKT",
        PartnerKind::Skt,
        1_500_00,
    ),
];

code_enum! {
    /// Where a referral stands.
    ReferralStatus {
        Asked = "asked" => "Gevraagd",
        Accepted = "accepted" => "Geaccepteerd",
        Started = "started" => "Gestart",
        Finished = "finished" => "Afgerond",
        Returned = "returned" => "Teruggegeven",
        Withdrawn = "withdrawn" => "Ingetrokken",
    }
}

impl ReferralStatus {
    /// Still running: it holds a commitment on the budget.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ReferralStatus::Asked | ReferralStatus::Accepted | ReferralStatus::Started
        )
    }
}

code_enum! {
    /// What a finished referral achieved.
    ReferralResult {
        Achieved = "achieved" => "Doel bereikt",
        Partly = "partly" => "Deels bereikt",
        NotAchieved = "not_achieved" => "Doel niet bereikt",
        Stopped = "stopped" => "Voortijdig gestopt",
    }
}

code_enum! {
    /// One step on a referral.
    ReferralStep {
        Accept = "accept" => "Accepteren",
        Return = "return" => "Teruggeven",
        Start = "start" => "Starten",
        Progress = "progress" => "Voortgang vastleggen",
        Finish = "finish" => "Afronden",
        Withdraw = "withdraw" => "Intrekken",
    }
}

/// Applies a step to a referral and returns its new status, or refuses it.
pub fn apply(status: ReferralStatus, step: ReferralStep) -> Result<ReferralStatus, StepRefused> {
    use ReferralStatus::*;
    let refuse = |hint| {
        let (step, status) = (step.label(), status.label());
        let place = "bij een verwijzing met de status";
        Err(StepRefused {
            step,
            place,
            status,
            hint,
        })
    };
    match (step, status) {
        (ReferralStep::Accept, Asked) => Ok(Accepted),
        (ReferralStep::Accept, _) => {
            refuse("Alleen een gevraagde verwijzing kan worden geaccepteerd.")
        }
        (ReferralStep::Return, Asked | Accepted) => Ok(Returned),
        (ReferralStep::Return, _) => {
            refuse("Teruggeven kan alleen voordat de begeleiding is gestart.")
        }
        (ReferralStep::Start, Accepted) => Ok(Started),
        (ReferralStep::Start, Asked) => refuse("Accepteer de verwijzing eerst."),
        (ReferralStep::Start, _) => {
            refuse("De begeleiding is al gestart of de verwijzing is beëindigd.")
        }
        (ReferralStep::Progress, Started) => Ok(Started),
        (ReferralStep::Progress, _) => refuse("Voortgang hoort bij een gestarte verwijzing."),
        (ReferralStep::Finish, Started) => Ok(Finished),
        (ReferralStep::Finish, _) => refuse("Alleen een gestarte verwijzing kan worden afgerond."),
        (ReferralStep::Withdraw, Asked | Accepted) => Ok(Withdrawn),
        (ReferralStep::Withdraw, _) => {
            refuse("Intrekken kan alleen voordat de begeleiding is gestart.")
        }
    }
}

/// Which partners a household member may be referred to: minors to youth care (Youth
/// Act), adults to the central access team or the SKT.
pub fn household_partner_allowed(is_minor: bool, kind: PartnerKind) -> bool {
    if is_minor {
        kind == PartnerKind::YouthCare
    } else {
        matches!(kind, PartnerKind::CentralAccess | PartnerKind::Skt)
    }
}

/// Whether committing `price` on a line would pass its cap. Reaching the cap exactly is
/// allowed; one cent more is not.
pub fn passes_cap(cap: i64, committed: i64, spent: i64, price: i64) -> bool {
    committed + spent + price > cap
}

/// Encodes life domains for storage: codes separated by commas.
pub fn encode_domains(domains: &[LifeDomain]) -> String {
    domains
        .iter()
        .map(|d| d.code())
        .collect::<Vec<_>>()
        .join(",")
}

/// Decodes stored life domains; unknown codes are skipped.
pub fn decode_domains(text: &str) -> Vec<LifeDomain> {
    text.split(',').filter_map(LifeDomain::parse).collect()
}

/// Formats cents as a Dutch amount: € 28.000,00.
pub fn format_eur(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let euros = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in euros.chars().enumerate() {
        if i > 0 && (euros.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    format!("€ {sign}{grouped},{:02}", cents % 100)
}

/// Parses a Dutch or plain amount in euros ("28.000", "28000,50", "3200.00") into cents.
pub fn parse_eur(text: &str) -> Option<i64> {
    let t = text.trim().trim_start_matches('€').trim().replace(' ', "");
    let (whole, fraction) = match (t.rfind(','), t.rfind('.')) {
        // "28.000,50": dots group thousands, the comma is the decimal sign.
        (Some(c), _) => (t[..c].replace('.', ""), t[c + 1..].to_string()),
        // "3200.50" (two decimals after the last dot) or "28.000" (a thousands group).
        (None, Some(d)) if t.len() - d - 1 <= 2 => {
            (t[..d].replace('.', ""), t[d + 1..].to_string())
        }
        (None, _) => (t.replace('.', ""), String::new()),
    };
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || fraction.len() > 2
        || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let euros: i64 = whole.parse().ok()?;
    let cents: i64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<2}").parse().ok()?
    };
    euros.checked_mul(100)?.checked_add(cents)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReferralStatus::*;
    use ReferralStep as S;

    #[test]
    fn every_referral_transition_legal_and_illegal() {
        // statuses: Asked, Accepted, Started, Finished, Returned, Withdrawn
        let table: [(ReferralStep, [Option<ReferralStatus>; 6]); 6] = [
            (S::Accept, [Some(Accepted), None, None, None, None, None]),
            (
                S::Return,
                [Some(Returned), Some(Returned), None, None, None, None],
            ),
            (S::Start, [None, Some(Started), None, None, None, None]),
            (S::Progress, [None, None, Some(Started), None, None, None]),
            (S::Finish, [None, None, Some(Finished), None, None, None]),
            (
                S::Withdraw,
                [Some(Withdrawn), Some(Withdrawn), None, None, None, None],
            ),
        ];
        for (step, expected) in table {
            for (status, want) in ReferralStatus::ALL.iter().zip(expected) {
                assert_eq!(apply(*status, step).ok(), want, "{step:?} from {status:?}");
            }
        }
    }

    #[test]
    fn a_refused_step_says_why_in_dutch() {
        let err = apply(Asked, S::Start).unwrap_err();
        assert_eq!(
            err.to_string(),
            "‘Starten’ kan niet bij een verwijzing met de status ‘Gevraagd’. Accepteer de verwijzing eerst."
        );
    }

    #[test]
    fn only_open_referrals_hold_a_commitment() {
        let open: Vec<_> = ReferralStatus::ALL.iter().filter(|s| s.is_open()).collect();
        assert_eq!(open, vec![&Asked, &Accepted, &Started]);
    }

    #[test]
    fn the_cap_may_be_reached_but_not_passed() {
        assert!(!passes_cap(28_000_00, 20_000_00, 4_800_00, 3_200_00));
        assert!(passes_cap(28_000_00, 20_000_00, 4_800_01, 3_200_00));
        assert!(passes_cap(0, 0, 0, 1));
    }

    #[test]
    fn minors_go_to_youth_care_and_adults_to_central_access_or_skt() {
        assert!(household_partner_allowed(true, PartnerKind::YouthCare));
        assert!(!household_partner_allowed(true, PartnerKind::Skt));
        assert!(household_partner_allowed(false, PartnerKind::CentralAccess));
        assert!(household_partner_allowed(false, PartnerKind::Skt));
        assert!(!household_partner_allowed(false, PartnerKind::YouthCare));
    }

    #[test]
    fn amounts_are_written_and_read_the_dutch_way() {
        assert_eq!(format_eur(28_000_00), "€ 28.000,00");
        assert_eq!(format_eur(450_50), "€ 450,50");
        assert_eq!(format_eur(1_234_567_89), "€ 1.234.567,89");
        assert_eq!(format_eur(-3_200_00), "€ -3.200,00");
        assert_eq!(parse_eur("28.000"), Some(28_000_00));
        assert_eq!(parse_eur("€ 28.000,50"), Some(28_000_50));
        assert_eq!(parse_eur("3200.5"), Some(3_200_50));
        assert_eq!(parse_eur("450"), Some(450_00));
        assert_eq!(parse_eur("1.234.567"), Some(1_234_567_00));
        assert_eq!(parse_eur("twaalf"), None);
        assert_eq!(parse_eur("-5"), None);
        assert_eq!(parse_eur(""), None);
    }

    #[test]
    fn domains_round_trip() {
        let d = vec![LifeDomain::Housing, LifeDomain::Care];
        assert_eq!(decode_domains(&encode_domains(&d)), d);
    }
}
