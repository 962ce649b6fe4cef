//! Cases: the core every step checks, the list, and the fields each step writes.

use crate::db::{
    Tx, execute, fetch_all, fetch_one, fetch_optional, now, scalar_all, scalar_one,
    scalar_optional, sql,
};
use crate::model::*;
use crate::{Result, StoreError};
use nazorg_domain::Status;
use nazorg_domain::case::DomainResult;
use nazorg_domain::eligibility::{self, Eligibility};
use nazorg_domain::ids::{CaseId, ResidentId, UserId};
use nazorg_domain::notification::MunicipalityCode;
use nazorg_domain::notification::{BrpStatus, Sentence};
use nazorg_domain::signal::OpenSignal;
use nazorg_domain::triage::{Direction, DomainTriage};
use nazorg_domain::version::Version;
use sqlx::QueryBuilder;
use time::{Date, OffsetDateTime};

/// Agenda items count for access while not yet discussed, or discussed this recently.
pub const AGENDA_ACCESS_DAYS: i64 = 90;

/// SQL: the case (table alias `cases`) is on the safety chamber's agenda now; binds the
/// earliest discussion date that still counts as `$2`.
pub(crate) const ON_AGENDA: &str = "(cases.anonymised_at IS NULL AND EXISTS (SELECT 1 FROM safety_agenda_items s \
                                    WHERE s.case_id = cases.id AND (s.discussed_on IS NULL OR s.discussed_on >= $2)))";

/// The first discussion date that still gives the chamber's members access today.
pub(crate) fn agenda_cutoff() -> Date {
    nazorg_domain::dates::today_nl() - time::Duration::days(AGENDA_ACCESS_DAYS)
}

/// The columns of a [`CaseSummary`] and of what its derived fields come from, of the
/// tables of [`SUMMARY_FROM`].
const SUMMARY_COLUMNS: &str = "c.id AS case_id, c.resident_id, r.bsn, r.provisional, r.family_name, r.given_names, r.birth_date, \
                               c.institution, c.detention_start, c.expected_release, c.actual_release, c.status, c.eligibility_in_force, \
                               c.eligibility_reasons, c.override_eligibility, c.direction, c.coordinator_id, u.display_name AS coordinator, c.next_action, c.action_due, \
                               c.brp_status, c.brp_checked_on";

/// The case (`c`), its resident (`r`) and its coordinator (`u`, if any).
const SUMMARY_FROM: &str = "FROM cases c JOIN residents r ON r.id = c.resident_id LEFT JOIN users u ON u.id = c.coordinator_id";

/// [`SUMMARY_FROM`] with the cases read first, in the list's order (the join's condition
/// goes in the WHERE clause): for a search on a name many residents share.
const SUMMARY_FROM_LIST_FIRST: &str =
    "FROM cases c CROSS JOIN residents r LEFT JOIN users u ON u.id = c.coordinator_id";

/// From this many residents with a name on, a search walks the list instead.
const COMMON_NAME: i64 = 2_000;

/// The columns of a [`CaseDetail`] besides the summary's, of the case (`c`).
const DETAIL_COLUMNS: &str = "c.municipality_code, c.last_residence_code, c.brp_status_since, c.sentence, c.eligibility, c.override_reason, \
                              c.override_by, c.direction_reason, c.direction_since, c.offer_outcome, c.offer_date, c.offer_contact_kind, \
                              c.triage_note, c.known_to_skt, c.known_to_safety_chamber, c.ready_housing, c.ready_brp, c.ready_id, \
                              c.ready_income, c.aftercare_end, c.closing_reason, c.overall_result, c.closing_note, c.closed_on, c.notified_on, \
                              c.version, c.zaak_url, c.zaak_identificatie, \
                              (SELECT COUNT(*) FROM zaak_updates u WHERE u.case_id = c.id AND u.sent_at IS NULL) AS zaak_waiting_updates";

/// A row with the [`SUMMARY_COLUMNS`]: `T` (the summary, or the detail around it), and the
/// columns the summary's derived fields come from.
#[derive(sqlx::FromRow)]
struct SummaryRow<T> {
    #[sqlx(flatten)]
    row: T,
    eligibility_reasons: String,
    override_eligibility: Option<Eligibility>,
}

impl<T: AsMut<CaseSummary>> SummaryRow<T> {
    /// The row, its summary's derived fields filled in.
    fn finish(mut self) -> T {
        let summary = self.row.as_mut();
        summary.eligibility_reasons = eligibility::decode_reasons(&self.eligibility_reasons);
        summary.eligibility_overridden = self.override_eligibility.is_some();
        self.row
    }
}

impl AsMut<CaseSummary> for CaseSummary {
    fn as_mut(&mut self) -> &mut CaseSummary {
        self
    }
}

impl AsMut<CaseSummary> for CaseDetail {
    fn as_mut(&mut self) -> &mut CaseSummary {
        &mut self.summary
    }
}

/// A resident's names as stored, for the one name a list shows.
#[derive(sqlx::FromRow)]
pub(crate) struct Names {
    given_names: String,
    family_name: String,
}

impl Names {
    /// Given names and family name, as one.
    pub(crate) fn full(&self) -> String {
        format!("{} {}", self.given_names, self.family_name)
            .trim()
            .to_string()
    }
}

/// A row with a resident's [`Names`]: `T`, whose name the names give.
#[derive(sqlx::FromRow)]
pub(crate) struct Named<T> {
    #[sqlx(flatten)]
    pub(crate) row: T,
    #[sqlx(flatten)]
    pub(crate) names: Names,
}

/// The facts eligibility is judged on, and the outcome in force now.
#[derive(sqlx::FromRow)]
pub struct EligibilityRow {
    pub birth_date: Option<Date>,
    pub last_residence_code: Option<String>,
    pub brp_status: Option<BrpStatus>,
    pub sentence: Option<Sentence>,
    pub detention_start: Date,
    pub expected_release: Option<Date>,
    pub actual_release: Option<Date>,
    pub override_eligibility: Option<Eligibility>,
    pub municipality_code: MunicipalityCode,
    pub eligibility_in_force: Eligibility,
}

/// A new case, as a first notification opens it.
pub struct NewCase<'a> {
    pub municipality: &'a str,
    pub resident_id: ResidentId,
    pub institution: &'a str,
    pub detention_start: Date,
    pub expected_release: Option<Date>,
    pub last_residence_code: Option<&'a str>,
    pub brp_status: Option<BrpStatus>,
    pub sentence: Option<Sentence>,
    pub eligibility: Eligibility,
    pub eligibility_reasons: String,
    pub notified_on: Date,
    pub at: OffsetDateTime,
}

impl Tx {
    /// The columns every step needs to check access and the lifecycle.
    pub async fn case_core(&mut self, case_id: CaseId) -> Result<CaseCore> {
        let cutoff = agenda_cutoff();
        let core: Option<CaseCore> = fetch_optional!(
            self,
            &format!(
                "SELECT id, municipality_code, resident_id, status, detention_start, actual_release, \
                 {ON_AGENDA} AS on_agenda, anonymised_at IS NOT NULL AS anonymised FROM cases WHERE id = $1"
            ),
            [case_id, cutoff]
        );
        core.ok_or(StoreError::NotFound)
    }

    /// The municipality of a case and whether it is on the safety chamber's agenda.
    pub async fn case_access(&mut self, case_id: CaseId) -> Result<Option<(String, bool)>> {
        let cutoff = agenda_cutoff();
        Ok(fetch_optional!(
            self,
            &format!("SELECT municipality_code, {ON_AGENDA} FROM cases WHERE id = $1"),
            [case_id, cutoff]
        ))
    }

    /// One page of cases of a municipality, in the order of their next step's due date;
    /// `limit + 1` rows, so the caller knows whether there is more.
    pub async fn list_cases(
        &mut self,
        municipality: &str,
        filter: &CaseFilter,
        search: Option<&CaseSearch>,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Vec<CaseSummary>> {
        // A name many residents share (one in 500 or more here) is found faster by walking
        // the list in its order and checking the name (the first page is near), than by
        // taking every resident of that name and sorting their cases; a rarer one the other
        // way round. SQLite's planner cannot tell them apart, so the query says which
        // (CROSS JOIN keeps the cases as the outer loop there; PostgreSQL plans either by
        // its statistics).
        let common_name = match search {
            Some(CaseSearch::NamePrefix { from, below }) => {
                self.residents_named(municipality, (from, below)).await? > COMMON_NAME
            }
            _ => false,
        };
        let rows: Vec<SummaryRow<CaseSummary>> = sql!(self, |c| {
            let mut q = QueryBuilder::<DB>::new(format!("SELECT {SUMMARY_COLUMNS} "));
            if common_name {
                q.push(SUMMARY_FROM_LIST_FIRST)
                    .push(" WHERE r.id = c.resident_id AND c.municipality_code = ");
            } else {
                q.push(SUMMARY_FROM).push(" WHERE c.municipality_code = ");
            }
            q.push_bind(municipality.to_string());
            if let Some(status) = filter.status {
                q.push(" AND c.status = ").push_bind(status);
            } else if filter.open_only {
                q.push(" AND c.is_open = ").push_bind(true);
            }
            if let Some(direction) = filter.direction {
                q.push(" AND c.direction = ").push_bind(direction);
            }
            if let Some(coordinator) = filter.coordinator_id {
                q.push(" AND c.coordinator_id = ").push_bind(coordinator);
            }
            match search {
                Some(CaseSearch::Bsn(bsn)) => {
                    q.push(" AND r.municipality_code = ")
                        .push_bind(municipality.to_string());
                    q.push(" AND r.bsn = ").push_bind(bsn.clone());
                }
                Some(CaseSearch::NamePrefix { from, below }) => {
                    q.push(" AND r.municipality_code = ")
                        .push_bind(municipality.to_string());
                    q.push(" AND r.search_name >= ").push_bind(from.clone());
                    q.push(" AND r.search_name < ").push_bind(below.clone());
                }
                None => {}
            }
            if let Some(cursor) = after {
                // Keyset: strictly after (due, id). The plain lower bound on action_due
                // lets both databases start the index range there.
                q.push(" AND c.action_due >= ").push_bind(cursor.due);
                q.push(" AND (c.action_due > ").push_bind(cursor.due);
                q.push(" OR c.id > ").push_bind(cursor.id).push(")");
            }
            q.push(" ORDER BY c.action_due, c.id LIMIT ")
                .push_bind(i64::from(limit) + 1);
            q.build_query_as().fetch_all(&mut *c).await?
        });
        let mut page: Vec<CaseSummary> = rows.into_iter().map(SummaryRow::finish).collect();
        // The open signals of the page, in one query.
        let ids: Vec<CaseId> = page.iter().map(|c| c.case_id).collect();
        for (case, signal) in self.open_signals(&ids).await? {
            if let Some(summary) = page.iter_mut().find(|c| c.case_id == case)
                && !summary.signals.contains(&signal.kind)
            {
                summary.signals.push(signal.kind);
            }
        }
        Ok(page)
    }

    /// How many residents of the municipality have a name in this key range, counted up
    /// to [`COMMON_NAME`] and one more (from the index alone).
    async fn residents_named(
        &mut self,
        municipality: &str,
        (from, below): (&str, &str),
    ) -> Result<i64> {
        Ok(scalar_one!(
            self,
            "SELECT COUNT(*) FROM (SELECT 1 FROM residents r WHERE r.municipality_code = $1 \
             AND r.search_name >= $2 AND r.search_name < $3 LIMIT $4) n",
            [municipality, from, below, COMMON_NAME + 1]
        ))
    }

    /// Everything about one case.
    pub async fn case_detail(&mut self, case_id: CaseId) -> Result<CaseDetail> {
        let row: SummaryRow<CaseDetail> = fetch_one!(
            self,
            &format!("SELECT {SUMMARY_COLUMNS}, {DETAIL_COLUMNS} {SUMMARY_FROM} WHERE c.id = $1"),
            [case_id]
        );
        let mut detail = row.finish();
        detail.triage.domains = self.case_triage(case_id).await?;
        let signals: Vec<OpenSignal> = self
            .open_signals(&[case_id])
            .await?
            .into_iter()
            .map(|(_, signal)| signal)
            .collect();
        for signal in &signals {
            if !detail.summary.signals.contains(&signal.kind) {
                detail.summary.signals.push(signal.kind);
            }
        }
        Ok(CaseDetail {
            agreements: self.case_agreements(case_id).await?,
            contacts: self.case_contacts(case_id).await?,
            household: self.case_household(case_id).await?,
            closure_results: self.case_closure_results(case_id).await?,
            notifications: self.case_notifications(case_id).await?,
            events: self.case_events(case_id).await?,
            referrals: self.case_referrals(case_id).await?,
            safety_agenda: self.case_safety_agenda(case_id).await?,
            appointments: self.case_appointments(case_id).await?,
            waiting_calls: self.waiting_calls_of_case(case_id).await?,
            signals,
            ..detail
        })
    }

    pub async fn case_triage(&mut self, case_id: CaseId) -> Result<Vec<DomainTriage>> {
        let rows: Vec<(_, _, _)> = fetch_all!(
            self,
            "SELECT domain, need, self_reliance FROM triage_domains WHERE case_id = $1",
            [case_id]
        );
        let mut rows: Vec<DomainTriage> = rows
            .into_iter()
            .map(|(domain, need, self_reliance)| DomainTriage {
                domain,
                need,
                self_reliance,
            })
            .collect();
        rows.sort_by_key(|t| t.domain);
        Ok(rows)
    }

    pub async fn case_closure_results(
        &mut self,
        case_id: CaseId,
    ) -> Result<Vec<(nazorg_domain::triage::LifeDomain, DomainResult)>> {
        let mut rows: Vec<_> = fetch_all!(
            self,
            "SELECT domain, result FROM closure_results WHERE case_id = $1",
            [case_id]
        );
        rows.sort();
        Ok(rows)
    }

    pub async fn case_events(&mut self, case_id: CaseId) -> Result<Vec<CaseEvent>> {
        Ok(fetch_all!(
            self,
            "SELECT at, actor_name, kind, summary, version, part FROM case_events WHERE case_id = $1 ORDER BY id DESC",
            [case_id]
        ))
    }

    pub async fn case_notifications(&mut self, case_id: CaseId) -> Result<Vec<NotificationRecord>> {
        Ok(fetch_all!(
            self,
            "SELECT source, received_at FROM notifications WHERE case_id = $1 ORDER BY id",
            [case_id]
        ))
    }

    /// Adds an entry to the case's history, as the case's next version; `part` is the part
    /// of the case the entry replaced, if it replaced one.
    pub async fn add_case_event(
        &mut self,
        case_id: CaseId,
        actor_id: Option<UserId>,
        actor_name: &str,
        kind: &str,
        summary: &str,
        part: Option<&str>,
    ) -> Result<Version> {
        let version: Version = scalar_one!(
            self,
            "UPDATE cases SET version = version + 1 WHERE id = $1 RETURNING version",
            [case_id]
        );
        execute!(
            self,
            "INSERT INTO case_events (case_id, at, actor_id, actor_name, kind, summary, version, part) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            [
                case_id,
                now(),
                actor_id,
                actor_name,
                kind,
                summary,
                version,
                part
            ]
        );
        Ok(version)
    }

    /// The case's version, in the transaction's lock of its row: a parallel step on the
    /// same case waits until this transaction ends, then sees what it wrote.
    pub async fn lock_case_version(&mut self, case_id: CaseId) -> Result<Version> {
        Ok(sql!(self, |c| {
            sqlx::query_scalar(&format!(
                "SELECT version FROM cases WHERE id = $1{FOR_UPDATE}"
            ))
            .bind(case_id)
            .fetch_one(&mut *c)
            .await?
        }))
    }

    /// The history entries that replaced `part` of a case after version `seen`, oldest first.
    pub async fn part_changes_since(
        &mut self,
        case_id: CaseId,
        part: &str,
        seen: Version,
    ) -> Result<Vec<CaseEvent>> {
        Ok(fetch_all!(
            self,
            "SELECT at, actor_name, kind, summary, version, part FROM case_events \
             WHERE case_id = $1 AND part = $2 AND version > $3 ORDER BY version",
            [case_id, part, seen]
        ))
    }

    pub async fn eligibility_facts(&mut self, case_id: CaseId) -> Result<EligibilityRow> {
        Ok(fetch_one!(
            self,
            "SELECT r.birth_date, c.last_residence_code, c.brp_status, c.sentence, c.detention_start, c.expected_release, \
             c.actual_release, c.override_eligibility, c.municipality_code, c.eligibility_in_force \
             FROM cases c JOIN residents r ON r.id = c.resident_id WHERE c.id = $1",
            [case_id]
        ))
    }

    /// Stores the rules' outcome, its reasons and the outcome in force.
    pub async fn set_eligibility(
        &mut self,
        case_id: CaseId,
        outcome: Eligibility,
        reasons: &str,
        in_force: Eligibility,
    ) -> Result<()> {
        execute!(
            self,
            "UPDATE cases SET eligibility = $1, eligibility_reasons = $2, eligibility_in_force = $3 WHERE id = $4",
            [outcome, reasons, in_force, case_id]
        );
        Ok(())
    }

    /// Stores what the case needs next, for the order of the case list.
    pub async fn set_next_action(&mut self, case_id: CaseId, label: &str, due: Date) -> Result<()> {
        execute!(
            self,
            "UPDATE cases SET next_action = $1, action_due = $2 WHERE id = $3",
            [label, due, case_id]
        );
        Ok(())
    }

    /// Stores a new phase; the phase's clock restarts only when the phase changed.
    pub async fn set_status(
        &mut self,
        case_id: CaseId,
        before: Status,
        after: Status,
    ) -> Result<()> {
        let day = nazorg_domain::dates::today_nl();
        execute!(
            self,
            "UPDATE cases SET status = $1, is_open = $2, last_step_on = CASE WHEN $3 THEN $4 ELSE last_step_on END, \
             updated_at = $5 WHERE id = $6",
            [after, after.is_open(), before != after, day, now(), case_id]
        );
        Ok(())
    }

    /// The case of a resident's detention that started on a day, if known.
    pub async fn case_of_detention(
        &mut self,
        resident_id: ResidentId,
        start: Date,
    ) -> Result<Option<CaseId>> {
        Ok(scalar_optional!(
            self,
            "SELECT id FROM cases WHERE resident_id = $1 AND detention_start = $2",
            [resident_id, start]
        ))
    }

    /// Opens a case in the phase ‘notified’.
    pub async fn insert_case(&mut self, n: &NewCase<'_>) -> Result<CaseId> {
        Ok(scalar_one!(
            self,
            "INSERT INTO cases (municipality_code, resident_id, institution, detention_start, expected_release, last_residence_code, \
             brp_status, sentence, status, is_open, eligibility, eligibility_reasons, eligibility_in_force, notified_on, last_step_on, \
             action_due, next_action, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $13, $13, $13, '', $14, $14) RETURNING id",
            [
                n.municipality,
                n.resident_id,
                n.institution,
                n.detention_start,
                n.expected_release,
                n.last_residence_code,
                n.brp_status,
                n.sentence,
                Status::Notified,
                true,
                n.eligibility,
                &n.eligibility_reasons,
                n.notified_on,
                n.at
            ]
        ))
    }

    /// The sources that notified a case so far.
    pub async fn notified_by(
        &mut self,
        case_id: CaseId,
        source: nazorg_domain::notification::Source,
    ) -> Result<bool> {
        let n: i64 = scalar_one!(
            self,
            "SELECT COUNT(*) FROM notifications WHERE case_id = $1 AND source = $2",
            [case_id, source]
        );
        Ok(n > 0)
    }

    pub async fn add_notification(
        &mut self,
        case_id: CaseId,
        source: nazorg_domain::notification::Source,
        at: OffsetDateTime,
    ) -> Result<()> {
        execute!(
            self,
            "INSERT INTO notifications (case_id, source, received_at) VALUES ($1, $2, $3)",
            [case_id, source, at]
        );
        Ok(())
    }

    pub async fn correctable_facts(&mut self, case_id: CaseId) -> Result<CorrectableFacts> {
        Ok(fetch_one!(
            self,
            "SELECT c.institution, c.expected_release, c.sentence, c.brp_status, c.last_residence_code, r.birth_date, \
             r.family_name, r.given_names FROM cases c JOIN residents r ON r.id = c.resident_id WHERE c.id = $1",
            [case_id]
        ))
    }

    /// Stores corrected detention facts of a case.
    /// Stores the detention's facts of `facts` (the resident's name and birth date are
    /// the resident's: `set_resident_identity`).
    pub async fn set_detention_facts(
        &mut self,
        case_id: CaseId,
        facts: &CorrectableFacts,
    ) -> Result<()> {
        execute!(
            self,
            "UPDATE cases SET institution = $1, expected_release = $2, sentence = $3, brp_status = $4, last_residence_code = $5, \
             updated_at = $6 WHERE id = $7",
            [
                &facts.institution,
                facts.expected_release,
                facts.sentence,
                facts.brp_status,
                facts.last_residence_code.as_deref(),
                now(),
                case_id
            ]
        );
        Ok(())
    }

    /// The other open cases of a resident.
    pub async fn other_open_cases(
        &mut self,
        resident_id: ResidentId,
        case_id: CaseId,
    ) -> Result<Vec<CaseId>> {
        Ok(scalar_all!(
            self,
            "SELECT id FROM cases WHERE resident_id = $1 AND id <> $2 AND is_open = $3",
            [resident_id, case_id, true]
        ))
    }

    /// Direction and whether open, of a case (for the directed view), if it exists.
    pub async fn direction_and_open(
        &mut self,
        case_id: CaseId,
    ) -> Result<Option<(Option<Direction>, bool)>> {
        Ok(fetch_optional!(
            self,
            "SELECT direction, is_open FROM cases WHERE id = $1",
            [case_id]
        ))
    }

    /// The open cases a partner organisation directs, newest first, at most 200.
    pub async fn directed_cases(
        &mut self,
        municipality: &str,
        direction: Direction,
    ) -> Result<Vec<DirectedCaseRow>> {
        let rows: Vec<Named<DirectedCaseRow>> = fetch_all!(
            self,
            "SELECT c.id AS case_id, r.given_names, r.family_name, c.status, c.direction_since FROM cases c \
             JOIN residents r ON r.id = c.resident_id \
             WHERE c.municipality_code = $1 AND c.direction = $2 AND c.is_open = $3 ORDER BY c.id DESC LIMIT 200",
            [municipality, direction, true]
        );
        Ok(rows
            .into_iter()
            .map(|r| DirectedCaseRow {
                resident: r.names.full(),
                ..r.row
            })
            .collect())
    }

    /// The BSN of a case's resident, for a lookup in the BRP; `None` while the identity
    /// is provisional (no BSN yet) or after the case was anonymised.
    pub async fn bsn_of_case(&mut self, case_id: CaseId) -> Result<Option<String>> {
        let row: Option<(String, bool, bool)> = fetch_optional!(
            self,
            "SELECT r.bsn, r.provisional, c.anonymised_at IS NOT NULL FROM cases c JOIN residents r ON r.id = c.resident_id \
             WHERE c.id = $1",
            [case_id]
        );
        Ok(row.and_then(|(bsn, provisional, anonymised)| {
            (!provisional && !anonymised).then_some(bsn)
        }))
    }

    /// Stores what the BRP said of a case: its status, since when (a registration that
    /// ended), the last residence, and the day of the lookup.
    pub async fn set_brp_facts(
        &mut self,
        case_id: CaseId,
        facts: &CorrectableFacts,
        since: Option<Date>,
        checked_on: Date,
    ) -> Result<()> {
        execute!(
            self,
            "UPDATE cases SET brp_status = $1, last_residence_code = $2, brp_status_since = $3, brp_checked_on = $4, \
             updated_at = $5 WHERE id = $6",
            [
                facts.brp_status,
                facts.last_residence_code.as_deref(),
                since,
                checked_on,
                now(),
                case_id
            ]
        );
        Ok(())
    }

    /// Name, role and municipality of an active user, for assigning a case to them.
    pub async fn active_user_role(
        &mut self,
        user_id: UserId,
    ) -> Result<Option<(String, nazorg_domain::access::Role, String)>> {
        Ok(fetch_optional!(
            self,
            "SELECT display_name, role, municipality_code FROM users WHERE id = $1 AND active = $2",
            [user_id, true]
        ))
    }
}
