//! Typed ids: a case id cannot be passed where a resident id is meant. Each is the
//! database's integer key; it serialises, binds and decodes as that integer.
//! The default (0) names no row.

macro_rules! id_type {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize,
            serde::Deserialize,
        )]
        #[serde(transparent)]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(pub i64);

        impl $name {
            /// The integer key.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map($name)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }
    )+};
}

id_type! {
    /// One aftercare trajectory of one resident for one detention.
    CaseId,
    /// A resident (inwoner) of a municipality.
    ResidentId,
    /// A user account.
    UserId,
    /// A partner organisation of a municipality.
    PartnerId,
    /// A referral to a partner.
    ReferralId,
    /// An agreement of a plan of action.
    AgreementId,
    /// A line of a case's contact log.
    ContactId,
    /// A household member left behind.
    HouseholdMemberId,
    /// An item on the safety chamber's agenda.
    SafetyItemId,
    /// A planned appointment with a resident.
    AppointmentId,
    /// A coordinator's absence.
    AbsenceId,
    /// An API token.
    ApiTokenId,
    /// A bought service (trajectory kind).
    ServiceKindId,
    /// An entry of the processing log.
    LogEntryId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reads_and_prints_as_its_number() {
        let id: CaseId = " 42 ".parse().unwrap_or(CaseId(0));
        assert_eq!(id, CaseId(42));
        assert_eq!(id.to_string(), "42");
        assert_eq!(i64::from(id), 42);
        assert!("x".parse::<CaseId>().is_err());
    }
}
