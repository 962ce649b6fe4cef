//! The worklist: the open deadlines of a user or of the whole team, most urgent first.

use crate::{App, Logged, Result};
use nazorg_domain::access::{Action, Actor};
use nazorg_domain::deadlines::{CaseFacts, DeadlineSettings, deadlines, upcoming};
use nazorg_domain::ids::CaseId;
use nazorg_store::{Counted, DueKey, Scope, WorkItem, WorklistRow, due_key};
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
        self.read_in_municipality(actor, "worklist", Action::ListCases, async |tx| {
            // Stored with these thresholds: one query; with others (a command given
            // other flags), the rules are run over the scope's cases.
            let items = if stored_with(tx, settings).await? {
                let at = (actor.municipality.as_str(), scope, day);
                let rows = tx.due_items(at, None, None).await?;
                rows.into_iter()
                    .map(|row| stored_item(row, scope))
                    .collect()
            } else {
                let facts = tx.case_facts(&actor.municipality, scope, day).await?;
                work_items(&facts, scope, day, settings)
            };
            // Each case once, in the order of the list.
            let mut seen = std::collections::HashSet::new();
            let ids: Vec<String> = items
                .iter()
                .filter(|i| seen.insert(i.deadline.case_id))
                .map(|i| i.deadline.case_id.to_string())
                .collect();
            let cases: Vec<CaseId> = items.iter().map(|i| i.deadline.case_id).collect();
            Ok(Logged {
                answer: items,
                cases,
                detail: format!("werklijst: casussen {}", ids.join(",")),
            })
        })
        .await
    }

    /// One page of the worklist: up to `limit` lines after `after`, the key of the next
    /// page's first line (if there is one), and how many lines there are in all and how
    /// many are overdue. Logged as a list of the cases on this page.
    pub async fn worklist_page(
        &self,
        actor: &Actor,
        (scope, day): (Scope, Date),
        (after, limit): (Option<DueKey>, usize),
        settings: &DeadlineSettings,
    ) -> Result<WorkPage> {
        self.read_in_municipality(actor, "worklist", Action::ListCases, async |tx| {
            let municipality = actor.municipality.as_str();
            let (mut items, total, overdue) = if stored_with(tx, settings).await? {
                let rows = tx
                    .due_items((municipality, scope, day), after, Some(limit as i64 + 1))
                    .await?;
                let (total, overdue) = tx.count_due_overdue(municipality, scope, day).await?;
                let items: Vec<WorkItem> =
                    rows.into_iter().map(|r| stored_item(r, scope)).collect();
                (items, total, overdue)
            } else {
                let facts = tx.case_facts(&actor.municipality, scope, day).await?;
                let all = work_items(&facts, scope, day, settings);
                let overdue = Counted::exact(all.iter().filter(|i| i.deadline.due < day).count());
                let total = Counted::exact(all.len());
                let from = |i: &WorkItem| after.is_none_or(|a| due_key(&i.deadline) > a);
                let page: Vec<WorkItem> = all.into_iter().filter(from).take(limit + 1).collect();
                (page, total, overdue)
            };
            let next = (items.len() > limit).then(|| {
                items.truncate(limit);
                items.last().map(|i| due_key(&i.deadline))
            });
            let mut seen = std::collections::HashSet::new();
            let cases: Vec<CaseId> = items
                .iter()
                .map(|i| i.deadline.case_id)
                .filter(|c| seen.insert(*c))
                .collect();
            let listed: Vec<String> = cases.iter().map(ToString::to_string).collect();
            Ok(Logged {
                answer: WorkPage {
                    items,
                    next: next.flatten(),
                    total,
                    overdue,
                },
                cases,
                detail: format!("werklijst: casussen {}", listed.join(",")),
            })
        })
        .await
    }

    /// How many deadlines are on a user's worklist, for the menu. Counts only: nothing
    /// about a person leaves the store, so nothing is logged.
    pub async fn work_count(&self, actor: &Actor, day: Date) -> Result<Counted> {
        self.in_municipality(actor, "work_count", Action::ListCases, |_| async move {
            let mut tx = self.db.autocommit().await?;
            let scope = Scope::Of(actor.user_id);
            Ok(tx
                .count_due(actor.municipality.as_str(), scope, day)
                .await?)
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
            let batch: Vec<_> = facts
                .iter()
                .map(|f| (f.case_id, upcoming(f, &self.deadlines)))
                .collect();
            tx.replace_deadlines_of(&batch).await?;
            tx.commit().await?;
            done += facts.len();
            after = last;
        }
    }
}

/// One page of a worklist.
#[derive(Debug, Clone)]
pub struct WorkPage {
    pub items: Vec<WorkItem>,
    /// Where the next page starts, if there is one.
    pub next: Option<DueKey>,
    /// Lines on the whole worklist, and of those overdue (each counted up to a cap).
    pub total: Counted,
    pub overdue: Counted,
}

/// Whether the stored deadlines were made with these thresholds.
async fn stored_with(tx: &mut nazorg_store::Tx, settings: &DeadlineSettings) -> Result<bool> {
    Ok(tx.deadline_rules().await?.as_deref() == Some(format!("{settings:?}").as_str()))
}

/// A stored deadline as a line of the worklist of `scope`.
fn stored_item(row: nazorg_store::DueRow, scope: Scope) -> WorkItem {
    let who = row.who;
    let standing_in_for = match (scope, who.coordinator_id) {
        (Scope::Of(user), Some(owner)) if owner != user => who.coordinator.clone(),
        _ => None,
    };
    WorkItem {
        resident: full_name(&who.given_names, &who.family_name),
        coordinator: who.coordinator,
        standing_in_for,
        deadline: nazorg_domain::deadlines::Deadline {
            case_id: row.case_id,
            kind: row.kind,
            due: row.due,
            subject_id: row.subject_id,
            reason: row.reason,
        },
    }
}

fn full_name(given: &str, family: &str) -> String {
    if given.is_empty() {
        family.to_string()
    } else {
        format!("{given} {family}")
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
                resident: full_name(&row.given_names, &row.family_name),
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
