//! What the calls to outside systems (the BRP, the zaaksysteem) share: the problem+json
//! their errors come as, the cause of a call that did not arrive, and a drain that waits
//! for what the background worker holds.

use crate::{App, Result};
use nazorg_domain::ids::CaseId;
use serde::Deserialize;

/// A problem+json answer (RFC 7807), as the BRP and the ZGW APIs give it, with
/// `invalidParams` on a 400.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Problem {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default)]
    pub invalid_params: Vec<InvalidParam>,
}

#[derive(Deserialize)]
pub(crate) struct InvalidParam {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub reason: String,
}

impl Problem {
    /// "burgerservicenummer[0]: Waarde voldoet niet aan patroon ^[0-9]{9}$." or the
    /// detail or title.
    pub fn explain(&self) -> String {
        if !self.invalid_params.is_empty() {
            let params: Vec<String> = self
                .invalid_params
                .iter()
                .map(|p| format!("{}: {}", p.name, p.reason))
                .collect();
            return params.join("; ");
        }
        self.detail
            .clone()
            .or_else(|| self.title.clone())
            .unwrap_or_default()
    }
}

/// The innermost cause of a transport error, which says most ("Connection refused").
pub(crate) fn innermost_cause(e: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause.to_string()
}

/// How long a drain (`nazorg zgw sync`, `nazorg brp lookup --pending`) waits for calls
/// the background worker holds, in steps of [`HELD_STEP`].
pub(crate) const HELD_PATIENCE: u32 = 150;
const HELD_STEP: std::time::Duration = std::time::Duration::from_millis(200);

/// Whether another worker holds calls of `kind` now; if so, waits a step (while patience
/// lasts) so that the caller looks again.
pub(crate) async fn held_a_while(
    app: &App,
    kind: &str,
    only_case: Option<CaseId>,
    patience: &mut u32,
) -> Result<bool> {
    if *patience == 0 {
        return Ok(false);
    }
    let held = {
        let mut tx = app.db.autocommit().await?;
        tx.held_calls(kind, time::OffsetDateTime::now_utc(), only_case)
            .await?
    };
    if held == 0 {
        return Ok(false);
    }
    *patience -= 1;
    tokio::time::sleep(HELD_STEP).await;
    Ok(true)
}
