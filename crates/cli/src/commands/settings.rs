//! The installation-wide settings given as global flags (or `NAZORG_*` variables): the
//! thresholds of the deadline rules and the daily digest e-mail.

/// The thresholds of the deadline rules (the worklist, "Mijn werk", the digest).
#[derive(clap::Args, Clone, Copy)]
pub struct DeadlineArgs {
    /// Working days (Dutch public holidays excluded) within which a notification must be handled.
    #[arg(
        long,
        global = true,
        env = "NAZORG_NOTIFICATION_WORKING_DAYS",
        default_value_t = 3
    )]
    notification_working_days: u32,
    /// Days before the expected release from which "no contact yet" is flagged.
    #[arg(
        long,
        global = true,
        env = "NAZORG_CONTACT_BEFORE_RELEASE_DAYS",
        default_value_t = 28
    )]
    contact_before_release_days: i64,
    /// Days before the expected release from which missing housing, BRP, ID or income is flagged.
    #[arg(
        long,
        global = true,
        env = "NAZORG_RELEASE_READY_DAYS",
        default_value_t = 14
    )]
    release_ready_days: i64,
    /// Days before the end of the aftercare period from which it is flagged.
    #[arg(
        long,
        global = true,
        env = "NAZORG_AFTERCARE_ENDING_DAYS",
        default_value_t = 14
    )]
    aftercare_ending_days: i64,
    /// Days without contact after which an open case is flagged.
    #[arg(
        long,
        global = true,
        env = "NAZORG_NO_CONTACT_DAYS",
        default_value_t = 30
    )]
    no_contact_days: i64,
    /// Days after asking by which a referral should have started.
    #[arg(
        long,
        global = true,
        env = "NAZORG_REFERRAL_START_DAYS",
        default_value_t = 10
    )]
    referral_start_days: i64,
}

impl DeadlineArgs {
    /// The thresholds as the domain's deadline rules take them.
    pub fn settings(self) -> nazorg_domain::deadlines::DeadlineSettings {
        nazorg_domain::deadlines::DeadlineSettings {
            notification_working_days: self.notification_working_days,
            contact_before_release_days: self.contact_before_release_days,
            release_ready_days: self.release_ready_days,
            aftercare_ending_days: self.aftercare_ending_days,
            no_contact_days: self.no_contact_days,
            referral_start_days: self.referral_start_days,
        }
    }
}

/// The daily digest e-mail (off unless an SMTP server is given).
#[derive(clap::Args, Clone)]
pub struct MailArgs {
    /// SMTP server for the daily digest: smtp://host:port (plain), smtp://host?tls=required
    /// (STARTTLS) or smtps://host; user:password@ may be included. Off when empty.
    #[arg(long, global = true, env = "NAZORG_SMTP_URL")]
    smtp_url: Option<String>,
    /// Sender of the digest.
    #[arg(
        long,
        global = true,
        env = "NAZORG_MAIL_FROM",
        default_value = "Nazorg <nazorg@localhost.localdomain>"
    )]
    pub mail_from: String,
    /// Dutch local hour from which the daily digest is sent.
    #[arg(long, global = true, env = "NAZORG_DIGEST_HOUR", default_value_t = 7)]
    digest_hour: u8,
    /// The address users reach Nazorg on, for links in e-mails, the calendar feed and the
    /// setup link (default http://LISTEN).
    #[arg(long, global = true, env = "NAZORG_PUBLIC_URL")]
    pub public_url: Option<String>,
}

impl MailArgs {
    /// The digest's mail settings, `None` when no SMTP server is given.
    pub fn config(&self) -> Option<nazorg_app::MailConfig> {
        self.smtp_url
            .as_ref()
            .filter(|u| !u.trim().is_empty())
            .map(|url| nazorg_app::MailConfig {
                smtp_url: url.clone(),
                from: self.mail_from.clone(),
                hour: self.digest_hour,
            })
    }
}

/// The BRP (Haal Centraal BRP Personen), off unless a URL is given: every new case with a
/// BSN is then looked up in it, in the background of `serve` (or by `nazorg brp lookup`).
#[derive(clap::Args, Clone)]
pub struct BrpArgs {
    /// Base URL of the BRP Personen API; Nazorg posts to URL/personen, e.g.
    /// https://gateway.gemeente.nl/haalcentraal/api/brp. Off when empty.
    #[arg(long, global = true, env = "NAZORG_BRP_URL")]
    brp_url: Option<String>,
    /// API key of Nazorg at the BRP gateway, sent as X-API-Key (prefer the environment
    /// variable: a flag shows in the process list).
    #[arg(
        long,
        global = true,
        env = "NAZORG_BRP_API_KEY",
        hide_env_values = true
    )]
    brp_api_key: Option<String>,
    /// Client certificate (PEM) for mutual TLS, where the gateway asks for one; with
    /// --brp-client-key.
    #[arg(long, global = true, env = "NAZORG_BRP_CLIENT_CERT")]
    brp_client_cert: Option<std::path::PathBuf>,
    /// Private key (PEM) of the client certificate.
    #[arg(long, global = true, env = "NAZORG_BRP_CLIENT_KEY")]
    brp_client_key: Option<std::path::PathBuf>,
    /// A CA certificate (PEM) to trust for the gateway besides the public roots.
    #[arg(long, global = true, env = "NAZORG_BRP_CA_CERT")]
    brp_ca_cert: Option<std::path::PathBuf>,
    /// Seconds one request to the BRP may take before it counts as failed (and is tried
    /// again later), at most 60.
    #[arg(long, global = true, env = "NAZORG_BRP_TIMEOUT", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=60))]
    brp_timeout: u64,
}

impl BrpArgs {
    /// The BRP client, `None` when no URL is given.
    pub fn client(&self) -> anyhow::Result<Option<nazorg_app::brp::BrpClient>> {
        use anyhow::Context;
        let Some(url) = self.brp_url.as_ref().filter(|u| !u.trim().is_empty()) else {
            return Ok(None);
        };
        let read = |path: &std::path::Path| {
            std::fs::read(path).with_context(|| format!("{} lezen", path.display()))
        };
        let identity = match (&self.brp_client_cert, &self.brp_client_key) {
            (Some(cert), Some(key)) => {
                let mut pem = read(cert)?;
                pem.push(b'\n');
                pem.extend(read(key)?);
                Some(pem)
            }
            (None, None) => None,
            _ => anyhow::bail!("--brp-client-cert en --brp-client-key horen samen: geef beide"),
        };
        let config = nazorg_app::brp::BrpConfig {
            url: url.trim().to_string(),
            api_key: self.brp_api_key.clone(),
            client_identity_pem: identity,
            ca_pem: self.brp_ca_cert.as_deref().map(read).transpose()?,
            timeout: std::time::Duration::from_secs(self.brp_timeout),
        };
        Ok(Some(nazorg_app::brp::BrpClient::new(&config)?))
    }
}

/// The zaaksysteem (ZGW Zaken and Catalogi APIs, as Open Zaak serves them), off unless the
/// Zaken API's URL is given: every new case is then registered as a zaak, and each change
/// of phase and the closure posted to it, in the background of `serve` (or by
/// `nazorg zgw sync`).
#[derive(clap::Args, Clone)]
pub struct ZgwArgs {
    /// Base URL of the Zaken API, e.g. https://openzaak.gemeente.nl/zaken/api/v1. Off when
    /// empty.
    #[arg(long, global = true, env = "NAZORG_ZGW_ZAKEN_URL")]
    zgw_zaken_url: Option<String>,
    /// Base URL of the Catalogi API, e.g. https://openzaak.gemeente.nl/catalogi/api/v1:
    /// the zaaktype's statustypen and resultaattypen are read from it.
    #[arg(long, global = true, env = "NAZORG_ZGW_CATALOGI_URL")]
    zgw_catalogi_url: Option<String>,
    /// The client ID the zaaksysteem knows Nazorg by (iss and client_id of the JWT).
    #[arg(long, global = true, env = "NAZORG_ZGW_CLIENT_ID")]
    zgw_client_id: Option<String>,
    /// The secret the JWT is signed with (HS256); prefer the environment variable.
    #[arg(long, global = true, env = "NAZORG_ZGW_SECRET", hide_env_values = true)]
    zgw_secret: Option<String>,
    /// URL of the zaaktype of aftercare cases in the Catalogi API.
    #[arg(long, global = true, env = "NAZORG_ZGW_ZAAKTYPE")]
    zgw_zaaktype: Option<String>,
    /// RSIN of the municipality (9 digits): bronorganisatie and
    /// verantwoordelijkeOrganisatie of every zaak.
    #[arg(long, global = true, env = "NAZORG_ZGW_RSIN")]
    zgw_rsin: Option<String>,
    /// Which statustype (by volgnummer) a phase is, where the default (docs/operations.md)
    /// does not fit, e.g. "accepted=2,triaged=3,planning=4,aftercare=5,closed=9". Phases:
    /// notified, not_reached, declined, accepted, triaged, planning, aftercare, closed.
    #[arg(
        long,
        global = true,
        env = "NAZORG_ZGW_STATUSTYPEN",
        default_value = ""
    )]
    zgw_statustypen: String,
    /// Which resultaattype (by omschrijving) a closing reason is, where the default does
    /// not fit, e.g. "completed=Afgerond,died=Overleden". Reasons: completed, declined,
    /// not_reached, moved_away, re_detained, died, not_eligible.
    #[arg(
        long,
        global = true,
        env = "NAZORG_ZGW_RESULTAATTYPEN",
        default_value = ""
    )]
    zgw_resultaattypen: String,
    /// Seconds one request to the zaaksysteem may take before it counts as failed (and
    /// is tried again later), at most 60.
    #[arg(long, global = true, env = "NAZORG_ZGW_TIMEOUT", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=60))]
    zgw_timeout: u64,
}

impl ZgwArgs {
    /// The zaaksysteem's client, `None` when no Zaken API URL is given.
    pub fn client(&self) -> anyhow::Result<Option<nazorg_app::zgw::ZgwClient>> {
        let Some(zaken) = self.zgw_zaken_url.as_ref().filter(|u| !u.trim().is_empty()) else {
            return Ok(None);
        };
        let need = |value: &Option<String>, flag: &str| {
            value
                .clone()
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| anyhow::anyhow!("{flag} ontbreekt: de koppeling met het zaaksysteem (--zgw-zaken-url) heeft het nodig"))
        };
        let mapping =
            nazorg_domain::zaak::Mapping::parse(&self.zgw_statustypen, &self.zgw_resultaattypen)
                .map_err(|e| anyhow::anyhow!("--zgw-statustypen/--zgw-resultaattypen: {e}"))?;
        let config = nazorg_app::zgw::ZgwConfig {
            zaken_url: zaken.trim().to_string(),
            catalogi_url: need(&self.zgw_catalogi_url, "--zgw-catalogi-url")?,
            client_id: need(&self.zgw_client_id, "--zgw-client-id")?,
            secret: need(&self.zgw_secret, "--zgw-secret")?,
            zaaktype: need(&self.zgw_zaaktype, "--zgw-zaaktype")?,
            rsin: need(&self.zgw_rsin, "--zgw-rsin")?,
            mapping,
            timeout: std::time::Duration::from_secs(self.zgw_timeout),
        };
        Ok(Some(nazorg_app::zgw::ZgwClient::new(&config)?))
    }
}
