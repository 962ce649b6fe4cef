//! Partner organisations, the services bought from them, and the defaults every
//! municipality starts with.

use crate::Result;
use crate::db::{Bind, Tx, execute, fetch_all, fetch_one, now, scalar_one, scalar_optional};
use crate::model::*;
use nazorg_domain::ids::{PartnerId, ServiceKindId};
use nazorg_domain::referral::{BudgetLineCode, DEFAULT_PARTNERS, DEFAULT_SERVICES, PartnerKind};

impl Tx {
    /// Makes sure a municipality has its default partners, services and the budget lines of
    /// `year` (the policy's defaults); existing rows are left alone.
    pub async fn ensure_defaults(&mut self, municipality: &str, year: i32) -> Result<()> {
        let year = i64::from(year);
        // Most calls find everything in place: check with one read before writing anything.
        let (partners, lines): (i64, i64) = fetch_one!(
            self,
            "SELECT (SELECT COUNT(*) FROM partners WHERE municipality_code = $1), \
             (SELECT COUNT(*) FROM budget_lines WHERE municipality_code = $1 AND year = $2)",
            [municipality, year]
        );
        if partners > 0 && lines >= BudgetLineCode::ALL.len() as i64 {
            return Ok(());
        }
        let at = now();
        for (name, kind) in DEFAULT_PARTNERS {
            execute!(
                self,
                "INSERT INTO partners (municipality_code, kind, name, active, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (municipality_code, name) DO NOTHING",
                [municipality, *kind, *name, true, at]
            );
        }
        for (name, kind, price) in DEFAULT_SERVICES {
            execute!(
                self,
                "INSERT INTO service_kinds (municipality_code, partner_kind, name, price_cents, budget_line, active, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
                 ON CONFLICT (municipality_code, name) DO NOTHING",
                [
                    municipality,
                    *kind,
                    *name,
                    *price,
                    BudgetLineCode::Support,
                    true,
                    at
                ]
            );
        }
        for line in BudgetLineCode::ALL {
            execute!(
                self,
                "INSERT INTO budget_lines (municipality_code, year, code, name, cap_cents, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (municipality_code, year, code) DO NOTHING",
                [
                    municipality,
                    year,
                    *line,
                    line.label(),
                    line.default_cap_cents(),
                    at
                ]
            );
        }
        Ok(())
    }

    /// The partner organisations of a municipality, by name (inactive ones too).
    pub async fn partners(&mut self, municipality: &str) -> Result<Vec<Partner>> {
        Ok(fetch_all!(
            self,
            "SELECT id, kind, name, active FROM partners WHERE municipality_code = $1 ORDER BY name",
            [municipality]
        ))
    }

    /// Adds an active partner organisation; a name the municipality already has is a
    /// unique-key violation.
    pub async fn insert_partner(
        &mut self,
        municipality: &str,
        kind: PartnerKind,
        name: &str,
    ) -> Result<PartnerId> {
        Ok(scalar_one!(
            self,
            "INSERT INTO partners (municipality_code, kind, name, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            [municipality, kind, name, true, now()]
        ))
    }

    /// (De)activates a partner; `false` when the municipality has no such partner.
    pub async fn set_partner_active(
        &mut self,
        municipality: &str,
        partner_id: PartnerId,
        active: bool,
    ) -> Result<bool> {
        self.set_own_column("partners", "active", municipality, partner_id, active)
            .await
    }

    /// The active bought services of a municipality, by name.
    pub async fn service_kinds(&mut self, municipality: &str) -> Result<Vec<ServiceKind>> {
        Ok(fetch_all!(
            self,
            "SELECT id, partner_kind, name, price_cents, budget_line, version FROM service_kinds \
             WHERE municipality_code = $1 AND active = $2 ORDER BY name",
            [municipality, true]
        ))
    }

    /// Sets the price of a service, if it is still at version `seen` (any, when `None`).
    pub async fn set_service_price(
        &mut self,
        municipality: &str,
        service_id: ServiceKindId,
        price_cents: i64,
        seen: Option<i64>,
    ) -> Result<Saved> {
        let changed = execute!(
            self,
            "UPDATE service_kinds SET price_cents = $1, version = version + 1, updated_at = $2 \
             WHERE id = $3 AND municipality_code = $4 AND ($5 IS NULL OR version = $5)",
            [price_cents, now(), service_id, municipality, seen]
        );
        if changed > 0 {
            return Ok(Saved::Done);
        }
        let current: Option<i64> = scalar_optional!(
            self,
            "SELECT version FROM service_kinds WHERE id = $1 AND municipality_code = $2",
            [service_id, municipality]
        );
        Ok(current.map_or(Saved::Missing, Saved::Changed))
    }

    /// Sets one column of a row of the municipality's, stamping it as changed now; `false`
    /// when the municipality has no row of this id in the table.
    async fn set_own_column(
        &mut self,
        table: &str,
        column: &str,
        municipality: &str,
        id: impl Bind,
        value: impl Bind,
    ) -> Result<bool> {
        let changed = execute!(
            self,
            &format!(
                "UPDATE {table} SET {column} = $1, updated_at = $2 WHERE id = $3 AND municipality_code = $4"
            ),
            [value, now(), id, municipality]
        );
        Ok(changed > 0)
    }
}
