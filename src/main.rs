//! The `shortlist` binary: parse the command line, load the configuration, call the
//! library.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use shortlist::auth::{keys_from_settings, Role};
use shortlist::config::Settings;

#[derive(Parser)]
#[command(
    name = "shortlist",
    version,
    about = "Candidate shortlisting API for UK public-sector recruitment"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP API (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Mint a JWT signed with the configured (or development) secret.
    Token {
        #[arg(long)]
        sub: String,
        #[arg(long)]
        org: String,
        /// admin, recruiter, panel, viewer or portal; repeat for several.
        #[arg(long = "role", required = true, value_parser = parse_role)]
        roles: Vec<Role>,
        #[arg(long, default_value_t = 3600)]
        ttl_secs: i64,
    },
    /// Anonymise unsuccessful applicants past each org's retention period.
    Retention {
        /// Report what would be anonymised without changing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Recompute the score summaries and step results the shortlist reads (kept by the
    /// API on every write): only needed after loading data outside the API.
    Rebuild {
        /// Only this vacancy (default: every vacancy with applications).
        #[arg(long)]
        vacancy: Option<String>,
    },
    /// Print the OpenAPI document (as committed in openapi/openapi.json).
    Openapi,
    /// Load a demo org (vacancies imported from real person specifications, applicants,
    /// scores, decisions, checks) and print a token per role and commands to try.
    Demo,
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| {
        format!("unknown role {text:?}: use admin, recruiter, panel, viewer or portal")
    })
}

// mimalloc rather than glibc's malloc: building and dropping a 5,000-entry shortlist is
// millions of small allocations, where glibc's free lists and consolidation were a third
// of the request's time (BENCHMARKS.md, run 10's profile).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => Settings::from_env().and_then(|s| {
            shortlist::telemetry::init(s.log_json);
            actix_web::rt::System::new()
                .block_on(shortlist::server::run(s))
                .map_err(|e| e.to_string())
        }),
        Command::Migrate => Settings::from_env().and_then(|s| {
            shortlist::telemetry::init(s.log_json);
            shortlist::server::migrate(&s).map(|applied| {
                println!("{} migration(s) applied", applied.len());
            })
        }),
        Command::Token {
            sub,
            org,
            roles,
            ttl_secs,
        } => Settings::from_env().and_then(|s| {
            let (keys, _) = keys_from_settings(&s)?;
            let token = keys.mint(
                &sub,
                &org,
                &roles,
                ttl_secs,
                s.jwt_issuer.as_deref(),
                s.jwt_audience.as_deref(),
            )?;
            println!("{token}");
            Ok(())
        }),
        Command::Retention { dry_run } => Settings::from_env().and_then(|s| {
            shortlist::telemetry::init(s.log_json);
            shortlist::server::retention(&s, dry_run)
        }),
        Command::Rebuild { vacancy } => Settings::from_env().and_then(|s| {
            shortlist::telemetry::init(s.log_json);
            shortlist::server::rebuild(&s, vacancy)
        }),
        Command::Demo => Settings::from_env().and_then(|s| {
            shortlist::telemetry::init(s.log_json);
            let report = actix_web::rt::System::new().block_on(shortlist::demo::run(&s))?;
            print!("{}", shortlist::demo::render(&report, &s.bind));
            Ok(())
        }),
        Command::Openapi => {
            print!("{}", shortlist::startup::openapi_document_json());
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("shortlist: {message}");
            ExitCode::FAILURE
        }
    }
}
