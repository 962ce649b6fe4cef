//! The register of processing activities (art. 30 GDPR), following the Logboek
//! Dataverwerkingen: every entry of the processing log names the activity it belongs to,
//! with that activity's purpose and legal ground as the register says at that moment. The
//! municipality can change the texts; these are the defaults.

use crate::access::Action;

/// The purpose stated for a processing whose activity is in no register (should not
/// happen: every action has an activity, which a unit test checks).
pub const FALLBACK_PURPOSE: &str =
    "Nazorg ex-gedetineerden (Wet straffen en beschermen; art. 10 AVG)";

/// One processing activity and its defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Activity {
    pub code: &'static str,
    pub name: &'static str,
    pub purpose: &'static str,
    pub legal_ground: &'static str,
}

const GROUND: &str = "Wet straffen en beschermen (nazorg); Wmo 2015 en Participatiewet; art. 6 lid 1 sub e, art. 9 en art. 10 AVG, art. 30 en 33 UAVG";

/// The default register.
pub const ACTIVITIES: &[Activity] = &[
    Activity {
        code: "nazorg_casus",
        name: "Nazorg ex-gedetineerden: casusregie",
        purpose: "Een inwoner die uit detentie komt helpen bij huisvesting, inkomen, identiteitsbewijs, zorg en netwerk",
        legal_ground: GROUND,
    },
    Activity {
        code: "verwijzing",
        name: "Verwijzing naar ketenpartners",
        purpose: "Ondersteuning door het Sociaal Kernteam, Exodus en andere ketenpartners inzetten en volgen",
        legal_ground: GROUND,
    },
    Activity {
        code: "veiligheidskamer",
        name: "Veiligheidskamer",
        purpose: "Casussen met veiligheidsrisico's bespreken in de Veiligheidskamer",
        legal_ground: "Wet straffen en beschermen; Gemeentewet art. 172 (openbare orde); art. 10 AVG, art. 33 UAVG",
    },
    Activity {
        code: "verantwoording",
        name: "Monitoring, evaluatie en verantwoording",
        purpose: "Bereik, resultaten, capaciteit en geld van de nazorg bepalen, geaggregeerd of gepseudonimiseerd",
        legal_ground: "Art. 6 lid 1 sub e en art. 89 AVG (statistiek), art. 24 UAVG",
    },
    Activity {
        code: "brp_bevraging",
        name: "Bevraging van de BRP",
        purpose: "Vaststellen of de inwoner tot de doelgroep hoort: inschrijving, gemeente van inschrijving en overlijden volgens de Basisregistratie Personen",
        legal_ground: "Wet basisregistratie personen art. 3.3 (verstrekking aan een overheidsorgaan); Wet straffen en beschermen (nazorg); art. 6 lid 1 sub e AVG",
    },
    Activity {
        code: "zaakregistratie",
        name: "Registratie in het zaaksysteem",
        purpose: "De casus als zaak in het zaaksysteem van de gemeente vastleggen (zaaktype, start, fasen en resultaat) voor de archivering en de verantwoording; zonder persoonsgegevens in de zaak",
        legal_ground: "Archiefwet 1995 art. 3 (archiefbescheiden in goede staat); Wet straffen en beschermen (nazorg); art. 6 lid 1 sub e AVG",
    },
    Activity {
        code: "bewaartermijn",
        name: "Bewaren en anonimiseren",
        purpose: "Gesloten casussen na de bewaartermijn anonimiseren",
        legal_ground: "Art. 5 lid 1 sub e AVG (opslagbeperking); Archiefwet",
    },
    Activity {
        code: "beheer",
        name: "Beheer en werkverdeling",
        purpose: "Gebruikers, ketenpartners, afwezigheid en vervanging beheren",
        legal_ground: "Art. 6 lid 1 sub e AVG",
    },
];

/// The activity a processing by `action` belongs to.
pub fn activity_of(action: Action) -> &'static str {
    use Action::*;
    match action {
        ListCases | ReadCase | WriteCase | CreateNotification | ReadDirectedCase => "nazorg_casus",
        ListReferrals | ReadReferral | WriteReferral => "verwijzing",
        ListSafetyAgenda => "veiligheidskamer",
        ReadBudget | ManageBudget | ReadReports | ManageReportSettings | ExportPseudonymised => {
            "verantwoording"
        }
        ApplyRetention => "bewaartermijn",
        LookupBrp => "brp_bevraging",
        SyncZaak => "zaakregistratie",
        ManageAbsences | ManageUsers | ManagePartners | ManageRegister | ManageMunicipalities => {
            "beheer"
        }
    }
}

/// The default of an activity.
pub fn default_activity(code: &str) -> Option<&'static Activity> {
    ACTIVITIES.iter().find(|a| a.code == code)
}

/// How a log entry states purpose and legal ground.
pub fn purpose_text(name: &str, purpose: &str, legal_ground: &str) -> String {
    format!("{name}: {purpose} (grondslag: {legal_ground})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_belongs_to_a_registered_activity() {
        for action in Action::ALL {
            assert!(
                default_activity(activity_of(*action)).is_some(),
                "{action:?}"
            );
        }
    }
}
