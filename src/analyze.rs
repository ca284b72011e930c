//! The shared pipeline of `fix` and `check`: scan, then run the rules on every app — in parallel
//! across apps (each app's project lives on one worker thread), with large stacks for deeply
//! nested code. Every secret an app's outcome names is registered with the output boundary
//! before anything is printed.
use crate::project::{App, Scan};
use authfix_transforms::engine::{self, Choice, FixOptions, Outcome};
use authfix_transforms::{Project, Rule, Severity};
use std::collections::BTreeMap;

pub struct AppResult {
    pub outcome: Outcome,
}

/// 32 bytes from the OS CSPRNG, base64: the secret a fix may write into `.env.local`.
pub fn fresh_secret() -> String {
    use base64::Engine;
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).expect("the OS random number generator is unavailable");
    base64::engine::general_purpose::STANDARD.encode(buf)
}

/// The rules' view of one app, with a fresh secret of its own. Build it once per app and clone
/// it (the clone keeps the same secret) when a second run over the same files is needed.
pub fn build_project(app: &App) -> Project {
    let mut facts = app.facts.clone();
    facts.fresh_secret = Some(fresh_secret());
    let mut p = Project::new(facts);
    for (path, f) in &app.files {
        p.set_file(path.clone(), f.text.clone());
    }
    for (path, text) in &app.library {
        if !app.files.contains_key(path) {
            p.set_library_file(path.clone(), text.clone());
        }
    }
    p
}

#[derive(Clone)]
pub enum Mode {
    /// Report only.
    Check,
    /// Fix everything applicable (the plan, when reviewing interactively).
    Fix(FixOptions),
}

/// Apply `[rules.severity]` overrides and register the outcome's secrets for masking.
pub fn finish(mut outcome: Outcome, severity: &BTreeMap<&'static str, Severity>) -> AppResult {
    for f in &mut outcome.findings {
        if let Some(s) = severity.get(f.diagnostic.code) {
            f.diagnostic.severity = *s;
        }
    }
    crate::output::register(&outcome.secrets);
    AppResult { outcome }
}

pub fn one(project: Project, rules: &[&'static dyn Rule], mode: &Mode, severity: &BTreeMap<&'static str, Severity>) -> AppResult {
    let outcome = match mode {
        Mode::Check => engine::findings(&project, rules),
        Mode::Fix(opts) => engine::run(project, rules, opts, Choice::All).0,
    };
    finish(outcome, severity)
}

/// Run the rules on every app of the scan; results are in the scan's app order.
pub fn run(scan: &Scan, rules: &[&'static dyn Rule], mode: Mode, severity: &BTreeMap<&'static str, Severity>) -> Vec<AppResult> {
    use rayon::prelude::*;
    let pool = rayon::ThreadPoolBuilder::new().stack_size(256 << 20).build().expect("thread pool");
    pool.install(|| scan.apps.par_iter().map(|app| one(build_project(app), rules, &mode, severity)).collect())
}
