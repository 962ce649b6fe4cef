//! The register of processing activities: the texts a municipality changed.

use crate::Result;
use crate::db::{Tx, execute, fetch_all, now};
use crate::model::ActivityEntry;
use time::OffsetDateTime;

/// An activity's new texts, and who changes them.
pub struct ActivityTexts<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub purpose: &'a str,
    pub legal_ground: &'a str,
    pub updated_by: &'a str,
}

impl Tx {
    /// The activities whose texts the municipality changed, with who changed them last.
    pub async fn registered_activities(
        &mut self,
        municipality: &str,
    ) -> Result<Vec<ActivityEntry>> {
        type Row = (String, String, String, String, String, OffsetDateTime, i64);
        let rows: Vec<Row> = fetch_all!(
            self,
            "SELECT code, name, purpose, legal_ground, updated_by, updated_at, version FROM processing_activities \
             WHERE municipality_code = $1",
            [municipality]
        );
        Ok(rows
            .into_iter()
            .map(
                |(code, name, purpose, legal_ground, by, at, version)| ActivityEntry {
                    code,
                    name,
                    purpose,
                    legal_ground,
                    changed: Some((by, at)),
                    version,
                },
            )
            .collect())
    }

    /// Stores an activity's texts for the municipality, replacing the ones before if they
    /// are still at version `seen` (0: the defaults); `false` when they changed after it.
    pub async fn save_activity_texts(
        &mut self,
        municipality: &str,
        t: &ActivityTexts<'_>,
        seen: i64,
    ) -> Result<bool> {
        let saved = execute!(
            self,
            "INSERT INTO processing_activities (municipality_code, code, name, purpose, legal_ground, updated_by, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1) ON CONFLICT (municipality_code, code) DO UPDATE SET name = $3, purpose = $4, \
             legal_ground = $5, updated_by = $6, updated_at = $7, version = processing_activities.version + 1 \
             WHERE processing_activities.version = $8",
            [
                municipality,
                t.code,
                t.name,
                t.purpose,
                t.legal_ground,
                t.updated_by,
                now(),
                seen
            ]
        );
        Ok(saved > 0)
    }
}
