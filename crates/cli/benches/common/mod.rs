//! What both benchmarks need: a PostgreSQL database of their own beside the admin URL's.

use sqlx::Connection;

/// A database `name` on the server of the admin URL `admin`, made empty unless `reuse`
/// (and it exists already): the admin connection, to drop it with, and the database's URL.
pub async fn postgres_database(
    admin: &str,
    name: &str,
    reuse: bool,
) -> (sqlx::PgConnection, String) {
    let mut conn = sqlx::PgConnection::connect(admin)
        .await
        .expect("PostgreSQL admin connection");
    let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_optional(&mut conn)
        .await
        .unwrap();
    if exists.is_none() || !reuse {
        drop_database(&mut conn, name).await;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
    (conn, format!("{base}/{name}"))
}

/// Drops the database `name`, connections and all.
pub async fn drop_database(conn: &mut sqlx::PgConnection, name: &str) {
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(conn)
        .await
        .unwrap();
}
