//! Behind PgBouncer in transaction mode each transaction may run on a different server
//! connection, so a named prepared statement made on one is missing on the next.
//! `SHORTLIST_DB_STATEMENT_CACHE=false` makes diesel prepare none. The whole suite can
//! run that way through a real PgBouncer:
//! `SHORTLIST_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:<pgbouncer port>/postgres
//! SHORTLIST_TEST_STATEMENT_CACHE=false cargo test --test api -- --skip sqlite --skip pooler`
//! (this file checks the server-side statements of one session, so runs direct).

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};
use shortlist::db::{establish_with, DbConnection};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Named statements the session holds after a few cacheable queries.
fn named_statements_after_queries(url: &str, statement_cache: bool) -> i64 {
    let DbConnection::Postgres(mut conn) = establish_with(url, statement_cache).unwrap() else {
        panic!("a PostgreSQL URL gives a PostgreSQL connection");
    };
    for n in 0..3 {
        let sum: i32 = diesel::select(n.into_sql::<Integer>() + 1.into_sql::<Integer>())
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(sum, n + 1);
    }
    diesel::sql_query("SELECT count(*) AS n FROM pg_prepared_statements")
        .get_result::<Count>(&mut conn)
        .unwrap()
        .n
}

#[test]
fn without_the_statement_cache_no_named_statement_is_prepared() {
    let Ok(url) = std::env::var("SHORTLIST_TEST_POSTGRES_URL") else {
        return;
    };
    assert!(named_statements_after_queries(&url, true) >= 1);
    assert_eq!(named_statements_after_queries(&url, false), 0);
}
