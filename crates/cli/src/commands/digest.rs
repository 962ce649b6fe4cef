//! `nazorg digest`: send the daily digest e-mail now (`serve` sends it daily when
//! --smtp-url is set).

use super::common::{Installation, parse_day};
use anyhow::{Result, bail};

/// The flags of `nazorg digest`.
#[derive(clap::Args)]
pub struct DigestArgs {
    /// The day to judge by, YYYY-MM-DD (default today).
    #[arg(long)]
    today: Option<String>,
}

/// Sends every user their digest for --today.
pub async fn run(inst: &Installation, args: DigestArgs) -> Result<()> {
    let day = parse_day(args.today.as_deref())?;
    let config = inst.web_config();
    if config.mail.is_none() {
        bail!("geen SMTP-server ingesteld (--smtp-url of NAZORG_SMTP_URL)");
    }
    let sent = inst.app.send_digest(&config.job_settings(), day).await?;
    eprintln!("{sent} e-mail(s) verstuurd.");
    Ok(())
}
