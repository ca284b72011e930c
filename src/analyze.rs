//! The shared pipeline of `fix` and `check`: scan, then run the rules on every app — in parallel
//! across apps (each app's project lives on one worker thread), with large stacks for deeply
//! nested code.
use crate::project::{App, Scan};
use authfix_transforms::engine::{self, Decision, FixOptions, Outcome, Preview};
use authfix_transforms::{Diagnostic, Project, Rule, Severity};
use std::collections::BTreeMap;

pub struct AppResult {
    pub outcome: Outcome,
    /// Secret values to mask in everything shown for this app.
    pub secrets: Vec<String>,
}

/// 32 bytes from the OS CSPRNG, base64: the secret a fix may write into `.env.local`.
pub fn fresh_secret() -> String {
    use base64::Engine;
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).expect("the OS random number generator is unavailable");
    base64::engine::general_purpose::STANDARD.encode(buf)
}

pub fn build_project(app: &App) -> Project {
    let mut facts = app.facts.clone();
    facts.fresh_secret = Some(fresh_secret());
    let mut p = Project::new(facts);
    for (path, f) in &app.files {
        p.set_file(path.clone(), f.text.clone());
    }
    p
}

pub enum Mode<'a> {
    /// Report only.
    Check,
    /// Fix everything applicable.
    FixAll(FixOptions),
    /// Fix, asking before each fix (sequential).
    Interactive(FixOptions, &'a mut dyn FnMut(&App, &Diagnostic, &[Preview]) -> Decision),
}

fn one(app: &App, rules: &[&'static dyn Rule], mode: &mut Mode, severity: &BTreeMap<&'static str, Severity>) -> AppResult {
    let project = build_project(app);
    let secrets = authfix_transforms::secrets::collect(&project);
    let mut outcome = match mode {
        Mode::Check => engine::findings(&project, rules),
        Mode::FixAll(opts) => engine::run(project, rules, opts, &mut |_, _| Decision::Apply).0,
        Mode::Interactive(opts, decide) => {
            let opts = opts.clone();
            engine::run(project, rules, &opts, &mut |d, p| decide(app, d, p)).0
        }
    };
    for f in &mut outcome.findings {
        if let Some(s) = severity.get(f.diagnostic.code) {
            f.diagnostic.severity = *s;
        }
    }
    AppResult { outcome, secrets }
}

/// Run the rules on every app of the scan; results are in the scan's app order.
pub fn run(scan: &Scan, rules: &[&'static dyn Rule], mut mode: Mode, severity: &BTreeMap<&'static str, Severity>) -> Vec<AppResult> {
    let pool = rayon::ThreadPoolBuilder::new().stack_size(256 << 20).build().expect("thread pool");
    match &mut mode {
        Mode::Interactive(..) => {
            let mut out = Vec::new();
            for app in &scan.apps {
                // On the calling thread (it has a large stack): the prompts need the terminal.
                let r = one(app, rules, &mut mode, severity);
                let quit = r.outcome.quit;
                out.push(r);
                if quit {
                    break;
                }
            }
            out
        }
        _ => {
            use rayon::prelude::*;
            let opts = match &mode {
                Mode::FixAll(o) => Some(o.clone()),
                _ => None,
            };
            pool.install(|| {
                scan.apps
                    .par_iter()
                    .map(|app| {
                        let mut m = match &opts {
                            Some(o) => Mode::FixAll(o.clone()),
                            None => Mode::Check,
                        };
                        one(app, rules, &mut m, severity)
                    })
                    .collect()
            })
        }
    }
}
