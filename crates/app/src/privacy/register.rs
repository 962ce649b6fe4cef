//! The register of processing activities: the texts every processing-log entry states.

use crate::{App, Error, Result, validate};
use nazorg_domain::access::{Action, Actor};
use nazorg_domain::register::{ACTIVITIES, default_activity};
use nazorg_store::{ActivityEntry, ActivityTexts};

impl App {
    /// The register of processing activities of the actor's municipality: every activity
    /// with its current texts.
    pub async fn processing_register(&self, actor: &Actor) -> Result<Vec<ActivityEntry>> {
        self.in_municipality_unlogged(
            actor,
            "processing_register",
            Action::ManageRegister,
            async |tx| {
                let mut changed = tx.registered_activities(&actor.municipality).await?;
                Ok(ACTIVITIES
                    .iter()
                    .map(|a| match changed.iter().position(|r| r.code == a.code) {
                        Some(i) => changed.swap_remove(i),
                        None => ActivityEntry {
                            code: a.code.to_string(),
                            name: a.name.to_string(),
                            purpose: a.purpose.to_string(),
                            legal_ground: a.legal_ground.to_string(),
                            changed: None,
                            version: 0,
                        },
                    })
                    .collect())
            },
        )
        .await
    }

    /// Changes an activity's name, purpose and legal ground; later log entries state the
    /// new texts.
    pub async fn set_processing_activity(
        &self,
        actor: &Actor,
        code: &str,
        name: &str,
        purpose: &str,
        legal_ground: &str,
        seen: i64,
    ) -> Result<()> {
        self.in_municipality_unlogged(
            actor,
            "set_processing_activity",
            Action::ManageRegister,
            async |tx| {
                if default_activity(code).is_none() {
                    return Err(Error::NotFound);
                }
                let name = validate::text("de naam", name, 200, true)?;
                let purpose = validate::text("het doel", purpose, 1000, true)?;
                let legal_ground = validate::text("de grondslag", legal_ground, 1000, true)?;
                let texts = ActivityTexts {
                    code,
                    name: &name,
                    purpose: &purpose,
                    legal_ground: &legal_ground,
                    updated_by: &actor.username,
                };
                if tx
                    .save_activity_texts(&actor.municipality, &texts, seen)
                    .await?
                {
                    return Ok(());
                }
                // Changed after the version the form showed: say by whom and when.
                let now = tx.registered_activities(&actor.municipality).await?;
                let entry = now.into_iter().find(|e| e.code == code);
                let (detail, current) = match entry {
                    Some(ActivityEntry {
                        changed: Some((by, at)),
                        version,
                        ..
                    }) => (
                        format!(
                            " (door {by}, {})",
                            nazorg_domain::dates::format_nl_moment(at)
                        ),
                        version,
                    ),
                    _ => (String::new(), 0),
                };
                Err(Error::Changed {
                    what: format!(
                        "De tekst van ‘{}’ in het register",
                        default_activity(code).map_or(code, |a| a.name)
                    ),
                    detail,
                    current,
                })
            },
        )
        .await
    }
}
