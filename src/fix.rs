//! `authfix fix`: scan, report every finding with a code frame, then the review flow.
use crate::cli::FixArgs;
use crate::project::{self, App};
use crate::review::{self, FileChange, BOLD, CYAN, DIM, GREEN, RED, YELLOW};
use authfix_transforms::edit::line_col;
use authfix_transforms::engine::{self, Decision, FixOptions, Status};
use authfix_transforms::{rules, Project, Severity};
use std::io::Write;
use std::path::PathBuf;

/// A code frame: the line before, the line, and a caret under the range.
pub fn code_frame(text: &str, start: usize, end: usize) -> String {
    let (line, col) = line_col(text, start);
    let lines: Vec<&str> = text.lines().collect();
    let width = (line + 1).to_string().len();
    let mut out = String::new();
    let first = line.saturating_sub(2).max(1);
    for n in first..=line {
        let l = lines.get(n - 1).copied().unwrap_or("");
        out.push_str(&format!("{DIM}{n:>width$} |{DIM:#} {}\n", l.trim_end_matches('\r')));
    }
    let l = lines.get(line - 1).copied().unwrap_or("");
    let seg_len = text[start..end.min(text.len())].lines().next().map_or(1, |s| s.chars().count()).max(1);
    let avail = l.chars().count().saturating_sub(col - 1).max(1);
    let lead: String = l.chars().take(col - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    out.push_str(&format!("{DIM}{:>width$} |{DIM:#} {lead}{RED}{}{RED:#}\n", "", "^".repeat(seg_len.min(avail))));
    out
}

/// 32 bytes from the OS CSPRNG, base64: the secret a fix may write into `.env.local`.
pub fn fresh_secret() -> String {
    use base64::Engine;
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).expect("the OS random number generator is unavailable");
    base64::engine::general_purpose::STANDARD.encode(buf)
}

fn build_project(app: &App) -> Project {
    let mut facts = app.facts.clone();
    facts.fresh_secret = Some(fresh_secret());
    let mut p = Project::new(facts);
    for (path, f) in &app.files {
        p.set_file(path.clone(), f.text.clone());
    }
    p
}

pub fn run(args: &FixArgs) -> i32 {
    let scan = match project::scan(&args.path) {
        Ok(s) => s,
        Err(e) => {
            anstream::eprintln!("authfix: {e:#}");
            return 2;
        }
    };
    if scan.apps.is_empty() {
        anstream::eprintln!("authfix: no Next.js app under {} (no package.json that depends on next)", args.path.display());
        return 2;
    }
    let root = args.path.canonicalize().unwrap_or(args.path.clone());
    let diff_only = args.review.diff;
    let mut out = anstream::stdout();
    let mut err = anstream::stderr();
    let rules = rules::all();
    let opts = FixOptions { unsafe_fixes: args.unsafe_fixes };
    let mut changes: Vec<FileChange> = Vec::new();
    let mut deletions: Vec<review::FileDeletion> = Vec::new();
    let mut problems = 0usize;
    let (mut n_err, mut n_warn, mut n_fixable, mut n_unsafe) = (0, 0, 0, 0);
    let mut apply_all = !args.review.interactive;
    let mut quit = false;
    for s in &scan.skipped {
        let _ = writeln!(err, "{YELLOW}skipped{YELLOW:#} {}: {}", s.path, s.reason);
        problems += 1;
    }
    for app in &scan.apps {
        if quit {
            break;
        }
        let project = build_project(app);
        let secrets = authfix_transforms::secrets::collect(&project);
        let m = |s: &str| authfix_transforms::secrets::mask(s, &secrets);
        let mut decide = |d: &authfix_transforms::Diagnostic, previews: &[engine::Preview]| -> Decision {
            if apply_all {
                return Decision::Apply;
            }
            let mut o = anstream::stdout();
            let fx = d.fix.as_ref().unwrap();
            let _ = writeln!(o, "\n{BOLD}{} {}{}{BOLD:#}: {}", d.code, app.prefix, d.file, fx.title);
            for p in previews {
                let c = FileChange { rel: PathBuf::from(format!("{}{}", app.prefix, p.file)), old: p.old.clone(), new: p.new.clone(), secrets: secrets.clone() };
                let _ = write!(o, "{}", review::coloured_diff(&c));
            }
            let choice = dialoguer::Select::new().with_prompt("Apply this fix?").items(&["yes", "no", "all", "quit"]).default(0).interact().unwrap_or(3);
            match choice {
                0 => Decision::Apply,
                1 => Decision::Skip,
                2 => {
                    apply_all = true;
                    Decision::Apply
                }
                _ => Decision::Quit,
            }
        };
        let (outcome, _) = engine::run(project, &rules, &opts, &mut decide);
        quit = outcome.quit;
        for (path, e) in &outcome.unparsable {
            let text = &app.files[path].text;
            let (l, c) = line_col(text, e.offset);
            let _ = writeln!(err, "{YELLOW}skipped{YELLOW:#} {}{path}: does not parse ({} at {l}:{c}); left untouched", app.prefix, e.message);
            problems += 1;
        }
        for f in &outcome.findings {
            let d = &f.diagnostic;
            match d.severity {
                Severity::Error => n_err += 1,
                Severity::Warning => n_warn += 1,
            }
            if diff_only {
                continue;
            }
            let text = &app.files[&d.file].text;
            let (l, c) = line_col(text, d.start);
            let sev = match d.severity {
                Severity::Error => format!("{RED}error{RED:#}"),
                Severity::Warning => format!("{YELLOW}warning{YELLOW:#}"),
            };
            let _ = writeln!(out, "{BOLD}{}{}:{l}:{c}{BOLD:#} {sev}[{BOLD}{}{BOLD:#}] {}", app.prefix, d.file, d.code, m(&d.message));
            let _ = write!(out, "{}", m(&code_frame(text, d.start, d.end)));
            let status = match &f.status {
                Status::Fixed => {
                    n_fixable += 1;
                    format!("{GREEN}fix{GREEN:#}: {}", d.fix.as_ref().map_or("applied with another fix".into(), |x| x.title.clone()))
                }
                Status::NeedsUnsafe => {
                    n_unsafe += 1;
                    format!("{YELLOW}unsafe fix{YELLOW:#} (run with --unsafe): {}", d.fix.as_ref().unwrap().title)
                }
                Status::NoFix => "no automatic fix".to_string(),
                Status::Skipped => "fix skipped".to_string(),
                Status::Dropped(r) => format!("{RED}fix dropped{RED:#}: {r}"),
                Status::Remaining => "not fixed".to_string(),
            };
            let _ = writeln!(out, "  {CYAN}={CYAN:#} {status}");
            if let Some(n) = &d.note {
                let _ = writeln!(out, "  {CYAN}={CYAN:#} note: {}", m(n));
            }
            let _ = writeln!(out);
        }
        for dr in &outcome.dropped {
            let _ = writeln!(err, "{RED}dropped{RED:#} {} fix in {}{}: {}", dr.code, app.prefix, dr.file, dr.reason);
        }
        if !outcome.converged {
            let _ = writeln!(err, "{RED}warning{RED:#}: fixes in {} did not settle after {} passes; please report this", app.prefix, engine::MAX_PASSES);
        }
        for (path, _) in outcome.deleted {
            let loaded = &app.files[&path];
            deletions.push(review::FileDeletion { rel: PathBuf::from(format!("{}{}", app.prefix, path)), old: String::from_utf8_lossy(&loaded.raw).into_owned(), secrets: secrets.clone() });
        }
        for (path, fr) in outcome.changed {
            let loaded = app.files.get(&path);
            let bom = if loaded.map_or(false, |f| f.bom) { "\u{feff}" } else { "" };
            changes.push(FileChange {
                rel: PathBuf::from(format!("{}{}", app.prefix, path)),
                old: loaded.map(|f| String::from_utf8_lossy(&f.raw).into_owned()),
                new: format!("{bom}{}", fr.new),
                secrets: secrets.clone(),
            });
        }
    }
    if !diff_only {
        let files: usize = scan.apps.iter().map(|a| a.files.len()).sum();
        let _ = writeln!(
            out,
            "{BOLD}Scanned {files} files in {} app(s): {n_err} error(s), {n_warn} warning(s); {n_fixable} fixable{}{BOLD:#}",
            scan.apps.len(),
            if n_unsafe > 0 { format!(", {n_unsafe} more with --unsafe") } else { String::new() }
        );
    }
    let code = review::review_and_apply_all(&root, changes, deletions, &args.review, "authfix fix");
    if problems > 0 {
        let _ = writeln!(err, "{problems} file(s) could not be read or parsed (see above)");
        return code.max(1);
    }
    code
}
