//! `authfix doctor --url`: ask a running deployment's Auth.js endpoints what is wrong with
//! its environment (issue 8).
//!
//! Three plain GETs — `{base}/session`, `{base}/csrf`, `{base}/providers` — with no cookies,
//! no redirects followed, nothing written to the app. The answers go through the pure
//! classifiers in [`checks`]; every finding has a stable code ([`findings::Code`]). With
//! `--protected PATH`, each path is also asked without a cookie and with the request shapes
//! of Next.js middleware-bypass advisories ([`protected`], D011), on the same origin only.
//!
//! Exit codes: 0 healthy, 1 problems found, 2 usage error or unreachable URL.
pub mod checks;
pub mod findings;
pub mod http;
pub mod project;
pub mod protected;
pub mod report;

use std::time::Duration;

use crate::cli::{ColorChoice, DoctorArgs, Format};
use checks::{Observed, Target};
use findings::Code;
use report::{ProjectSummary, Report, RequestSummary, SCHEMA};

pub use project::project_auth_major;

/// Upper bound for each request (DNS, connect, TLS, answer); DNS and connect get 5 s each.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

pub fn run(args: &DoctorArgs, color: ColorChoice) -> i32 {
    let target = match Target::parse(&args.url, &args.base_path) {
        Ok(t) => t,
        Err(e) => {
            crate::errln!("authfix doctor: {e}");
            return 2;
        }
    };
    for p in &args.protected {
        if let Err(e) = protected::parse_path(p) {
            eprintln!("authfix doctor: {e}");
            return 2;
        }
    }
    if let Some(p) = &args.project {
        if !p.join("package.json").is_file() {
            crate::errln!("authfix doctor: --project {}: no package.json there", p.display());
            return 2;
        }
    }
    let client = match client() {
        Ok(c) => c,
        Err(e) => {
            crate::errln!("authfix doctor: {e}");
            return 2;
        }
    };
    let (mut report, code) = examine(&client, &target, args);
    if let (Some(p), None) = (&args.project, &report.error) {
        report.static_findings = Some(static_findings(p));
    }

    let choice = match color {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    };
    let mut out = crate::output::Masked::new(anstream::AutoStream::new(std::io::stdout(), choice));
    // Unreachable: the reason goes to stderr; JSON output still gets its document.
    if let Some(e) = &report.error {
        crate::errln!("authfix doctor: {} unreachable ({}): {}", target.url_of("session"), e.kind, e.message);
    }
    let printed = match (args.format, &report.error) {
        (Format::Json, _) => report::print_json(&report, &mut out),
        (Format::Human, None) => report::print_human(&report, &mut out).and_then(|_| match &report.static_findings {
            Some(f) => report::print_static(f, &mut out),
            None => Ok(()),
        }),
        (Format::Human, Some(_)) => Ok(()),
    };
    if printed.is_err() {
        return 2;
    }
    code
}

/// The HTTP client: `AUTHFIX_DOCTOR_TIMEOUT_SECS` (default 10 s per request), `SSL_CERT_FILE`.
fn client() -> Result<http::Client, String> {
    let timeout = std::env::var("AUTHFIX_DOCTOR_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|s| *s > 0)
        .map(Duration::from_secs)
        .unwrap_or(REQUEST_TIMEOUT);
    let ca_file = std::env::var_os("SSL_CERT_FILE").filter(|v| !v.is_empty()).map(std::path::PathBuf::from);
    http::Client::new(timeout, ca_file.as_deref())
}

/// The doctor's JSON document (`--format json`) and exit code (0 healthy, 1 problems, 2
/// unreachable), printing nothing; `Err` for arguments doctor refuses (a bad URL or base path, a
/// `--project` without package.json).
pub fn examine_json(args: &DoctorArgs) -> Result<(serde_json::Value, i32), String> {
    let target = Target::parse(&args.url, &args.base_path)?;
    for p in &args.protected {
        protected::parse_path(p)?;
    }
    if let Some(p) = &args.project {
        if !p.join("package.json").is_file() {
            return Err(format!("project {}: no package.json there", p.display()));
        }
    }
    let client = client()?;
    let (mut report, code) = examine(&client, &target, args);
    if let (Some(p), None) = (&args.project, &report.error) {
        report.static_findings = Some(static_findings(p));
    }
    let doc = serde_json::to_value(&report).map_err(|e| e.to_string())?;
    Ok((doc, code))
}

/// `authfix check` on the `--project` repository, secrets masked; empty when it cannot be read.
fn static_findings(path: &std::path::Path) -> Vec<report::StaticFinding> {
    let Ok(scan) = crate::project::scan(path) else { return Vec::new() };
    let rules = authfix_transforms::rules::all();
    let results = crate::analyze::run(&scan, &rules, crate::analyze::Mode::Check, &Default::default());
    let r = crate::report::Report { apps: &scan.apps, results: &results, skipped: &scan.skipped, check: true };
    r.items()
        .into_iter()
        .map(|it| report::StaticFinding {
            code: it.diag.code,
            name: it.diag.name,
            severity: it.diag.severity.as_str(),
            file: it.path.clone(),
            line: it.start.0,
            column: it.start.1,
            message: crate::report::mask(&it.diag.message, it.secrets),
        })
        .collect()
}

/// Ask the three endpoints and diagnose: the report (printable by [`report::print_human`] /
/// [`report::print_json`]) and the exit code (0 healthy, 1 findings, 2 unreachable). The entry
/// point for combining doctor with the static `fix` findings.
pub fn examine(client: &http::Client, target: &Target, args: &DoctorArgs) -> (Report, i32) {
    let mut report = Report {
        schema: SCHEMA,
        url: target.origin_str(),
        base_path: target.base_path.clone(),
        status: "unreachable",
        running: None,
        project: None,
        requests: Vec::new(),
        findings: Vec::new(),
        error: None,
        static_findings: None,
        protected: Vec::new(),
    };
    let mut replies = Vec::new();
    for ep in ["session", "csrf", "providers"] {
        let url = target.url_of(ep);
        let mut reply = client.get(&url);
        // The one redirect followed: Next's `trailingSlash: true` 308 to the same path with `/`.
        if let Ok(r) = &reply {
            let slash = r.status == 308 && r.location.as_deref().is_some_and(|l| Target::is_trailing_slash_redirect(&url, l));
            if slash {
                reply = client.get(&format!("{url}/")).map(|mut r| {
                    r.via_trailing_slash = true;
                    r
                });
            }
        }
        match reply {
            Ok(r) => replies.push(r),
            Err(e) => {
                report.error = Some(e);
                return (report, 2);
            }
        }
    }
    let obs = Observed { providers: replies.pop().unwrap_or_default(), csrf: replies.pop().unwrap_or_default(), session: replies.pop().unwrap_or_default() };
    report.requests = obs.each().into_iter().map(|(ep, r)| RequestSummary::new(ep, target, r)).collect();

    let project = args.project.as_ref().map(|p| ProjectSummary {
        path: p.display().to_string(),
        major: project_auth_major(p),
        route_handlers: project::auth_route_dirs(p).iter().map(|d| d.display().to_string()).collect(),
    });
    let diagnosis = checks::diagnose(target, &obs, project.as_ref().and_then(|p| p.major));
    let mut findings = diagnosis.findings;
    if let Some(p) = &project {
        add_route_hint(&mut findings, p, target);
    }
    if !args.protected.is_empty() {
        let paths: Vec<String> = args.protected.iter().filter_map(|p| protected::parse_path(p).ok()).collect();
        report.protected = probe_protected(client, target, &paths);
        findings.extend(protected::finding(target, &report.protected));
        findings.sort_by_key(|f| f.code);
    }
    report.running = diagnosis.running;
    report.project = project;
    report.status = if findings.is_empty() { "healthy" } else { "problems" };
    report.findings = findings;
    let code = if report.findings.is_empty() { 0 } else { 1 };
    (report, code)
}

/// Ask each protected path without a cookie; when that is refused (a redirect or 401/403), ask
/// again with each bypass shape. Only the `--url` origin is contacted; no redirect is followed
/// except Next's `trailingSlash` 308 to the same path with `/`.
fn probe_protected(client: &http::Client, target: &Target, paths: &[String]) -> Vec<protected::ProtectedPath> {
    // Pages Router build id, looked up once (from the app's 404 page) when a shape needs it.
    let mut build_id: Option<Option<String>> = None;
    let mut out = Vec::new();
    for path in paths {
        let plain = ask_protected(client, target, &protected::Probe::no_cookie(path));
        let refused = plain.verdict.protects();
        let mut requests = vec![plain];
        if refused {
            requests.push(ask_protected(client, target, &protected::Probe::subrequest(path)));
            let id = build_id.get_or_insert_with(|| {
                let url = target.url_of_app_path("/_authfix-doctor-not-found");
                client.get_page(&url, &[]).ok().and_then(|r| protected::build_id_of(&r.body))
            });
            if let Some(id) = id {
                requests.push(ask_protected(client, target, &protected::Probe::next_data(path, id)));
            }
        }
        out.push(protected::ProtectedPath { path: path.clone(), requests });
    }
    out
}

fn ask_protected(client: &http::Client, target: &Target, probe: &protected::Probe) -> protected::ProtectedRequest {
    let mut url = target.url_of_app_path(&probe.path);
    let mut reply = client.get_page(&url, &probe.headers);
    if let Ok(r) = &reply {
        if r.status == 308 && r.location.as_deref().is_some_and(|l| Target::is_trailing_slash_redirect(&url, l)) {
            url = match url.split_once('?') {
                Some((p, q)) => format!("{p}/?{q}"),
                None => format!("{url}/"),
            };
            reply = client.get_page(&url, &probe.headers);
        }
    }
    protected::ProtectedRequest::new(probe, url, reply.as_ref())
}

/// D004 with `--project`: name the route handlers the repository has and their base paths.
fn add_route_hint(findings: &mut [findings::Finding], p: &ProjectSummary, target: &Target) {
    let Some(f) = findings.iter_mut().find(|f| f.code == Code::D004) else {
        return;
    };
    if p.route_handlers.is_empty() {
        f.fix.push_str(&format!(" The repository at {} has no `[...nextauth]` route under app/ or src/app/.", p.path));
        return;
    }
    let mut elsewhere = Vec::new();
    for dir in &p.route_handlers {
        let bp = project::base_path_of(std::path::Path::new(dir));
        if bp != target.base_path {
            elsewhere.push(format!("`{dir}` serves {bp}: try `--base-path {bp}`"));
        } else {
            f.fix.push_str(&format!(
                " The repository has `{dir}` at {bp}, but the deployment does not serve it: \
                 redeploy, and check that the build includes it."
            ));
        }
    }
    if !elsewhere.is_empty() {
        f.fix = format!("The repository's route handler {}. Otherwise: {}", elsewhere.join("; "), f.fix);
    }
}

#[cfg(test)]
mod tests;
