//! `nazorg token …`: API tokens for machine clients.

use super::common::Installation;
use anyhow::{Context, Result};
use clap::Subcommand;
use nazorg_domain::access::TokenScope;
use nazorg_domain::ids::ApiTokenId;

#[derive(Subcommand)]
pub enum TokenCommand {
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
    Revoke { id: ApiTokenId },
}

/// Runs a `token` subcommand.
pub async fn run(inst: &Installation, command: TokenCommand) -> Result<()> {
    match command {
        TokenCommand::Create {
            username,
            name,
            days,
            scope,
        } => create(inst, &username, &name, days, &scope).await?,
        TokenCommand::List { username } => {
            for t in inst.app.list_api_tokens(&username).await? {
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
        TokenCommand::Revoke { id } => {
            inst.app.revoke_api_token(id).await?;
            eprintln!("Token {id} is ingetrokken.");
        }
    }
    Ok(())
}

/// Creates a token and prints it, once, on standard output.
async fn create(
    inst: &Installation,
    username: &str,
    name: &str,
    days: i64,
    scope: &str,
) -> Result<()> {
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
    let (id, token) = inst
        .app
        .create_scoped_api_token(username, name, days, &scopes)
        .await?;
    println!("{token}");
    eprintln!(
        "Token {id}: bewaar het veilig, het wordt niet nog eens getoond. Geldig {days} dagen, bereik: {scope}."
    );
    Ok(())
}
