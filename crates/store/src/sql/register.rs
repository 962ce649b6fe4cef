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
        let rows: Vec<(String, String, String, String, String, OffsetDateTime)> = fetch_all!(
            self,
            "SELECT code, name, purpose, legal_ground, updated_by, updated_at FROM processing_activities WHERE municipality_code = $1",
            [municipality]
        );
        Ok(rows
            .into_iter()
            .map(
                |(code, name, purpose, legal_ground, by, at)| ActivityEntry {
                    code,
                    name,
                    purpose,
                    legal_ground,
                    changed: Some((by, at)),
                },
            )
            .collect())
    }

    /// Stores an activity's texts for the municipality (replacing the ones before).
    pub async fn save_activity_texts(
        &mut self,
        municipality: &str,
        t: &ActivityTexts<'_>,
    ) -> Result<()> {
        execute!(
            self,
            "INSERT INTO processing_activities (municipality_code, code, name, purpose, legal_ground, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (municipality_code, code) DO UPDATE SET name = $3, purpose = $4, \
             legal_ground = $5, updated_by = $6, updated_at = $7",
            [
                municipality,
                t.code,
                t.name,
                t.purpose,
                t.legal_ground,
                t.updated_by,
                now()
            ]
        );
        Ok(())
    }
}
