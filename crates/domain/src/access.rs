//! Who may do what: the one access policy every use case asks.
//!
//! Coordinators work on the cases of their own municipality; administrators manage users
//! and partners without seeing case content; SKT care directors and Exodus workers see
//! and work on the referrals to their own organisation only; the policy advisor sees
//! aggregated figures and pseudonymised exports, never a case.

use crate::ids::{PartnerId, UserId};
use crate::notification::MunicipalityCode;

code_enum! {
    /// A user's role.
    Role {
        Coordinator = "coordinator" => "Nazorgcoördinator",
        SubstituteCoordinator = "substitute_coordinator" => "Vervangend nazorgcoördinator",
        SktCareDirector = "skt_care_director" => "Zorgregisseur SKT",
        ExodusWorker = "exodus_worker" => "Medewerker Exodus",
        SafetyChamber = "safety_chamber" => "Lid Veiligheidskamer",
        PolicyAdvisor = "policy_advisor" => "Beleidsadviseur",
        Administrator = "administrator" => "Beheerder",
        RegionAdministrator = "region_administrator" => "Regiobeheerder",
    }
}

code_enum! {
    /// What an API token may be used for (a machine client gets only what it needs).
    TokenScope {
        Read = "read" => "Lezen",
        Write = "write" => "Wijzigen",
        Notifications = "notifications" => "Alleen meldingen aanleveren",
    }
}

impl TokenScope {
    /// Whether a token with `scopes` may make this request (`write` covers notifications).
    pub fn allows(scopes: &[TokenScope], method_is_read: bool, is_notification: bool) -> bool {
        if method_is_read {
            scopes.contains(&TokenScope::Read)
        } else if is_notification {
            scopes.contains(&TokenScope::Notifications) || scopes.contains(&TokenScope::Write)
        } else {
            scopes.contains(&TokenScope::Write)
        }
    }

    /// Whether a token with `scopes` may only deliver notifications: its client hears that
    /// one arrived, not what became of it (that would be reading).
    pub fn delivers_only(scopes: &[TokenScope]) -> bool {
        !scopes.contains(&TokenScope::Read) && !scopes.contains(&TokenScope::Write)
    }
}

/// The person (or API client) acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub username: String,
    pub role: Role,
    /// CBS code of the municipality the user works for.
    pub municipality: MunicipalityCode,
    /// The partner organisation a partner user works for (SKT, Exodus).
    pub partner_id: Option<PartnerId>,
    /// A substitute coordinator with a substitution running today: they then have a
    /// coordinator's rights, and only then.
    pub substituting: bool,
}

impl Actor {
    /// The user account acting; `None` for the system itself (imports, daily jobs), whose
    /// actor has no account (user id 0).
    pub fn account(&self) -> Option<UserId> {
        (self.user_id > UserId(0)).then_some(self.user_id)
    }
}

code_enum! {
    /// What an actor wants to do. Each is logged in the processing log when it touches
    /// personal data.
    Action {
        ListCases = "list_cases" => "Casussen opvragen",
        ReadCase = "read_case" => "Casus inzien",
        WriteCase = "write_case" => "Casus wijzigen",
        CreateNotification = "create_notification" => "Melding registreren",
        ListReferrals = "list_referrals" => "Verwijzingen opvragen",
        ReadReferral = "read_referral" => "Verwijzing inzien",
        WriteReferral = "write_referral" => "Verwijzing bijwerken",
        ReadBudget = "read_budget" => "Budget inzien",
        ManageBudget = "manage_budget" => "Budget beheren",
        ManageAbsences = "manage_absences" => "Afwezigheid en vervanging beheren",
        ManageUsers = "manage_users" => "Gebruikers beheren",
        ManagePartners = "manage_partners" => "Ketenpartners beheren",
        ReadReports = "read_reports" => "Monitor en evaluatie inzien",
        ManageReportSettings = "manage_report_settings" => "Aannames van de capaciteitsraming beheren",
        ExportPseudonymised = "export_pseudonymised" => "Gepseudonimiseerde gegevens exporteren",
        ApplyRetention = "apply_retention" => "Bewaartermijn toepassen (anonimiseren)",
        ListSafetyAgenda = "list_safety_agenda" => "Agenda van de Veiligheidskamer inzien",
        ManageRegister = "manage_register" => "Register van verwerkingsactiviteiten beheren",
        ReadDirectedCase = "read_directed_case" => "Casus met eigen casusregie inzien",
        LookupBrp = "lookup_brp" => "Inschrijving opvragen in de BRP",
        SyncZaak = "sync_zaak" => "Zaak bijwerken in het zaaksysteem",
        ManageMunicipalities = "manage_municipalities" => "Gemeenten van de installatie beheren",
    }
}

/// Why access was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("Uw rol ({0}) geeft geen toegang tot deze gegevens.")]
    Role(&'static str),
    #[error("Deze casus hoort bij een andere gemeente.")]
    OtherMunicipality,
    #[error("Deze verwijzing is niet aan uw organisatie gericht.")]
    OtherPartner,
    #[error("Deze casus staat niet op de agenda van de Veiligheidskamer.")]
    NotOnAgenda,
    #[error("Uw organisatie heeft niet de casusregie over deze casus.")]
    NotDirected,
    #[error(
        "Een regiobeheerder voegt alleen beheerders toe; de beheerder van de gemeente voegt haar medewerkers toe."
    )]
    RegionAddsAdministrators,
    #[error("Alleen een regiobeheerder voegt een regiobeheerder toe.")]
    OnlyRegionAddsRegion,
}

/// Decides whether `actor` may perform `action` on data of `municipality`. Fails closed:
/// anything not granted here is refused.
pub fn authorize(actor: &Actor, action: Action, municipality: &str) -> Result<(), Denied> {
    use Action::*;
    let granted = match actor.role {
        Role::Coordinator => !matches!(
            action,
            ManageUsers | ManagePartners | ApplyRetention | ManageRegister | ManageMunicipalities
        ),
        Role::SubstituteCoordinator if actor.substituting => !matches!(
            action,
            ManageUsers | ManagePartners | ApplyRetention | ManageRegister | ManageMunicipalities
        ),
        // Users, partners and the retention job: no case content.
        Role::Administrator => matches!(
            action,
            ManageUsers | ManagePartners | ApplyRetention | ManageRegister
        ),
        // The chamber's agenda; the cases on it are read through `authorize_case`.
        Role::SafetyChamber => matches!(action, ListSafetyAgenda),
        // Aggregated and pseudonymised figures only: never a name, a BSN or a case.
        Role::PolicyAdvisor => matches!(
            action,
            ReadReports | ManageReportSettings | ExportPseudonymised
        ),
        // The installation's municipalities and their administrators; no case content.
        Role::RegionAdministrator => matches!(action, ManageMunicipalities),
        Role::SktCareDirector | Role::ExodusWorker => {
            actor.partner_id.is_some()
                && matches!(
                    action,
                    ListReferrals | ReadReferral | WriteReferral | ReadDirectedCase
                )
        }
        _ => false,
    };
    if !granted {
        return Err(Denied::Role(actor.role.label()));
    }
    // The municipalities are the installation's, not one municipality's.
    if action != ManageMunicipalities && actor.municipality != municipality {
        return Err(Denied::OtherMunicipality);
    }
    Ok(())
}

/// Decides on adding an account with `role` to `municipality`: a municipality's
/// administrator adds its own users (not a region administrator); a region administrator
/// adds administrators (of a municipality or of the region) to any municipality of the
/// installation, and no one who works on cases.
pub fn authorize_account(actor: &Actor, role: Role, municipality: &str) -> Result<(), Denied> {
    if actor.role == Role::RegionAdministrator {
        authorize(actor, Action::ManageMunicipalities, municipality)?;
    } else {
        authorize(actor, Action::ManageUsers, municipality)?;
    }
    match (actor.role, role) {
        (Role::RegionAdministrator, Role::Administrator | Role::RegionAdministrator) => Ok(()),
        (Role::RegionAdministrator, _) => Err(Denied::RegionAddsAdministrators),
        (_, Role::RegionAdministrator) => Err(Denied::OnlyRegionAddsRegion),
        _ => Ok(()),
    }
}

/// Decides on one case: as `authorize`, and a safety-chamber member may read a case of
/// their municipality while it is on the chamber's agenda (and only read it).
pub fn authorize_case(
    actor: &Actor,
    action: Action,
    municipality: &str,
    on_safety_agenda: bool,
) -> Result<(), Denied> {
    if actor.role == Role::SafetyChamber && action == Action::ReadCase && on_safety_agenda {
        return if actor.municipality == municipality {
            Ok(())
        } else {
            Err(Denied::OtherMunicipality)
        };
    }
    if actor.role == Role::SafetyChamber && action == Action::ReadCase {
        return Err(Denied::NotOnAgenda);
    }
    authorize(actor, action, municipality)
}

/// Decides on reading a case in the limited view of the one who directs it: coordinators
/// always; an SKT care director when the SKT directs the case, an Exodus worker when Exodus
/// does.
pub fn authorize_directed(
    actor: &Actor,
    municipality: &str,
    direction: Option<crate::triage::Direction>,
) -> Result<(), Denied> {
    use crate::triage::Direction;
    authorize(actor, Action::ReadDirectedCase, municipality)?;
    match (actor.role, direction) {
        (Role::Coordinator | Role::SubstituteCoordinator, _) => Ok(()),
        (Role::SktCareDirector, Some(Direction::Skt)) => Ok(()),
        (Role::ExodusWorker, Some(Direction::Exodus)) => Ok(()),
        _ => Err(Denied::NotDirected),
    }
}

/// Decides on one referral: a partner user only reaches the referrals to their own
/// organisation; a coordinator every referral of the municipality.
pub fn authorize_referral(
    actor: &Actor,
    action: Action,
    municipality: &str,
    partner_id: PartnerId,
) -> Result<(), Denied> {
    authorize(actor, action, municipality)?;
    match actor.role {
        Role::Coordinator | Role::SubstituteCoordinator => Ok(()),
        _ if actor.partner_id == Some(partner_id) => Ok(()),
        _ => Err(Denied::OtherPartner),
    }
}

/// Whether the role works for a partner organisation (and must be linked to one).
pub fn is_partner_role(role: Role) -> bool {
    matches!(role, Role::SktCareDirector | Role::ExodusWorker)
}

/// A page of the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Page {
    Work,
    Cases,
    Referrals,
    Budget,
    NewNotification,
    Absence,
    SafetyAgenda,
    Monitor,
    Evaluation,
    Outlook,
    Users,
    Partners,
    Register,
    Municipalities,
}

impl Page {
    /// The page's address.
    pub fn path(self) -> &'static str {
        match self {
            Page::Work => "/mijn-werk",
            Page::Cases => "/casussen",
            Page::Referrals => "/verwijzingen",
            Page::Budget => "/budget",
            Page::NewNotification => "/meldingen/nieuw",
            Page::Absence => "/afwezigheid",
            Page::SafetyAgenda => "/veiligheidskamer",
            Page::Monitor => "/monitor",
            Page::Evaluation => "/evaluatie",
            Page::Outlook => "/prognose",
            Page::Users => "/gebruikers",
            Page::Partners => "/ketenpartners",
            Page::Register => "/verwerkingsregister",
            Page::Municipalities => "/gemeenten",
        }
    }
}

/// One item of a role's menu: the page and its Dutch name for that role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MenuItem {
    pub page: Page,
    pub label: &'static str,
    /// Other pages under this item (it is marked current on them too).
    pub also: &'static [Page],
}

const fn item(page: Page, label: &'static str) -> MenuItem {
    MenuItem {
        page,
        label,
        also: &[],
    }
}

const COORDINATOR_MENU: &[MenuItem] = &[
    item(Page::Work, "Mijn werk"),
    item(Page::Cases, "Casussen"),
    item(Page::Referrals, "Verwijzingen"),
    item(Page::Budget, "Budget"),
    item(Page::NewNotification, "Melding invoeren"),
    item(Page::Absence, "Afwezigheid"),
    item(Page::SafetyAgenda, "Veiligheidskamer"),
    MenuItem {
        page: Page::Monitor,
        label: "Monitor",
        also: &[Page::Evaluation, Page::Outlook],
    },
];

const ADMINISTRATOR_MENU: &[MenuItem] = &[
    item(Page::Users, "Gebruikers"),
    item(Page::Partners, "Ketenpartners"),
    item(Page::Register, "Verwerkingsregister"),
];

const REGION_MENU: &[MenuItem] = &[item(Page::Municipalities, "Gemeenten")];

const POLICY_MENU: &[MenuItem] = &[
    item(Page::Monitor, "Monitor"),
    item(Page::Evaluation, "Evaluatie"),
    item(Page::Outlook, "Prognose"),
];

const SAFETY_MENU: &[MenuItem] = &[item(Page::SafetyAgenda, "Agenda Veiligheidskamer")];

const PARTNER_MENU: &[MenuItem] = &[item(Page::Referrals, "Mijn verwijzingen")];

/// The menu a role sees: only pages its rights reach.
pub fn menu(role: Role) -> &'static [MenuItem] {
    match role {
        Role::Administrator => ADMINISTRATOR_MENU,
        Role::RegionAdministrator => REGION_MENU,
        Role::PolicyAdvisor => POLICY_MENU,
        Role::SafetyChamber => SAFETY_MENU,
        Role::SktCareDirector | Role::ExodusWorker => PARTNER_MENU,
        Role::Coordinator | Role::SubstituteCoordinator => COORDINATOR_MENU,
    }
}

/// Where a role lands after signing in (and on the start page).
pub fn landing(role: Role) -> Page {
    match role {
        Role::Administrator => Page::Users,
        Role::RegionAdministrator => Page::Municipalities,
        Role::PolicyAdvisor => Page::Monitor,
        Role::SafetyChamber => Page::SafetyAgenda,
        Role::SktCareDirector | Role::ExodusWorker => Page::Referrals,
        Role::Coordinator | Role::SubstituteCoordinator => Page::Work,
    }
}

/// Whether a role works on cases (it sees the worklist count in its menu).
pub fn works_cases(role: Role) -> bool {
    matches!(role, Role::Coordinator | Role::SubstituteCoordinator)
}

/// Where a role goes after signing in: a coordinator to the page they asked for (`None`),
/// every other role to its own page.
pub fn after_sign_in(role: Role) -> Option<Page> {
    (!works_cases(role)).then(|| landing(role))
}

/// Whether a role works on every referral of its municipality (a coordinator), rather
/// than only on those to its own organisation (a partner user).
pub fn sees_all_referrals(role: Role) -> bool {
    works_cases(role)
}

/// Whether a role may withdraw a referral (the partner gives it back instead).
pub fn may_withdraw_referral(role: Role) -> bool {
    works_cases(role)
}

/// The case direction whose cases a partner role directs, if it is one.
pub fn directs(role: Role) -> Option<crate::triage::Direction> {
    match role {
        Role::SktCareDirector => Some(crate::triage::Direction::Skt),
        Role::ExodusWorker => Some(crate::triage::Direction::Exodus),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_coordinator_returns_to_the_page_asked_for_and_every_other_role_lands_on_its_own() {
        assert_eq!(after_sign_in(Role::Coordinator), None);
        assert_eq!(after_sign_in(Role::SubstituteCoordinator), None);
        assert_eq!(after_sign_in(Role::PolicyAdvisor), Some(Page::Monitor));
        assert_eq!(after_sign_in(Role::SafetyChamber), Some(Page::SafetyAgenda));
        assert_eq!(after_sign_in(Role::Administrator), Some(Page::Users));
        assert_eq!(after_sign_in(Role::ExodusWorker), Some(Page::Referrals));
    }

    #[test]
    fn only_the_municipality_withdraws_referrals_and_partners_direct_their_own_cases() {
        assert!(may_withdraw_referral(Role::Coordinator));
        assert!(!may_withdraw_referral(Role::SktCareDirector));
        assert!(sees_all_referrals(Role::SubstituteCoordinator));
        assert!(!sees_all_referrals(Role::ExodusWorker));
        assert_eq!(
            directs(Role::SktCareDirector),
            Some(crate::triage::Direction::Skt)
        );
        assert_eq!(
            directs(Role::ExodusWorker),
            Some(crate::triage::Direction::Exodus)
        );
        assert_eq!(directs(Role::Coordinator), None);
    }

    fn actor(role: Role) -> Actor {
        Actor {
            user_id: UserId(1),
            username: "x".into(),
            role,
            municipality: "1783".parse().unwrap(),
            partner_id: None,
            substituting: false,
        }
    }

    #[test]
    fn token_scopes_limit_what_a_client_may_do() {
        use TokenScope::*;
        assert!(TokenScope::allows(&[Read], true, false));
        assert!(!TokenScope::allows(&[Read], false, false));
        assert!(
            !TokenScope::allows(&[Notifications], true, false),
            "a feed cannot read cases"
        );
        assert!(TokenScope::allows(&[Notifications], false, true));
        assert!(!TokenScope::allows(&[Notifications], false, false));
        assert!(TokenScope::allows(&[Write], false, true));
    }

    #[test]
    fn coordinators_work_on_cases_of_their_own_municipality_only() {
        let c = actor(Role::Coordinator);
        for action in [
            Action::ListCases,
            Action::ReadCase,
            Action::WriteCase,
            Action::CreateNotification,
        ] {
            assert_eq!(authorize(&c, action, "1783"), Ok(()));
            assert_eq!(
                authorize(&c, action, "0603"),
                Err(Denied::OtherMunicipality)
            );
        }
        assert!(authorize(&c, Action::ManageUsers, "1783").is_err());
        assert!(authorize(&c, Action::ManagePartners, "1783").is_err());
        assert_eq!(authorize(&c, Action::ManageBudget, "1783"), Ok(()));
    }

    #[test]
    fn administrators_manage_users_but_see_no_case_content() {
        let a = actor(Role::Administrator);
        assert_eq!(authorize(&a, Action::ManageUsers, "1783"), Ok(()));
        assert_eq!(authorize(&a, Action::ManagePartners, "1783"), Ok(()));
        assert!(authorize(&a, Action::ReadCase, "1783").is_err());
        assert!(authorize(&a, Action::ListCases, "1783").is_err());
        assert!(authorize(&a, Action::ReadReferral, "1783").is_err());
    }

    #[test]
    fn a_substitute_has_a_coordinators_rights_only_while_substituting() {
        let idle = actor(Role::SubstituteCoordinator);
        assert!(authorize(&idle, Action::ReadCase, "1783").is_err());
        let active = Actor {
            substituting: true,
            ..actor(Role::SubstituteCoordinator)
        };
        assert_eq!(authorize(&active, Action::ReadCase, "1783"), Ok(()));
        assert_eq!(authorize(&active, Action::WriteCase, "1783"), Ok(()));
        assert!(authorize(&active, Action::ManageUsers, "1783").is_err());
        assert!(authorize(&active, Action::ReadCase, "0603").is_err());
    }

    #[test]
    fn partner_users_reach_only_the_referrals_to_their_own_organisation() {
        let exodus = Actor {
            partner_id: Some(PartnerId(2)),
            ..actor(Role::ExodusWorker)
        };
        assert_eq!(
            authorize_referral(&exodus, Action::ReadReferral, "1783", PartnerId(2)),
            Ok(())
        );
        assert_eq!(
            authorize_referral(&exodus, Action::WriteReferral, "1783", PartnerId(2)),
            Ok(())
        );
        assert_eq!(
            authorize_referral(&exodus, Action::ReadReferral, "1783", PartnerId(1)),
            Err(Denied::OtherPartner)
        );
        assert!(
            authorize(&exodus, Action::ReadCase, "1783").is_err(),
            "no full case"
        );
        assert!(authorize(&exodus, Action::ListCases, "1783").is_err());
        assert!(authorize(&exodus, Action::ReadBudget, "1783").is_err());
        let unlinked = actor(Role::SktCareDirector);
        assert!(
            authorize(&unlinked, Action::ListReferrals, "1783").is_err(),
            "a partner user without partner sees nothing"
        );
        let coordinator = actor(Role::Coordinator);
        assert_eq!(
            authorize_referral(&coordinator, Action::WriteReferral, "1783", PartnerId(7)),
            Ok(())
        );
        assert!(
            authorize_referral(&coordinator, Action::WriteReferral, "0603", PartnerId(7)).is_err()
        );
    }

    #[test]
    fn a_safety_chamber_member_reads_only_the_cases_on_its_agenda() {
        let v = actor(Role::SafetyChamber);
        assert_eq!(authorize_case(&v, Action::ReadCase, "1783", true), Ok(()));
        assert_eq!(
            authorize_case(&v, Action::ReadCase, "1783", false),
            Err(Denied::NotOnAgenda)
        );
        assert_eq!(
            authorize_case(&v, Action::ReadCase, "0603", true),
            Err(Denied::OtherMunicipality)
        );
        assert!(authorize_case(&v, Action::WriteCase, "1783", true).is_err());
        assert!(authorize(&v, Action::ListCases, "1783").is_err());
        assert_eq!(authorize(&v, Action::ListSafetyAgenda, "1783"), Ok(()));
        let c = actor(Role::Coordinator);
        assert_eq!(authorize_case(&c, Action::WriteCase, "1783", false), Ok(()));
    }

    #[test]
    fn partner_users_read_the_cases_their_organisation_directs() {
        use crate::triage::Direction;
        let skt = Actor {
            partner_id: Some(PartnerId(1)),
            ..actor(Role::SktCareDirector)
        };
        let exodus = Actor {
            partner_id: Some(PartnerId(2)),
            ..actor(Role::ExodusWorker)
        };
        assert_eq!(
            authorize_directed(&skt, "1783", Some(Direction::Skt)),
            Ok(())
        );
        assert_eq!(
            authorize_directed(&skt, "1783", Some(Direction::Exodus)),
            Err(Denied::NotDirected)
        );
        assert_eq!(
            authorize_directed(&exodus, "1783", Some(Direction::Exodus)),
            Ok(())
        );
        assert!(authorize_directed(&exodus, "1783", None).is_err());
        assert!(authorize_directed(&skt, "0603", Some(Direction::Skt)).is_err());
        assert!(
            authorize(&skt, Action::ReadCase, "1783").is_err(),
            "never the full case"
        );
        let unlinked = actor(Role::SktCareDirector);
        assert!(authorize_directed(&unlinked, "1783", Some(Direction::Skt)).is_err());
    }

    #[test]
    fn the_policy_advisor_sees_figures_and_no_case() {
        let p = actor(Role::PolicyAdvisor);
        for action in Action::ALL {
            let figures = matches!(
                action,
                Action::ReadReports | Action::ManageReportSettings | Action::ExportPseudonymised
            );
            assert_eq!(
                authorize(&p, *action, "1783").is_ok(),
                figures,
                "{action:?}"
            );
        }
        assert!(authorize(&p, Action::ReadReports, "0603").is_err());
    }

    #[test]
    fn a_region_administrator_adds_municipalities_and_their_administrators_only() {
        let r = actor(Role::RegionAdministrator);
        for action in Action::ALL {
            let region = matches!(action, Action::ManageMunicipalities);
            assert_eq!(authorize(&r, *action, "0503").is_ok(), region, "{action:?}");
        }
        assert_eq!(authorize_account(&r, Role::Administrator, "0503"), Ok(()));
        assert_eq!(
            authorize_account(&r, Role::RegionAdministrator, "1783"),
            Ok(())
        );
        assert_eq!(
            authorize_account(&r, Role::Coordinator, "0503"),
            Err(Denied::RegionAddsAdministrators)
        );
        let a = actor(Role::Administrator);
        assert_eq!(authorize_account(&a, Role::Coordinator, "1783"), Ok(()));
        assert_eq!(
            authorize_account(&a, Role::Coordinator, "0503"),
            Err(Denied::OtherMunicipality)
        );
        assert_eq!(
            authorize_account(&a, Role::RegionAdministrator, "1783"),
            Err(Denied::OnlyRegionAddsRegion)
        );
        for role in Role::ALL {
            let may = authorize(&actor(*role), Action::ManageMunicipalities, "1783").is_ok();
            assert_eq!(may, *role == Role::RegionAdministrator, "{role:?}");
        }
    }

    #[test]
    fn roles_without_rules_yet_are_refused_everything() {
        for role in [
            Role::SktCareDirector,
            Role::ExodusWorker,
            Role::SubstituteCoordinator,
        ] {
            for action in Action::ALL {
                assert!(
                    authorize(&actor(role), *action, "1783").is_err(),
                    "{role:?} {action:?}"
                );
            }
        }
    }

    #[test]
    fn every_role_lands_on_a_page_of_its_own_menu_that_its_rights_reach() {
        for role in Role::ALL {
            let landing = landing(*role);
            assert!(
                menu(*role).iter().any(|m| m.page == landing),
                "{role:?} lands outside its menu"
            );
        }
        assert_eq!(landing(Role::Coordinator).path(), "/mijn-werk");
        assert!(
            menu(Role::PolicyAdvisor)
                .iter()
                .all(|m| !matches!(m.page, Page::Cases | Page::Work))
        );
        assert!(
            menu(Role::Administrator)
                .iter()
                .all(|m| m.page != Page::Cases)
        );
    }
}
