//! The SQLite and PostgreSQL migrations give the same schema: the same tables, columns
//! (with the same kind of type and nullability) and indexes, by name. A migration added to
//! one backend only fails here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sqlx::{Connection, Row};
use std::collections::BTreeSet;

/// One fact of a schema, comparable across backends.
type Facts = BTreeSet<String>;

/// The kind of a column's type: what the two backends call differently but mean alike.
fn kind(declared: &str) -> &'static str {
    let t = declared.to_ascii_lowercase();
    if t.contains("timestamp") || t.contains("datetime") {
        "instant"
    } else if t == "date" {
        "date"
    } else if t.contains("int") {
        "integer"
    } else if t.contains("bool") {
        "boolean"
    } else if t.contains("real") || t.contains("double") || t.contains("numeric") {
        "number"
    } else if t.contains("text") || t.contains("char") {
        "text"
    } else {
        "other"
    }
}

/// Migrates a database as the application does, and connects to it.
async fn migrated<C: Connection>(url: &str) -> C {
    let db = nazorg_store::Database::connect(url)
        .await
        .unwrap_or_else(|e| panic!("migrate {url}: {e}"));
    drop(db);
    C::connect(url).await.expect("connect")
}

/// A schema's facts, from what either backend tells: its tables, its columns (table,
/// name, declared type, whether not null) and its indexes (name, table).
fn facts(
    tables: &[String],
    columns: &[(String, String, String, bool)],
    indexes: &[(String, String)],
) -> Facts {
    let tables = tables.iter().map(|table| format!("table {table}"));
    let columns = columns.iter().map(|(table, name, declared, not_null)| {
        format!(
            "column {table}.{name} {} {}",
            kind(declared),
            if *not_null { "not null" } else { "null" }
        )
    });
    let indexes = indexes
        .iter()
        .map(|(name, table)| format!("index {name} on {table}"));
    tables.chain(columns).chain(indexes).collect()
}

async fn sqlite_schema(url: &str) -> Facts {
    let mut conn: sqlx::SqliteConnection = migrated(url).await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut columns = Vec::new();
    for table in &tables {
        let rows = sqlx::query(&format!(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}')"
        ))
        .fetch_all(&mut conn)
        .await
        .unwrap();
        for c in rows {
            // SQLite reports a primary key as nullable; it is not.
            let not_null = c.get::<i64, _>(2) == 1 || c.get::<i64, _>(3) > 0;
            columns.push((table.clone(), c.get(0), c.get(1), not_null));
        }
    }
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    facts(&tables, &columns, &indexes)
}

async fn postgres_schema(url: &str) -> Facts {
    let mut conn: sqlx::PgConnection = migrated(url).await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' \
         AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let columns: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let columns: Vec<_> = columns
        .into_iter()
        .map(|(table, name, declared, nullable)| (table, name, declared, nullable == "NO"))
        .collect();
    // Indexes made by CREATE INDEX, not those behind a primary key or unique constraint
    // (SQLite makes those without a name of ours either).
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT i.relname::text, t.relname::text FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
         JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = 'public' AND t.relname <> '_sqlx_migrations' \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    facts(&tables, &columns, &indexes)
}

/// Runs statements, in order, on a PostgreSQL connection.
async fn run_all(conn: &mut sqlx::PgConnection, statements: &[String]) {
    for sql in statements {
        sqlx::query(sql).execute(&mut *conn).await.unwrap();
    }
}

/// A fresh PostgreSQL database, or `None` (the test is then skipped, or fails under CI).
async fn fresh_postgres() -> Option<(String, String, String)> {
    let admin = std::env::var("NAZORG_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let mut conn = match sqlx::PgConnection::connect(&admin).await {
        Ok(c) => c,
        Err(e) => {
            let strict = std::env::var("NAZORG_TEST_STRICT").is_ok_and(|v| v == "1" || v == "true");
            assert!(
                !strict,
                "NAZORG_TEST_STRICT is set, but PostgreSQL is not reachable: {e}"
            );
            eprintln!("SKIPPED: PostgreSQL is not reachable at {admin} ({e})");
            return None;
        }
    };
    let name = format!("nazorg_schema_{}", std::process::id());
    // A database left by an earlier run that did not end is replaced.
    let statements = [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ];
    run_all(&mut conn, &statements).await;
    let base = admin
        .rsplit_once('/')
        .map(|(b, _)| b.to_string())
        .unwrap_or(admin.clone());
    Some((format!("{base}/{name}"), admin, name))
}

#[tokio::test]
async fn both_backends_migrate_to_the_same_tables_columns_and_indexes() {
    let dir = std::env::temp_dir().join(format!("nazorg-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite_url = format!("sqlite://{}/schema.db", dir.display());
    let sqlite = sqlite_schema(&sqlite_url).await;
    let _ = std::fs::remove_dir_all(&dir);
    let Some((pg_url, admin, name)) = fresh_postgres().await else {
        return;
    };
    let postgres = postgres_schema(&pg_url).await;
    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
    run_all(
        &mut conn,
        &[format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")],
    )
    .await;

    assert!(
        sqlite.iter().any(|f| f == "table cases"),
        "the schema was read"
    );
    assert!(
        sqlite.iter().any(|f| f.starts_with("index ")),
        "indexes were read"
    );
    let only_sqlite: Vec<&String> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<&String> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the migrations of the two backends differ:\n only in SQLite: {only_sqlite:#?}\n only in PostgreSQL: {only_postgres:#?}"
    );
}
