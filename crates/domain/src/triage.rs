//! Triage of the five life domains and the suggested case direction.

code_enum! {
    /// The five life domains (leefgebieden) of the policy.
    LifeDomain {
        IdDocument = "id_document" => "Identiteitsbewijs",
        Housing = "housing" => "Huisvesting",
        Income = "income" => "Inkomen, werk en schulden",
        Care = "care" => "Zorg",
        SocialNetwork = "social_network" => "Sociaal netwerk",
    }
}

code_enum! {
    /// The need for support in one life domain.
    Need {
        None = "none" => "Geen",
        Practical = "practical" => "Praktisch",
        Complex = "complex" => "Complex",
    }
}

code_enum! {
    /// How well the resident arranges things in one life domain alone.
    SelfReliance {
        Low = "low" => "Laag",
        Moderate = "moderate" => "Matig",
        High = "high" => "Hoog",
    }
}

code_enum! {
    /// Who directs the case ("one household, one plan, one director").
    Direction {
        Coordinator = "coordinator" => "Nazorgcoördinator",
        Skt = "skt" => "Sociaal Kernteam (zorgregisseur)",
        Exodus = "exodus" => "Exodus",
    }
}

/// The triage of one life domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DomainTriage {
    pub domain: LifeDomain,
    pub need: Need,
    pub self_reliance: SelfReliance,
}

/// The triage of a case: per life domain the need and self-reliance, a note, and whether the
/// resident was already known to the SKT and the safety chamber (`None`: not known whether).
/// The store reads the note and the two answers from the case's row, the domains from their
/// own table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct Triage {
    #[cfg_attr(feature = "sqlx", sqlx(skip))]
    pub domains: Vec<DomainTriage>,
    #[cfg_attr(feature = "sqlx", sqlx(rename = "triage_note"))]
    pub note: String,
    pub known_to_skt: Option<bool>,
    pub known_to_safety_chamber: Option<bool>,
}

/// The system's suggestion for the case direction, with its reason in Dutch. The
/// coordinator and the SKT care director decide; this only advises.
pub fn suggest_direction(triage: &[DomainTriage]) -> (Direction, String) {
    let complex: Vec<&DomainTriage> = triage.iter().filter(|t| t.need == Need::Complex).collect();
    let complex_low = complex
        .iter()
        .filter(|t| t.self_reliance == SelfReliance::Low)
        .count();
    if complex.is_empty() {
        return (
            Direction::Coordinator,
            "Geen complexe problemen: lichte, praktische ondersteuning door de nazorgcoördinator."
                .into(),
        );
    }
    if complex.len() >= 3 && complex_low >= 2 {
        return (
            Direction::Exodus,
            format!(
                "Complexe problemen op {} leefgebieden met lage zelfredzaamheid: meer specialisme nodig dan het SKT biedt (warme overdracht aan Exodus).",
                complex.len()
            ),
        );
    }
    (
        Direction::Skt,
        format!(
            "Complexe problemen op {} leefgebied(en): casusregie bij de zorgregisseur van het Sociaal Kernteam.",
            complex.len()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triage(needs: [(Need, SelfReliance); 5]) -> Vec<DomainTriage> {
        LifeDomain::ALL
            .iter()
            .zip(needs)
            .map(|(domain, (need, self_reliance))| DomainTriage {
                domain: *domain,
                need,
                self_reliance,
            })
            .collect()
    }

    #[test]
    fn practical_needs_only_go_to_the_coordinator() {
        let t = triage([(Need::Practical, SelfReliance::Low); 5]);
        assert_eq!(suggest_direction(&t).0, Direction::Coordinator);
    }

    #[test]
    fn a_complex_need_goes_to_skt() {
        let mut needs = [(Need::None, SelfReliance::High); 5];
        needs[1] = (Need::Complex, SelfReliance::Low);
        needs[2] = (Need::Complex, SelfReliance::Moderate);
        assert_eq!(suggest_direction(&triage(needs)).0, Direction::Skt);
    }

    #[test]
    fn many_complex_needs_with_low_self_reliance_go_to_exodus() {
        let mut needs = [(Need::Complex, SelfReliance::Low); 5];
        needs[0] = (Need::None, SelfReliance::High);
        needs[1] = (Need::None, SelfReliance::High);
        let (direction, reason) = suggest_direction(&triage(needs));
        assert_eq!(direction, Direction::Exodus);
        assert!(reason.contains("3 leefgebieden"));
    }
}
