//! What the calls to outside systems (the BRP, the zaaksysteem) share: the problem+json
//! their errors come as, and the cause of a call that did not arrive.

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
