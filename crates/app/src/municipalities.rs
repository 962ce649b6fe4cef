//! The municipalities of the installation: registering them (a region administrator, or
//! the operator on the command line), their own settings and historic outflow, and the
//! accounts a region administrator adds to them.

use crate::error::invalid;
use crate::{App, Error, Result};
use nazorg_domain::MunicipalityCode;
use nazorg_domain::access::{Action, Actor, Role, authorize_account};
use nazorg_domain::ids::{PartnerId, UserId};
use nazorg_domain::municipality::{check_outflow_year, listed, name_for, published_outflow};
use nazorg_store::{Municipality, NewMunicipality, Tx};
use time::Date;

/// A municipality to add: its code, and its name when the CBS list does not give it (or
/// gives another).
pub struct AddMunicipality<'a> {
    pub code: &'a str,
    pub name: Option<&'a str>,
    /// The safety region (VR01–VR25); default: the CBS list's.
    pub safety_region: Option<&'a str>,
}

/// A municipality's own settings (`None`: the installation's default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MunicipalitySettings {
    pub programme_start: Option<Date>,
    pub retention_years: Option<u32>,
}

/// An account a region administrator (or a municipality's administrator) adds.
pub struct NewAccount<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
    pub role: Role,
    pub municipality: &'a str,
    /// The partner organisation of an SKT care director or Exodus worker.
    pub partner_id: Option<PartnerId>,
}

/// Registers a municipality with what Nazorg knows of it (Westland's DJI outflow);
/// `false` when it was registered already.
async fn register(
    tx: &mut Tx,
    code: &MunicipalityCode,
    name: &str,
    region: Option<&str>,
    by: &str,
) -> Result<bool> {
    let added = tx
        .add_municipality(&NewMunicipality {
            code: code.as_str(),
            name,
            safety_region: region,
            created_by: by,
        })
        .await?;
    if added {
        for (year, released) in published_outflow(code) {
            tx.set_outflow(
                code,
                i64::from(*year),
                *released as i64,
                "DJI (beleidsnotitie)",
            )
            .await?;
        }
        tx.ensure_defaults(code, crate::today().year()).await?;
    }
    Ok(added)
}

/// A municipality's historic outflow, by year.
pub(crate) async fn historic(tx: &mut Tx, code: &str) -> Result<Vec<(i32, u64)>> {
    let rows = tx.outflow(code).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(y, n)| Some((i32::try_from(y).ok()?, u64::try_from(n).ok()?)))
        .collect())
}

fn check_region(region: &str) -> Result<String> {
    let region = region.trim().to_uppercase();
    let number = region.strip_prefix("VR").and_then(|n| n.parse::<u8>().ok());
    match number {
        Some(1..=25) if region.len() == 4 => Ok(region),
        _ => Err(invalid(format!(
            "Veiligheidsregio '{region}' bestaat niet; geef VR01 tot en met VR25."
        ))),
    }
}

impl App {
    /// Makes sure an installation has its municipalities: on the first start after they
    /// became data, every municipality that holds users or cases is registered, and an
    /// installation with none yet gets `default` (the `--municipality` it runs for).
    /// Nothing happens once any municipality is registered.
    pub async fn register_installation(&self, default: &MunicipalityCode) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if !tx.municipalities().await?.is_empty() {
            return Ok(());
        }
        let mut codes = vec![default.clone()];
        for code in tx.unregistered_municipalities().await? {
            if let Ok(code) = MunicipalityCode::parse(&code) {
                codes.push(code);
            }
        }
        codes.sort();
        codes.dedup();
        for code in codes {
            let known = listed(&code);
            let name = known.map_or_else(|| format!("Gemeente {code}"), |m| m.name.clone());
            let region = known.map(|m| m.safety_region.as_str());
            register(&mut tx, &code, &name, region, "installatie").await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Adds a municipality to the installation (a region administrator).
    pub async fn add_municipality(
        &self,
        actor: &Actor,
        m: &AddMunicipality<'_>,
    ) -> Result<Municipality> {
        self.gated(actor, "add_municipality", async {
            crate::gate::check(actor, Action::ManageMunicipalities, &actor.municipality)?;
            let code = MunicipalityCode::parse(m.code).map_err(|e| invalid(e.to_string()))?;
            let name = name_for(&code, m.name).map_err(|e| invalid(e.to_string()))?;
            let region = match m.safety_region {
                Some(r) => Some(check_region(r)?),
                None => listed(&code).map(|l| l.safety_region.clone()),
            };
            let mut tx = self.db.begin().await?;
            if !register(&mut tx, &code, &name, region.as_deref(), &actor.username).await? {
                return Err(Error::Conflict(format!(
                    "Gemeente {code} hoort al bij deze installatie."
                )));
            }
            let added = tx.municipality(&code).await?.ok_or(Error::NotFound)?;
            tx.commit().await?;
            Ok(added)
        })
        .await
    }

    /// The municipalities of the installation, by name.
    pub async fn municipalities(&self) -> Result<Vec<Municipality>> {
        Ok(self.db.autocommit().await?.municipalities().await?)
    }

    /// One municipality of the installation; `NotFound` when it is not one.
    pub async fn municipality(&self, code: &str) -> Result<Municipality> {
        self.db
            .autocommit()
            .await?
            .municipality(code)
            .await?
            .ok_or(Error::NotFound)
    }

    /// How a municipality is named to a reader: its name, and "Westland (CBS-code 1783)".
    pub async fn municipality_label(&self, code: &str) -> Result<(String, String)> {
        let name = match self.db.autocommit().await?.municipality(code).await? {
            Some(m) => m.name,
            None => listed(code).map_or_else(|| code.to_string(), |m| m.name.clone()),
        };
        let label = format!("{name} (CBS-code {code})");
        Ok((name, label))
    }

    /// The codes of the installation's municipalities.
    pub async fn installation_codes(&self) -> Result<Vec<MunicipalityCode>> {
        Ok(self
            .municipalities()
            .await?
            .into_iter()
            .map(|m| m.code)
            .collect())
    }

    /// A municipality's own settings.
    pub async fn municipality_settings(&self, code: &str) -> Result<MunicipalitySettings> {
        let m = self.db.autocommit().await?.municipality(code).await?;
        Ok(m.map(|m| MunicipalitySettings {
            programme_start: m.programme_start,
            retention_years: m.retention_years.and_then(|y| u32::try_from(y).ok()),
        })
        .unwrap_or_default())
    }

    /// The retention period of a municipality: its own, else the installation's
    /// `default` (0: off).
    pub async fn retention_years_of(&self, code: &str, default: u32) -> Result<u32> {
        Ok(self
            .municipality_settings(code)
            .await?
            .retention_years
            .unwrap_or(default))
    }

    /// Changes a municipality's own settings, if it is still at version `seen`.
    pub async fn set_municipality_settings(
        &self,
        actor: &Actor,
        code: &str,
        settings: MunicipalitySettings,
        seen: i64,
    ) -> Result<()> {
        self.gated(actor, "set_municipality_settings", async {
            crate::gate::check(actor, Action::ManageMunicipalities, code)?;
            if let Some(years) = settings.retention_years
                && years > 30
            {
                return Err(invalid("De bewaartermijn is ten hoogste 30 jaar."));
            }
            let mut tx = self.db.autocommit().await?;
            let current = tx.municipality(code).await?.ok_or(Error::NotFound)?;
            let saved = tx
                .set_municipality_settings(
                    code,
                    settings.programme_start,
                    settings.retention_years.map(i64::from),
                    seen,
                )
                .await?;
            if saved {
                Ok(())
            } else {
                Err(Error::Changed {
                    what: format!("De instellingen van {}", current.name),
                    detail: String::new(),
                    current: current.version,
                })
            }
        })
        .await
    }

    /// Enters a year of a municipality's historic outflow from detention (DJI figures).
    pub async fn set_outflow(
        &self,
        actor: &Actor,
        code: &str,
        year: i32,
        released: u32,
    ) -> Result<()> {
        self.gated(actor, "set_outflow", async {
            crate::gate::check(actor, Action::ManageMunicipalities, code)?;
            check_outflow_year(year, crate::today().year()).map_err(|e| invalid(e.to_string()))?;
            let mut tx = self.db.autocommit().await?;
            tx.municipality(code).await?.ok_or(Error::NotFound)?;
            tx.set_outflow(code, i64::from(year), i64::from(released), &actor.username)
                .await?;
            Ok(())
        })
        .await
    }

    /// A municipality's historic outflow, by year.
    pub async fn historic_outflow(&self, code: &str) -> Result<Vec<(i32, u64)>> {
        historic(&mut self.db.autocommit().await?, code).await
    }

    /// Adds an account as `actor` may (see [`authorize_account`]): a municipality's
    /// administrator its own users, a region administrator the administrators of every
    /// municipality of the installation.
    pub async fn add_account(&self, actor: &Actor, a: &NewAccount<'_>) -> Result<UserId> {
        self.gated(actor, "add_account", async {
            authorize_account(actor, a.role, a.municipality)?;
            self.add_user(
                a.username,
                a.display_name,
                a.password,
                a.role,
                a.municipality,
                a.partner_id,
            )
            .await
        })
        .await
    }
}
