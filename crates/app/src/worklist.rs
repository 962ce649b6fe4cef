//! The worklist: the open deadlines of a user or of the whole team, most urgent first.

use crate::{App, Logged, Result};
use nazorg_domain::access::{Action, Actor};
use nazorg_domain::deadlines::{CaseFacts, DeadlineSettings, deadlines, upcoming};
use nazorg_domain::ids::CaseId;
use nazorg_store::{Scope, WorkItem, WorklistRow};
use time::Date;

impl App {
    /// The open deadlines of a user (own, unassigned and stood-in-for cases) or of the
    /// whole team, most urgent first.
    pub async fn worklist(
        &self,
        actor: &Actor,
        scope: Scope,
        day: Date,
        settings: &DeadlineSettings,
    ) -> Result<Vec<WorkItem>> {
        self.logged_in_municipality(actor, "worklist", Action::ListCases, async |tx| {
            let facts = tx.case_facts(&actor.municipality, scope, day).await?;
            let items = work_items(&facts, scope, day, settings);
            let mut ids: Vec<String> = Vec::new();
            for item in &items {
                let id = item.deadline.case_id.to_string();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            let cases: Vec<CaseId> = items.iter().map(|i| i.deadline.case_id).collect();
            Ok(Logged {
                answer: items,
                cases,
                detail: format!("werklijst: casussen {}", ids.join(",")),
            })
        })
        .await
    }

    /// How many deadlines are on a user's worklist, for the menu. Counts only: nothing
    /// about a person leaves the store, so nothing is logged.
    pub async fn work_count(&self, actor: &Actor, day: Date) -> Result<usize> {
        self.in_municipality(actor, "work_count", Action::ListCases, |_| async move {
            let mut tx = self.db.autocommit().await?;
            let scope = Scope::Of(actor.user_id);
            let n = tx
                .count_due(actor.municipality.as_str(), scope, day)
                .await?;
            Ok(usize::try_from(n).unwrap_or(0))
        })
        .await
    }

    /// Makes every open case's stored deadlines again when they were made with other
    /// thresholds than this installation's (or never): at the start of `serve`, so that
    /// the menu's count follows a changed setting. Gives how many cases were done.
    pub async fn refresh_stored_deadlines(&self) -> Result<usize> {
        let thresholds = format!("{:?}", self.deadlines);
        {
            let mut tx = self.db.autocommit().await?;
            if tx.deadline_rules().await?.as_deref() == Some(thresholds.as_str()) {
                return Ok(0);
            }
        }
        let mut after = CaseId(0);
        let mut done = 0;
        loop {
            let mut tx = self.db.begin().await?;
            let facts = tx.open_case_facts_after(after, 500).await?;
            let Some(last) = facts.last().map(|f| f.case_id) else {
                tx.set_deadline_rules(&thresholds).await?;
                tx.commit().await?;
                return Ok(done);
            };
            for f in &facts {
                tx.replace_deadlines(f.case_id, &upcoming(f, &self.deadlines))
                    .await?;
            }
            tx.commit().await?;
            done += facts.len();
            after = last;
        }
    }
}

/// Every deadline of the cases on `day`, with whom it is about, most urgent first.
fn work_items(
    facts: &[(CaseFacts, WorklistRow)],
    scope: Scope,
    day: Date,
    settings: &DeadlineSettings,
) -> Vec<WorkItem> {
    let mut items = Vec::new();
    for (f, row) in facts {
        for deadline in deadlines(f, settings, day) {
            let standing_in_for = match (scope, row.coordinator_id) {
                (Scope::Of(user), Some(owner)) if owner != user => row.coordinator.clone(),
                _ => None,
            };
            items.push(WorkItem {
                resident: if row.given_names.is_empty() {
                    row.family_name.clone()
                } else {
                    format!("{} {}", row.given_names, row.family_name)
                },
                coordinator: row.coordinator.clone(),
                standing_in_for,
                deadline,
            });
        }
    }
    items.sort_by(|a, b| {
        let key = |i: &WorkItem| {
            (
                i.deadline.due,
                i.deadline.kind,
                i.deadline.case_id,
                i.deadline.subject_id,
            )
        };
        key(a).cmp(&key(b))
    });
    items
}
