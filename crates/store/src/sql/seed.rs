//! Generated volume, for benchmarks and load tests only: it writes the tables directly,
//! past the use cases and the processing log.

use crate::Result;
use crate::db::{Database, Tx, execute, now, sql};
use nazorg_domain::ids::{ResidentId, UserId};
use nazorg_domain::search::search_key;
use nazorg_domain::triage::Direction;
use nazorg_domain::{Bsn, Status};
use sqlx::QueryBuilder;
use time::{Date, Duration, OffsetDateTime};

/// Closed cases sort last in every list.
const FAR_FUTURE: Date = time::macros::date!(9999 - 12 - 31);

/// A small deterministic generator (xorshift64*), so the store needs no random crate.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The mix of phases of the generated cases (weights in percent).
const STATUSES: [(Status, i64); 8] = [
    (Status::Notified, 12),
    (Status::NotReached, 4),
    (Status::Declined, 4),
    (Status::Accepted, 6),
    (Status::Triaged, 6),
    (Status::Planning, 16),
    (Status::Aftercare, 12),
    (Status::Closed, 40),
];

/// One generated case: resident, phase, detention start and release, direction, due
/// date of the next step, coordinator.
type SeedCase = (
    ResidentId,
    Status,
    Date,
    Date,
    Option<Direction>,
    Date,
    Option<UserId>,
);

fn cases_of(
    rng: &mut Xorshift,
    ids: Vec<ResidentId>,
    (today, span_days): (Date, u64),
    coordinators: &[UserId],
) -> Vec<SeedCase> {
    let mut cases = Vec::with_capacity(ids.len() + ids.len() / 10);
    for id in ids {
        let detentions = if rng.below(10) == 0 { 2 } else { 1 };
        let latest = today - Duration::days(rng.below(span_days) as i64);
        for k in 0..detentions {
            let mut roll = rng.below(100) as i64;
            let earlier = k + 1 < detentions;
            let status = if earlier {
                Status::Closed
            } else {
                STATUSES
                    .iter()
                    .find(|(_, w)| {
                        roll -= w;
                        roll < 0
                    })
                    .map(|s| s.0)
                    .unwrap_or(Status::Closed)
            };
            // An earlier detention ended well before the latest one began.
            let start = if earlier {
                latest - Duration::days(400 + rng.below(600) as i64)
            } else {
                latest
            };
            let release = start + Duration::days(10 + rng.below(200) as i64);
            let direction = matches!(
                status,
                Status::Planning | Status::Aftercare | Status::Closed
            )
            .then(|| {
                [Direction::Coordinator, Direction::Skt, Direction::Exodus][rng.below(3) as usize]
            });
            let due = if status.is_open() {
                today + Duration::days(rng.below(120) as i64 - 30)
            } else {
                FAR_FUTURE
            };
            let coordinator = (!coordinators.is_empty())
                .then(|| coordinators[rng.below(coordinators.len() as u64) as usize]);
            cases.push((id, status, start, release, direction, due, coordinator));
        }
    }
    cases
}

/// `n` generated residents: BSN, family name, given names, birth date.
fn residents_of(
    rng: &mut Xorshift,
    n: usize,
    today: Date,
    candidate: &mut u32,
) -> Vec<(String, &'static str, &'static str, Date)> {
    (0..n)
        .map(|_| {
            let family = crate::names::FAMILY_NAMES
                [rng.below(crate::names::FAMILY_NAMES.len() as u64) as usize];
            let given = crate::names::GIVEN_NAMES
                [rng.below(crate::names::GIVEN_NAMES.len() as u64) as usize];
            let birth = today - Duration::days(18 * 365 + rng.below(45 * 365) as i64);
            let bsn = loop {
                *candidate += 1;
                if let Some(bsn) = Bsn::complete(*candidate) {
                    break bsn.to_string();
                }
            };
            (bsn, family, given, birth)
        })
        .collect()
}

/// Inserts the generated cases of one batch.
async fn insert_cases(
    tx: &mut Tx,
    municipality: &str,
    cases: &[SeedCase],
    at: OffsetDateTime,
) -> Result<()> {
    sql!(tx, |c| {
        let mut q = QueryBuilder::<DB>::new(
            "INSERT INTO cases (municipality_code, resident_id, institution, detention_start, expected_release, last_residence_code, \
             brp_status, sentence, status, is_open, eligibility, eligibility_reasons, eligibility_in_force, coordinator_id, direction, \
             notified_on, last_step_on, action_due, next_action, created_at, updated_at) ",
        );
        q.push_values(
            cases,
            |mut b, (id, status, start, release, direction, due, coordinator)| {
                b.push_bind(municipality.to_string())
                    .push_bind(*id)
                    .push_bind("PI Haaglanden")
                    .push_bind(*start)
                    .push_bind(*release)
                    .push_bind(municipality.to_string())
                    .push_bind("registered")
                    .push_bind("prison_sentence")
                    .push_bind(*status)
                    .push_bind(status.is_open())
                    .push_bind("eligible")
                    .push_bind("")
                    .push_bind("eligible")
                    .push_bind(*coordinator)
                    .push_bind(*direction)
                    .push_bind(*start)
                    .push_bind(*start)
                    .push_bind(*due)
                    .push_bind(if status.is_open() {
                        "Volgende stap"
                    } else {
                        "Geen"
                    })
                    .push_bind(at)
                    .push_bind(at);
            },
        );
        q.build().execute(&mut *c).await?.rows_affected()
    });
    Ok(())
}

/// What to generate: how many residents, for which municipality and coordinators, from
/// which seed (the same seed gives the same data).
pub struct SeedPlan<'a> {
    pub municipality: &'a str,
    pub residents: usize,
    pub seed: u64,
    pub coordinators: &'a [UserId],
    /// How many days back the latest detentions began (spread evenly).
    pub span_days: u64,
}

impl Database {
    /// Inserts the plan's generated residents with one case each (one in ten with a second,
    /// earlier detention), spread over every phase; `progress` is told the number done.
    /// Returns the number of cases made.
    pub async fn seed_bulk(
        &self,
        plan: &SeedPlan<'_>,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<usize> {
        let SeedPlan {
            municipality,
            residents: count,
            seed,
            coordinators,
            span_days,
        } = *plan;
        const BATCH: usize = 500;
        let mut rng = Xorshift(seed | 1);
        let today = nazorg_domain::dates::today_nl();
        let at = now();
        let mut candidate = 10_000_000 + rng.below(50_000_000) as u32;
        let mut made = 0;
        let mut done = 0;
        while done < count {
            let n = BATCH.min(count - done);
            let residents = residents_of(&mut rng, n, today, &mut candidate);
            let mut tx = self.begin().await?;
            let ids: Vec<ResidentId> = sql!(tx, |c| {
                let mut q = QueryBuilder::<DB>::new(
                    "INSERT INTO residents (municipality_code, bsn, family_name, given_names, birth_date, search_name, created_at, updated_at) ",
                );
                q.push_values(&residents, |mut b, (bsn, family, given, birth)| {
                    b.push_bind(municipality.to_string())
                        .push_bind(bsn.clone())
                        .push_bind(family.to_string())
                        .push_bind(given.to_string())
                        .push_bind(*birth)
                        .push_bind(search_key(family))
                        .push_bind(at)
                        .push_bind(at);
                });
                q.push(" RETURNING id");
                q.build_query_scalar().fetch_all(&mut *c).await?
            });
            let cases = cases_of(&mut rng, ids, (today, span_days.max(1)), coordinators);
            insert_cases(&mut tx, municipality, &cases, at).await?;
            tx.commit().await?;
            made += cases.len();
            done += n;
            progress(done);
        }
        Ok(made)
    }

    /// Statistics for the planner after a bulk load (once, after every `seed_bulk`); on
    /// PostgreSQL also the visibility map, so that index-only scans work from the first
    /// request on, not only once autovacuum has come by (a benchmark's figures then do not
    /// depend on when it did).
    pub async fn refresh_statistics(&self) -> Result<()> {
        let refresh = if self.backend_name() == "PostgreSQL" {
            "VACUUM ANALYZE"
        } else {
            "ANALYZE"
        };
        let mut conn = self.autocommit().await?;
        execute!(conn, refresh);
        Ok(())
    }
}
