//! The municipalities of the installation, their own settings and their historic outflow.

use crate::Result;
use crate::db::{Tx, execute, fetch_all, fetch_optional, now, scalar_all};
use nazorg_domain::MunicipalityCode;
use time::{Date, OffsetDateTime};

/// A municipality of the installation, with its own settings (`None`: the
/// installation's default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Municipality {
    pub code: MunicipalityCode,
    pub name: String,
    /// The safety region (veiligheidsregio), e.g. VR15.
    pub safety_region: Option<String>,
    pub programme_start: Option<Date>,
    pub retention_years: Option<i64>,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub version: i64,
}

/// A municipality to register.
pub struct NewMunicipality<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub safety_region: Option<&'a str>,
    pub created_by: &'a str,
}

type Row = (
    MunicipalityCode,
    String,
    Option<String>,
    Option<Date>,
    Option<i64>,
    String,
    OffsetDateTime,
    i64,
);

fn municipality(
    (code, name, safety_region, programme_start, retention_years, created_by, created_at, version): Row,
) -> Municipality {
    Municipality {
        code,
        name,
        safety_region,
        programme_start,
        retention_years,
        created_by,
        created_at,
        version,
    }
}

const COLUMNS: &str =
    "code, name, safety_region, programme_start, retention_years, created_by, created_at, version";

impl Tx {
    /// Registers a municipality; `false` when its code is registered already.
    pub async fn add_municipality(&mut self, m: &NewMunicipality<'_>) -> Result<bool> {
        let added = execute!(
            self,
            "INSERT INTO municipalities (code, name, safety_region, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING",
            [m.code, m.name, m.safety_region, m.created_by, now()]
        );
        Ok(added > 0)
    }

    /// The municipalities of the installation, by name.
    pub async fn municipalities(&mut self) -> Result<Vec<Municipality>> {
        let sql = format!("SELECT {COLUMNS} FROM municipalities ORDER BY name, code");
        let rows: Vec<Row> = fetch_all!(self, &sql);
        Ok(rows.into_iter().map(municipality).collect())
    }

    /// One municipality of the installation.
    pub async fn municipality(&mut self, code: &str) -> Result<Option<Municipality>> {
        let sql = format!("SELECT {COLUMNS} FROM municipalities WHERE code = $1");
        let row: Option<Row> = fetch_optional!(self, &sql, [code]);
        Ok(row.map(municipality))
    }

    /// The codes of the municipalities that hold users or cases but are not registered
    /// (an installation from before municipalities were data).
    pub async fn unregistered_municipalities(&mut self) -> Result<Vec<String>> {
        Ok(scalar_all!(
            self,
            "SELECT municipality_code FROM users WHERE municipality_code NOT IN (SELECT code FROM municipalities) \
             UNION SELECT DISTINCT municipality_code FROM cases WHERE municipality_code NOT IN (SELECT code FROM municipalities) \
             ORDER BY 1"
        ))
    }

    /// Changes a municipality's own settings if it is still at version `seen`; `false`
    /// when it changed after it (or does not exist).
    pub async fn set_municipality_settings(
        &mut self,
        code: &str,
        programme_start: Option<Date>,
        retention_years: Option<i64>,
        seen: i64,
    ) -> Result<bool> {
        let saved = execute!(
            self,
            "UPDATE municipalities SET programme_start = $2, retention_years = $3, version = version + 1 \
             WHERE code = $1 AND version = $4",
            [code, programme_start, retention_years, seen]
        );
        Ok(saved > 0)
    }

    /// Enters (or corrects) the historic outflow of one year.
    pub async fn set_outflow(
        &mut self,
        code: &str,
        year: i64,
        released: i64,
        by: &str,
    ) -> Result<()> {
        execute!(
            self,
            "INSERT INTO municipality_outflow (municipality_code, year, released, entered_by, entered_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (municipality_code, year) \
             DO UPDATE SET released = $3, entered_by = $4, entered_at = $5",
            [code, year, released, by, now()]
        );
        Ok(())
    }

    /// The historic outflow of a municipality, by year.
    pub async fn outflow(&mut self, code: &str) -> Result<Vec<(i64, i64)>> {
        Ok(fetch_all!(
            self,
            "SELECT year, released FROM municipality_outflow WHERE municipality_code = $1 ORDER BY year",
            [code]
        ))
    }
}
