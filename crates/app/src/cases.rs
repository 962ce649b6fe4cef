//! Reading cases: the list, one case in full, and the limited view of the partner
//! organisation that directs it.

use crate::error::Error;
use crate::{App, Logged, Result, gate};
use nazorg_domain::Bsn;
use nazorg_domain::access::{self, Action, Actor, Denied, is_partner_role};
use nazorg_domain::ids::CaseId;
use nazorg_domain::search::{prefix_upper_bound, search_key};
use nazorg_domain::triage::Direction;
use nazorg_store::{
    CaseDetail, CaseFilter, CaseSearch, CaseSummary, Cursor, DirectedCase, DirectedCaseRow, Page,
};

/// What a search text looks for: a number is a BSN (an exact match, never a prefix: a
/// partial BSN finds nobody); anything else the start of a family name.
fn search_of(text: Option<&str>) -> Option<CaseSearch> {
    let search = nazorg_domain::text::without_disallowed(text?);
    let search = Some(search.trim()).filter(|s| !s.is_empty())?;
    let digits: String = search
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    Some(if digits.chars().all(|c| c.is_ascii_digit()) {
        CaseSearch::Bsn(Bsn::parse(&digits).map(|b| b.to_string()).unwrap_or(digits))
    } else {
        let from = search_key(search);
        let below = prefix_upper_bound(&from);
        CaseSearch::NamePrefix { from, below }
    })
}

impl App {
    /// One page of the cases of the actor's municipality, in the order of their next
    /// step; the list is logged with every resident it shows.
    pub async fn list_cases(
        &self,
        actor: &Actor,
        filter: &CaseFilter,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Page<CaseSummary>> {
        let limit = limit.clamp(1, 500);
        self.read_in_municipality(actor, "list_cases", Action::ListCases, async |tx| {
            let search = search_of(filter.search.as_deref());
            let mut items = tx
                .list_cases(&actor.municipality, filter, search.as_ref(), after, limit)
                .await?;
            let more = items.len() > limit as usize;
            items.truncate(limit as usize);
            let ids: Vec<String> = items.iter().map(|c| c.case_id.to_string()).collect();
            let cases: Vec<CaseId> = items.iter().map(|c| c.case_id).collect();
            let detail = format!("lijst van casussen: {}", ids.join(","));
            let next = more.then(|| items.last()).flatten().map(|c| Cursor {
                due: c.action_due,
                id: c.case_id,
            });
            Ok(Logged {
                answer: Page { items, next },
                cases,
                detail,
            })
        })
        .await
    }

    /// Everything about one case.
    pub async fn get_case(&self, actor: &Actor, case_id: CaseId) -> Result<CaseDetail> {
        self.gated(actor, "get_case", async {
            let mut tx = self.db.read().await?;
            gate::enter_case(&mut tx, actor, Action::ReadCase, case_id, "casus ingezien").await?;
            let detail = tx.case_detail(case_id).await?;
            tx.commit().await?;
            Ok(detail)
        })
        .await
    }

    /// The open cases the actor's organisation directs (SKT or Exodus), newest first.
    pub async fn directed_cases(&self, actor: &Actor) -> Result<Vec<DirectedCaseRow>> {
        self.in_municipality(
            actor,
            "directed_cases",
            Action::ReadDirectedCase,
            |permit| async move {
                let Some(direction) = access::directs(actor.role) else {
                    return Ok(Vec::new());
                };
                let mut tx = self.db.read().await?;
                let rows = tx.directed_cases(&actor.municipality, direction).await?;
                let ids: Vec<CaseId> = rows.iter().map(|r| r.case_id).collect();
                let listed: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
                let detail = format!(
                    "casussen met regie bij {}: {}",
                    direction.label(),
                    listed.join(",")
                );
                gate::log_list(&mut tx, permit, &ids, &detail).await?;
                tx.commit().await?;
                Ok(rows)
            },
        )
        .await
    }

    /// One case in the limited view of the organisation that directs it.
    pub async fn get_directed_case(&self, actor: &Actor, case_id: CaseId) -> Result<DirectedCase> {
        self.gated(actor, "get_directed_case", async {
            let mut tx = self.db.read().await?;
            let partner = is_partner_role(actor.role);
            // A partner user learns nothing about cases they do not direct, not even
            // whether they exist.
            let (direction, open) = match tx.direction_and_open(case_id).await? {
                Some(found) => found,
                None if partner => return Err(Denied::NotDirected.into()),
                None => return Err(Error::NotFound),
            };
            if partner && !open {
                return Err(Denied::NotDirected.into());
            }
            let core = tx.case_core(case_id).await?;
            nazorg_domain::access::authorize_directed(actor, &core.municipality_code, direction)?;
            let permit = gate::check(actor, Action::ReadDirectedCase, &core.municipality_code)?;
            let detail = "casus ingezien (beperkt, casusregie)";
            gate::log(
                &mut tx,
                permit,
                Some(core.resident_id),
                Some(case_id),
                detail,
            )
            .await?;
            let d = tx.case_detail(case_id).await?;
            tx.commit().await?;
            Ok(directed_view(d, direction))
        })
        .await
    }
}

/// What the directing organisation sees of a case.
fn directed_view(d: CaseDetail, direction: Option<Direction>) -> DirectedCase {
    DirectedCase {
        case_id: d.summary.case_id,
        resident: format!("{} {}", d.summary.given_names, d.summary.family_name)
            .trim()
            .to_string(),
        birth_date: d.summary.birth_date,
        status: d.summary.status,
        direction,
        direction_since: d.direction_since,
        expected_release: d.summary.expected_release,
        actual_release: d.summary.actual_release,
        aftercare_end: d.aftercare_end,
        triage: d.triage.domains,
        triage_note: d.triage.note,
        agreements: d.agreements,
        ready_housing: d.ready_housing,
        ready_brp: d.ready_brp,
        ready_id: d.ready_id,
        ready_income: d.ready_income,
        contacts: d.contacts,
        household: d.household,
        referrals: d
            .referrals
            .into_iter()
            .map(|r| (r.partner, r.domains, r.status))
            .collect(),
    }
}
