//! Referrals to partner organisations: asked on a case (committing a bought service on its
//! budget line), followed by the partner step by step, and reported back.

use crate::case_step::{self, FAR_FUTURE, OpenStep};
use crate::error::invalid;
use crate::{App, Error, Logged, Result, gate, validate};
use nazorg_domain::access::{self, Action, Actor, Denied, authorize_referral};
use nazorg_domain::events::{CaseEvent, ReferralEvent};
use nazorg_domain::format_nl;
use nazorg_domain::ids::{CaseId, PartnerId, ReferralId};
use nazorg_domain::lifecycle::Step;
use nazorg_domain::referral::{self, PartnerKind, ReferralResult, ReferralStatus, ReferralStep};
use nazorg_domain::version::Edit;
use nazorg_store::{
    Cursor, NewReferral, OverCap, Page, Referral, ReferralChange, ReferralDetail, ReferralFilter,
    ReferralInput, ReferralService, ReferralStepInput, StoredReferral, Tx,
};
use time::Date;

/// The active partner a new referral goes to: its name and kind.
async fn chosen_partner(
    tx: &mut Tx,
    municipality: &str,
    input: &ReferralInput,
) -> Result<(String, PartnerKind)> {
    let partner = tx.referral_partner(municipality, input.partner_id).await?;
    let Some(partner) = partner.filter(|p| p.active) else {
        return Err(invalid("Kies een actieve ketenpartner uit de lijst."));
    };
    if partner.kind == PartnerKind::SafetyChamber {
        return Err(invalid(
            "De Veiligheidskamer krijgt geen verwijzing: zet de casus op haar agenda (Veiligheidskamer op de casuspagina).",
        ));
    }
    Ok((partner.name, partner.kind))
}

/// A household member goes to the partner for their age; the resident needs at least one
/// life domain.
async fn check_subject(
    tx: &mut Tx,
    case_id: CaseId,
    input: &ReferralInput,
    partner_kind: PartnerKind,
) -> Result<()> {
    if let Some(member) = input.household_member_id {
        let minor = tx
            .household_member_is_minor(case_id, member)
            .await?
            .ok_or(Error::NotFound)?;
        if !referral::household_partner_allowed(minor, partner_kind) {
            return Err(invalid(if minor {
                "Een minderjarig gezinslid wordt verwezen naar de jeugdhulp."
            } else {
                "Een meerderjarig gezinslid wordt verwezen naar de centrale toegang of het Sociaal Kernteam."
            }));
        }
    } else if input.domains.is_empty() {
        return Err(invalid("Kies minstens één leefgebied waarvoor u verwijst."));
    }
    Ok(())
}

/// The bought service of a new referral, if one was chosen; it must be the partner's.
async fn chosen_service(
    tx: &mut Tx,
    municipality: &str,
    input: &ReferralInput,
    (partner_name, partner_kind): (&str, PartnerKind),
) -> Result<Option<ReferralService>> {
    let Some(id) = input.service_kind_id else {
        return Ok(None);
    };
    let Some(service) = tx.referral_service(municipality, id).await? else {
        return Err(invalid("Kies een product uit de lijst."));
    };
    if service.partner_kind != partner_kind {
        return Err(invalid(format!(
            "‘{}’ wordt niet door {partner_name} geleverd.",
            service.name
        )));
    }
    Ok(Some(service))
}

/// The reason the user gave to pass the cap, if any (checked when given).
fn confirmed_over_cap(input: &ReferralInput) -> Result<Option<&str>> {
    let confirmed = input
        .over_cap_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if let Some(reason) = confirmed {
        validate::text(
            "de reden om boven het plafond te verwijzen",
            reason,
            1000,
            true,
        )?;
    }
    Ok(confirmed)
}

/// Commits a service's price on its budget line: passing the cap needs the user's
/// reason, which is then returned to be kept with the referral.
async fn commit_on_line<'a>(
    tx: &mut Tx,
    municipality: &str,
    year: i32,
    service: &ReferralService,
    confirmed: Option<&'a str>,
) -> Result<Option<&'a str>> {
    let line = service.budget_line;
    // Writing the budget line first locks it, so two referrals at the same moment cannot
    // both slip under the cap.
    tx.lock_budget_line(municipality, year, line).await?;
    let (committed, spent) = tx.line_usage(municipality, year, line).await?;
    let (line_name, cap) = tx.budget_line_cap(municipality, year, line).await?;
    if !referral::passes_cap(cap, committed, spent, service.price_cents) {
        return Ok(None);
    }
    if confirmed.is_none() {
        return Err(Error::OverCap(OverCap {
            line: line_name,
            cap_cents: cap,
            committed_cents: committed,
            spent_cents: spent,
            price_cents: service.price_cents,
        }));
    }
    // The reason is kept only where it was needed: above the cap.
    Ok(confirmed)
}

/// The history entry of a new referral.
fn referral_event(
    input: &ReferralInput,
    partner_name: &str,
    service: Option<&ReferralService>,
    over_cap_reason: Option<&str>,
) -> CaseEvent {
    CaseEvent::Referral(ReferralEvent::Asked {
        partner: partner_name.to_string(),
        service: service.map(|s| (s.name.clone(), s.price_cents)),
        domains: input.domains.clone(),
        household_member: input.household_member_id.is_some(),
        over_cap_reason: over_cap_reason.map(str::to_string),
    })
}

/// Checks a new referral on the open step and stores it; its id and history entry.
async fn store_referral(
    tx: &mut Tx,
    actor: &Actor,
    step: &OpenStep,
    input: &ReferralInput,
    reason: &str,
) -> Result<(ReferralId, CaseEvent)> {
    let case_id = step.core.id;
    let municipality = step.core.municipality_code.as_str();
    if input.asked_on < step.core.detention_start {
        return Err(invalid(
            "Een verwijzing kan niet vóór de begindatum van de detentie zijn gevraagd.",
        ));
    }
    let (partner_name, partner_kind) = chosen_partner(tx, municipality, input).await?;
    check_subject(tx, case_id, input, partner_kind).await?;
    let service = chosen_service(tx, municipality, input, (&partner_name, partner_kind)).await?;
    let year = input.asked_on.year();
    let confirmed = confirmed_over_cap(input)?;
    let over_cap_reason = match &service {
        Some(s) => commit_on_line(tx, municipality, year, s, confirmed).await?,
        None => None,
    };
    let id = tx
        .insert_referral(&NewReferral {
            municipality,
            case_id,
            partner_id: input.partner_id,
            household_member_id: input.household_member_id,
            domains: &input.domains,
            reason,
            service_kind_id: input.service_kind_id,
            price_cents: service.as_ref().map(|s| s.price_cents),
            budget_line: service.as_ref().map(|s| s.budget_line),
            budget_year: service.as_ref().map(|_| year),
            over_cap_reason,
            asked_on: input.asked_on,
            created_by: &actor.username,
        })
        .await?;
    let what = referral_event(input, &partner_name, service.as_ref(), over_cap_reason);
    Ok((id, what))
}

/// The dates of a referral after a step.
fn step_dates(
    referral: &Referral,
    step: ReferralStep,
    date: Date,
) -> (Option<Date>, Option<Date>, Option<Date>) {
    match step {
        ReferralStep::Accept => (Some(date), referral.started_on, referral.ended_on),
        ReferralStep::Start => (referral.accepted_on, Some(date), referral.ended_on),
        ReferralStep::Finish | ReferralStep::Return | ReferralStep::Withdraw => {
            (referral.accepted_on, referral.started_on, Some(date))
        }
        ReferralStep::Progress => (referral.accepted_on, referral.started_on, referral.ended_on),
    }
}

/// Checks a step on a referral against the case, its dates and its texts; the result it
/// records.
fn check_step(
    referral: &Referral,
    case_open: bool,
    input: &ReferralStepInput,
    note: &str,
) -> Result<Option<ReferralResult>> {
    if !case_open && !matches!(input.step, ReferralStep::Finish | ReferralStep::Progress) {
        return Err(invalid(
            "De casus is afgesloten; een verwijzing kan dan alleen nog worden afgerond.",
        ));
    }
    let earliest = referral
        .started_on
        .or(referral.accepted_on)
        .unwrap_or(referral.asked_on);
    if input.date < earliest {
        return Err(invalid(format!(
            "De datum kan niet vóór {} liggen.",
            format_nl(earliest)
        )));
    }
    if matches!(
        input.step,
        ReferralStep::Return | ReferralStep::Progress | ReferralStep::Withdraw
    ) && note.is_empty()
    {
        return Err(invalid("Vul een toelichting in."));
    }
    match (input.step, input.result) {
        (ReferralStep::Finish, None) => Err(invalid("Kies het resultaat van de verwijzing.")),
        (ReferralStep::Finish, Some(r)) => Ok(Some(r)),
        _ => Ok(None),
    }
}

/// Stores a checked step, its progress note and the case's history entry.
async fn apply_step(
    tx: &mut Tx,
    actor: &Actor,
    referral: &Referral,
    input: &ReferralStepInput,
    note: &str,
) -> Result<()> {
    let status = referral::apply(referral.status, input.step)?;
    let case_open = tx
        .direction_and_open(referral.case_id)
        .await?
        .ok_or(Error::NotFound)?
        .1;
    let result = check_step(referral, case_open, input, note)?;
    let (accepted_on, started_on, ended_on) = step_dates(referral, input.step, input.date);
    let changed = tx
        .change_referral(&ReferralChange {
            referral_id: referral.id,
            from: referral.status,
            to: status,
            accepted_on,
            started_on,
            ended_on,
            return_reason: matches!(input.step, ReferralStep::Return | ReferralStep::Withdraw)
                .then_some(note),
            result,
            result_note: (input.step == ReferralStep::Finish && !note.is_empty()).then_some(note),
        })
        .await?;
    if !changed {
        return Err(Error::Conflict(
            "De verwijzing is intussen door een ander gewijzigd. Vernieuw de pagina.".into(),
        ));
    }
    tx.insert_referral_note(referral.id, input.date, input.step, note, &actor.username)
        .await?;
    let what = CaseEvent::Referral(ReferralEvent::Step {
        partner: referral.partner.clone(),
        step: input.step,
        date: input.date,
        result,
        note: note.to_string(),
    });
    case_step::record(tx, referral.case_id, actor, &what).await
}

/// Completes a referral's detail: the household member it is about, or the resident's
/// birth date and the triage of its domains; and its progress.
async fn referral_detail(tx: &mut Tx, stored: StoredReferral) -> Result<ReferralDetail> {
    let mut referral = stored.referral;
    let household = match referral.household_member_id {
        None => None,
        Some(member) => Some(tx.household_member(member).await?),
    };
    if let Some((relation, minor)) = household {
        // The referral is about a family member: name them by relation, not by the
        // resident's own birth date and triage.
        let age = if minor { "minderjarig" } else { "meerderjarig" };
        referral.resident = format!("{} ({age}) van {}", relation.label(), referral.resident);
    }
    let (birth_date, triage) = if household.is_some() {
        (None, Vec::new())
    } else {
        let birth_date = tx.resident_birth_date(stored.resident_id).await?;
        // Of the triage, only the life domains the referral is about.
        let mut triage = tx.case_triage(referral.case_id).await?;
        triage.retain(|t| referral.domains.contains(&t.domain));
        (birth_date, triage)
    };
    let notes = tx.referral_notes(referral.id).await?;
    Ok(ReferralDetail {
        referral,
        birth_date,
        triage,
        notes,
    })
}

/// Checks that the actor may do `action` on this referral (a partner user only on those
/// to their own organisation) and logs it.
async fn enter_referral(
    tx: &mut Tx,
    actor: &Actor,
    action: Action,
    referral_id: ReferralId,
    detail: &str,
) -> Result<StoredReferral> {
    // As for a case: a role that may never is refused before the lookup, any other
    // refusal answers as for an id not in use.
    gate::may_ever(actor, action)?;
    let stored = tx.referral_by_id(referral_id).await?;
    let municipality = stored.municipality_code.as_str();
    authorize_referral(actor, action, municipality, stored.referral.partner_id)
        .map_err(Error::Hidden)?;
    let permit = gate::check(actor, action, municipality).map_err(gate::hidden)?;
    log_referral(tx, permit, &stored, detail).await?;
    Ok(stored)
}

/// Logs a processing of a referral, as one of its resident and case.
async fn log_referral(
    tx: &mut Tx,
    permit: gate::Permit<'_>,
    stored: &StoredReferral,
    detail: &str,
) -> Result<()> {
    let (resident, case) = (Some(stored.resident_id), Some(stored.referral.case_id));
    gate::log(tx, permit, resident, case, detail).await?;
    Ok(())
}

impl App {
    /// Refers the resident (or a household member) to a partner. A bought service is
    /// committed on its budget line; passing the cap needs `over_cap_reason`, else the
    /// answer is `Error::OverCap`.
    pub async fn create_referral(
        &self,
        actor: &Actor,
        case_id: CaseId,
        input: &ReferralInput,
    ) -> Result<ReferralId> {
        let reason = validate::text("de reden van de verwijzing", &input.reason, 1000, true)?;
        validate::not_future("De datum van de vraag", input.asked_on)?;
        let kind = if input.household_member_id.is_some() {
            Step::Household
        } else {
            Step::Refer
        };
        self.on_case_with(
            actor,
            "create_referral",
            case_id,
            kind,
            Edit::Add,
            async |tx, step| {
                tx.ensure_defaults(&actor.municipality, input.asked_on.year())
                    .await?;
                store_referral(tx, actor, step, input, &reason).await
            },
        )
        .await
    }

    /// Referrals, newest first: a coordinator's of the municipality, a partner user's own.
    pub async fn list_referrals(
        &self,
        actor: &Actor,
        filter: &ReferralFilter,
        before_id: Option<ReferralId>,
        limit: u32,
    ) -> Result<Page<Referral, ReferralId>> {
        let limit = limit.clamp(1, 200);
        self.read_in_municipality(actor, "list_referrals", Action::ListReferrals, async |tx| {
            // A partner user sees the referrals to their own organisation, nothing else.
            let partner = (!access::sees_all_referrals(actor.role))
                .then(|| actor.partner_id.unwrap_or(PartnerId(-1)));
            let rows = tx
                .list_referrals(&actor.municipality, partner, filter, before_id, limit)
                .await?;
            let more = rows.len() > limit as usize;
            let mut items: Vec<Referral> = rows.into_iter().take(limit as usize).collect();
            if !access::sees_all_referrals(actor.role) {
                items.iter_mut().for_each(|r| r.over_cap_reason = None);
            }
            let ids: Vec<String> = items.iter().map(|r| r.id.to_string()).collect();
            let cases: Vec<CaseId> = items.iter().map(|r| r.case_id).collect();
            let detail = format!("lijst van verwijzingen: {}", ids.join(","));
            let next = if more {
                items.last().map(|r| Cursor {
                    due: FAR_FUTURE,
                    id: r.id,
                })
            } else {
                None
            };
            Ok(Logged {
                answer: Page { items, next },
                cases,
                detail,
            })
        })
        .await
    }

    /// One referral with its progress, for the coordinator or the partner it goes to.
    pub async fn get_referral(
        &self,
        actor: &Actor,
        referral_id: ReferralId,
    ) -> Result<ReferralDetail> {
        self.gated(actor, "get_referral", async {
            let mut tx = self.db.read().await?;
            let detail = format!("verwijzing {referral_id} ingezien");
            let mut stored =
                enter_referral(&mut tx, actor, Action::ReadReferral, referral_id, &detail).await?;
            if !access::sees_all_referrals(actor.role) {
                // Why the budget cap was passed is the municipality's business, not the partner's.
                stored.referral.over_cap_reason = None;
            }
            let detail = referral_detail(&mut tx, stored).await?;
            tx.commit().await?;
            Ok(detail)
        })
        .await
    }

    /// A step on a referral (accept, start, progress, finish, return; a coordinator also
    /// withdraws), with its date and note.
    pub async fn referral_step(
        &self,
        actor: &Actor,
        referral_id: ReferralId,
        input: &ReferralStepInput,
    ) -> Result<()> {
        self.gated(actor, "referral_step", async {
            validate::not_future("De datum", input.date)?;
            let note = validate::text("de toelichting", &input.note, 2000, false)?;
            let mut tx = self.db.begin().await?;
            let detail = format!("verwijzing {referral_id}: {}", input.step.label());
            let stored =
                enter_referral(&mut tx, actor, Action::WriteReferral, referral_id, &detail).await?;
            // Refused before anything is committed: the log entry goes with the transaction.
            if input.step == ReferralStep::Withdraw && !access::may_withdraw_referral(actor.role) {
                return Err(Denied::Role(actor.role.label()).into());
            }
            apply_step(&mut tx, actor, &stored.referral, input, &note).await?;
            // A started or ended referral changes what the case needs next.
            case_step::refresh_action(&mut tx, stored.referral.case_id, &self.deadlines).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// The coordinator has seen a partner's report back (a finished or returned referral).
    pub async fn acknowledge_referral(&self, actor: &Actor, referral_id: ReferralId) -> Result<()> {
        self.gated(actor, "acknowledge_referral", async {
            let mut tx = self.db.begin().await?;
            gate::may_ever(actor, Action::WriteCase)?;
            let stored = tx.referral_by_id(referral_id).await?;
            let permit = gate::check(actor, Action::WriteCase, &stored.municipality_code)
                .map_err(gate::hidden)?;
            let detail = format!("terugmelding verwijzing {referral_id} gezien");
            log_referral(&mut tx, permit, &stored, &detail).await?;
            if !matches!(
                stored.referral.status,
                ReferralStatus::Finished | ReferralStatus::Returned
            ) {
                return Err(invalid(
                    "Alleen een afgeronde of teruggegeven verwijzing kan als gezien worden gemarkeerd.",
                ));
            }
            tx.set_referral_acknowledged(referral_id).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Asks the access policy about one referral before a request is handled further (a
    /// partner user only for their own organisation's); a refusal is written to the
    /// security log. Reads no personal data.
    pub async fn permit_referral(
        &self,
        actor: &Actor,
        action: Action,
        referral_id: ReferralId,
    ) -> Result<()> {
        let operation = format!("{} (verwijzing {referral_id})", action.code());
        if let Err(Error::Denied(denied)) = gate::may_ever(actor, action) {
            self.record_refusal(actor, &operation, &denied).await;
            return Err(denied.into());
        }
        let mut tx = self.db.autocommit().await?;
        let (municipality, partner) = tx
            .referral_owner(referral_id)
            .await?
            .ok_or(Error::NotFound)?;
        drop(tx);
        if let Err(denied) = authorize_referral(actor, action, &municipality, partner) {
            self.record_refusal(actor, &operation, &denied).await;
            return Err(Error::Hidden(denied));
        }
        Ok(())
    }
}
