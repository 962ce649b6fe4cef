//! `nazorg demo`: realistic generated residents and cases in every phase, made through
//! the same use cases a coordinator uses, so the data obeys every rule.

mod scale;

use super::common::Installation;
use anyhow::Result;
use nazorg_app::*;
use nazorg_domain::access::{Actor, Role};
use nazorg_domain::case::{
    ClosingReason, ContactKind, DomainResult, OfferOutcome, OverallResult, Relation,
};
use nazorg_domain::dates::format_iso;
use nazorg_domain::ids::{AgreementId, CaseId, ReferralId, UserId};
use nazorg_domain::notification::NotificationRow;
use nazorg_domain::referral::{PartnerKind, ReferralResult, ReferralStep};
use nazorg_domain::triage::{
    Direction, DomainTriage, LifeDomain, Need, SelfReliance, suggest_direction,
};
use time::{Date, Duration};

const INSTITUTIONS: &[&str] = &[
    "PI Haaglanden",
    "PI Rotterdam",
    "PI Dordrecht",
    "PI Alphen aan den Rijn",
    "PI Zwolle",
    "PI Nieuwersluis",
    "PI Vught",
];

/// A small deterministic random source.
struct Dice(fastrand::Rng);

impl Dice {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.0.usize(..items.len())]
    }
    fn range(&mut self, low: i64, high: i64) -> i64 {
        self.0.i64(low..=high)
    }
    fn chance(&mut self, percent: u8) -> bool {
        self.0.u8(..100) < percent
    }
}

/// A random BSN that passes the eleven-test.
pub fn random_bsn(rng: &mut fastrand::Rng) -> String {
    loop {
        if let Some(bsn) = nazorg_domain::Bsn::complete(rng.u32(10_000_000..100_000_000)) {
            return bsn.to_string();
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Stage {
    Notified,
    NotReached,
    Declined,
    Accepted,
    Triaged,
    Planning,
    Aftercare,
    Closed,
}

fn stage(d: &mut Dice) -> Stage {
    match d.range(0, 99) {
        0..=11 => Stage::Notified,
        12..=16 => Stage::NotReached,
        17..=21 => Stage::Declined,
        22..=29 => Stage::Accepted,
        30..=37 => Stage::Triaged,
        38..=57 => Stage::Planning,
        58..=77 => Stage::Aftercare,
        _ => Stage::Closed,
    }
}

/// The flags of `nazorg demo`.
#[derive(clap::Args)]
pub struct DemoArgs {
    /// How many residents to generate (default: 60 for one municipality, 16,000 for the
    /// region, 270,000 for the country).
    #[arg(long)]
    residents: Option<usize>,
    /// One municipality (every case made through the use cases), the nine municipalities
    /// of Haaglanden, or the 342 of the country (cases generated straight into the
    /// tables over ten years, each municipality with its own users).
    #[arg(long, value_enum, default_value = "municipality")]
    scale: scale::Scale,
    /// Seed for the generator, for a reproducible set.
    #[arg(long, default_value_t = 1783)]
    seed: u64,
}

/// Generates --residents residents from --seed, with their cases, as the command-line actor.
pub async fn run(inst: &Installation, args: DemoArgs) -> Result<()> {
    let actor = inst.actor();
    let residents = args
        .residents
        .unwrap_or_else(|| args.scale.default_residents());
    match args.scale {
        scale::Scale::Municipality => generate(&inst.app, &actor, residents, args.seed).await,
        wider => scale::generate(&inst.app, &actor, wider, residents, args.seed).await,
    }
}

/// Makes the coordinators if there are none, then the residents and their cases.
async fn generate(store: &App, actor: &Actor, residents: usize, seed: u64) -> Result<()> {
    let mut d = Dice(fastrand::Rng::with_seed(seed));
    let today = nazorg_domain::dates::today_nl();
    let coordinators = ensure_coordinators(store, actor).await?;
    let bar = indicatif::ProgressBar::new(residents as u64);
    let mut cases = 0;
    // Each generated person has a BSN of their own: two people under one BSN would be an
    // identity signal, not demo data.
    let mut bsns = std::collections::HashSet::new();
    for _ in 0..residents {
        let mut person = Person::generate(&mut d, today);
        while !bsns.insert(person.bsn.clone()) {
            person.bsn = random_bsn(&mut d.0);
        }
        // One in eight residents has an earlier, closed detention too.
        let detentions = if d.chance(12) { 2 } else { 1 };
        for n in 0..detentions {
            let target = if n + 1 < detentions {
                Stage::Closed
            } else {
                stage(&mut d)
            };
            let (row, start, expected) = detention(&mut d, actor, &person, target, today);
            let notification = row.parse()?;
            // A BSN given out before this run (a database already filled) is that
            // person's: their known detention is left as it is.
            let nazorg_app::ImportOutcome::Created { case_id: id } =
                store.import_notification(actor, &notification).await?
            else {
                continue;
            };
            cases += 1;
            let coordinator = *d.pick(&coordinators);
            store
                .assign_coordinator(actor, id, None, Some(coordinator))
                .await?;
            let case = Walk {
                store,
                actor,
                id,
                target,
                start,
                release: expected.min(today - Duration::days(1)),
                today,
            };
            case.walk(&mut d).await?;
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    eprintln!("Demo: {residents} inwoners en {cases} casussen aangemaakt.");
    Ok(())
}

/// A generated resident: the same person on every detention.
struct Person {
    family: &'static str,
    given: &'static str,
    bsn: String,
    birth: Date,
}

impl Person {
    fn generate(d: &mut Dice, today: Date) -> Person {
        let family = *d.pick(nazorg_app::names::FAMILY_NAMES);
        let given = *d.pick(nazorg_app::names::GIVEN_NAMES);
        let bsn = random_bsn(&mut d.0);
        let birth = today - Duration::days(d.range(18 * 365 + 30, 62 * 365));
        Person {
            family,
            given,
            bsn,
            birth,
        }
    }
}

/// The notification of one detention of `person`, with the detention's start and
/// expected release: released already for a case past planning, else still to come.
/// A case that stays notified may lack the facts that make it eligible.
fn detention(
    d: &mut Dice,
    actor: &Actor,
    person: &Person,
    target: Stage,
    today: Date,
) -> (NotificationRow, Date, Date) {
    let released_stage = target >= Stage::Aftercare;
    let (start, expected) = if released_stage {
        let start = today - Duration::days(d.range(60, 330));
        (start, start + Duration::days(d.range(14, 50)))
    } else {
        let start = today - Duration::days(d.range(3, 60));
        (start, today + Duration::days(d.range(5, 160)))
    };
    let eligible_facts = target > Stage::Notified || d.chance(60);
    let row = NotificationRow {
        bsn: person.bsn.clone(),
        family_name: person.family.into(),
        given_names: person.given.into(),
        birth_date: format_iso(person.birth),
        municipality_code: if eligible_facts || d.chance(50) {
            actor.municipality.to_string()
        } else {
            "0603".into()
        },
        brp_status: if d.chance(8) {
            "recently_deregistered".into()
        } else {
            "registered".into()
        },
        institution: (*d.pick(INSTITUTIONS)).into(),
        detention_start: format_iso(start),
        expected_release: if eligible_facts || d.chance(50) {
            format_iso(expected)
        } else {
            String::new()
        },
        sentence: if eligible_facts {
            "prison_sentence".into()
        } else {
            (*d.pick(&["", "pretrial", "other"])).into()
        },
        source: (*d.pick(&[
            "automatic",
            "automatic",
            "automatic",
            "casemanager",
            "partner",
            "self",
        ]))
        .into(),
    };
    (row, start, expected)
}

/// Makes sure there are coordinators to assign; prints the password of any it creates.
async fn ensure_coordinators(store: &App, actor: &Actor) -> Result<Vec<UserId>> {
    let existing = store.coordinators(actor).await?;
    if !existing.is_empty() {
        return Ok(existing.iter().map(|u| u.id).collect());
    }
    let mut ids = Vec::new();
    for (name, display) in [
        ("demo", "Demi de Coördinator"),
        ("vervanger", "Victor Vervanger"),
    ] {
        let password = nazorg_app::new_token()[..20].to_string();
        ids.push(
            store
                .add_user(
                    name,
                    display,
                    &password,
                    Role::Coordinator,
                    &actor.municipality,
                    None,
                )
                .await?,
        );
        eprintln!("Demo-gebruiker {name} (nazorgcoördinator), wachtwoord: {password}");
    }
    let partners = store.list_partners(&actor.municipality).await?;
    for (name, display, role, kind) in [
        (
            "exodus",
            "Esther van Exodus",
            Role::ExodusWorker,
            PartnerKind::Exodus,
        ),
        (
            "zorgregisseur",
            "Sander Zorgregisseur",
            Role::SktCareDirector,
            PartnerKind::Skt,
        ),
    ] {
        let Some(partner) = partners.iter().find(|p| p.kind == kind) else {
            continue;
        };
        let password = nazorg_app::new_token()[..20].to_string();
        store
            .add_user(
                name,
                display,
                &password,
                role,
                &actor.municipality,
                Some(partner.id),
            )
            .await?;
        eprintln!(
            "Demo-gebruiker {name} ({}), wachtwoord: {password}",
            role.label().to_lowercase()
        );
    }
    Ok(ids)
}

/// One case on its way through the phases to its target stage. Every step goes through
/// the store's use cases, dated between the detention's start and today.
struct Walk<'a> {
    store: &'a App,
    actor: &'a Actor,
    id: CaseId,
    target: Stage,
    start: Date,
    /// The day of release: the expected release, at the latest yesterday.
    release: Date,
    today: Date,
}

/// A referral made for the plan, with the day it was asked.
type Referral = Option<(ReferralId, Date)>;

impl Walk<'_> {
    /// Takes the case phase by phase to its target stage. The phases draw from the
    /// generator in a fixed order, so that one seed always gives the same data.
    async fn walk(&self, d: &mut Dice) -> Result<()> {
        if self.target == Stage::Notified {
            return Ok(());
        }
        let contact_day = self.offer(d).await?;
        if matches!(
            self.target,
            Stage::NotReached | Stage::Declined | Stage::Accepted
        ) {
            return Ok(());
        }
        let suggested = self.triage(d).await?;
        if self.target == Stage::Triaged {
            return Ok(());
        }
        let referral = self.direct(d, suggested, contact_day).await?;
        let agreements = self.plan(d).await?;
        if self.target == Stage::Planning {
            return Ok(());
        }
        self.release(d, &agreements, referral).await?;
        if self.target == Stage::Aftercare {
            return Ok(());
        }
        self.close(d, referral, contact_day).await
    }

    /// The first contact, with the offer of aftercare and the resident's answer. Returns
    /// the day of the contact.
    async fn offer(&self, d: &mut Dice) -> Result<Date> {
        let contact_day = (self.start + Duration::days(d.range(1, 6))).min(self.today);
        let kinds = [
            ContactKind::VisitInPrison,
            ContactKind::OnlineInPrison,
            ContactKind::Phone,
        ];
        let outcome = match self.target {
            Stage::NotReached => OfferOutcome::NotReached,
            Stage::Declined => OfferOutcome::Declined,
            _ => OfferOutcome::Accepted,
        };
        let offer = OfferInput {
            outcome,
            date: contact_day,
            kind: *d.pick(&kinds),
            note: "Kennismaking en aanbod nazorg.".into(),
        };
        self.store
            .record_offer(self.actor, self.id, None, &offer)
            .await?;
        Ok(contact_day)
    }

    /// The triage of every life domain, and sometimes a household member. Returns the
    /// direction the triage suggests.
    async fn triage(&self, d: &mut Dice) -> Result<Direction> {
        let domains: Vec<DomainTriage> = LifeDomain::ALL
            .iter()
            .map(|domain| DomainTriage {
                domain: *domain,
                need: *d.pick(&[
                    Need::None,
                    Need::None,
                    Need::Practical,
                    Need::Practical,
                    Need::Complex,
                ]),
                self_reliance: *d.pick(&[
                    SelfReliance::Low,
                    SelfReliance::Moderate,
                    SelfReliance::High,
                ]),
            })
            .collect();
        let (suggested, _) = suggest_direction(&domains);
        self.store
            .record_triage(
                self.actor,
                self.id,
                None,
                &Triage {
                    domains: domains.clone(),
                    note: "Triage in de PI met de casemanager.".into(),
                    known_to_skt: Some(d.chance(40)),
                    known_to_safety_chamber: Some(d.chance(15)),
                },
            )
            .await?;
        if d.chance(35) {
            let relation = *d.pick(&[
                Relation::Partner,
                Relation::Child,
                Relation::Child,
                Relation::Parent,
            ]);
            let member = HouseholdInput {
                relation,
                is_minor: relation == Relation::Child && d.chance(70),
                support_need: *d.pick(&[Need::None, Need::Practical, Need::Complex]),
                note: String::new(),
            };
            self.store
                .add_household_member(self.actor, self.id, &member)
                .await?;
        }
        Ok(suggested)
    }

    /// The direction (mostly the suggested one) and the referral that goes with it.
    async fn direct(
        &self,
        d: &mut Dice,
        suggested: Direction,
        contact_day: Date,
    ) -> Result<Referral> {
        let direction = if d.chance(85) {
            suggested
        } else {
            *d.pick(&[Direction::Coordinator, Direction::Skt, Direction::Exodus])
        };
        let reason = match direction {
            Direction::Coordinator => "Lichte praktische ondersteuning volstaat.",
            Direction::Skt => "Meerdere complexe problemen; afgestemd met de zorgregisseur.",
            Direction::Exodus => "Specialistische begeleiding nodig; warme overdracht aan Exodus.",
        };
        self.store
            .decide_direction(
                self.actor,
                self.id,
                None,
                &DirectionInput {
                    direction,
                    reason: reason.into(),
                },
            )
            .await?;
        self.refer(d, direction, contact_day).await
    }

    /// Refers a directed case to the partner that fits the direction; SKT and Exodus
    /// trajectories are bought from the budget when it allows. Returns the referral and
    /// its date.
    async fn refer(&self, d: &mut Dice, direction: Direction, asked_on: Date) -> Result<Referral> {
        let (kind, service, domains) = match direction {
            Direction::Exodus => (
                PartnerKind::Exodus,
                Some("Exodus ambulant begeleidingstraject"),
                vec![LifeDomain::Housing, LifeDomain::Income],
            ),
            Direction::Skt => (
                PartnerKind::Skt,
                Some("Nazorgondersteuning zorgregisseur SKT"),
                vec![LifeDomain::Care, LifeDomain::SocialNetwork],
            ),
            Direction::Coordinator if d.chance(50) => (
                *d.pick(&[
                    PartnerKind::DebtCounselling,
                    PartnerKind::Wmo,
                    PartnerKind::Benefits,
                ]),
                None,
                vec![LifeDomain::Income],
            ),
            Direction::Coordinator => return Ok(None),
        };
        let (store, actor) = (self.store, self.actor);
        let partners = store.list_partners(&actor.municipality).await?;
        let Some(partner) = partners.iter().find(|p| p.kind == kind) else {
            return Ok(None);
        };
        let services = store.list_service_kinds(&actor.municipality).await?;
        let service_kind_id = service
            .and_then(|name| services.iter().find(|k| k.name == name))
            .map(|k| k.id);
        let mut input = ReferralInput {
            partner_id: partner.id,
            domains,
            reason: "Ondersteuning volgens het plan van aanpak.".into(),
            service_kind_id,
            household_member_id: None,
            asked_on,
            over_cap_reason: None,
        };
        let referral = match store.create_referral(actor, self.id, &input).await {
            Err(nazorg_app::Error::OverCap(_)) => {
                // The budget is spent: refer without buying, as a coordinator would.
                input.service_kind_id = None;
                store.create_referral(actor, self.id, &input).await?
            }
            other => other?,
        };
        Ok(Some((referral, asked_on)))
    }

    /// The plan: two to four agreements and the release readiness. Returns the agreements.
    async fn plan(&self, d: &mut Dice) -> Result<Vec<AgreementId>> {
        let owners = [
            "Nazorgcoördinator",
            "Inwoner",
            "Zorgregisseur SKT",
            "Casemanager PI",
            "Exodus",
        ];
        let what = [
            (LifeDomain::IdDocument, "ID-kaart aanvragen"),
            (
                LifeDomain::Housing,
                "Woonruimte regelen via de woningcorporatie",
            ),
            (LifeDomain::Income, "Bijstandsuitkering aanvragen"),
            (LifeDomain::Income, "Aanmelden bij schuldhulpverlening"),
            (LifeDomain::Care, "Intake bij de ggz plannen"),
            (LifeDomain::SocialNetwork, "Contact met familie herstellen"),
        ];
        let (store, actor, id) = (self.store, self.actor, self.id);
        let mut agreement_ids = Vec::new();
        for _ in 0..d.range(2, 4) {
            let (domain, description) = *d.pick(&what);
            let input = AgreementInput {
                domain,
                description: description.into(),
                owner: (*d.pick(&owners)).into(),
                due_date: Some(self.today + Duration::days(d.range(-20, 40))),
            };
            agreement_ids.push(store.add_agreement(actor, id, &input).await?);
        }
        let ready = ReadinessInput {
            housing: d.chance(60),
            brp: d.chance(70),
            id_document: d.chance(60),
            income: d.chance(50),
        };
        store.set_readiness(actor, id, None, &ready).await?;
        Ok(agreement_ids)
    }

    /// Some agreements done, the referral accepted and started, the release, and a home
    /// visit after it.
    async fn release(
        &self,
        d: &mut Dice,
        agreements: &[AgreementId],
        referral: Referral,
    ) -> Result<()> {
        let (store, actor, id) = (self.store, self.actor, self.id);
        for agreement in agreements.iter().filter(|_| d.chance(60)) {
            store
                .set_agreement_done(actor, id, None, *agreement, true)
                .await?;
        }
        if let Some((referral, asked)) = referral {
            for (step, days) in [(ReferralStep::Accept, 2), (ReferralStep::Start, 7)] {
                let input = ReferralStepInput {
                    step,
                    date: (asked + Duration::days(days)).min(self.today),
                    note: String::new(),
                    result: None,
                };
                store.referral_step(actor, referral, &input).await?;
            }
        }
        store
            .record_release(actor, id, None, self.release.max(self.start))
            .await?;
        let after_release = (self.release + Duration::days(d.range(1, 20))).min(self.today);
        store
            .log_contact(
                actor,
                id,
                &ContactInput {
                    date: after_release,
                    kind: ContactKind::HomeVisit,
                    note: "Huisbezoek na vrijlating.".into(),
                },
            )
            .await?;
        Ok(())
    }

    /// The closure today: the referral finished, sometimes a safety concern dealt with,
    /// and the case closed with its results.
    async fn close(&self, d: &mut Dice, referral: Referral, contact_day: Date) -> Result<()> {
        let (store, actor, id) = (self.store, self.actor, self.id);
        let close = closing(d, self.today);
        if let Some((referral, _)) = referral {
            let input = ReferralStepInput {
                step: ReferralStep::Finish,
                date: self.today,
                note: "Traject afgerond; terugmelding aan de coördinator.".into(),
                result: Some(*d.pick(&[
                    ReferralResult::Achieved,
                    ReferralResult::Achieved,
                    ReferralResult::Partly,
                    ReferralResult::Stopped,
                ])),
            };
            store.referral_step(actor, referral, &input).await?;
        }
        if d.chance(8) {
            let item = store
                .add_safety_item(
                    actor,
                    id,
                    contact_day,
                    "Zorgen over de veiligheid van het gezin.",
                )
                .await?;
            store
                .record_safety_outcome(
                    actor,
                    id,
                    None,
                    &nazorg_app::SafetyOutcome {
                        item_id: item,
                        discussed_on: contact_day,
                        outcome: "Casusoverleg met politie en SKT afgesproken.",
                        follow_up: "Wijkagent sluit aan.",
                    },
                )
                .await?;
        }
        store.close_case(actor, id, &close).await?;
        Ok(())
    }
}

/// How a case is closed on `today`: the reason, and after a completed trajectory the
/// result per life domain and overall.
fn closing(d: &mut Dice, today: Date) -> CloseInput {
    let reason = *d.pick(&[
        ClosingReason::Completed,
        ClosingReason::Completed,
        ClosingReason::Completed,
        ClosingReason::ReDetained,
        ClosingReason::MovedAway,
    ]);
    let results = if reason == ClosingReason::Completed {
        LifeDomain::ALL
            .iter()
            .map(|domain| {
                (
                    *domain,
                    *d.pick(&[
                        DomainResult::Arranged,
                        DomainResult::Arranged,
                        DomainResult::Partly,
                        DomainResult::NotArranged,
                        DomainResult::NotApplicable,
                    ]),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    CloseInput {
        reason,
        date: today,
        overall: (reason == ClosingReason::Completed).then(|| {
            *d.pick(&[
                OverallResult::Successful,
                OverallResult::Successful,
                OverallResult::Partly,
                OverallResult::NotSuccessful,
            ])
        }),
        results,
        note: String::new(),
    }
}
