//! `nazorg`: the one binary. Serves the web UI and API, and offers the command-line tools
//! for imports, lists, users and demo data.

mod demo;
mod import;

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

    #[command(subcommand)]
    command: Command,
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
        /// The address users reach Nazorg on, for the setup link (default http://LISTEN).
        #[arg(long, env = "NAZORG_PUBLIC_URL")]
        public_url: Option<String>,
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
    /// Print a year's budget: per line the cap, what is committed, spent and remaining.
    Budget {
        /// The year (default: this year).
        #[arg(long)]
        year: Option<i32>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
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
    },
    /// List users.
    List,
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
    },
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
    let store = Store::connect(&cli.database)
        .await
        .with_context(|| format!("database {} openen", redact(&cli.database)))?;
    match cli.command {
        Command::Serve {
            listen,
            secure_cookies,
            public_url,
        } => {
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
            let config = nazorg_web::Config {
                municipality,
                secure_cookies,
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
                },
        } => {
            let role = Role::parse(&role).with_context(|| {
                format!("onbekende rol '{role}'; kies uit {}", Role::codes_list())
            })?;
            let password = read_password()?;
            if password.chars().count() < 12 {
                bail!("het wachtwoord moet minstens 12 tekens hebben");
            }
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
                },
        } => {
            let token = store.create_api_token(&username, &name, days).await?;
            println!("{token}");
            eprintln!(
                "Bewaar dit token veilig: het wordt niet nog eens getoond. Geldig {days} dagen."
            );
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
        Command::Budget { year, format } => {
            let actor = cli_actor(&municipality);
            let year = year.unwrap_or_else(|| time::OffsetDateTime::now_utc().year());
            let budget = store.budget(&actor, year).await?;
            print_budget(&budget, format)?;
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
