//! Eligibility (doelgroepbepaling): is the municipality obliged to offer aftercare?
//!
//! Every rule is evaluated on its own. Any failed rule makes the case not eligible and
//! lists every failed rule; otherwise any unknown fact makes it undetermined and lists
//! what is missing; otherwise it is eligible.

use crate::dates::{age_on, format_nl};
use crate::notification::{BrpStatus, MunicipalityCode, Sentence};
use time::Date;

code_enum! {
    /// The outcome of the eligibility rules.
    Eligibility {
        Eligible = "eligible" => "Valt onder de doelgroep",
        NotEligible = "not_eligible" => "Valt niet onder de doelgroep",
        Undetermined = "undetermined" => "Nog niet vast te stellen",
    }
}

code_enum! {
    /// Why a case is not (or not yet) eligible. The codes are part of the CLI and API contract.
    Reason {
        Under18 = "under_18" => "De inwoner was jonger dan 18 jaar op de begindatum van de detentie.",
        NotResident = "not_resident" => "De inwoner woonde vóór de detentie niet in de gemeente.",
        NotInBrp = "not_in_brp" => "De inwoner staat niet (recent) ingeschreven in de BRP.",
        NoPrisonSentence = "no_prison_sentence" => "De detentie is geen gevangenisstraf.",
        DetentionUnder10Days = "detention_under_10_days" => "De detentie duurt korter dan 10 dagen.",
        BirthDateUnknown = "birth_date_unknown" => "De geboortedatum is niet bekend.",
        ResidenceUnknown = "residence_unknown" => "De gemeente van het laatste adres is niet bekend.",
        BrpUnknown = "brp_unknown" => "De inschrijving in de BRP is niet bekend.",
        SentenceUnknown = "sentence_unknown" => "Er is nog geen gevangenisstraf opgelegd (onbekend of voorlopige hechtenis).",
        ReleaseUnknown = "release_unknown" => "De verwachte datum van vrijlating is niet bekend.",
    }
}

impl Reason {
    /// A failed rule (as opposed to a missing fact).
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            Reason::Under18
                | Reason::NotResident
                | Reason::NotInBrp
                | Reason::NoPrisonSentence
                | Reason::DetentionUnder10Days
        )
    }
}

/// The facts the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EligibilityFacts {
    pub birth_date: Option<Date>,
    pub residence: Option<MunicipalityCode>,
    pub brp_status: Option<BrpStatus>,
    pub sentence: Option<Sentence>,
    pub detention_start: Date,
    pub expected_release: Option<Date>,
}

/// The outcome and the reasons behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub outcome: Eligibility,
    pub reasons: Vec<Reason>,
}

code_enum! {
    /// The five rules of the policy, in the policy's order.
    Rule {
        Age = "age" => "18 jaar of ouder",
        Residence = "residence" => "Woonde vóór de detentie in de gemeente",
        Brp = "brp" => "Ingeschreven in de BRP (of recent uitgeschreven)",
        Sentence = "sentence" => "Veroordeeld tot gevangenisstraf",
        Duration = "duration" => "Detentie van 10 dagen of langer",
    }
}

/// How one rule came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleState {
    Met,
    Failed(Reason),
    Unknown(Reason),
}

impl RuleState {
    /// Met when `met` holds, failed for `reason` when it does not.
    fn met_or(met: bool, reason: Reason) -> RuleState {
        if met {
            RuleState::Met
        } else {
            RuleState::Failed(reason)
        }
    }
}

/// One rule's result with a plain Dutch explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleResult {
    pub rule: Rule,
    pub state: RuleState,
    pub explanation: String,
}

impl RuleState {
    /// The reason of a failed rule.
    fn failure(self) -> Option<Reason> {
        match self {
            RuleState::Failed(reason) => Some(reason),
            _ => None,
        }
    }

    /// The reason a rule could not be evaluated: the missing fact.
    fn missing(self) -> Option<Reason> {
        match self {
            RuleState::Unknown(reason) => Some(reason),
            _ => None,
        }
    }
}

/// A rule's state with its explanation.
type Outcome = (RuleState, String);

/// Evaluates each rule on its own, with a Dutch explanation per rule.
pub fn rule_results(facts: &EligibilityFacts, home: &MunicipalityCode) -> Vec<RuleResult> {
    [
        (Rule::Age, age_rule(facts)),
        (Rule::Residence, residence_rule(facts, home)),
        (Rule::Brp, brp_rule(facts)),
        (Rule::Sentence, sentence_rule(facts)),
        (Rule::Duration, duration_rule(facts)),
    ]
    .into_iter()
    .map(|(rule, (state, explanation))| RuleResult {
        rule,
        state,
        explanation,
    })
    .collect()
}

/// 18 or older on the first day of the detention.
fn age_rule(facts: &EligibilityFacts) -> Outcome {
    let Some(birth) = facts.birth_date else {
        return (
            RuleState::Unknown(Reason::BirthDateUnknown),
            "Geboortedatum onbekend.".to_string(),
        );
    };
    let years = age_on(birth, facts.detention_start);
    let state = RuleState::met_or(years >= 18, Reason::Under18);
    (
        state,
        format!(
            "{years} jaar op {}, de begindatum van de detentie.",
            format_nl(facts.detention_start)
        ),
    )
}

/// The last address before the detention was in the `home` municipality.
fn residence_rule(facts: &EligibilityFacts, home: &MunicipalityCode) -> Outcome {
    match &facts.residence {
        None => (
            RuleState::Unknown(Reason::ResidenceUnknown),
            "Gemeente van het laatste adres onbekend.".to_string(),
        ),
        Some(code) if code == home => {
            (RuleState::Met, format!("Laatste adres in gemeente {code}."))
        }
        Some(code) => (
            RuleState::Failed(Reason::NotResident),
            format!("Laatste adres in gemeente {code}, niet in deze gemeente ({home})."),
        ),
    }
}

/// Registered in the BRP, or recently deregistered.
fn brp_rule(facts: &EligibilityFacts) -> Outcome {
    match facts.brp_status {
        None => (
            RuleState::Unknown(Reason::BrpUnknown),
            "Inschrijving in de BRP onbekend.".to_string(),
        ),
        Some(BrpStatus::NotRegistered) => (
            RuleState::Failed(Reason::NotInBrp),
            "Niet ingeschreven in de BRP.".to_string(),
        ),
        Some(status) => (RuleState::Met, format!("{}.", status.label())),
    }
}

/// Sentenced to prison; pretrial detention is not known yet.
fn sentence_rule(facts: &EligibilityFacts) -> Outcome {
    match facts.sentence {
        Some(Sentence::PrisonSentence) => (RuleState::Met, "Gevangenisstraf opgelegd.".to_string()),
        Some(Sentence::Other) => (
            RuleState::Failed(Reason::NoPrisonSentence),
            "Geen gevangenisstraf.".to_string(),
        ),
        Some(Sentence::Pretrial) => (
            RuleState::Unknown(Reason::SentenceUnknown),
            "Voorlopige hechtenis: nog geen vonnis.".to_string(),
        ),
        None => (
            RuleState::Unknown(Reason::SentenceUnknown),
            "Vonnis onbekend.".to_string(),
        ),
    }
}

/// A detention of 10 days or longer, up to the expected release.
fn duration_rule(facts: &EligibilityFacts) -> Outcome {
    let Some(release) = facts.expected_release else {
        return (
            RuleState::Unknown(Reason::ReleaseUnknown),
            "Verwachte vrijlating onbekend.".to_string(),
        );
    };
    let days = (release - facts.detention_start).whole_days();
    let state = RuleState::met_or(days >= 10, Reason::DetentionUnder10Days);
    (
        state,
        format!(
            "{days} dagen: van {} tot {}.",
            format_nl(facts.detention_start),
            format_nl(release)
        ),
    )
}

/// Evaluates eligibility for the installation's municipality.
pub fn assess(facts: &EligibilityFacts, home: &MunicipalityCode) -> Assessment {
    let results = rule_results(facts, home);
    let failed: Vec<Reason> = results.iter().filter_map(|r| r.state.failure()).collect();
    if !failed.is_empty() {
        return Assessment {
            outcome: Eligibility::NotEligible,
            reasons: failed,
        };
    }
    let unknown: Vec<Reason> = results.iter().filter_map(|r| r.state.missing()).collect();
    if !unknown.is_empty() {
        return Assessment {
            outcome: Eligibility::Undetermined,
            reasons: unknown,
        };
    }
    Assessment {
        outcome: Eligibility::Eligible,
        reasons: Vec::new(),
    }
}

/// Encodes reasons for storage: codes separated by commas.
pub fn encode_reasons(reasons: &[Reason]) -> String {
    reasons
        .iter()
        .map(|r| r.code())
        .collect::<Vec<_>>()
        .join(",")
}

/// Decodes stored reasons; unknown codes are skipped.
pub fn decode_reasons(text: &str) -> Vec<Reason> {
    text.split(',').filter_map(Reason::parse).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn home() -> MunicipalityCode {
        MunicipalityCode::parse("1783").unwrap()
    }

    fn facts() -> EligibilityFacts {
        EligibilityFacts {
            birth_date: Some(date!(1990 - 01 - 01)),
            residence: Some(home()),
            brp_status: Some(BrpStatus::Registered),
            sentence: Some(Sentence::PrisonSentence),
            detention_start: date!(2026 - 03 - 01),
            expected_release: Some(date!(2026 - 06 - 01)),
        }
    }

    /// Asserts the outcome for `f` and the codes of its reasons, in order.
    #[track_caller]
    fn assert_outcome(f: &EligibilityFacts, outcome: Eligibility, reasons: &[&str]) {
        let a = assess(f, &home());
        let codes: Vec<&str> = a.reasons.iter().map(|r| r.code()).collect();
        assert_eq!((a.outcome, codes.as_slice()), (outcome, reasons));
    }

    #[test]
    fn all_rules_met_is_eligible() {
        assert_outcome(&facts(), Eligibility::Eligible, &[]);
    }

    #[test]
    fn eighteenth_birthday_on_the_start_date_is_old_enough() {
        let mut f = facts();
        f.birth_date = Some(date!(2008 - 03 - 01));
        assert_outcome(&f, Eligibility::Eligible, &[]);
        f.birth_date = Some(date!(2008 - 03 - 02));
        assert_outcome(&f, Eligibility::NotEligible, &["under_18"]);
    }

    #[test]
    fn exactly_ten_days_is_enough_and_nine_is_not() {
        let mut f = facts();
        f.expected_release = Some(date!(2026 - 03 - 11));
        assert_outcome(&f, Eligibility::Eligible, &[]);
        f.expected_release = Some(date!(2026 - 03 - 10));
        assert_outcome(&f, Eligibility::NotEligible, &["detention_under_10_days"]);
    }

    #[test]
    fn unknown_release_leaves_it_undetermined() {
        let mut f = facts();
        f.expected_release = None;
        assert_outcome(&f, Eligibility::Undetermined, &["release_unknown"]);
    }

    #[test]
    fn pretrial_and_empty_sentence_are_unknown_other_fails() {
        let mut f = facts();
        f.sentence = Some(Sentence::Pretrial);
        assert_outcome(&f, Eligibility::Undetermined, &["sentence_unknown"]);
        f.sentence = None;
        assert_outcome(&f, Eligibility::Undetermined, &["sentence_unknown"]);
        f.sentence = Some(Sentence::Other);
        assert_outcome(&f, Eligibility::NotEligible, &["no_prison_sentence"]);
    }

    #[test]
    fn recently_deregistered_counts_as_registered() {
        let mut f = facts();
        f.brp_status = Some(BrpStatus::RecentlyDeregistered);
        assert_outcome(&f, Eligibility::Eligible, &[]);
        f.brp_status = Some(BrpStatus::NotRegistered);
        assert_outcome(&f, Eligibility::NotEligible, &["not_in_brp"]);
    }

    #[test]
    fn another_municipality_is_not_resident() {
        let mut f = facts();
        f.residence = MunicipalityCode::parse("0637").ok();
        assert_outcome(&f, Eligibility::NotEligible, &["not_resident"]);
    }

    #[test]
    fn several_failures_are_all_listed_and_win_over_unknowns() {
        let mut f = facts();
        f.birth_date = Some(date!(2010 - 01 - 01));
        f.residence = MunicipalityCode::parse("0603").ok();
        f.brp_status = Some(BrpStatus::NotRegistered);
        f.sentence = Some(Sentence::Other);
        f.expected_release = Some(date!(2026 - 03 - 05));
        assert_outcome(
            &f,
            Eligibility::NotEligible,
            &[
                "under_18",
                "not_resident",
                "not_in_brp",
                "no_prison_sentence",
                "detention_under_10_days",
            ],
        );
        f.sentence = None;
        f.expected_release = None;
        assert_outcome(
            &f,
            Eligibility::NotEligible,
            &["under_18", "not_resident", "not_in_brp"],
        );
    }

    #[test]
    fn several_unknowns_are_all_listed() {
        let mut f = facts();
        f.birth_date = None;
        f.residence = None;
        f.brp_status = None;
        f.sentence = None;
        f.expected_release = None;
        assert_outcome(
            &f,
            Eligibility::Undetermined,
            &[
                "birth_date_unknown",
                "residence_unknown",
                "brp_unknown",
                "sentence_unknown",
                "release_unknown",
            ],
        );
    }

    #[test]
    fn each_rule_is_explained_in_dutch() {
        let results = rule_results(&facts(), &home());
        assert_eq!(results.len(), 5);
        assert!(results.iter().all(|r| r.state == RuleState::Met));
        assert_eq!(
            results[4].explanation,
            "92 dagen: van 01-03-2026 tot 01-06-2026."
        );
    }

    #[test]
    fn reasons_round_trip_through_storage() {
        let reasons = vec![Reason::Under18, Reason::ReleaseUnknown];
        assert_eq!(decode_reasons(&encode_reasons(&reasons)), reasons);
        assert_eq!(decode_reasons(""), vec![]);
    }
}
