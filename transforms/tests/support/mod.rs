//! The fixture format shared by the test harnesses: a small project in one text file.
//!
//! `# key: value` header lines set the project facts, then each `--- path` line starts a file.
//! Headers: `auth: 4|5`, `next: 16.0.0`, `alias: @/ -> src/`, `typescript: false`,
//! `src_dir: true`, `unsafe: true` (apply unsafe fixes), `tracked: .env, .github/workflows/ci.yml`
//! (files git tracks; without it the project is not in a git work tree), `ignored: .env.local`
//! (env files git ignores), `rules: C001, A001` (run these rules with the case's own).
#![allow(dead_code)]
use authfix_transforms::engine::{self, Choice, FixOptions};
use authfix_transforms::{Alias, Project, ProjectFacts, Rule};
use std::fmt::Write;

/// The "fresh secret" every fixture's project is given (the CLI passes one from the OS CSPRNG).
pub const FRESH_SECRET: &str = "FRESH-TEST-SECRET-b64-0123456789abcdef";

pub struct Fixture {
    pub facts: ProjectFacts,
    pub unsafe_fixes: bool,
    /// Extra rules to run beside the case's own (codes).
    pub with_rules: Vec<String>,
    /// Other headers, for harnesses that define their own (`expect`, `shape`…), in order.
    pub extra: Vec<(String, String)>,
    pub files: Vec<(String, String)>,
}

fn csv(v: &str) -> Vec<String> {
    v.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect()
}

pub fn load(text: &str) -> Fixture {
    let mut facts = ProjectFacts { typescript: true, fresh_secret: Some(FRESH_SECRET.into()), ..Default::default() };
    let mut f = Fixture { facts: ProjectFacts::default(), unsafe_fixes: false, with_rules: vec![], extra: vec![], files: vec![] };
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("--- ") {
            f.files.push((path.trim().to_string(), String::new()));
        } else if let Some((_, body)) = f.files.last_mut() {
            body.push_str(line);
        } else if let Some(h) = line.strip_prefix("# ") {
            let (k, v) = h.split_once(':').expect("header `# key: value`");
            let v = v.trim();
            match k.trim() {
                "auth" => facts.auth_major = Some(v.parse().unwrap()),
                "next" => {
                    let p: Vec<u32> = v.split('.').map(|x| x.parse().unwrap()).collect();
                    facts.next_version = Some((p[0], p[1], p[2]));
                }
                "alias" => {
                    let (prefix, target) = v.split_once("->").unwrap();
                    facts.alias = Some(Alias { prefix: prefix.trim().into(), target: target.trim().into() });
                }
                "typescript" => facts.typescript = v == "true",
                "src_dir" => facts.src_dir = v == "true",
                "unsafe" => f.unsafe_fixes = v == "true",
                "tracked" => facts.git_tracked = Some(csv(v)),
                "ignored" => facts.git_ignored = Some(csv(v)),
                "rules" => f.with_rules = csv(v),
                other => f.extra.push((other.to_string(), v.to_string())),
            }
        }
    }
    f.facts = facts;
    f
}

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
