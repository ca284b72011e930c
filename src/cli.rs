//! Command-line interface definition (clap derive).
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "authfix",
    version,
    about = "Find and fix Auth.js (NextAuth v4 / v5) mistakes in Next.js App Router projects",
    long_about = None,
    propagate_version = true
)]
pub struct Cli {
    /// When to use colour: auto (terminals only, honours NO_COLOR), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scaffold a new Next.js App Router project with a correct Auth.js setup.
    New(NewArgs),
    /// Add a correct Auth.js setup to an existing Next.js app.
    Init(InitArgs),
    /// Find Auth.js mistakes and rewrite them in place, showing every diff first.
    Fix(FixArgs),
    /// Report findings only (no diffs, nothing written); exit 1 when an error-level finding remains.
    Check(CheckArgs),
    /// List every rule: code, name, fix safety, one line.
    Rules(RulesArgs),
    /// Print the documentation of one rule (by code or name).
    Explain(ExplainArgs),
    /// Ask a running deployment's auth endpoints what is wrong with its environment.
    Doctor(DoctorArgs),
    /// Serve the Model Context Protocol over stdio (tools: check, fix, explain, init, doctor),
    /// for coding agents such as Cursor, Claude Code and VS Code.
    Mcp,
    /// Move an Auth.js app to another auth library: code, env, packages, and the data as SQL.
    Migrate(MigrateArgs),
}

/// Where `migrate` moves the app.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum MigrateTarget {
    /// Better Auth 1.7 (better-auth on npm).
    BetterAuth,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum SqlDialect {
    Postgres,
    Mysql,
    Sqlite,
}

#[derive(Args, Debug)]
pub struct MigrateArgs {
    /// The library to move to.
    #[arg(value_enum)]
    pub target: MigrateTarget,
    /// The project (or monorepo) to migrate.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// `--interactive` asks once for the whole migration (half of it would leave an app that runs
    /// on neither library).
    #[command(flatten)]
    pub review: ReviewArgs,
    /// Print the SQL that creates Better Auth's tables and copies the Auth.js users and accounts
    /// into them (nothing is written). Run it on the code before the migration.
    #[arg(long, value_enum, value_name = "DIALECT", conflicts_with_all = ["dry_run", "diff", "yes", "interactive"])]
    pub emit_sql: Option<SqlDialect>,
}

/// Flags shared by every command that writes files after a review (fix, init).
#[derive(Args, Debug, Clone, Default)]
pub struct ReviewArgs {
    /// Show the report and the diffs, write nothing. Exit 1 when changes are pending.
    #[arg(long, conflicts_with_all = ["diff", "yes", "interactive"])]
    pub dry_run: bool,
    /// Print only a plain unified diff (git apply-able), write nothing. Exit 1 when changes are pending.
    #[arg(long, conflicts_with_all = ["yes", "interactive"])]
    pub diff: bool,
    /// Apply without asking.
    #[arg(long, short = 'y', conflicts_with = "interactive")]
    pub yes: bool,
    /// Ask for each fix: yes / no / all / quit.
    #[arg(long, short = 'i')]
    pub interactive: bool,
    /// Write even when a file to change has uncommitted changes in git.
    #[arg(long)]
    pub allow_dirty: bool,
}

#[derive(Args, Debug)]
pub struct FixArgs {
    /// The project (or monorepo) to scan.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[command(flatten)]
    pub review: ReviewArgs,
    /// Also apply unsafe fixes (they change behaviour the user may rely on).
    #[arg(long = "unsafe")]
    pub unsafe_fixes: bool,
    /// Report format (with --dry-run; plain runs always print for humans).
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    #[command(flatten)]
    pub selection: Selection,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The project (or monorepo) to scan.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    #[command(flatten)]
    pub selection: Selection,
}

/// Which rules run; overrides `authfix.toml`.
#[derive(Args, Debug, Clone, Default)]
pub struct Selection {
    /// Only these rules (codes, names, or code prefixes such as `M`), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these rules (codes, names, or prefixes), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    /// Findings with code frames, for people.
    #[default]
    Human,
    /// A stable JSON document (see docs/json-schema.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`).
    Github,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Print the rule table as Markdown (the README's table is generated from this).
    #[arg(long)]
    pub markdown: bool,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// A rule code (`C001`) or name (`secure-cookies-node-env`).
    pub rule: String,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum AuthVersion {
    #[default]
    V5,
    V4,
    /// Better Auth 1.7 (`new` only): the shape `authfix migrate better-auth` produces.
    BetterAuth,
}

/// The database of a Better Auth project (`new --auth better-auth`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum Database {
    #[default]
    Postgres,
    Sqlite,
}

#[derive(Args, Debug)]
pub struct NewArgs {
    /// Folder to create (its name becomes the package name).
    pub dir: PathBuf,
    /// Auth.js major version, or `better-auth`.
    #[arg(long, value_enum, default_value_t = AuthVersion::V5)]
    pub auth: AuthVersion,
    /// The database of a `--auth better-auth` project.
    #[arg(long, value_enum, default_value_t = Database::Postgres)]
    pub database: Database,
    /// Put the app under src/.
    #[arg(long)]
    pub src_dir: bool,
    /// Sign-in providers (repeatable or comma-separated): github, google, credentials, …
    #[arg(long = "provider", value_delimiter = ',', default_value = "github")]
    pub providers: Vec<String>,
    /// Do not run the package manager's install.
    #[arg(long)]
    pub no_install: bool,
    /// Leave out the sign-in regression guard (e2e/auth.spec.ts, playwright.config.ts,
    /// .github/workflows/auth.yml, the `test:e2e` script and @playwright/test).
    #[arg(long)]
    pub no_e2e: bool,
    /// Write into a non-empty folder (existing files are still never overwritten).
    #[arg(long)]
    pub force: bool,
    /// Render templates from this folder instead of the embedded ones.
    #[arg(long)]
    pub templates: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// The existing Next.js app.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[arg(long, value_enum, default_value_t = AuthVersion::V5)]
    pub auth: AuthVersion,
    #[arg(long = "provider", value_delimiter = ',', default_value = "github")]
    pub providers: Vec<String>,
    #[arg(long)]
    pub templates: Option<PathBuf>,
    #[command(flatten)]
    pub review: ReviewArgs,
}

#[derive(Args, Debug)]
pub struct DoctorArgs {
    /// The deployment's base URL, e.g. https://myapp.example
    #[arg(long)]
    pub url: String,
    /// Where the Auth.js route handler is mounted.
    #[arg(long, default_value = "/api/auth")]
    pub base_path: String,
    /// The repository of the deployed app, to compare versions and combine with static findings.
    #[arg(long)]
    pub project: Option<PathBuf>,
    /// A path signed-out visitors must not see, e.g. /dashboard (repeatable): asked without a
    /// cookie and with known Next.js middleware-bypass request shapes; the page answering is D011.
    #[arg(long = "protected", value_name = "PATH")]
    pub protected: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Human,
    Json,
}
