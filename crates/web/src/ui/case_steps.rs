//! The steps of a case, one route and one typed form each, posted from the case page:
//! on success back to the page's section, when refused the page again with the reason.

use super::case_page::{OverCapView, case_view_page};
use super::{Notice, Shown, ShownVersion, Signed, UiPath, UiQuery, UiTyped, posted};
use crate::AppState;
use crate::auth::UiUser;
use crate::error::AppError;
use crate::forms::{
    AppointmentForm, CloseForm, CoordinatorForm, FactsForm, ReferralForm, SafetyOutcomeForm,
    TriageForm,
};
use crate::input::{
    AgreementDoneForm, AgreementIn, BsnForm, ContactIn, DirectionForm, HouseholdIn, OfferForm,
    OverrideForm, ReadinessForm, ReleaseForm, SafetyItemIn, at, date,
};
use crate::pages::{Typed, UiError};
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use nazorg_app::SafetyOutcome;
use nazorg_domain::access::Action;
use nazorg_domain::ids::{AgreementId, CaseId};

pub fn router() -> Router<AppState> {
    table_routes()
        .route(
            "/casussen/{id}/afspraken/{agreement_id}",
            post(agreement_done),
        )
        .route("/casussen/{id}/verwijzingen", post(refer))
        .route("/casussen/{id}/signalen/{signal_id}", post(handle_signal))
        .route("/casussen/{id}/brp", post(brp_lookup))
}

/// A form that is only a button.
#[derive(serde::Deserialize)]
struct Button {}

/// "Opnieuw opvragen in de BRP": the lookup is put in the outbox; the page says it waits.
async fn brp_lookup(
    Signed { s, user }: Signed,
    UiPath(id): UiPath<CaseId>,
    UiTyped(Button {}, typed): UiTyped<Button>,
) -> Result<Response, UiError> {
    let result = s
        .app
        .request_brp_lookup(&user.actor, id)
        .await
        .map_err(AppError::from);
    run_step(&s, &user, id, "BRP", ("brp", typed, None), result).await
}

/// Answers a step: redirected to the section on success; when refused, the same page
/// with the reason on top and in the form, which shows what was typed (`typed`).
async fn run_step(
    s: &AppState,
    user: &UiUser,
    id: CaseId,
    label: &str,
    (anchor, typed, shown): (&str, Vec<(String, String)>, Option<i64>),
    result: Result<(), AppError>,
) -> Result<Response, UiError> {
    let saved = format!("/casussen/{id}?opgeslagen={anchor}#{anchor}");
    // Shown again after a change meanwhile, the form is saved over it (it is on the page
    // now); after any other refusal, still against the version first shown.
    let kept = shown.filter(|_| !matches!(result, Err(AppError::Stale(_))));
    posted(result, Shown::InvalidOrConflict)?
        .answer(&saved, async |notice| {
            // The reason names the section it is about.
            let reason = notice.error.clone().unwrap_or_default();
            let error = notice.error.map(|error| format!("{label}: {error}"));
            // The form says which of the page's forms it is (`forms::case_form`).
            let form = typed
                .iter()
                .find(|(n, _)| n == "formulier")
                .map_or(anchor.to_string(), |(_, v)| v.clone());
            let typed = Typed::new(form, typed, reason)
                .keeping_version(kept)
                .on_field(notice.field);
            case_view_page(s, user, id, Notice { error, ..notice }, None, typed).await
        })
        .await
}

/// The steps posted from the case page: per step its handler, the method and path of its
/// route (in `table_routes`), its form, whether it `[replaces]` values (then it is checked
/// against the version the page was shown with, `seen`), the section it answers with (its
/// name for the error, its anchor) and the use case it calls when that is not the use
/// case of the same name with the parsed form. Each handler checks that the case is
/// writable by the user, then `run_step` answers.
macro_rules! case_steps {
    (|$s:ident, $actor:ident, $id:ident, $f:ident, $seen:ident|
     $($name:ident: $method:ident $path:literal ($form:ty) $([$replaces:ident])? => $label:literal at $anchor:literal $($call:block)?;)*) => {
        $(
            async fn $name(
                Signed { s: $s, user }: Signed,
                UiPath($id): UiPath<CaseId>,
                UiQuery(shown): UiQuery<ShownVersion>,
                UiTyped($f, typed): UiTyped<$form>,
            ) -> Result<Response, UiError> {
                $s.app
                    .permit(&user.actor, Action::WriteCase, Some($id))
                    .await?;
                let $actor = &user.actor;
                let result = async {
                    #[allow(unused_variables)]
                    let $seen = shown.seen()?;
                    case_steps!(@call [$($replaces)?] $($call)?; $s.app.$name($actor, $id, $seen, &$f.parse()?).await?; $s.app.$name($actor, $id, &$f.parse()?).await?);
                    Ok::<(), AppError>(())
                }
                .await;
                run_step(&$s, &user, $id, $label, ($anchor, typed, shown.versie), result).await
            }
        )*

        /// The routes of the steps of the table.
        fn table_routes() -> Router<AppState> {
            Router::new()$(.route($path, $method($name)))*
        }
    };
    (@call [$($replaces:ident)?] $call:block; $replacing:expr; $adding:expr) => { $call };
    (@call [replaces]; $replacing:expr; $adding:expr) => { $replacing };
    (@call []; $replacing:expr; $adding:expr) => { $adding };
}

case_steps! { |s, actor, id, f, seen|
    record_offer: post "/casussen/{id}/aanbod" (OfferForm) [replaces] => "Contact en aanbod" at "aanbod";
    record_triage: post "/casussen/{id}/triage" (TriageForm) [replaces] => "Triage" at "triage";
    decide_direction: post "/casussen/{id}/regie" (DirectionForm) [replaces] => "Casusregie" at "regie";
    add_agreement: post "/casussen/{id}/afspraken" (AgreementIn) => "Afspraak" at "plan";
    set_readiness: post "/casussen/{id}/checklist" (ReadinessForm) [replaces]
        => "Checklist vrijlating" at "checklist" {
        s.app.set_readiness(actor, id, seen, &f.parse()).await?
    };
    record_release: post "/casussen/{id}/vrijlating" (ReleaseForm) [replaces] => "Vrijlating" at "vrijlating" {
        s.app.record_release(actor, id, seen, at("date", date("de datum van vrijlating", &f.date))?).await?
    };
    log_contact: post "/casussen/{id}/contacten" (ContactIn) => "Contact" at "contacten";
    add_household_member: post "/casussen/{id}/gezinsleden" (HouseholdIn) => "Gezinslid" at "gezin";
    update_facts: post "/casussen/{id}/gegevens" (FactsForm) [replaces]
        => "Gegevens van de detentie" at "doelgroep";
    record_bsn: post "/casussen/{id}/bsn" (BsnForm) [replaces] => "BSN" at "overzicht";
    override_eligibility: post "/casussen/{id}/doelgroep" (OverrideForm) [replaces]
        => "Doelgroepbepaling" at "doelgroep";
    assign_coordinator: post "/casussen/{id}/coordinator" (CoordinatorForm) [replaces]
        => "Nazorgcoördinator" at "coordinator" {
        s.app.assign_coordinator(actor, id, seen, f.parse()?).await?
    };
    add_appointment: post "/casussen/{id}/afspraak" (AppointmentForm) => "Afspraak" at "contacten" {
        let (at, kind) = f.parse()?;
        s.app.add_appointment(actor, id, at, kind, &f.place).await?
    };
    add_safety_item: post "/casussen/{id}/veiligheidskamer" (SafetyItemIn)
        => "Veiligheidskamer" at "veiligheidskamer" {
        let put_on = at("put_on", date("de datum van de Veiligheidskamer", &f.put_on))?;
        s.app.add_safety_item(actor, id, put_on, &f.reason).await?
    };
    record_safety_outcome: post "/casussen/{id}/veiligheidskamer-uitkomst" (SafetyOutcomeForm) [replaces]
        => "Veiligheidskamer" at "veiligheidskamer" {
        let (item, discussed) = f.parse()?;
        let outcome = SafetyOutcome { item_id: item, discussed_on: discussed, outcome: &f.outcome, follow_up: &f.follow_up };
        s.app.record_safety_outcome(actor, id, seen, &outcome).await?
    };
    close_case: post "/casussen/{id}/afsluiten" (CloseForm) => "Afsluiten" at "afsluiten";
}

/// Marks an agreement of the plan done or open again.
async fn agreement_done(
    Signed { s, user }: Signed,
    UiPath((id, agreement_id)): UiPath<(CaseId, AgreementId)>,
    UiQuery(shown): UiQuery<ShownVersion>,
    UiTyped(f, typed): UiTyped<AgreementDoneForm>,
) -> Result<Response, UiError> {
    s.app
        .permit(&user.actor, Action::WriteCase, Some(id))
        .await?;
    let result = async {
        let seen = shown.seen()?;
        s.app
            .set_agreement_done(&user.actor, id, seen, agreement_id, f.done)
            .await?;
        Ok(())
    }
    .await;
    run_step(
        &s,
        &user,
        id,
        "Afspraak",
        ("plan", typed, shown.versie),
        result,
    )
    .await
}

/// How a signal is handled, as its buttons post it.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct SignalForm {
    afhandeling: String,
}

/// Handles a signal of the case page (seen; same person; the notification's identity).
async fn handle_signal(
    Signed { s, user }: Signed,
    UiPath((id, signal_id)): UiPath<(CaseId, i64)>,
    UiQuery(shown): UiQuery<ShownVersion>,
    UiTyped(f, typed): UiTyped<SignalForm>,
) -> Result<Response, UiError> {
    s.app
        .permit(&user.actor, Action::WriteCase, Some(id))
        .await?;
    let result = async {
        let how = crate::input::code("hoe het signaal is afgehandeld", &f.afhandeling)?;
        s.app.handle_signal(&user.actor, id, signal_id, how).await?;
        Ok(())
    }
    .await;
    let anchor = ("signalen", typed, shown.versie);
    run_step(&s, &user, id, "Signaal", anchor, result).await
}

/// A referral from the case page. Passing the budget cap shows the form again with a
/// warning that must be confirmed with a reason.
async fn refer(
    Signed { s, user }: Signed,
    UiPath(id): UiPath<CaseId>,
    UiTyped(f, typed): UiTyped<ReferralForm>,
) -> Result<Response, UiError> {
    s.app
        .permit(&user.actor, Action::WriteCase, Some(id))
        .await?;
    let anchor = if f.for_household() {
        "gezin"
    } else {
        "verwijzingen"
    };
    let today = nazorg_domain::dates::today_nl();
    let result = match f.parse(today) {
        Ok(input) => s
            .app
            .create_referral(&user.actor, id, &input)
            .await
            .map(|_| ())
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Err(AppError::OverCap(message)) => {
            let over_cap = OverCapView {
                message,
                partner_id: f.partner_id,
                domains: f.domains,
                reason: f.reason,
                service_kind_id: f.service_kind_id,
                asked_on: f.asked_on,
            };
            let notice = Notice {
                status: StatusCode::CONFLICT,
                ..Notice::shown(None)
            };
            case_view_page(&s, &user, id, notice, Some(over_cap), Typed::default()).await
        }
        result => run_step(&s, &user, id, "Verwijzing", (anchor, typed, None), result).await,
    }
}
