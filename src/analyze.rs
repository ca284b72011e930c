//! The shared pipeline of `fix` and `check`: scan, then run the rules on every app — in parallel
//! across apps (each app is read, analysed and let go on one worker thread, so memory holds about
//! one app per thread whatever the size of the tree), with large stacks for deeply nested code.
//! Every secret an app's outcome names is registered with the output boundary before anything is
//! printed.
use crate::project::{Loaded, LoadedFile, Scan, Skipped};
use authfix_transforms::engine::{self, Choice, FixOptions, Outcome};
use authfix_transforms::{Project, Rule, Severity};
use std::collections::BTreeMap;

pub struct AppResult {
    pub outcome: Outcome,
    /// The files output needs, as read (BOM flag included): those with findings or parse errors
    /// (code frames, line numbers) and those the fixes change or delete (diffs, and the check
    /// that nothing changed on disk before writing). The app's other texts are let go.
    pub files: BTreeMap<String, LoadedFile>,
    /// How many files the rules saw.
    pub scanned: usize,
    /// Sources that could not be read.
    pub skipped: Vec<Skipped>,
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
pub fn build_project(loaded: &Loaded) -> Project {
    let mut facts = loaded.app.facts.clone();
    facts.fresh_secret = Some(fresh_secret());
    facts.workspace_packages = loaded.links.clone();
    let mut p = Project::new(facts);
    // Git may still be answering: the rules that do not ask it run meanwhile.
    let git = loaded.git.clone();
    p.git_later(move || {
        let g = git.answer();
        authfix_transforms::project::GitAnswer { tracked: g.tracked, ignored: g.ignored }
    });
    p.share_derived(loaded.derived.clone());
    for (path, f) in &loaded.files {
        p.set_file(path.clone(), f.text.clone());
    }
    for (path, text) in &loaded.library {
        if !loaded.files.contains_key(path) {
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

/// Apply `[rules.severity]` overrides, register the outcome's secrets for masking, and keep of
/// the app's files only those output needs (`loaded` is let go).
pub fn finish(mut outcome: Outcome, loaded: Loaded, severity: &BTreeMap<&'static str, Severity>) -> AppResult {
    for f in &mut outcome.findings {
        if let Some(s) = severity.get(f.diagnostic.code) {
            f.diagnostic.severity = *s;
        }
    }
    crate::output::register(&outcome.secrets);
    // The previews were for the interactive review, which is over once an outcome is final.
    for a in &mut outcome.applied {
        a.previews = Vec::new();
    }
    let Loaded { mut files, skipped, .. } = loaded;
    let scanned = files.len();
    let needed: std::collections::BTreeSet<&str> = outcome
        .findings
        .iter()
        .map(|f| f.diagnostic.file.as_str())
        .chain(outcome.unparsable.iter().map(|(p, _)| p.as_str()))
        .chain(outcome.changed.keys().map(String::as_str))
        .chain(outcome.deleted.keys().map(String::as_str))
        .collect();
    files.retain(|k, _| needed.contains(k.as_str()));
    AppResult { outcome, files, scanned, skipped }
}

pub fn one(loaded: Loaded, rules: &[&'static dyn Rule], mode: &Mode, severity: &BTreeMap<&'static str, Severity>) -> AppResult {
    let project = build_project(&loaded);
    let outcome = match mode {
        Mode::Check => engine::findings(&project, rules),
        Mode::Fix(opts) => engine::run(project, rules, opts, Choice::All).0,
    };
    finish(outcome, loaded, severity)
}

/// The run's worker pool, with large stacks for deeply nested code: built once and shared by the
/// scan and every analysis of the process (an MCP server runs many), so its threads and their
/// allocator heaps are made once.
pub fn pool() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| rayon::ThreadPoolBuilder::new().stack_size(256 << 20).build().expect("thread pool"))
}

/// Run the rules on every app of the scan; results are in the scan's app order. Each app is read
/// on the worker that analyses it and let go when it is done.
pub fn run(scan: &Scan, rules: &[&'static dyn Rule], mode: Mode, severity: &BTreeMap<&'static str, Severity>) -> Vec<AppResult> {
    use rayon::prelude::*;
    let pool = pool();
    let threads = pool.current_num_threads();
    let started = std::sync::atomic::AtomicUsize::new(0);
    pool.install(|| {
        scan.apps
            .par_iter()
            .map(|app| {
                // The last apps to start (all of them when there are fewer apps than threads) are
                // read in parallel: no app is left for a worker that runs out of work to take, so
                // it helps read them instead of waiting. Before that each app is read by its own
                // worker alone, so memory holds about one app per thread.
                let n = started.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                let parallel_reads = scan.apps.len() - n.min(scan.apps.len()) < threads;
                one(scan.load(app, parallel_reads), rules, &mode, severity)
            })
            .collect()
    })
}
