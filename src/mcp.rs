//! `authfix mcp`: a Model Context Protocol server over stdio (the official Rust SDK, `rmcp`), so
//! coding agents can check, fix, explain, scaffold-preview and probe deployments the way the CLI
//! does.
//!
//! Tools (each is the CLI's own code path, with nothing printed: stdout carries the protocol):
//! - `check {path, select?, ignore?}`: the `check --format json` document (secrets masked).
//! - `fix {path, apply?, unsafe?, allow_dirty?, select?, ignore?}`: the unified diff `fix` would
//!   write (secrets masked as `***`); files are written only with `apply: true`, behind the same
//!   git guard as the CLI (uncommitted changes in a file to touch: nothing written unless
//!   `allow_dirty`).
//! - `explain {rule}`: a rule's (or doctor code's) documentation.
//! - `init {path, auth?, providers?}`: the files and edits `authfix init` would make; nothing written.
//! - `doctor {url, base_path?, project?, protected?}`: the `doctor --format json` document.
//!
//! Bad arguments are tool errors (`isError: true`) whose text says why — what MCP clients show the
//! agent, and what the 2025-11-25 specification asks for input validation errors: arguments that
//! do not fit a tool's schema (rmcp's message names the field), and well-formed ones that cannot be
//! used (no such folder, no Next.js app, unknown rule, a URL that is not http(s)). An unknown tool
//! is a JSON-RPC error. Every tool runs on its own thread with a large stack (swc
//! parses recursively); a panic there becomes an error answer, never a dead server.
use crate::cli::{AuthVersion, DoctorArgs, Format, InitArgs, ReviewArgs, Selection};
use crate::review::{self, FileChange, Guard};
use rmcp::handler::server::{router::tool::ToolRouter, wrapper::Parameters};
use rmcp::model::{CallToolResult, ContentBlock, ServerCapabilities, ServerConfig};
use rmcp::{tool, tool_handler, tool_router, ErrorData, ServerHandler, ServiceExt};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckParams {
    /// The project (or monorepo) folder to check; relative paths are resolved against the server's working directory.
    pub path: String,
    /// Only these rules (codes, names or code prefixes such as "M").
    #[serde(default)]
    pub select: Vec<String>,
    /// Skip these rules (codes, names or prefixes).
    #[serde(default)]
    pub ignore: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixParams {
    /// The project (or monorepo) folder to fix.
    pub path: String,
    /// Write the changes (default false: only return the diff).
    #[serde(default)]
    pub apply: bool,
    /// Also apply unsafe fixes (they change behaviour the user may rely on).
    #[serde(default, rename = "unsafe")]
    pub unsafe_fixes: bool,
    /// Write even files with uncommitted changes in git.
    #[serde(default)]
    pub allow_dirty: bool,
    /// Only these rules (codes, names or code prefixes).
    #[serde(default)]
    pub select: Vec<String>,
    /// Skip these rules.
    #[serde(default)]
    pub ignore: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainParams {
    /// A rule code ("C001"), rule name ("secure-cookies-node-env") or doctor code ("D001").
    pub rule: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Auth {
    V5,
    V4,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InitParams {
    /// The existing Next.js app.
    pub path: String,
    /// Auth.js major version (default v5).
    #[serde(default)]
    pub auth: Option<Auth>,
    /// Sign-in providers: github, google, credentials, … (default github).
    #[serde(default)]
    pub providers: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DoctorParams {
    /// The deployment's base URL, e.g. https://myapp.example
    pub url: String,
    /// Where the Auth.js route handler is mounted (default /api/auth).
    #[serde(default)]
    pub base_path: Option<String>,
    /// The deployed app's repository folder, to compare versions and add its static findings.
    #[serde(default)]
    pub project: Option<String>,
    /// Pages that must need a session (e.g. "/dashboard"): each is also asked without a cookie and
    /// with the request shapes of Next.js middleware-bypass advisories (D011), same origin only.
    #[serde(default)]
    pub protected: Vec<String>,
}

#[derive(Clone)]
pub struct Server {
    tool_router: ToolRouter<Self>,
}

/// A tool's answer before it becomes a `CallToolResult`.
enum Answer {
    Json(Value),
    /// Structured, but the run found a problem the caller must see (`isError: true`).
    JsonError(Value),
    Text(String),
    /// The arguments cannot be used: the message says why.
    Refused(String),
}

/// Every string of an answer through the output boundary's mask: each secret the run registered
/// (the engine's, a generated one) becomes `***`, as in everything the CLI prints.
fn masked(v: Value) -> Value {
    match v {
        Value::String(s) => Value::String(crate::output::mask(&s)),
        Value::Array(a) => Value::Array(a.into_iter().map(masked).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, masked(v))).collect()),
        other => other,
    }
}

fn into_result(a: Answer) -> CallToolResult {
    match a {
        Answer::Json(v) => CallToolResult::structured(masked(v)),
        Answer::JsonError(v) => CallToolResult::structured_error(masked(v)),
        Answer::Text(t) => CallToolResult::success(vec![ContentBlock::text(crate::output::mask(&t))]),
        Answer::Refused(m) => CallToolResult::error(vec![ContentBlock::text(crate::output::mask(&m))]),
    }
}

/// Run `f` on a thread with a 256 MB stack, off the protocol's runtime; a panic becomes an
/// internal error.
async fn blocking<F: FnOnce() -> Answer + Send + 'static>(f: F) -> Result<CallToolResult, ErrorData> {
    let joined = tokio::task::spawn_blocking(move || std::thread::Builder::new().stack_size(256 << 20).spawn(f).map(|h| h.join())).await;
    match joined {
        Ok(Ok(Ok(a))) => Ok(into_result(a)),
        Ok(Ok(Err(_))) => Err(ErrorData::internal_error("authfix panicked on this input; please report it", None)),
        Ok(Err(e)) => Err(ErrorData::internal_error(format!("cannot start a worker thread: {e}"), None)),
        Err(e) => Err(ErrorData::internal_error(format!("worker failed: {e}"), None)),
    }
}

/// A folder argument: it must exist and be a folder.
fn folder(path: &str) -> Result<PathBuf, String> {
    if path.trim().is_empty() {
        return Err("path is empty: give the project folder".into());
    }
    let p = PathBuf::from(path);
    match std::fs::metadata(&p) {
        Ok(m) if m.is_dir() => Ok(p),
        Ok(_) => Err(format!("{path} is not a folder")),
        Err(e) => Err(format!("{path}: {e}")),
    }
}

fn rel(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

fn change_entry(c: &FileChange) -> Value {
    json!({ "path": rel(&c.rel), "action": if c.old.is_some() { "modify" } else { "create" } })
}

fn check_tool(p: CheckParams) -> Answer {
    let path = match folder(&p.path) {
        Ok(x) => x,
        Err(e) => return Answer::Refused(e),
    };
    let sel = Selection { select: p.select, ignore: p.ignore };
    match crate::fix::check_json(&path, &sel) {
        Ok((doc, _errors)) => match serde_json::from_str::<Value>(&doc) {
            Ok(v) => Answer::Json(v),
            Err(e) => Answer::Refused(format!("internal: the JSON report does not parse: {e}")),
        },
        Err(e) => Answer::Refused(e),
    }
}

fn fix_tool(p: FixParams) -> Answer {
    let path = match folder(&p.path) {
        Ok(x) => x,
        Err(e) => return Answer::Refused(e),
    };
    let sel = Selection { select: p.select, ignore: p.ignore };
    let plan = match crate::fix::plan(&path, &sel, p.unsafe_fixes) {
        Ok(x) => x,
        Err(e) => return Answer::Refused(e),
    };
    // The diff: deletions (the old halves of moves) first, as the CLI shows them; the answer is
    // masked on the way out, so a file holding a secret shows `***` (it is still written with the
    // real value).
    let mut diff = String::new();
    for d in &plan.deletions {
        diff.push_str(&d.diff());
    }
    for c in &plan.changes {
        diff.push_str(&review::unified_diff(c));
    }
    let mut files: Vec<Value> = plan.deletions.iter().map(|d| json!({ "path": rel(&d.rel), "action": "delete" })).collect();
    files.extend(plan.changes.iter().map(change_entry));
    let report = plan.report();
    let findings: Value = serde_json::from_str(&crate::report::json::render(&report)).unwrap_or(Value::Null);
    let dropped: Vec<Value> = plan
        .scan
        .apps
        .iter()
        .zip(&plan.results)
        .flat_map(|(app, r)| r.outcome.dropped.iter().map(move |d| json!({ "code": d.code, "file": format!("{}{}", app.prefix, d.file), "reason": d.reason })))
        .collect();
    let problems: Vec<Value> = report.problems().into_iter().map(|(f, why)| json!({ "file": f, "reason": why })).collect();
    let mut out = json!({
        "root": plan.root.display().to_string(),
        "files": files,
        "diff": diff,
        "applied": false,
        "written": [],
        "findings": findings,
        "dropped": dropped,
        "skipped": problems,
    });
    if files_empty(&out) {
        out["message"] = json!("nothing to change");
        return Answer::Json(out);
    }
    if !p.apply {
        out["message"] = json!("dry run: nothing written; call again with apply: true to write these changes");
        return Answer::Json(out);
    }
    match review::guard(&plan.root, &plan.changes, &plan.deletions) {
        Guard::Dirty(dirty) if !p.allow_dirty => {
            out["refused"] = json!({
                "reason": "uncommitted changes in files this fix would write; commit or stash them first, or pass allow_dirty: true",
                "dirty_files": dirty.iter().map(|d| rel(d)).collect::<Vec<_>>(),
            });
            out["message"] = json!("nothing written: uncommitted changes (git guard)");
            return Answer::JsonError(out);
        }
        Guard::OutsideGit => {
            out["note"] = json!(format!("{} is not inside a git work tree: there is no version control to undo these changes", plan.root.display()));
        }
        _ => {}
    }
    let applied = review::apply(&plan.root, &plan.changes, &plan.deletions);
    out["applied"] = json!(applied.failed.is_empty());
    out["written"] = json!(applied.written.iter().map(|w| rel(w)).collect::<Vec<_>>());
    let total = plan.changes.len() + plan.deletions.len();
    out["message"] = json!(format!("wrote {} of {total} file(s)", applied.written.len()));
    if !applied.failed.is_empty() {
        out["failed"] = json!(applied.failed.iter().map(|(f, why)| json!({ "path": rel(f), "reason": why })).collect::<Vec<_>>());
        return Answer::JsonError(out);
    }
    Answer::Json(out)
}

fn files_empty(v: &Value) -> bool {
    v["files"].as_array().is_none_or(|a| a.is_empty())
}

fn init_tool(p: InitParams) -> Answer {
    let path = match folder(&p.path) {
        Ok(x) => x,
        Err(e) => return Answer::Refused(e),
    };
    let args = InitArgs {
        path,
        auth: match p.auth {
            Some(Auth::V4) => AuthVersion::V4,
            _ => AuthVersion::V5,
        },
        providers: if p.providers.is_empty() { vec!["github".into()] } else { p.providers },
        templates: None,
        review: ReviewArgs { dry_run: true, ..Default::default() },
    };
    match crate::scaffold::init_plan(&args) {
        Ok(plan) => {
            let diff: String = plan.changes.iter().map(review::unified_diff).collect();
            Answer::Json(json!({
                "root": plan.root.display().to_string(),
                "detected": plan.detected,
                "notes": plan.notes,
                "files": plan.changes.iter().map(change_entry).collect::<Vec<_>>(),
                "diff": diff,
                "message": "preview: nothing written (run `authfix init` to apply)",
            }))
        }
        Err(e) => Answer::Refused(e),
    }
}

fn doctor_tool(p: DoctorParams) -> Answer {
    let args = DoctorArgs {
        url: p.url,
        base_path: p.base_path.unwrap_or_else(|| "/api/auth".into()),
        project: p.project.map(PathBuf::from),
        protected: p.protected,
        format: Format::Json,
    };
    match crate::doctor::examine_json(&args) {
        Ok((doc, 2)) => Answer::JsonError(doc),
        Ok((doc, _)) => Answer::Json(doc),
        Err(e) => Answer::Refused(e),
    }
}

#[tool_router(router = tool_router)]
impl Server {
    pub fn new() -> Self {
        Self { tool_router: Self::tool_router() }
    }

    #[tool(
        name = "check",
        description = "Find Auth.js (NextAuth v4/v5) mistakes in a Next.js project or monorepo. Returns authfix's JSON report: each finding's rule code, severity, file, range, message and fix (secrets masked). Writes nothing."
    )]
    async fn check(&self, Parameters(p): Parameters<CheckParams>) -> Result<CallToolResult, ErrorData> {
        blocking(move || check_tool(p)).await
    }

    #[tool(
        name = "fix",
        description = "Compute authfix's fixes for a Next.js project: returns the unified diff (secrets masked as ***), the files it changes and the findings. Writes only with apply: true, and then refuses files with uncommitted git changes unless allow_dirty: true."
    )]
    async fn fix(&self, Parameters(p): Parameters<FixParams>) -> Result<CallToolResult, ErrorData> {
        blocking(move || fix_tool(p)).await
    }

    #[tool(name = "explain", description = "The documentation of one authfix rule or doctor finding: what it detects, why it breaks, the fix and its safety.")]
    async fn explain(&self, Parameters(p): Parameters<ExplainParams>) -> Result<CallToolResult, ErrorData> {
        blocking(move || match crate::registry::find(&p.rule) {
            Some(e) => Answer::Text(e.explain()),
            None => Answer::Refused(format!("no rule named {:?} (see `authfix rules`)", p.rule)),
        })
        .await
    }

    #[tool(
        name = "init",
        description = "Preview adding a correct Auth.js setup to an existing Next.js app: the files `authfix init` would create and the edits to the layout, package.json, .gitignore and env files, as a diff (secrets masked). Nothing is written."
    )]
    async fn init(&self, Parameters(p): Parameters<InitParams>) -> Result<CallToolResult, ErrorData> {
        blocking(move || init_tool(p)).await
    }

    #[tool(
        name = "doctor",
        description = "Ask a running deployment's Auth.js endpoints (/session, /csrf, /providers; plain GETs, no cookies) what is wrong with its environment: missing secret, untrusted host, wrong URL, cookie flags. Returns authfix doctor's JSON report."
    )]
    async fn doctor(&self, Parameters(p): Parameters<DoctorParams>) -> Result<CallToolResult, ErrorData> {
        blocking(move || doctor_tool(p)).await
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        let mut info = ServerConfig::new(ServerCapabilities::builder().enable_tools().build());
        info.server_info.name = "authfix".into();
        info.server_info.version = env!("CARGO_PKG_VERSION").into();
        info.instructions = Some(
            "authfix finds and fixes Auth.js (NextAuth v4/v5) mistakes in Next.js App Router apps. Call `check` on the project folder first, \
             `explain` for a rule code, `fix` to see the diff, then `fix` with apply: true to write it."
                .into(),
        );
        info
    }
}

/// Serve on stdin/stdout until the client closes the connection. Exit code 0, or 1 when the
/// transport fails.
pub fn run() -> i32 {
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("authfix mcp: cannot start the runtime: {e}");
            return 1;
        }
    };
    rt.block_on(async {
        let service = match Server::new().serve(rmcp::transport::stdio()).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("authfix mcp: {e}");
                return 1;
            }
        };
        match service.waiting().await {
            Ok(_) => 0,
            Err(e) => {
                eprintln!("authfix mcp: {e}");
                1
            }
        }
    })
}
