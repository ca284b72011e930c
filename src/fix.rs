//! `authfix fix` and `authfix check`.
use crate::analyze::{self, AppResult, Mode};
use crate::cli::{CheckArgs, FixArgs, OutputFormat, Selection};
use crate::config;
use crate::project::{self, App, Scan};
use crate::report::{self, Report};
use crate::review::{self, FileChange, BOLD};
use authfix_transforms::engine::{self, Choice, FixKey, FixOptions};
use authfix_transforms::Severity;
use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Scan PATH and resolve the rule selection; `Err(exit code)` after printing why.
fn prepare(path: &Path, selection: &Selection) -> Result<(Scan, config::Resolved, PathBuf), i32> {
    prepare_quiet(path, selection).map_err(|e| {
        crate::errln!("authfix: {e}");
        2
    })
}

/// [`prepare`] without printing: `Err` is the usage error's message (a bad `authfix.toml`, an
/// unknown rule, no Next.js app under PATH).
pub fn prepare_quiet(path: &Path, selection: &Selection) -> Result<(Scan, config::Resolved, PathBuf), String> {
    let (cfg, _) = config::load(path).map_err(|e| e.to_string())?;
    let resolved = config::resolve(&cfg, selection).map_err(|e| e.to_string())?;
    let scan = project::scan(path).map_err(|e| format!("{e:#}"))?;
    if scan.apps.is_empty() {
        return Err(format!("no Next.js app under {} (no package.json that depends on next)", path.display()));
    }
    let root = path.canonicalize().unwrap_or(path.to_path_buf());
    Ok((scan, resolved, root))
}

/// What `fix --yes` would write for PATH, computed without printing or prompting (the run's
/// secrets are registered with the output boundary, as for every run).
pub struct Plan {
    pub scan: Scan,
    pub results: Vec<AppResult>,
    pub root: PathBuf,
    pub changes: Vec<FileChange>,
    pub deletions: Vec<review::FileDeletion>,
}

impl Plan {
    pub fn report(&self) -> Report<'_> {
        Report { apps: &self.scan.apps, results: &self.results, skipped: &self.scan.skipped, check: false }
    }
}

pub fn plan(path: &Path, selection: &Selection, unsafe_fixes: bool) -> Result<Plan, String> {
    let (scan, resolved, root) = prepare_quiet(path, selection)?;
    let results = analyze::run(&scan, &resolved.rules, Mode::Fix(FixOptions { unsafe_fixes }), &resolved.severity);
    let (changes, deletions) = changes_of(&scan.apps, &results);
    Ok(Plan { scan, results, root, changes, deletions })
}

/// The findings of `check` for PATH as the JSON document of `--format json` (not yet masked:
/// the caller's output boundary masks), and whether an error-level finding or a skipped file
/// remains.
pub fn check_json(path: &Path, selection: &Selection) -> Result<(String, bool), String> {
    let (scan, resolved, _) = prepare_quiet(path, selection)?;
    let results = analyze::run(&scan, &resolved.rules, Mode::Check, &resolved.severity);
    let r = Report { apps: &scan.apps, results: &results, skipped: &scan.skipped, check: true };
    let errors = r.items().iter().any(|i| i.diag.severity == Severity::Error);
    Ok((report::json::render(&r), errors || !r.problems().is_empty()))
}

/// A progress line on terminals for runs that take more than a moment; nothing when piped.
fn progress(files: usize) -> indicatif::ProgressBar {
    let pb = indicatif::ProgressBar::hidden();
    if std::io::stderr().is_terminal() {
        let shown = pb.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(1500));
            if !shown.is_finished() {
                shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                shown.set_style(indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}").unwrap());
                shown.set_message(format!("checking {files} files"));
                shown.enable_steady_tick(std::time::Duration::from_millis(120));
            }
        });
    }
    pb
}

fn render(format: OutputFormat, r: &Report) -> String {
    match format {
        OutputFormat::Human => report::human::render(r),
        OutputFormat::Json => report::json::render(r),
        OutputFormat::Sarif => report::sarif::render(r),
        OutputFormat::Github => report::github::render(r),
    }
}

fn print_problems(r: &Report) {
    for (path, reason) in r.problems() {
        crate::errln!("{}skipped{} {path}: {reason}", review::YELLOW.render(), review::YELLOW.render_reset());
    }
}

pub fn check(args: &CheckArgs) -> i32 {
    let (scan, resolved, _) = match prepare(&args.path, &args.selection) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let pb = progress(scan.apps.iter().map(|a| a.file_count()).sum());
    let results = analyze::run(&scan, &resolved.rules, Mode::Check, &resolved.severity);
    pb.finish_and_clear();
    let r = Report { apps: &scan.apps, results: &results, skipped: &scan.skipped, check: true };
    let mut out = crate::output::stdout();
    let _ = out.write_all(render(args.format, &r).as_bytes());
    if args.format == OutputFormat::Human {
        print_problems(&r);
    }
    let errors = r.items().iter().any(|i| i.diag.severity == Severity::Error);
    if errors || !r.problems().is_empty() {
        1
    } else {
        0
    }
}

fn changes_of(apps: &[App], results: &[AppResult]) -> (Vec<FileChange>, Vec<review::FileDeletion>) {
    let mut changes = Vec::new();
    let mut deletions = Vec::new();
    for (app, r) in apps.iter().zip(results) {
        for path in r.outcome.deleted.keys() {
            let loaded = &r.files[path];
            deletions.push(review::FileDeletion { rel: PathBuf::from(display_path(app, path)), old: loaded.original() });
        }
        for (path, fr) in &r.outcome.changed {
            let loaded = r.files.get(path);
            let bom = if loaded.is_some_and(|f| f.bom) { "\u{feff}" } else { "" };
            changes.push(FileChange { rel: PathBuf::from(display_path(app, path)), old: loaded.map(|f| f.original()), new: format!("{bom}{}", fr.new) });
        }
    }
    (changes, deletions)
}

/// A file of `app` as a path relative to the scan root.
fn display_path(app: &App, path: &str) -> String {
    app.display(path)
}

/// `fix --interactive`: plan every app's fixes, ask about each applied fix (yes / no / all /
/// quit), then apply only the accepted ones on the same project (a copy with the same fresh
/// secret; nothing is rebuilt). Sequential: the prompts need the terminal.
fn interactive(scan: &Scan, resolved: &config::Resolved, opts: &FixOptions) -> Vec<AppResult> {
    let mut results = Vec::new();
    let mut apply_all = false;
    let mut quit = false;
    for app in &scan.apps {
        let loaded = scan.load(app, true);
        let project = analyze::build_project(&loaded);
        let (plan, _) = engine::run(project.clone(), &resolved.rules, opts, Choice::All);
        // Known before the first diff is shown.
        crate::output::register(&plan.secrets);
        if plan.applied.is_empty() {
            results.push(analyze::finish(plan, loaded, &resolved.severity));
            continue;
        }
        let mut chosen: HashSet<FixKey> = HashSet::new();
        for fx in &plan.applied {
            if quit {
                break;
            }
            if apply_all {
                chosen.insert(fx.key.clone());
                continue;
            }
            let d = &fx.diagnostic;
            let title = d.fix.as_ref().map_or("", |f| f.title.as_str());
            crate::outln!("\n{BOLD}{} {}{BOLD:#}: {title}", d.code, display_path(app, &d.file));
            for p in &fx.previews {
                let c = FileChange { rel: PathBuf::from(display_path(app, &p.file)), old: p.old.clone(), new: p.new.clone() };
                crate::out!("{}", review::coloured_diff(&c));
            }
            let choice = dialoguer::Select::new().with_prompt("Apply this fix?").items(["yes", "no", "all", "quit"]).default(0).interact().unwrap_or(3);
            match choice {
                0 => {
                    chosen.insert(fx.key.clone());
                }
                1 => {}
                2 => {
                    apply_all = true;
                    chosen.insert(fx.key.clone());
                }
                _ => quit = true,
            }
        }
        let outcome = if chosen.len() == plan.applied.len() { plan } else { engine::run(project, &resolved.rules, opts, Choice::Only(&chosen)).0 };
        results.push(analyze::finish(outcome, loaded, &resolved.severity));
        if quit {
            break;
        }
    }
    results
}

pub fn run(args: &FixArgs) -> i32 {
    if args.format != OutputFormat::Human && !args.review.dry_run {
        crate::errln!("authfix: --format {:?} goes with --dry-run (or use `authfix check --format …`)", args.format);
        return 2;
    }
    let (scan, resolved, root) = match prepare(&args.path, &args.selection) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let opts = FixOptions { unsafe_fixes: args.unsafe_fixes };
    let results = if args.review.interactive {
        interactive(&scan, &resolved, &opts)
    } else {
        let pb = progress(scan.apps.iter().map(|a| a.file_count()).sum());
        let r = analyze::run(&scan, &resolved.rules, Mode::Fix(opts), &resolved.severity);
        pb.finish_and_clear();
        r
    };
    let r = Report { apps: &scan.apps[..results.len()], results: &results, skipped: &scan.skipped, check: false };
    let (changes, deletions) = changes_of(&scan.apps, &results);
    let mut out = crate::output::stdout();
    for (app, res) in scan.apps.iter().zip(&results) {
        for dr in &res.outcome.dropped {
            crate::errln!("{}dropped{} {} fix in {}: {}", review::RED.render(), review::RED.render_reset(), dr.code, app.display(&dr.file), dr.reason);
        }
        if !res.outcome.converged {
            crate::errln!("warning: fixes in {} did not settle; please report this", if app.prefix.is_empty() { "." } else { &app.prefix });
        }
    }
    let code = if args.review.diff {
        review::review_and_apply_all(&root, changes, deletions, &args.review, "authfix fix")
    } else if args.format != OutputFormat::Human {
        // Machine output with --dry-run: the document only; the exit code still says whether changes are pending.
        let _ = out.write_all(render(args.format, &r).as_bytes());
        if changes.is_empty() && deletions.is_empty() {
            0
        } else {
            1
        }
    } else {
        let _ = out.write_all(report::human::render(&r).as_bytes());
        print_problems(&r);
        review::review_and_apply_all(&root, changes, deletions, &args.review, "authfix fix")
    };
    let problems = r.problems().len();
    if problems > 0 {
        return code.max(1);
    }
    code
}
