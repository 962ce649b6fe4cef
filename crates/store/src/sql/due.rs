//! What is due, stored: each open case's deadlines with the day each shows from, so that
//! what is due today in a worklist's scope is counted by one indexed query.

use crate::Result;
use crate::db::{Tx, execute, fetch_optional, now, sql};
use crate::model::Scope;
use nazorg_domain::deadlines::Upcoming;
use nazorg_domain::ids::CaseId;
use sqlx::QueryBuilder;
use time::Date;

impl Tx {
    /// Replaces the stored deadlines of a case by these (none for a closed case).
    pub async fn replace_deadlines(
        &mut self,
        case_id: CaseId,
        upcoming: &[Upcoming],
    ) -> Result<()> {
        execute!(
            self,
            "DELETE FROM case_deadlines WHERE case_id = $1",
            [case_id]
        );
        for u in upcoming {
            let d = &u.deadline;
            execute!(
                self,
                "INSERT INTO case_deadlines (case_id, municipality_code, kind, due, shows_from, subject_id) \
                 SELECT id, municipality_code, $2, $3, $4, $5 FROM cases WHERE id = $1",
                [case_id, d.kind.code(), d.due, u.shows_from, d.subject_id]
            );
        }
        Ok(())
    }

    /// How many deadlines show on `day` on the worklist of `scope`: a user's own cases, the
    /// unassigned ones and those of colleagues they stand in for that day; or the team's.
    pub async fn count_due(&mut self, municipality: &str, scope: Scope, day: Date) -> Result<i64> {
        Ok(sql!(self, |c| {
            let mut q = QueryBuilder::<DB>::new(
                "SELECT COUNT(*) FROM case_deadlines d JOIN cases c ON c.id = d.case_id WHERE d.municipality_code = ",
            );
            q.push_bind(municipality.to_string())
                .push(" AND d.shows_from <= ")
                .push_bind(day)
                .push(" AND c.is_open = ")
                .push_bind(true);
            if let Scope::Of(user) = scope {
                q.push(" AND (c.coordinator_id IS NULL OR c.coordinator_id = ")
                    .push_bind(user)
                    .push(" OR c.coordinator_id IN (SELECT user_id FROM absences WHERE substitute_id = ")
                    .push_bind(user)
                    .push(" AND starts_on <= ")
                    .push_bind(day)
                    .push(" AND ends_on >= ")
                    .push_bind(day)
                    .push("))");
            }
            let (n,): (i64,) = q.build_query_as().fetch_one(&mut *c).await?;
            n
        }))
    }

    /// The thresholds the stored deadlines were made with, if any were.
    pub async fn deadline_rules(&mut self) -> Result<Option<String>> {
        let row: Option<(String,)> =
            fetch_optional!(self, "SELECT thresholds FROM deadline_rules WHERE id = 1");
        Ok(row.map(|(t,)| t))
    }

    /// The stored deadlines are made with these thresholds from now on.
    pub async fn set_deadline_rules(&mut self, thresholds: &str) -> Result<()> {
        execute!(
            self,
            "INSERT INTO deadline_rules (id, thresholds, applied_at) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO UPDATE SET thresholds = $1, applied_at = $2",
            [thresholds, now()]
        );
        Ok(())
    }

    /// Cases were made around the use cases (generated data): the stored deadlines are to
    /// be made again at the next start.
    pub async fn forget_deadline_rules(&mut self) -> Result<()> {
        execute!(self, "DELETE FROM deadline_rules");
        Ok(())
    }
}
