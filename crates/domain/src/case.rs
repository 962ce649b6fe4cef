//! The vocabulary of a case: contacts, the offer, the plan, the household, the closure.

code_enum! {
    /// The kind of a contact with the resident or about the resident.
    ContactKind {
        VisitInPrison = "visit_in_prison" => "Gesprek in de PI",
        OnlineInPrison = "online_in_prison" => "Online gesprek in de PI",
        Phone = "phone" => "Telefonisch",
        HomeVisit = "home_visit" => "Huisbezoek",
        Office = "office" => "Gesprek op kantoor",
        Letter = "letter" => "Brief of e-mail",
        ViaCasemanager = "via_casemanager" => "Via de casemanager van de PI",
    }
}

code_enum! {
    /// What the resident said to the offer of aftercare (aftercare is voluntary).
    OfferOutcome {
        Accepted = "accepted" => "Aanvaard",
        Declined = "declined" => "Afgewezen",
        NotReached = "not_reached" => "Niet bereikt",
    }
}

code_enum! {
    /// What must be arranged before release.
    ReadinessItem {
        Housing = "housing" => "Huisvesting",
        BrpRegistration = "brp_registration" => "Inschrijving in de BRP",
        IdDocument = "id_document" => "Identiteitsbewijs",
        Income = "income" => "Inkomen of uitkering",
    }
}

code_enum! {
    /// A household member's relation to the resident.
    Relation {
        Partner = "partner" => "Partner",
        Child = "child" => "Kind",
        Parent = "parent" => "Ouder",
        Sibling = "sibling" => "Broer of zus",
        Other = "other" => "Anders",
    }
}

code_enum! {
    /// The result in one life domain at closure.
    DomainResult {
        Arranged = "arranged" => "Geregeld",
        Partly = "partly" => "Deels geregeld",
        NotArranged = "not_arranged" => "Niet geregeld",
        NotApplicable = "not_applicable" => "Niet van toepassing",
    }
}

code_enum! {
    /// The overall result of a case.
    OverallResult {
        Successful = "successful" => "Geslaagd",
        Partly = "partly" => "Deels geslaagd",
        NotSuccessful = "not_successful" => "Niet geslaagd",
    }
}

code_enum! {
    /// Why a case was closed.
    ClosingReason {
        Completed = "completed" => "Afgerond",
        Declined = "declined" => "Aanbod afgewezen",
        NotReached = "not_reached" => "Niet bereikt",
        MovedAway = "moved_away" => "Verhuisd naar een andere gemeente",
        ReDetained = "re_detained" => "Opnieuw gedetineerd",
        Died = "died" => "Overleden",
        NotEligible = "not_eligible" => "Valt niet onder de doelgroep",
    }
}
