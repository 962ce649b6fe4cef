//! Who may do what: the one access policy every use case asks.
//!
//! This is the first cut for the core workflow: coordinators work on the cases of their
//! own municipality and administrators manage users without seeing case content. The
//! other roles exist so that accounts can be made, and are refused case content until
//! their need-to-know rules (referrals, agenda, pseudonymised data) are built.

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
    }
}

/// The person (or API client) acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    /// CBS code of the municipality the user works for.
    pub municipality: String,
}

code_enum! {
    /// What an actor wants to do. Each is logged in the processing log when it touches
    /// personal data.
    Action {
        ListCases = "list_cases" => "Casussen opvragen",
        ReadCase = "read_case" => "Casus inzien",
        WriteCase = "write_case" => "Casus wijzigen",
        CreateNotification = "create_notification" => "Melding registreren",
        ManageUsers = "manage_users" => "Gebruikers beheren",
    }
}

/// Why access was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("Uw rol ({0}) geeft geen toegang tot deze gegevens.")]
    Role(&'static str),
    #[error("Deze casus hoort bij een andere gemeente.")]
    OtherMunicipality,
}

/// Decides whether `actor` may perform `action` on data of `municipality`. Fails closed:
/// anything not granted here is refused.
pub fn authorize(actor: &Actor, action: Action, municipality: &str) -> Result<(), Denied> {
    let granted = match actor.role {
        Role::Coordinator => !matches!(action, Action::ManageUsers),
        Role::Administrator => matches!(action, Action::ManageUsers),
        _ => false,
    };
    if !granted {
        return Err(Denied::Role(actor.role.label()));
    }
    if action != Action::ManageUsers && actor.municipality != municipality {
        return Err(Denied::OtherMunicipality);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor {
            user_id: 1,
            username: "x".into(),
            role,
            municipality: "1783".into(),
        }
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
    }

    #[test]
    fn administrators_manage_users_but_see_no_case_content() {
        let a = actor(Role::Administrator);
        assert_eq!(authorize(&a, Action::ManageUsers, "1783"), Ok(()));
        assert!(authorize(&a, Action::ReadCase, "1783").is_err());
        assert!(authorize(&a, Action::ListCases, "1783").is_err());
    }

    #[test]
    fn roles_without_rules_yet_are_refused_everything() {
        for role in [
            Role::SktCareDirector,
            Role::ExodusWorker,
            Role::SafetyChamber,
            Role::PolicyAdvisor,
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
}
