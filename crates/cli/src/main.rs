//! `nazorg`: the one binary. Serves the web UI and API, and offers the command-line tools
//! for imports, lists, users and demo data.

mod demo;
mod import;
mod report;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use nazorg_domain::access::{Actor, Role};
use nazorg_domain::notification::MunicipalityCode;
use nazorg_store::{CaseFilter, Store};
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

/// Nazorg: case management for the aftercare of residents released from prison.
#[derive(Parser)]
#[command(name = "nazorg", version, about, long_about = None)]
struct Cli {
    /// Database URL: sqlite://PATH (the default, created when missing) or postgres://USER@HOST/DB.
    /// Migrations run automatically.
    #[arg(
        long,
        global = true,
        env = "NAZORG_DATABASE_URL",
        default_value = "sqlite://nazorg-data/nazorg.db"
    )]
    database: String,

    /// CBS code of the installation's municipality: eligibility is judged against it
    /// (default Westland, 1783).
    #[arg(
        long,
        global = true,
        env = "NAZORG_MUNICIPALITY",
        default_value = "1783"
    )]
    municipality: String,

    #[command(flatten)]
    deadlines: DeadlineArgs,

    #[command(flatten)]
    mail: MailArgs,

    /// The start of the aftercare programme, YYYY-MM-DD: the evaluation covers the eight
    /// months after it (default: the first registration).
    #[arg(long, global = true, env = "NAZORG_PROGRAMME_START")]
    programme_start: Option<String>,

    /// Application key (64 hexadecimal characters, e.g. from `openssl rand -hex 32`) that
    /// seals the second-factor secrets in the database, so that a copy of the database alone
    /// does not give them away; secrets stored before are sealed at start. Keep it outside
    /// the database; losing it means users set up their authenticator app again.
    #[arg(long, global = true, env = "NAZORG_SECRET_KEY", hide_env_values = true)]
    secret_key: Option<String>,

    /// Years after closure after which a case is anonymised (names, BSN, notes and contacts
    /// removed; the figures stay). `serve` runs the job daily; 0 switches it off. See
    /// docs/privacy.md for the default.
    #[arg(long, global = true, env = "NAZORG_RETENTION_YEARS", default_value_t = nazorg_web::DEFAULT_RETENTION_YEARS,
          value_parser = clap::value_parser!(u32).range(0..=30))]
    retention_years: u32,

    #[command(subcommand)]
    command: Command,
}

/// The thresholds of the deadline rules (the worklist, "Mijn werk", the digest).
#[derive(clap::Args, Clone, Copy)]
struct DeadlineArgs {
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
    fn settings(self) -> nazorg_domain::deadlines::DeadlineSettings {
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
struct MailArgs {
    /// SMTP server for the daily digest: smtp://host:port (plain), smtp://host?tls=required
    /// (STARTTLS) or smtps://host; user:password@ may be included. Off when empty.
    #[arg(long, global = true, env = "NAZORG_SMTP_URL")]
    smtp_url: Option<String>,
    /// Sender of the digest.
    #[arg(
        long,
        global = true,
        env = "NAZORG_MAIL_FROM",
        default_value = "Nazorg <nazorg@localhost>"
    )]
    mail_from: String,
    /// Dutch local hour from which the daily digest is sent.
    #[arg(long, global = true, env = "NAZORG_DIGEST_HOUR", default_value_t = 7)]
    digest_hour: u8,
    /// The address users reach Nazorg on, for links in e-mails, the calendar feed and the
    /// setup link (default http://LISTEN).
    #[arg(long, global = true, env = "NAZORG_PUBLIC_URL")]
    public_url: Option<String>,
}

/// Single sign-on with the municipality's OpenID Connect provider (off unless an issuer
/// is given). Register Nazorg at the provider as a confidential client with the redirect
/// URI PUBLIC_URL/inloggen/sso/terug.
#[derive(clap::Args, Clone)]
struct OidcArgs {
    /// Issuer URL of the OpenID Connect provider, e.g. https://login.gemeente.nl/realms/medewerkers.
    /// Turns single sign-on on.
    #[arg(long, env = "NAZORG_OIDC_ISSUER")]
    oidc_issuer: Option<String>,
    /// Client id of Nazorg at the provider.
    #[arg(long, env = "NAZORG_OIDC_CLIENT_ID")]
    oidc_client_id: Option<String>,
    /// Client secret of Nazorg at the provider (prefer the environment variable: a flag shows
    /// in the process list).
    #[arg(long, env = "NAZORG_OIDC_CLIENT_SECRET", hide_env_values = true)]
    oidc_client_secret: Option<String>,
    /// Scopes to ask besides openid, separated by spaces.
    #[arg(long, env = "NAZORG_OIDC_SCOPES", default_value = "profile")]
    oidc_scopes: String,
    /// The claim that carries the user's groups or roles (a name, or a dotted path such as
    /// realm_access.roles), as one string or a list of strings.
    #[arg(long, env = "NAZORG_OIDC_ROLE_CLAIM", default_value = "groups")]
    oidc_role_claim: String,
    /// Which claim value gives which Nazorg role: comma-separated VALUE=ROLE pairs, with the
    /// partner organisation for the partner roles as VALUE=ROLE:PARTNER, e.g.
    /// "nazorg-coordinatoren=coordinator,nazorg-beheer=administrator,exodus-team=exodus_worker:Exodus".
    /// The first pair whose value the user has wins; a user with none is refused.
    #[arg(long, env = "NAZORG_OIDC_ROLE_MAP")]
    oidc_role_map: Option<String>,
    /// The claim with the user's municipality (a CBS code); default: every user belongs to
    /// --municipality.
    #[arg(long, env = "NAZORG_OIDC_MUNICIPALITY_CLAIM")]
    oidc_municipality_claim: Option<String>,
}

impl OidcArgs {
    /// The single sign-on settings, `None` when no issuer is given.
    fn config(&self) -> Result<Option<nazorg_web::oidc::OidcConfig>> {
        let Some(issuer) = self.oidc_issuer.as_ref().filter(|i| !i.trim().is_empty()) else {
            return Ok(None);
        };
        let client_id = self
            .oidc_client_id
            .clone()
            .filter(|c| !c.trim().is_empty())
            .context(
                "--oidc-issuer is gegeven, maar --oidc-client-id (NAZORG_OIDC_CLIENT_ID) ontbreekt",
            )?;
        let client_secret = self
            .oidc_client_secret
            .clone()
            .filter(|c| !c.is_empty())
            .context("--oidc-issuer is gegeven, maar --oidc-client-secret (NAZORG_OIDC_CLIENT_SECRET) ontbreekt")?;
        let map = self.oidc_role_map.as_deref().context(
            "--oidc-issuer is gegeven, maar --oidc-role-map (NAZORG_OIDC_ROLE_MAP) ontbreekt",
        )?;
        let roles = nazorg_web::oidc::parse_role_map(map)
            .map_err(|e| anyhow::anyhow!("--oidc-role-map: {e}"))?;
        Ok(Some(nazorg_web::oidc::OidcConfig {
            issuer: issuer.trim().to_string(),
            client_id,
            client_secret,
            scopes: self
                .oidc_scopes
                .split_whitespace()
                .filter(|s| *s != "openid")
                .map(str::to_string)
                .collect(),
            role_claim: self.oidc_role_claim.clone(),
            roles,
            municipality_claim: self
                .oidc_municipality_claim
                .clone()
                .filter(|c| !c.trim().is_empty()),
        }))
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run the web interface and the JSON API.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "NAZORG_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Mark cookies Secure: set this when Nazorg is served over HTTPS (behind a proxy).
        #[arg(long, env = "NAZORG_SECURE_COOKIES")]
        secure_cookies: bool,
        #[command(flatten)]
        oidc: OidcArgs,
    },
    /// Print the open deadlines (a user's worklist, or everyone's), most urgent first.
    Worklist {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Only this user's worklist (their cases, unassigned ones, and those they stand in for).
        #[arg(long)]
        user: Option<String>,
        /// The day to judge by, YYYY-MM-DD (default today).
        #[arg(long)]
        today: Option<String>,
    },
    /// Send the daily digest e-mail now (it is sent automatically by `serve` when
    /// --smtp-url is set).
    Digest {
        /// The day to judge by, YYYY-MM-DD (default today).
        #[arg(long)]
        today: Option<String>,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens for machine clients.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Import data.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Work with cases.
    Cases {
        #[command(subcommand)]
        command: CasesCommand,
    },
    /// The processing log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Print a year's budget: per line the cap, what is committed, spent and remaining.
    Budget {
        /// The year (default: this year).
        #[arg(long)]
        year: Option<i32>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Apply the retention period now: anonymise the closed cases whose period ended
    /// (`serve` does this daily). Use --dry-run first to see which.
    Retention {
        /// Only report what would be anonymised; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// The day to judge by, YYYY-MM-DD (default today).
        #[arg(long)]
        today: Option<String>,
        /// At most this many cases.
        #[arg(long, default_value_t = 10_000)]
        limit: i64,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Reports: the monitor's figures and the evaluation (see docs/evaluation.md).
    Report {
        #[command(subcommand)]
        command: report::ReportCommand,
    },
    /// Export data: the pseudonymised cases for the policy advisor.
    Export {
        #[command(subcommand)]
        command: report::ExportCommand,
    },
    /// Fill the database with realistic generated residents and cases in every phase.
    Demo {
        /// How many residents to generate.
        #[arg(long, default_value_t = 60)]
        residents: usize,
        /// Seed for the generator, for a reproducible set.
        #[arg(long, default_value_t = 1783)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from standard input (first line).
    Add {
        username: String,
        /// coordinator, substitute_coordinator, skt_care_director, exodus_worker,
        /// safety_chamber, policy_advisor or administrator.
        #[arg(long)]
        role: String,
        /// Full name as shown in the interface (default: the username).
        #[arg(long, default_value = "")]
        name: String,
        /// For skt_care_director and exodus_worker: the partner organisation's name, as
        /// on the partners page (e.g. "Exodus", "Sociaal Kernteam").
        #[arg(long)]
        partner: Option<String>,
        /// Require a second step at login (a code from an authenticator app), set up at the
        /// first login.
        #[arg(long)]
        require_2fa: bool,
    },
    /// List users.
    List,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the processing log's hash chains; reports the first entry changed or removed
    /// in the database and exits non-zero when any is found.
    Verify,
    /// The newest refused requests (who tried what, and why it was refused).
    Refusals {
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token acting as USERNAME; it is printed once and stored hashed.
    Create {
        username: String,
        /// What the token is for.
        #[arg(long, default_value = "api")]
        name: String,
        /// Days until it expires (1–366).
        #[arg(long, default_value_t = 90)]
        days: i64,
        /// What it may do: read, write, notifications (only deliver notifications), comma-separated.
        #[arg(long, default_value = "read,write")]
        scope: String,
    },
    /// List a user's API tokens (never the tokens themselves).
    List { username: String },
    /// Revoke an API token by its number (see `token list`).
    Revoke { id: i64 },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Import notifications from CSV (or JSON, by the .json extension). See docs/import-format.md.
    Notifications {
        file: PathBuf,
        /// Write the rejected rows, with line number and reason, to this CSV file.
        #[arg(long)]
        rejects: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Table,
}

#[derive(Subcommand)]
enum CasesCommand {
    /// Print cases (all of them, open and closed, unless filtered).
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Only this phase (notified, not_reached, declined, accepted, triaged, planning, aftercare, closed).
        #[arg(long)]
        status: Option<String>,
        /// Only open cases.
        #[arg(long)]
        open: bool,
        /// A BSN or the start of a family name.
        #[arg(long)]
        search: Option<String>,
    },
}

/// The actor for command-line work: the operator, acting as a coordinator of the
/// installation's municipality. Named after the OS user in the processing log.
fn cli_actor(municipality: &str) -> Actor {
    let who = std::env::var("USER").unwrap_or_else(|_| "onbekend".into());
    Actor {
        user_id: 0,
        username: format!("cli:{who}"),
        role: Role::Coordinator,
        municipality: municipality.to_string(),
        partner_id: None,
        substituting: false,
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("NAZORG_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("fout: {e:#}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    let municipality = MunicipalityCode::parse(&cli.municipality)
        .map_err(|_| {
            anyhow::anyhow!(
                "--municipality '{}' is geen CBS-code van vier cijfers",
                cli.municipality
            )
        })?
        .to_string();
    let programme_start = cli
        .programme_start
        .as_deref()
        .map(nazorg_domain::parse_date)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--programme-start: {e}"))?;
    let mut store = Store::connect(&cli.database)
        .await
        .with_context(|| format!("database {} openen", redact(&cli.database)))?;
    if let Some(key) = cli.secret_key.as_deref().filter(|k| !k.trim().is_empty()) {
        let key = nazorg_store::parse_secret_key(key)
            .map_err(|e| anyhow::anyhow!("--secret-key: {e}"))?;
        store = store.with_secret_key(key).await?;
    }
    match cli.command {
        Command::Serve {
            listen,
            secure_cookies,
            oidc,
        } => {
            let oidc = oidc.config()?;
            let public_url = cli.mail.public_url.clone();
            let listener = tokio::net::TcpListener::bind(&listen)
                .await
                .with_context(|| format!("luisteren op {listen}"))?;
            let address = listener.local_addr()?;
            let base = public_url.unwrap_or_else(|| format!("http://{address}"));
            eprintln!(
                "Nazorg draait op {base} ({}, gemeente {municipality})",
                store.backend_name()
            );
            if store.count_users().await? == 0 {
                let token = store.create_setup_token().await?;
                eprintln!(
                    "Er is nog geen gebruiker. Maak de eerste beheerder aan via deze eenmalige link:"
                );
                eprintln!("  {base}/installatie?token={token}");
                eprintln!("(of met: nazorg user add NAAM --role administrator)");
            }
            if let Some(o) = &oidc {
                eprintln!(
                    "Inloggen met de gemeentelijke account via {} (terugkeeradres {base}/inloggen/sso/terug)",
                    o.issuer
                );
            }
            let config = nazorg_web::Config {
                secure_cookies,
                public_url: base.clone(),
                programme_start,
                retention_years: cli.retention_years,
                oidc,
                ..web_config(&municipality, &cli.deadlines, &cli.mail)
            };
            nazorg_web::serve(listener, store, config).await?;
        }
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    role,
                    name,
                    partner,
                    require_2fa,
                },
        } => {
            let role = Role::parse(&role).with_context(|| {
                format!("onbekende rol '{role}'; kies uit {}", Role::codes_list())
            })?;
            let password = read_password()?;
            let partner_id = match partner {
                None => None,
                Some(wanted) => {
                    let partners = store.list_partners(&municipality).await?;
                    let found = partners
                        .iter()
                        .find(|p| p.name.eq_ignore_ascii_case(wanted.trim()));
                    let names: Vec<&str> = partners.iter().map(|p| p.name.as_str()).collect();
                    Some(found.map(|p| p.id).with_context(|| {
                        format!(
                            "onbekende ketenpartner '{wanted}'; kies uit: {}",
                            names.join(", ")
                        )
                    })?)
                }
            };
            let id = store
                .add_partner_user(
                    &username.to_lowercase(),
                    &name,
                    &password,
                    role,
                    &municipality,
                    partner_id,
                )
                .await?;
            if require_2fa {
                store.set_totp_required(id, true).await?;
            }
            eprintln!(
                "Gebruiker {username} ({}) toegevoegd met nummer {id}.",
                role.label()
            );
        }
        Command::User {
            command: UserCommand::List,
        } => {
            for u in store.list_users(None).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.id,
                    u.username,
                    u.role.code(),
                    u.municipality_code,
                    if u.active { "actief" } else { "inactief" }
                );
            }
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    username,
                    name,
                    days,
                    scope,
                },
        } => {
            use nazorg_domain::access::TokenScope;
            let scopes = scope
                .split(',')
                .map(|s| {
                    TokenScope::parse(s).with_context(|| {
                        format!(
                            "onbekend bereik '{s}'; kies uit {}",
                            TokenScope::codes_list()
                        )
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let (id, token) = store
                .create_scoped_api_token(&username, &name, days, &scopes)
                .await?;
            println!("{token}");
            eprintln!(
                "Token {id}: bewaar het veilig, het wordt niet nog eens getoond. Geldig {days} dagen, bereik: {scope}."
            );
        }
        Command::Token {
            command: TokenCommand::List { username },
        } => {
            for t in store.list_api_tokens(&username).await? {
                let scopes: Vec<&str> = t.scopes.iter().map(|s| s.code()).collect();
                println!(
                    "{}\t{}\t{}\ttot {}\t{}",
                    t.id,
                    t.name,
                    scopes.join(","),
                    nazorg_domain::dates::format_iso(t.expires_at.date()),
                    if t.revoked { "ingetrokken" } else { "geldig" }
                );
            }
        }
        Command::Token {
            command: TokenCommand::Revoke { id },
        } => {
            store.revoke_api_token(id).await?;
            eprintln!("Token {id} is ingetrokken.");
        }
        Command::Import {
            command: ImportCommand::Notifications { file, rejects },
        } => {
            let actor = cli_actor(&municipality);
            let summary = import::run(&store, &actor, &file, rejects.as_deref()).await?;
            eprintln!("{}", summary.describe());
            if summary.rejected > 0 {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Cases {
            command:
                CasesCommand::List {
                    format,
                    status,
                    open,
                    search,
                },
        } => {
            let actor = cli_actor(&municipality);
            let filter = CaseFilter {
                open_only: open,
                status: match status {
                    Some(s) => Some(
                        nazorg_domain::Status::parse(&s)
                            .with_context(|| format!("onbekende fase '{s}'"))?,
                    ),
                    None => None,
                },
                search,
                ..Default::default()
            };
            list_cases(&store, &actor, &filter, format).await?;
        }
        Command::Worklist {
            format,
            user,
            today,
        } => {
            let actor = cli_actor(&municipality);
            let day = parse_day(today.as_deref())?;
            let scope = match user {
                Some(name) => {
                    let id = store.user_id_by_name(&name.to_lowercase()).await?;
                    nazorg_store::Scope::Of(
                        id.with_context(|| format!("gebruiker '{name}' bestaat niet"))?,
                    )
                }
                None => nazorg_store::Scope::Team,
            };
            let items = store
                .worklist(&actor, scope, day, &cli.deadlines.settings())
                .await?;
            print_worklist(&items, format)?;
        }
        Command::Digest { today } => {
            let day = parse_day(today.as_deref())?;
            let config = web_config(&municipality, &cli.deadlines, &cli.mail);
            if config.mail.is_none() {
                bail!("geen SMTP-server ingesteld (--smtp-url of NAZORG_SMTP_URL)");
            }
            let sent = nazorg_web::digest::send_all(&store, &config, day).await?;
            eprintln!("{sent} e-mail(s) verstuurd.");
        }
        Command::Audit {
            command: AuditCommand::Refusals { limit, format },
        } => {
            let refusals = store
                .refusals(&municipality, limit.clamp(1, 10_000))
                .await?;
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&refusals)?),
                Format::Table => {
                    if refusals.is_empty() {
                        println!("geen geweigerde verzoeken");
                    }
                    for r in &refusals {
                        let local = nazorg_domain::dates::to_amsterdam(r.at);
                        println!(
                            "{} {:02}:{:02}  {} ({})  {}  {}",
                            nazorg_domain::format_nl(local.date()),
                            local.hour(),
                            local.minute(),
                            r.actor,
                            r.role,
                            r.operation,
                            r.reason
                        );
                    }
                }
            }
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let reports = store.audit_verify().await?;
            let mut broken = false;
            for r in &reports {
                match &r.fault {
                    None => println!(
                        "gemeente {}: {} regels, keten intact",
                        r.municipality, r.entries
                    ),
                    Some(fault) => {
                        broken = true;
                        println!("gemeente {}: NIET INTACT: {fault}", r.municipality);
                    }
                }
            }
            if reports.is_empty() {
                println!("het verwerkingenlogboek is nog leeg");
            }
            if broken {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Budget { year, format } => {
            let actor = cli_actor(&municipality);
            let year = year.unwrap_or_else(|| time::OffsetDateTime::now_utc().year());
            let budget = store.budget(&actor, year).await?;
            print_budget(&budget, format)?;
        }
        Command::Retention {
            dry_run,
            today,
            limit,
            format,
        } => {
            if cli.retention_years == 0 {
                anyhow::bail!("de bewaartermijn staat uit (--retention-years 0)");
            }
            let today = parse_day(today.as_deref())?;
            if !dry_run && today > nazorg_domain::dates::today_nl() {
                anyhow::bail!(
                    "--today ligt in de toekomst: dat kan alleen met --dry-run (anonimiseren is onomkeerbaar)"
                );
            }
            let report = nazorg_web::jobs::retention(
                &store,
                &municipality,
                cli.retention_years,
                today,
                dry_run,
                limit,
            )
            .await?;
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
                Format::Table => {
                    println!(
                        "{} {} casus(sen), afgesloten op of voor {}:",
                        if report.dry_run {
                            "Proefdraai: zou anonimiseren"
                        } else {
                            "Geanonimiseerd:"
                        },
                        report.items.len(),
                        nazorg_domain::format_nl(report.cutoff)
                    );
                    for item in &report.items {
                        println!(
                            "  casus {:>8}  afgesloten {}{}",
                            item.case_id,
                            nazorg_domain::format_nl(item.closed_on),
                            if item.resident_anonymised {
                                "  (ook naam, BSN en geboortedatum van de inwoner)"
                            } else {
                                ""
                            }
                        );
                    }
                }
            }
        }
        Command::Report { command } => {
            let actor = cli_actor(&municipality);
            report::run(&store, &actor, &municipality, programme_start, command).await?;
        }
        Command::Export { command } => {
            let actor = cli_actor(&municipality);
            report::export(&store, &actor, command).await?;
        }
        Command::Demo { residents, seed } => {
            let actor = cli_actor(&municipality);
            demo::run(&store, &actor, residents, seed).await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Streams every matching case, page by page, as a JSON array or a table.
async fn list_cases(
    store: &Store,
    actor: &Actor,
    filter: &CaseFilter,
    format: Format,
) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut after = None;
    let mut first = true;
    match format {
        Format::Json => write!(out, "[")?,
        Format::Table => writeln!(
            out,
            "{:>7}  {:9}  {:28}  {:10}  {:18}  doelgroep",
            "casus", "BSN", "naam", "detentie", "fase"
        )?,
    }
    loop {
        let page = store.list_cases(actor, filter, after, 500).await?;
        for c in &page.items {
            match format {
                Format::Json => {
                    let dto = nazorg_web::api::CaseSummaryDto::from(c);
                    write!(
                        out,
                        "{}\n  {}",
                        if first { "" } else { "," },
                        serde_json::to_string(&dto)?
                    )?;
                }
                Format::Table => {
                    let name: String = format!("{}, {}", c.family_name, c.given_names)
                        .chars()
                        .take(28)
                        .collect();
                    let reasons: Vec<&str> =
                        c.eligibility_reasons.iter().map(|r| r.code()).collect();
                    writeln!(
                        out,
                        "{:>7}  {:9}  {:28}  {:10}  {:18}  {}{}",
                        c.case_id,
                        c.bsn,
                        name,
                        nazorg_domain::dates::format_iso(c.detention_start),
                        c.status.label(),
                        c.eligibility.code(),
                        if reasons.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", reasons.join(", "))
                        }
                    )?;
                }
            }
            first = false;
        }
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    if let Format::Json = format {
        writeln!(out, "{}]", if first { "" } else { "\n" })?;
    }
    out.flush()?;
    Ok(())
}

fn parse_day(text: Option<&str>) -> Result<time::Date> {
    match text {
        Some(t) => nazorg_domain::parse_date(t).map_err(|e| anyhow::anyhow!("--today: {e}")),
        None => Ok(nazorg_domain::dates::today_nl()),
    }
}

fn web_config(municipality: &str, deadlines: &DeadlineArgs, mail: &MailArgs) -> nazorg_web::Config {
    let mut config = nazorg_web::Config::new(municipality);
    config.deadlines = deadlines.settings();
    if let Some(url) = &mail.public_url {
        config.public_url = url.clone();
    }
    config.mail = mail
        .smtp_url
        .as_ref()
        .filter(|u| !u.trim().is_empty())
        .map(|url| nazorg_web::digest::MailConfig {
            smtp_url: url.clone(),
            from: mail.mail_from.clone(),
            hour: mail.digest_hour,
        });
    config
}

/// Prints a worklist as JSON (case_id, kind, due, …) or as a table.
fn print_worklist(items: &[nazorg_store::WorkItem], format: Format) -> Result<()> {
    use nazorg_domain::dates::format_iso;
    match format {
        Format::Json => {
            let rows: Vec<serde_json::Value> = items
                .iter()
                .map(|i| {
                    serde_json::json!({
                        "case_id": i.deadline.case_id,
                        "kind": i.deadline.kind.code(),
                        "due": format_iso(i.deadline.due),
                        "subject_id": i.deadline.subject_id,
                        "reason": i.deadline.reason,
                        "resident": i.resident,
                        "coordinator": i.coordinator,
                        "standing_in_for": i.standing_in_for,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&rows)?);
        }
        Format::Table => {
            for i in items {
                println!(
                    "{}  casus {:>7}  {:<28}  {}",
                    format_iso(i.deadline.due),
                    i.deadline.case_id,
                    i.deadline.kind.code(),
                    i.deadline.reason
                );
            }
        }
    }
    Ok(())
}

/// Prints a budget as JSON (amounts in euros as numbers) or as a table (Dutch amounts).
fn print_budget(budget: &nazorg_store::Budget, format: Format) -> Result<()> {
    use nazorg_domain::referral::format_eur;
    let euros = |cents: i64| cents as f64 / 100.0;
    match format {
        Format::Json => {
            let lines: Vec<serde_json::Value> = budget
                .lines
                .iter()
                .map(|l| {
                    serde_json::json!({
                        "code": l.code.code(),
                        "name": l.name,
                        "cap": euros(l.cap_cents),
                        "committed": euros(l.committed_cents),
                        "spent": euros(l.spent_cents),
                        "remaining": euros(l.remaining_cents()),
                    })
                })
                .collect();
            let months: Vec<serde_json::Value> = budget
                .months
                .iter()
                .map(|m| serde_json::json!({"month": m.month, "committed": euros(m.committed_cents), "spent": euros(m.spent_cents)}))
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(
                    &serde_json::json!({"year": budget.year, "lines": lines, "months": months})
                )?
            );
        }
        Format::Table => {
            println!("Budget {}", budget.year);
            for l in &budget.lines {
                println!(
                    "{:<66} plafond {:>14}  vastgelegd {:>14}  besteed {:>14}  over {:>14}",
                    l.name,
                    format_eur(l.cap_cents),
                    format_eur(l.committed_cents),
                    format_eur(l.spent_cents),
                    format_eur(l.remaining_cents())
                );
            }
        }
    }
    Ok(())
}

/// Reads a password from the first line of standard input (prompting on a terminal).
fn read_password() -> Result<String> {
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
fn redact(url: &str) -> String {
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
