//! `nazorg demo --scale region|national`: the municipalities of Haaglanden or of the whole
//! country, each with its own users, and generated cases written straight into the tables
//! in batches (not through the use cases, which would take hours at this size): for
//! benchmarks, load tests and a regional demonstration.

use anyhow::Result;
use nazorg_app::{AddMunicipality, App, DemoUser, SeedPlan};
use nazorg_domain::access::{Actor, Role};
use nazorg_domain::ids::UserId;
use nazorg_domain::municipality::{HAAGLANDEN, ListedMunicipality, cbs_list, in_safety_region};

/// How much a demo makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// One municipality (--municipality), every case through the use cases.
    Municipality,
    /// The nine municipalities of Haaglanden (safety region VR15).
    Region,
    /// The 342 municipalities of the CBS list.
    National,
}

impl Scale {
    /// The residents made when --residents is not given: about 30,000 detentions a year
    /// over ten years for the country (1.1 cases per resident), Haaglanden's share of it.
    pub fn default_residents(self) -> usize {
        match self {
            Scale::Municipality => 60,
            Scale::Region => 16_000,
            Scale::National => 270_000,
        }
    }

    fn municipalities(self) -> Vec<&'static ListedMunicipality> {
        match self {
            Scale::Municipality => Vec::new(),
            Scale::Region => in_safety_region(HAAGLANDEN).collect(),
            Scale::National => cbs_list().iter().collect(),
        }
    }
}

/// Ten years back: the span of the national evaluation.
const TEN_YEARS: u64 = 3_652;

/// Registers the municipalities of `scale`, gives each a coordinator and an administrator
/// (named after its code: `coordinator-0503`, one password for all, printed once), and
/// `residents` generated residents spread over them.
pub async fn generate(
    app: &App,
    operator: &Actor,
    scale: Scale,
    residents: usize,
    seed: u64,
) -> Result<()> {
    let municipalities = scale.municipalities();
    let password = nazorg_app::new_token()[..20].to_string();
    let region = Actor {
        role: Role::RegionAdministrator,
        ..operator.clone()
    };
    let started = std::time::Instant::now();
    let coordinators = prepare(app, &region, &municipalities, &password).await?;
    let bar = indicatif::ProgressBar::new(residents as u64);
    let share = residents / municipalities.len().max(1);
    let mut made = 0;
    for (i, (m, coordinator)) in municipalities.iter().zip(&coordinators).enumerate() {
        // The first municipalities take what does not divide evenly.
        let extra = usize::from(i < residents % municipalities.len().max(1));
        let offset = bar.position();
        let plan = SeedPlan {
            municipality: &m.code,
            residents: share + extra,
            seed: seed.wrapping_add(i as u64 * 7_919),
            coordinators: std::slice::from_ref(coordinator),
            span_days: TEN_YEARS,
        };
        made += app
            .seed_bulk(&plan, &|n| bar.set_position(offset + n as u64))
            .await?;
    }
    bar.set_message("termijnen en statistieken");
    app.finish_seeding().await?;
    bar.finish_and_clear();
    eprintln!(
        "{} gemeenten, {residents} inwoners, {made} casussen in {:.0} s. Gebruikers per gemeente: \
         coordinator-CODE en beheer-CODE (bijvoorbeeld coordinator-{}), wachtwoord: {password}",
        municipalities.len(),
        started.elapsed().as_secs_f64(),
        municipalities.first().map_or("1783", |m| m.code.as_str()),
    );
    Ok(())
}

/// Registers the municipalities that are not yet and gives each its demo users (one
/// password, hashed once); the coordinator of each, in the same order.
async fn prepare(
    app: &App,
    region: &Actor,
    municipalities: &[&ListedMunicipality],
    password: &str,
) -> Result<Vec<UserId>> {
    let mut names = Vec::new();
    for m in municipalities {
        if app.municipality(&m.code).await.is_err() {
            let asked = AddMunicipality {
                code: &m.code,
                name: None,
                safety_region: None,
            };
            app.add_municipality(region, &asked).await?;
        }
        for (role, prefix, title) in [
            (Role::Coordinator, "coordinator", "Coördinator"),
            (Role::Administrator, "beheer", "Beheerder"),
        ] {
            let username = format!("{prefix}-{}", m.code);
            if app.user_id_by_name(&username).await?.is_none() {
                names.push((
                    username,
                    format!("{title} {}", m.name),
                    role,
                    m.code.as_str(),
                ));
            }
        }
    }
    let new: Vec<DemoUser> = names
        .iter()
        .map(|(username, display_name, role, municipality)| DemoUser {
            username,
            display_name,
            role: *role,
            municipality,
        })
        .collect();
    app.add_users_sharing(password, &new).await?;
    let mut coordinators = Vec::with_capacity(municipalities.len());
    for m in municipalities {
        let username = format!("coordinator-{}", m.code);
        let id = app.user_id_by_name(&username).await?;
        coordinators.push(id.ok_or_else(|| anyhow::anyhow!("{username} ontbreekt"))?);
    }
    Ok(coordinators)
}
