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

/// Every app's changed and deleted files, as paths relative to the scan root. A file above several
/// apps (a monorepo's root `.gitignore` or workflow) that more than one app fixes is one change:
/// the same new text once, different ones merged line by line against the original they share;
/// an app's change that overlaps another's is left for the next run, with a note.
fn changes_of(apps: &[App], results: &[AppResult]) -> (Vec<FileChange>, Vec<review::FileDeletion>) {
    let mut changes: Vec<FileChange> = Vec::new();
    let mut deletions: Vec<review::FileDeletion> = Vec::new();
    for (app, r) in apps.iter().zip(results) {
        for path in r.outcome.deleted.keys() {
            let rel = PathBuf::from(display_path(app, path));
            if !deletions.iter().any(|d| d.rel == rel) {
                deletions.push(review::FileDeletion { rel, old: r.files[path].original() });
            }
        }
        for (path, fr) in &r.outcome.changed {
            let loaded = r.files.get(path);
            let bom = if loaded.is_some_and(|f| f.bom) { "\u{feff}" } else { "" };
            let change = FileChange { rel: PathBuf::from(display_path(app, path)), old: loaded.map(|f| f.original()), new: format!("{bom}{}", fr.new) };
            match changes.iter_mut().find(|c| c.rel == change.rel) {
                None => changes.push(change),
                Some(seen) => {
                    if let Err(why) = merge_change(seen, &change) {
                        crate::errln!(
                            "{}left for the next run{}: a change to {} from {}: {why}",
                            review::RED.render(),
                            review::RED.render_reset(),
                            change.rel.display(),
                            if app.prefix.is_empty() { "." } else { &app.prefix }
                        );
                    }
                }
            }
        }
    }
    (changes, deletions)
}

/// Fold `other` (another app's change to the same file) into `seen`.
fn merge_change(seen: &mut FileChange, other: &FileChange) -> Result<(), &'static str> {
    if seen.new == other.new {
        return Ok(());
    }
    let (Some(old), Some(other_old)) = (&seen.old, &other.old) else { return Err("both apps create the file with different contents") };
    if old != other_old {
        return Err("the apps read different versions of the file");
    }
    match diffy::merge(old, &seen.new, &other.new) {
        Ok(merged) => {
            seen.new = merged;
            Ok(())
        }
        Err(_) => Err("it overlaps another app's change to the same lines; run `authfix fix` again"),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn change(old: Option<&str>, new: &str) -> FileChange {
        FileChange { rel: PathBuf::from(".gitignore"), old: old.map(str::to_string), new: new.to_string() }
    }

    #[test]
    fn two_apps_changes_to_one_file_are_merged() {
        let old = "node_modules\n.env\n\n# build\n.next\n";
        // The same change twice: once.
        let mut seen = change(Some(old), "node_modules\n.env\n.env*.local\n\n# build\n.next\n");
        let same = seen.clone();
        assert_eq!(merge_change(&mut seen, &same), Ok(()));
        assert_eq!(seen.new, "node_modules\n.env\n.env*.local\n\n# build\n.next\n");
        // Changes to different lines: both kept.
        assert_eq!(merge_change(&mut seen, &change(Some(old), "node_modules\n.env\n\n# build\n.next\nout\n")), Ok(()));
        assert_eq!(seen.new, "node_modules\n.env\n.env*.local\n\n# build\n.next\nout\n");
        // Changes to the same line: the first kept, the other refused (left for the next run).
        let before = seen.new.clone();
        assert!(merge_change(&mut seen, &change(Some(old), "node_modules\n.env.production\n\n# build\n.next\n")).is_err());
        assert_eq!(seen.new, before);
        // Two different new files: refused.
        let mut created = change(None, "a\n");
        assert!(merge_change(&mut created, &change(None, "b\n")).is_err());
        assert_eq!(created.new, "a\n");
    }
}
