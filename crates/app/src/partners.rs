//! Partner organisations and the services bought from them, with their prices.

use crate::{App, Error, Result, error, validate};
use nazorg_domain::access::{Action, Actor};
use nazorg_domain::ids::{PartnerId, ServiceKindId};
use nazorg_domain::referral::PartnerKind;
use nazorg_store::{Partner, ServiceKind};

impl App {
    /// Creates the default partners, services and budget lines of a year where missing.
    pub async fn ensure_defaults(&self, municipality: &str, year: i32) -> Result<()> {
        let mut tx = self.db.autocommit().await?;
        tx.ensure_defaults(municipality, year).await?;
        Ok(())
    }

    /// A connection on which this year's default partners, services and budget lines of a
    /// municipality are in place.
    async fn with_defaults(&self, municipality: &str) -> Result<nazorg_store::Tx> {
        let mut tx = self.db.autocommit().await?;
        tx.ensure_defaults(municipality, crate::today().year())
            .await?;
        Ok(tx)
    }

    /// The partner organisations of a municipality, by name (inactive ones too).
    pub async fn list_partners(&self, municipality: &str) -> Result<Vec<Partner>> {
        let mut tx = self.with_defaults(municipality).await?;
        Ok(tx.partners(municipality).await?)
    }

    /// Adds a partner organisation to the actor's municipality.
    pub async fn add_partner(
        &self,
        actor: &Actor,
        name: &str,
        kind: PartnerKind,
    ) -> Result<PartnerId> {
        self.in_municipality_unlogged(actor, "add_partner", Action::ManagePartners, async |tx| {
            let name = validate::text("de naam", name, 100, true)?;
            tx.insert_partner(&actor.municipality, kind, &name)
                .await
                .map_err(|e| {
                    error::conflict_on_duplicate(e, &format!("Er is al een ketenpartner ‘{name}’."))
                })
        })
        .await
    }

    /// Makes a partner organisation (in)active: an inactive one gets no new referrals.
    pub async fn set_partner_active(
        &self,
        actor: &Actor,
        partner_id: PartnerId,
        active: bool,
    ) -> Result<()> {
        self.in_municipality_unlogged(
            actor,
            "set_partner_active",
            Action::ManagePartners,
            async |tx| {
                error::found(
                    tx.set_partner_active(&actor.municipality, partner_id, active)
                        .await?,
                )
            },
        )
        .await
    }

    /// The active bought services of a municipality, by name.
    pub async fn list_service_kinds(&self, municipality: &str) -> Result<Vec<ServiceKind>> {
        let mut tx = self.with_defaults(municipality).await?;
        Ok(tx.service_kinds(municipality).await?)
    }

    /// Sets the price of a bought service (in cents).
    pub async fn set_service_price(
        &self,
        actor: &Actor,
        service_id: ServiceKindId,
        price_cents: i64,
        seen: Option<i64>,
    ) -> Result<()> {
        self.in_municipality_unlogged(
            actor,
            "set_service_price",
            Action::ManageBudget,
            async |tx| {
                if !(0..=100_000_000).contains(&price_cents) {
                    return Err(error::invalid(
                        "Vul een prijs in tussen € 0 en € 1.000.000.",
                    ));
                }
                let saved = tx
                    .set_service_price(&actor.municipality, service_id, price_cents, seen)
                    .await?;
                match saved {
                    nazorg_store::Saved::Done => Ok(()),
                    nazorg_store::Saved::Missing => Err(Error::NotFound),
                    nazorg_store::Saved::Changed(current) => {
                        let service = tx
                            .referral_service(&actor.municipality, service_id)
                            .await?
                            .ok_or(Error::NotFound)?;
                        Err(Error::Changed {
                            what: format!("De prijs van {}", service.name),
                            detail: format!(
                                ": nu {}",
                                nazorg_domain::referral::format_eur(service.price_cents)
                            ),
                            current,
                        })
                    }
                }
            },
        )
        .await
    }
}
