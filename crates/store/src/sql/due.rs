//! What is due, stored: each open case's deadlines with the day each shows from, so that
//! what is due today in a worklist's scope is counted by one indexed query.

use crate::Result;
use crate::db::{Tx, execute, fetch_all, fetch_optional, now, push_id_list, sql};
use crate::model::Scope;
use crate::sql::WorklistRow;
use nazorg_domain::deadlines::{DeadlineKind, Upcoming};
use nazorg_domain::ids::{CaseId, UserId};
use sqlx::QueryBuilder;
use time::Date;

impl Tx {
    /// Replaces the stored deadlines of each of these cases by its own (none for a closed
    /// case): one delete and a few multi-row inserts, however many cases.
    pub async fn replace_deadlines_of(&mut self, batch: &[(CaseId, Vec<Upcoming>)]) -> Result<()> {
        // Seven parameters a row; both databases take far more than 7 × 2,000 per statement.
        const ROWS: usize = 2_000;
        for cases in batch.chunks(ROWS) {
            let ids: Vec<CaseId> = cases.iter().map(|(id, _)| *id).collect();
            sql!(self, |c| {
                let mut q = QueryBuilder::<DB>::new("DELETE FROM case_deadlines WHERE case_id IN ");
                push_id_list(&mut q, &ids);
                q.build().execute(&mut *c).await?.rows_affected()
            });
        }
        let rows: Vec<(CaseId, &Upcoming)> = batch
            .iter()
            .flat_map(|(id, upcoming)| upcoming.iter().map(move |u| (*id, u)))
            .collect();
        for chunk in rows.chunks(ROWS) {
            sql!(self, |c| {
                let mut q = QueryBuilder::<DB>::new(
                    "INSERT INTO case_deadlines (case_id, municipality_code, coordinator_id, kind, due, shows_from, subject_id, kind_rank, reason) \
                     SELECT c.id, c.municipality_code, c.coordinator_id, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7 FROM (",
                );
                q.push_values(chunk, |mut b, (id, u)| {
                    let d = &u.deadline;
                    b.push_bind(*id)
                        .push_bind(d.kind.code())
                        .push_bind(d.due)
                        .push_bind(u.shows_from)
                        .push_bind(d.subject_id)
                        .push_bind(kind_rank(d.kind))
                        .push_bind(d.reason.clone());
                });
                q.push(") AS v JOIN cases c ON c.id = v.column1");
                q.build().execute(&mut *c).await?.rows_affected()
            });
        }
        Ok(())
    }

    /// How many deadlines show on `day` on the worklist of `scope`: a user's own cases, the
    /// unassigned ones and those of colleagues they stand in for that day; or the team's.
    /// Counted up to [`COUNT_CAP`], so that it costs the same however long the list is.
    pub async fn count_due(
        &mut self,
        municipality: &str,
        scope: Scope,
        day: Date,
    ) -> Result<Counted> {
        Ok(self.count_due_overdue(municipality, scope, day).await?.0)
    }

    /// The deadlines that show on `day` on the worklist of `scope`, most urgent first (by
    /// due date, kind, case and subject), with whom each is about: after `after`, at most
    /// `limit` (every one without a limit). Each part of the scope (unassigned, the user's
    /// and stood-in-for colleagues', or the team's) is a range of an index, read in order.
    pub async fn due_items(
        &mut self,
        (municipality, scope, day): (&str, Scope, Date),
        after: Option<DueKey>,
        limit: Option<i64>,
    ) -> Result<Vec<DueRow>> {
        let parts = self.parts_of(scope, day).await?;
        Ok(sql!(self, |c| {
            let mut q = QueryBuilder::<DB>::new(
                "SELECT d.case_id, d.kind, d.kind_rank, d.due, d.subject_id, d.reason, c.coordinator_id, r.given_names, \
                 r.family_name, u.display_name AS coordinator FROM (",
            );
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    q.push(" UNION ALL ");
                }
                q.push(
                    "SELECT * FROM (SELECT * FROM case_deadlines d WHERE d.municipality_code = ",
                )
                .push_bind(municipality.to_string())
                .push(" AND d.shows_from <= ")
                .push_bind(day);
                push_part(&mut q, *part);
                if let Some(k) = after {
                    q.push(" AND (d.due, d.kind_rank, d.case_id, COALESCE(d.subject_id, -1)) > (")
                        .push_bind(k.due)
                        .push(", ")
                        .push_bind(k.kind_rank)
                        .push(", ")
                        .push_bind(k.case_id)
                        .push(", ")
                        .push_bind(k.subject_id.unwrap_or(-1))
                        .push(")");
                }
                q.push(" ORDER BY d.due, d.kind_rank, d.case_id, COALESCE(d.subject_id, -1)");
                if let Some(n) = limit {
                    q.push(" LIMIT ").push_bind(n);
                }
                q.push(") p");
                q.push(i.to_string());
            }
            q.push(
                ") d JOIN cases c ON c.id = d.case_id JOIN residents r ON r.id = c.resident_id \
                 LEFT JOIN users u ON u.id = c.coordinator_id \
                 ORDER BY d.due, d.kind_rank, d.case_id, COALESCE(d.subject_id, -1)",
            );
            if let Some(n) = limit {
                q.push(" LIMIT ").push_bind(n);
            }
            q.build_query_as().fetch_all(&mut *c).await?
        }))
    }

    /// How many deadlines show on `day` on the worklist of `scope`, and how many of them
    /// are overdue, each counted up to [`COUNT_CAP`]: per part of the scope, a walk over
    /// at most that many entries of an index range, however many there are.
    pub async fn count_due_overdue(
        &mut self,
        municipality: &str,
        scope: Scope,
        day: Date,
    ) -> Result<(Counted, Counted)> {
        let mut total = (Counted::default(), Counted::default());
        for part in self.parts_of(scope, day).await? {
            let (n, late): (i64, i64) = sql!(self, |c| {
                let mut q = QueryBuilder::<DB>::new("SELECT ");
                for (i, overdue) in [false, true].into_iter().enumerate() {
                    if i > 0 {
                        q.push(", ");
                    }
                    q.push("(SELECT COUNT(*) FROM (SELECT 1 FROM case_deadlines d WHERE d.municipality_code = ")
                        .push_bind(municipality.to_string())
                        .push(" AND d.shows_from <= ")
                        .push_bind(day);
                    if overdue {
                        q.push(" AND d.due < ").push_bind(day);
                    }
                    push_part(&mut q, part);
                    q.push(" LIMIT ").push_bind(COUNT_CAP + 1).push(") n)");
                }
                q.build_query_as().fetch_one(&mut *c).await?
            });
            total = (total.0.plus(n), total.1.plus(late));
        }
        Ok(total)
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

/// How far a worklist is counted: beyond this it says "meer dan 500".
pub const COUNT_CAP: i64 = 500;

/// A count that stops at [`COUNT_CAP`], so that it costs the same however many there are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counted {
    /// How many were counted (at most the cap).
    pub n: usize,
    /// Whether there are more than `n`.
    pub more: bool,
}

impl Counted {
    /// Adds a part counted up to the cap plus one (which says there are more).
    fn plus(self, counted: i64) -> Counted {
        let cap = usize::try_from(COUNT_CAP).unwrap_or(usize::MAX);
        let n = self.n + usize::try_from(counted.min(COUNT_CAP)).unwrap_or(0);
        Counted {
            n: n.min(cap),
            more: self.more || counted > COUNT_CAP || n > cap,
        }
    }

    /// A count that was not capped.
    pub fn exact(n: usize) -> Counted {
        Counted { n, more: false }
    }

    /// Short, for the menu: "12", or "500+".
    pub fn short(&self) -> String {
        if self.more {
            format!("{}+", self.n)
        } else {
            self.n.to_string()
        }
    }
}

impl std::fmt::Display for Counted {
    /// "12", or "meer dan 500".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.more {
            write!(f, "meer dan {}", self.n)
        } else {
            write!(f, "{}", self.n)
        }
    }
}

/// Where a page of the worklist starts: after this line (its order's key; compared field
/// by field, as the query orders).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DueKey {
    pub due: Date,
    pub kind_rank: i64,
    pub case_id: CaseId,
    pub subject_id: Option<i64>,
}

impl DueKey {
    /// Encodes as `2026-03-01_2_123_45`, safe in a URL.
    pub fn encode(&self) -> String {
        format!(
            "{}_{}_{}_{}",
            nazorg_domain::dates::format_iso(self.due),
            self.kind_rank,
            self.case_id,
            self.subject_id.unwrap_or(-1)
        )
    }

    pub fn decode(s: &str) -> Option<DueKey> {
        let mut parts = s.split('_');
        let due = nazorg_domain::dates::parse_date(parts.next()?).ok()?;
        let kind_rank = parts.next()?.parse().ok()?;
        let case_id = CaseId(parts.next()?.parse().ok()?);
        let subject: i64 = parts.next()?.parse().ok()?;
        parts.next().is_none().then_some(DueKey {
            due,
            kind_rank,
            case_id,
            subject_id: (subject >= 0).then_some(subject),
        })
    }
}

/// The key of a deadline in the worklist's order.
pub fn due_key(d: &nazorg_domain::deadlines::Deadline) -> DueKey {
    DueKey {
        due: d.due,
        kind_rank: kind_rank(d.kind),
        case_id: d.case_id,
        subject_id: d.subject_id,
    }
}

/// A stored deadline as a worklist shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DueRow {
    pub case_id: CaseId,
    pub kind: DeadlineKind,
    pub kind_rank: i64,
    pub due: Date,
    pub subject_id: Option<i64>,
    pub reason: String,
    #[sqlx(flatten)]
    pub who: WorklistRow,
}

/// The kind's place among the kinds: the order of the rules within a day.
fn kind_rank(kind: DeadlineKind) -> i64 {
    DeadlineKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(0) as i64
}

/// One part of a worklist's scope, each a range of an index.
#[derive(Debug, Clone, Copy)]
enum Part {
    /// Every case of the municipality (the team's list).
    All,
    /// The cases nobody coordinates.
    Unassigned,
    /// The cases of one coordinator (the user's own, or a colleague's they stand in for).
    Of(UserId),
}

impl Tx {
    /// The parts of a scope on `day`, each one range of an index read in order: the
    /// unassigned cases, the user's own and those of each colleague they stand in for.
    async fn parts_of(&mut self, scope: Scope, day: Date) -> Result<Vec<Part>> {
        let user = match scope {
            Scope::Team => return Ok(vec![Part::All]),
            Scope::Of(user) => user,
        };
        let stood_in: Vec<(UserId,)> = fetch_all!(
            self,
            "SELECT DISTINCT user_id FROM absences WHERE substitute_id = $1 AND starts_on <= $2 AND ends_on >= $2",
            [user, day]
        );
        let mut parts = vec![Part::Unassigned, Part::Of(user)];
        parts.extend(
            stood_in
                .into_iter()
                .filter(|(colleague,)| *colleague != user)
                .map(|(colleague,)| Part::Of(colleague)),
        );
        Ok(parts)
    }
}

/// The condition of one part of the scope.
fn push_part<DB: sqlx::Database>(q: &mut QueryBuilder<'_, DB>, part: Part)
where
    UserId: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    match part {
        Part::All => {}
        Part::Unassigned => {
            q.push(" AND d.coordinator_id IS NULL");
        }
        Part::Of(user) => {
            q.push(" AND d.coordinator_id = ").push_bind(user);
        }
    }
}
