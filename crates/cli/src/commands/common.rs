//! What the commands share: the opened installation, the output formats, the command-line
//! actor, reading a password, and the date and output flags.

use super::settings::{DeadlineArgs, MailArgs};
use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use nazorg_app::App;
use nazorg_domain::access::{Actor, Role};
use nazorg_domain::dates::{format_iso, today_nl};
use nazorg_domain::ids::UserId;
use nazorg_domain::notification::MunicipalityCode;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use time::Date;

/// What every command works with: the opened database and the installation's settings
/// from the global flags.
pub struct Installation {
    pub app: App,
    /// The installation's municipality, a checked CBS code.
    pub municipality: MunicipalityCode,
    /// The start of the aftercare programme, when given.
    pub programme_start: Option<Date>,
    pub deadlines: DeadlineArgs,
    pub mail: MailArgs,
    pub retention_years: u32,
}

impl Installation {
    /// The actor for command-line work: the operator, acting as a coordinator of the
    /// installation's municipality. Named after the OS user in the processing log.
    pub fn actor(&self) -> Actor {
        let who = std::env::var("USER").unwrap_or_else(|_| "onbekend".into());
        Actor {
            user_id: UserId(0),
            username: format!("cli:{who}"),
            role: Role::Coordinator,
            municipality: self.municipality.clone(),
            partner_id: None,
            substituting: false,
        }
    }

    /// The actor for managing the installation's municipalities on the command line:
    /// the operator, as a region administrator.
    pub fn region_operator(&self) -> Actor {
        Actor {
            role: Role::RegionAdministrator,
            ..self.actor()
        }
    }

    /// The web configuration for this installation's municipality, deadlines and mail.
    pub fn web_config(&self) -> nazorg_web::Config {
        let mut config = nazorg_web::Config::new(&self.municipality);
        config.deadlines = self.deadlines.settings();
        if let Some(url) = &self.mail.public_url {
            config.public_url = url.clone();
        }
        config.mail = self.mail.config();
        config.contact = self.mail.mail_from.clone();
        config
    }
}

/// Checks --municipality: a CBS code of four digits.
pub fn municipality(text: &str) -> Result<MunicipalityCode> {
    MunicipalityCode::parse(text)
        .map_err(|_| anyhow::anyhow!("--municipality '{text}' is geen CBS-code van vier cijfers"))
}

/// Opens the database (running its migrations) and seals the second-factor secrets with
/// the application key when one is given.
pub async fn open_store(database: &str, secret_key: Option<&str>) -> Result<App> {
    let mut store = App::connect(database)
        .await
        .with_context(|| format!("database {} openen", redact(database)))?;
    if let Some(key) = secret_key.filter(|k| !k.trim().is_empty()) {
        let key =
            nazorg_app::parse_secret_key(key).map_err(|e| anyhow::anyhow!("--secret-key: {e}"))?;
        store = store.with_secret_key(key).await?;
    }
    Ok(store)
}

/// How a list is printed.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Json,
    Table,
}

/// The date given with --`flag`, if any.
pub fn date(flag: &str, text: Option<&str>) -> Result<Option<Date>> {
    text.map(|t| nazorg_domain::parse_date(t).map_err(|e| anyhow::anyhow!("--{flag}: {e}")))
        .transpose()
}

/// The day of --today: the day to judge by, default today.
pub fn parse_day(text: Option<&str>) -> Result<Date> {
    Ok(date("today", text)?.unwrap_or_else(today_nl))
}

/// The period of --from/--to: default 1 January of the last day's year up to today.
pub fn period(from: Option<&str>, to: Option<&str>) -> Result<(Date, Date)> {
    let to = date("to", to)?.unwrap_or_else(today_nl);
    let from = match date("from", from)? {
        Some(f) => f,
        None => Date::from_calendar_date(to.year(), time::Month::January, 1)?,
    };
    if from > to {
        bail!(
            "--from ({}) ligt na --to ({})",
            format_iso(from),
            format_iso(to)
        );
    }
    Ok((from, to))
}

/// Writes to the --output file, or else to standard output (refusing a binary file on a
/// terminal).
pub fn write_output(output: Option<&Path>, bytes: &[u8], binary: bool) -> Result<()> {
    match output {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("{} schrijven", path.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            if binary && out.is_terminal() {
                bail!("dit is een binair bestand: geef --output BESTAND");
            }
            out.write_all(bytes)?;
            out.flush()?;
            Ok(())
        }
    }
}

/// Reads a password from the first line of standard input (prompting on a terminal).
pub fn read_password() -> Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Wachtwoord: ");
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("wachtwoord lezen van standaardinvoer")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

/// Hides a password in a database URL for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
