//! The fixture format shared by the test harnesses (`tests/fixtures/<CODE>/*.txt`,
//! `tests/real_shapes/*.txt`): a small project written as one text file.
//!
//! `# key: value` header lines set the project facts, then each `--- path` line starts a file
//! (paths relative to the app root; files outside it take `../` prefixes, e.g.
//! `--- ../../.github/workflows/ci.yml` for a monorepo's git root).
//!
//! Fact headers: `auth: 4|5`, `next: 16.0.0`, `alias: @/ -> src/`, `typescript: false`,
//! `src_dir: true`, `unsafe: true` (apply unsafe fixes), `tracked: .env, .github/workflows/ci.yml`
//! (files git tracks; without it the project is not in a git work tree), `ignored: .env.local`
//! (env files git ignores, by any `.gitignore`; without it the rules read the `.gitignore` files
//! given), `app_path: apps/web` (the app's folder below the git or workspace root).
//! Without `auth`/`next` headers the versions are read as the CLI reads them, from the fixture's
//! `package.json` and lockfiles (the app's own, or one above it: `--- ../../pnpm-lock.yaml`).
//! (env files git ignores, by any `.gitignore`; without it the rules read the app's `.gitignore`).
//! `version: next-auth 5.0.0-beta.31` (repeatable) sets a resolved package version: an exact
//! version is what a lockfile resolved; a range (`version: next-auth ^4.24.5`) is package.json only
//! (its floor, not from a lockfile), as is an exact version marked `(package.json)`.
//! `lockfile: ../../pnpm-lock.yaml` names the lockfile read.
//! Without `next:`/`auth:` headers, `version:` lines for `next`/`next-auth` set those facts too.
//! A harness may accept more headers (`extra`); they are collected in order, repeats kept.
#![allow(dead_code)] // each test binary uses its own part of this module

use authfix_transforms::engine::{self, Choice, FixOptions};
use authfix_transforms::{Alias, Project, ProjectFacts, Rule};
use std::fmt::Write;

/// The "fresh secret" every fixture's project is given (the CLI passes one from the OS CSPRNG).
pub const FRESH_SECRET: &str = "FRESH-TEST-SECRET-b64-0123456789abcdef";

pub struct Fixture {
    pub facts: ProjectFacts,
    pub unsafe_fixes: bool,
    pub files: Vec<(String, String)>,
    /// Headers the harness asked for (`extra`), in file order: `(key, value)`.
    pub extra: Vec<(String, String)>,
}

impl Fixture {
    /// Every value of header `key`, in order.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.extra.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect()
    }

    /// The single value of header `key`; panics when it is given more than once.
    pub fn one(&self, key: &str) -> Option<&str> {
        let v = self.all(key);
        assert!(v.len() <= 1, "header `{key}` given {} times", v.len());
        v.first().copied()
    }
}

fn list(v: &str) -> Vec<String> {
    v.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect()
}

/// Parse a fixture. Headers other than the fact headers above must be listed in `extra`.
pub fn load(text: &str, extra: &[&str]) -> Fixture {
    let mut facts = ProjectFacts { typescript: true, fresh_secret: Some(FRESH_SECRET.into()), ..Default::default() };
    let mut unsafe_fixes = false;
    let mut files: Vec<(String, String)> = Vec::new();
    let mut extras = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("--- ") {
            files.push((path.trim().to_string(), String::new()));
        } else if let Some((_, body)) = files.last_mut() {
            body.push_str(line);
        } else if let Some(h) = line.strip_prefix("# ") {
            let (k, v) = h.split_once(':').unwrap_or_else(|| panic!("header `# key: value` expected, got `{}`", line.trim_end()));
            let (k, v) = (k.trim(), v.trim());
            match k {
                "auth" => facts.auth_major = Some(v.parse().expect("auth: 4 or 5")),
                "next" => {
                    let p: Vec<u32> = v.split('.').map(|x| x.parse().expect("next: major.minor.patch")).collect();
                    assert_eq!(p.len(), 3, "next: major.minor.patch");
                    facts.next_version = Some((p[0], p[1], p[2]));
                }
                "alias" => {
                    let (prefix, target) = v.split_once("->").expect("alias: PREFIX -> TARGET");
                    facts.alias = Some(Alias { prefix: prefix.trim().into(), target: target.trim().into() });
                }
                "typescript" => facts.typescript = v == "true",
                "src_dir" => facts.src_dir = v == "true",
                "unsafe" => unsafe_fixes = v == "true",
                "tracked" => facts.git_tracked = Some(list(v)),
                "ignored" => facts.git_ignored = Some(list(v)),
                // The app's folder below the git/workspace root, so `.gitignore` patterns of the
                // `../` folders can be placed (`/apps/*/.env.local`).
                "app_path" => facts.app_path = v.to_string(),
                "version" => {
                    use authfix_transforms::versions::{exact, range_floor, ResolvedVersion};
                    let (name, ver) = v.split_once(' ').expect("version: NAME VERSION-OR-RANGE");
                    let (ver, pkg_only) = match ver.trim().strip_suffix("(package.json)") {
                        Some(r) => (r.trim(), true),
                        None => (ver.trim(), false),
                    };
                    let resolved = match exact(ver) {
                        Some(version) => ResolvedVersion { version, from_lockfile: !pkg_only },
                        None => ResolvedVersion { version: range_floor(ver).expect("version: a version or a range"), from_lockfile: false },
                    };
                    facts.versions.packages.insert(name.to_string(), resolved);
                }
                "lockfile" => facts.versions.lockfile = Some(v.to_string()),
                other if extra.contains(&other) => extras.push((other.to_string(), v.to_string())),
                other => panic!("unknown header `{other}`"),
            }
        } else {
            assert!(line.trim().is_empty(), "text before the first `--- path` that is not a `# key: value` header: `{}`", line.trim_end());
        }
    }
    if facts.next_version.is_none() {
        if let Some(r) = facts.versions.get("next") {
            let v = &r.version;
            facts.next_version = Some((v.major() as u32, v.minor() as u32, v.patch() as u32));
        }
    }
    if facts.auth_major.is_none() {
        facts.auth_major = facts.versions.get("next-auth").and_then(|r| u8::try_from(r.version.major()).ok());
    }
    let mut seen = std::collections::HashSet::new();
    for (p, _) in &files {
        assert!(seen.insert(p.as_str()), "file `{p}` given twice");
    }
    // Without `auth`/`next` headers, the versions come as the CLI reads them: the app's
    // package.json range, overridden by its lockfile or the nearest one above it (`../`).
    if let Some(pkg) = files.iter().find(|(p, _)| p == "package.json").and_then(|(_, t)| serde_json::from_str::<serde_json::Value>(t).ok()) {
        use authfix_transforms::lockfile;
        let read = |k: &str| files.iter().find(|(p, _)| p == k).map(|(_, t)| t.clone());
        let max_up = files.iter().map(|(p, _)| authfix_transforms::project::levels_up(p)).max().unwrap_or(0);
        if facts.auth_major.is_none() {
            facts.auth_major =
                lockfile::version_of(read, &facts.app_path, max_up, &pkg, "next-auth").and_then(|v| lockfile::major_of(&v)).and_then(|m| u8::try_from(m).ok());
        }
        if facts.next_version.is_none() {
            facts.next_version = lockfile::version_of(read, &facts.app_path, max_up, &pkg, "next").and_then(|v| lockfile::parse_version(&v));
        }
    }
    Fixture { facts, unsafe_fixes, files, extra: extras }
}

/// The fixture as a project, optionally with every file's line endings turned into CRLF.
pub fn project(f: &Fixture, crlf: bool) -> Project {
    let mut p = Project::new(f.facts.clone());
    for (path, text) in &f.files {
        let t = if crlf { text.replace('\n', "\r\n") } else { text.clone() };
        p.set_file(path.clone(), t);
    }
    p
}

pub fn run(f: &Fixture, rules: &[&dyn Rule], crlf: bool) -> (engine::Outcome, Project) {
    let opts = FixOptions { unsafe_fixes: f.unsafe_fixes };
    engine::run(project(f, crlf), rules, &opts, Choice::All)
}

/// The report as the CLI shows it: secrets masked everywhere (with the outcome's own list).
pub fn render(outcome: &engine::Outcome, original: &Project) -> String {
    let masked = authfix_transforms::secrets::mask(&render_raw(outcome, original), &outcome.secrets);
    assert!(!masked.contains(FRESH_SECRET), "the fresh secret leaked into the report");
    masked
}

fn render_raw(outcome: &engine::Outcome, original: &Project) -> String {
    let mut s = String::new();
    for finding in &outcome.findings {
        let d = &finding.diagnostic;
        let text = original.text(&d.file).unwrap_or("");
        let (line, col) = authfix_transforms::edit::line_col(text, d.start);
        writeln!(s, "{} [{}] {}:{}:{} {}", d.code, d.severity.as_str(), d.file, line, col, d.message).unwrap();
        writeln!(s, "  | {}", text.get(d.start..d.end).unwrap_or("").lines().next().unwrap_or("")).unwrap();
        if let Some(n) = &d.note {
            writeln!(s, "  note: {n}").unwrap();
        }
        if let Some(fx) = &d.fix {
            writeln!(s, "  fix ({}): {}", fx.applicability.as_str(), fx.title).unwrap();
        }
        writeln!(s, "  status: {:?}", finding.status).unwrap();
    }
    for dr in &outcome.dropped {
        writeln!(s, "dropped {} {}: {}", dr.code, dr.file, dr.reason).unwrap();
    }
    for (path, old) in &outcome.deleted {
        let diff = similar::TextDiff::from_lines(old.as_str(), "");
        write!(s, "{}", diff.unified_diff().context_radius(3).header(&format!("a/{path}"), "/dev/null")).unwrap();
    }
    for (path, fr) in &outcome.changed {
        let old = fr.original.as_deref().unwrap_or("");
        let from = if fr.original.is_some() { format!("a/{path}") } else { "/dev/null".into() };
        let diff = similar::TextDiff::from_lines(old, &fr.new);
        write!(s, "{}", diff.unified_diff().context_radius(3).header(&from, &format!("b/{path}"))).unwrap();
    }
    s
}
