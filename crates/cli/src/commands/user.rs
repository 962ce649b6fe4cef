//! `nazorg user …`: add and list user accounts.

use super::common::{Installation, read_password};
use anyhow::{Context, Result};
use clap::Subcommand;
use nazorg_domain::access::Role;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from standard input (first line).
    Add(AddArgs),
    /// List users.
    List,
}

/// The arguments of `nazorg user add`.
#[derive(clap::Args)]
pub struct AddArgs {
    username: String,
    /// coordinator, substitute_coordinator, skt_care_director, exodus_worker,
    /// safety_chamber, policy_advisor, administrator or region_administrator.
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
}

/// Runs a `user` subcommand.
pub async fn run(inst: &Installation, command: UserCommand) -> Result<()> {
    match command {
        UserCommand::Add(args) => add(inst, args).await,
        UserCommand::List => {
            for u in inst.app.list_users(None).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.id,
                    u.username,
                    u.role.code(),
                    u.municipality_code,
                    if u.active { "actief" } else { "inactief" }
                );
            }
            Ok(())
        }
    }
}

/// Adds a user with the password read from standard input.
async fn add(inst: &Installation, args: AddArgs) -> Result<()> {
    let AddArgs {
        username,
        role,
        name,
        partner,
        require_2fa,
    } = args;
    // The global --municipality names the one the user works for (`nazorg user add NAME
    // --role … --municipality 0503`); it must be one of the installation's.
    let municipality = inst.municipality.clone();
    let role = Role::parse(&role)
        .with_context(|| format!("onbekende rol '{role}'; kies uit {}", Role::codes_list()))?;
    let password = read_password()?;
    let partner_id = match partner {
        None => None,
        Some(wanted) => {
            let partners = inst.app.list_partners(&municipality).await?;
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
    let id = inst
        .app
        .add_user(
            &username.to_lowercase(),
            &name,
            &password,
            role,
            &municipality,
            partner_id,
        )
        .await?;
    if require_2fa {
        inst.app.set_totp_required(id, true).await?;
    }
    eprintln!(
        "Gebruiker {username} ({}) toegevoegd met nummer {id}.",
        role.label()
    );
    Ok(())
}
