//! What the background jobs need to know of the installation: where mail goes, the
//! deadline thresholds, the retention period. Both the jobs and the digest read it.

use nazorg_domain::deadlines::DeadlineSettings;

/// Where and how mail goes out.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `smtp://host:port` (plain, for a relay on the local network), `smtp://host?tls=required`
    /// (STARTTLS) or `smtps://host` (TLS); user and password may be in the URL.
    pub smtp_url: String,
    /// The sender, e.g. `Nazorg <nazorg@gemeente.nl>`.
    pub from: String,
    /// Dutch local hour from which the day's digest is sent.
    pub hour: u8,
}

/// What the daily jobs need to know of the installation.
#[derive(Debug, Clone)]
pub struct JobSettings {
    /// The address users reach Nazorg on, for the link in the digest.
    pub public_url: String,
    /// The thresholds of the deadline rules.
    pub deadlines: DeadlineSettings,
    /// Where the daily digest goes out; `None` means no e-mail at all.
    pub mail: Option<MailConfig>,
    /// Years after closure after which a case is anonymised; 0 switches the job off.
    pub retention_years: u32,
}
