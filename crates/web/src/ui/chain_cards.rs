//! The chain around a case on its page: what the BRP said, the zaak in the zaaksysteem,
//! and a call to either that still waits.

use super::nl;
use nazorg_app::CaseDetail;
use nazorg_domain::dates::format_nl_moment;

/// What the BRP said of the case, and a lookup that still waits.
pub(crate) struct BrpCard {
    pub(crate) status: &'static str,
    /// The day of the last successful lookup ("" while none succeeded).
    pub(crate) checked_on: String,
    /// The day the registration ended, where the BRP said so.
    pub(crate) since: String,
    /// The BRP is connected: the page offers to ask again.
    pub(crate) connected: bool,
    pub(crate) waiting: Option<WaitingCall>,
}

/// A call to an outside system that waits, as the case page says it.
pub(crate) struct WaitingCall {
    pub(crate) since: String,
    pub(crate) attempts: i64,
    pub(crate) last_attempt: String,
    pub(crate) error: String,
    pub(crate) next_attempt: String,
}

/// The case's zaak in the zaaksysteem, as its card says it.
pub(crate) struct ZaakCard {
    /// The zaaksysteem is connected, or the case was registered while it was.
    pub(crate) shown: bool,
    pub(crate) identificatie: String,
    pub(crate) url: String,
    /// Statuses and the resultaat not yet in the zaaksysteem.
    pub(crate) waiting_updates: i64,
    pub(crate) waiting: Option<WaitingCall>,
}

/// The call of `kind` that waits, as the page says it.
pub(crate) fn waiting_call(d: &CaseDetail, kind: &str) -> Option<WaitingCall> {
    d.waiting_call(kind).map(|c| WaitingCall {
        since: format_nl_moment(c.created_at),
        attempts: c.attempts,
        last_attempt: c.last_attempt_at.map(format_nl_moment).unwrap_or_default(),
        error: c.last_error.clone().unwrap_or_default(),
        next_attempt: format_nl_moment(c.next_attempt_at),
    })
}

pub(crate) fn zaak_card(d: &CaseDetail, connected: bool) -> ZaakCard {
    ZaakCard {
        shown: connected || d.zaak_url.is_some(),
        identificatie: d.zaak_identificatie.clone().unwrap_or_default(),
        url: d.zaak_url.clone().unwrap_or_default(),
        waiting_updates: d.zaak_waiting_updates,
        waiting: waiting_call(d, nazorg_app::zgw::SYNC),
    }
}

pub(crate) fn brp_card(d: &CaseDetail, connected: bool) -> BrpCard {
    let waiting = waiting_call(d, nazorg_app::brp::LOOKUP);
    BrpCard {
        status: d.summary.brp_status.map_or("Onbekend", |s| s.label()),
        checked_on: nl(d.summary.brp_checked_on),
        since: nl(d.brp_status_since),
        connected,
        waiting,
    }
}
